// Event-driven Filippov integration through the kinks of a ReLU network's gradient flow, in the manner of
// Piiroinen & Kuznetsov (ACM TOMS 34(3), 2008). Between switches each unit's mode is frozen (kinks.ts), so a step
// integrates a smooth field. After each accepted step the driver asks `filippov_locate` whether a switch happened
// inside it: a unit whose pre-activation z left its side (a sign change between the step's ends: the units that
// can cross within a step), or a sliding unit whose weight σ left [0, 1]. Each is located — z on the dense output
// with one-sample forwards, σ with evaluations of the sliding field — and the step is cut at the earliest.
// `filippov_switch` then decides at that point: a unit reaching z = 0 slides when the fields on both sides point
// into the surface (its weight in the joint sliding system lies in (0, 1) with ∂ż/∂σ < 0), else it crosses; a
// sliding unit whose σ reaches 1 (0) leaves to the positive (zero) side. Works in both clocks: t, and σ = log s.
import { brent } from "../integrate/events";
import { DenseEval } from "../integrate/system";
import { sample_preact, sample_normal } from "../models/sample";
import { word, op_at, op_input, op_mode_offset, op_width, OP_RELU } from "../models/program";
import {
  kslot, kptr, kset, sget, sput, sliding_slot, slide_add, slide_remove, program_ops, kinks_reset_from_forward, decode,
  dOp, dLocal, dSample, dUnit, KK_LAZY, KK_GEN, KK_LAZY_SWITCHES, KK_EXTRA, KK_NEXTRA, KK_NORMALS, KK_LAST_SWITCH, KK_FORCED,
  KK_NFORCED, KK_FORCED_TOTAL, KK_RECENT, KK_RECENT_N, RECENT_CAP, KK_SNAP_OUT, KK_SNAP_OUT_CAP, KK_SNAP_EV, KK_SNAP_EV_CAP, KK_CAP,
  KK_ENABLED, KK_MODES_F, KK_MODES_B, KK_NSLIDE, KK_CAND, KK_NCAND, KK_CROSSINGS, KK_ENTRIES, KK_EXITS, KK_LOG, KK_LOG_CAP, KK_LOG_N,
  KK_FAIL, KK_EVALS, KK_THETA, KK_SAMPLE, KK_CAPOUT, KINK_FAIL_CAPACITY, CAND_CAP, LOG_REC,
  S_UNIT, S_SIGMA, S_SIGMA_ACC, S_LOG, S_TENTATIVE, S_PREV, S_U,
} from "./kinks";
import { gf_loss, gf_grad_log_loss, GF_KINKS, GF_PROG, GF_X, GF_N, GF_M, GF_VALID } from "./gradflow";
import { RHS_GF_TIME } from "./kinds";

// @ts-ignore: decorator
@inline function gslot(p: usize, k: i32): f64 {
  return load<f64>(p + (<usize>k << 3));
}
// @ts-ignore: decorator
@inline function gptr(p: usize, k: i32): usize {
  return <usize>load<f64>(p + (<usize>k << 3));
}

/** Starts following the kinks from θ: every unit's mode from the sign of its pre-activation, nothing sliding. */
export function filippov_reset(p: usize, theta: usize): void {
  const kb = gptr(p, GF_KINKS);
  kset(kb, KK_ENABLED, 0.0);
  store<f64>(p + (<usize>GF_VALID << 3), 0.0);
  gf_loss(p, theta);
  kinks_reset_from_forward(kb, gptr(p, GF_PROG), <i32>gslot(p, GF_N));
  kset(kb, KK_ENABLED, 1.0);
  store<f64>(p + (<usize>GF_VALID << 3), 0.0);
}

/**
 * Records the sliding units at output (which = 0) or event root (1) number `index`, state y: an evaluation there gives
 * their weights. Snapshot layout: [count, unit, σ, unit, σ, …], 1 + 2·cap f64s per record.
 */
export function filippov_snapshot(p: usize, which: i32, index: i32, y: usize, grad: usize): void {
  const kb = gptr(p, GF_KINKS);
  const buf = kptr(kb, which == 0 ? KK_SNAP_OUT : KK_SNAP_EV), cap = <i32>kslot(kb, which == 0 ? KK_SNAP_OUT_CAP : KK_SNAP_EV_CAP);
  if (buf == 0 || index >= cap) return;
  store<f64>(p + (<usize>GF_VALID << 3), 0.0);
  gf_grad_log_loss(p, y, grad);
  kset(kb, KK_EVALS, kslot(kb, KK_EVALS) + 1.0);
  const ns = <i32>kslot(kb, KK_NSLIDE);
  const rec = buf + (<usize>(index * (1 + 2 * <i32>kslot(kb, KK_CAP))) << 3);
  store<f64>(rec, <f64>ns);
  for (let s = 0; s < ns; s++) {
    store<f64>(rec + (<usize>(1 + 2 * s) << 3), sget(kb, s, S_UNIT));
    store<f64>(rec + (<usize>(2 + 2 * s) << 3), min<f64>(1.0, max<f64>(0.0, sget(kb, s, S_SIGMA))));
  }
  store<f64>(p + (<usize>GF_VALID << 3), 0.0);
}

/** Whether the problem block p follows kinks. */
export function filippov_enabled(p: usize): bool {
  const kb = gptr(p, GF_KINKS);
  return kb != 0 && kslot(kb, KK_ENABLED) != 0.0;
}

// The root being located (module state): the problem, the step's dense output, the unit or slot, a bound.
let lP: usize = 0;
let lKb: usize = 0;
let lDense: DenseEval = noDense;
let lSample: i32 = 0;
let lOp: i32 = 0;
let lK: i32 = 0;
let lSlot: i32 = 0;
let lBound: f64 = 0.0;
let lGrad: usize = 0;
function noDense(_t: f64, _out: usize): void {}

/** z of the unit being located at the dense-output state of time τ. */
function zAt(tau: f64): f64 {
  const th = kptr(lKb, KK_THETA);
  lDense(tau, th);
  const prog = gptr(lP, GF_PROG), n = <i32>gslot(lP, GF_N);
  const dIn = word(prog, 2);
  const x = gptr(lP, GF_X) + (<usize>(lSample * dIn) << 3);
  return sample_preact(prog, th, x, lSample, n, lOp, lK, kptr(lKb, KK_MODES_F), kptr(lKb, KK_SAMPLE));
}

/** σ − bound of the sliding slot being located, at the dense-output state of time τ (one field evaluation). */
function sigmaAt(tau: f64): f64 {
  const th = kptr(lKb, KK_THETA);
  lDense(tau, th);
  store<f64>(lP + (<usize>GF_VALID << 3), 0.0);
  gf_grad_log_loss(lP, th, lGrad);
  kset(lKb, KK_EVALS, kslot(lKb, KK_EVALS) + 1.0);
  return sget(lKb, lSlot, S_SIGMA) - lBound;
}

/** Pre-activations within this fraction of the layer's largest |z| count as at their kink. */
const Z_ROUNDING: f64 = 1e-13;

/** Samples of the dense output scanned for a unit that starts a step at its kink. */
const SCAN: i32 = 16;

/**
 * The crossing of a unit that starts the step at its kink (z(t) = 0 up to rounding, or just past it): z may first
 * move to its mode's side and come back (a grazing start), so the step is scanned for the first excursion to the
 * mode's side and the root located where it ends; no excursion: the unit switches at once (root t).
 */
function lastCrossing(t: f64, tnew: f64, on: bool, zb: f64): f64 {
  // the first sample on the mode's side, then the first after it back on the far side (tnew at the latest)
  let a = t, fa: f64 = 0.0, s = 1;
  for (; s < SCAN; s++) {
    const tau = t + (tnew - t) * (<f64>s / <f64>SCAN);
    const z = zAt(tau);
    if (on ? z > 0.0 : z < 0.0) {
      a = tau; fa = z;
      break;
    }
  }
  if (s == SCAN) return t;
  let b = tnew, fb = zb;
  for (s++; s < SCAN; s++) {
    const tau = t + (tnew - t) * (<f64>s / <f64>SCAN);
    const z = zAt(tau);
    if (on ? z <= 0.0 : z >= 0.0) {
      b = tau; fb = z;
      break;
    }
  }
  return brent(a, b, fa, fb, 0.0, zAt);
}

/** Appends a candidate; false when the list is full. */
function addCandidate(kb: usize, id: i32, root: f64, info: f64): bool {
  const nc = <i32>kslot(kb, KK_NCAND);
  if (nc >= CAND_CAP) return false;
  const c = kptr(kb, KK_CAND) + (<usize>(nc * 3) << 3);
  store<f64>(c, <f64>id);
  store<f64>(c, root, 8);
  store<f64>(c, info, 16);
  kset(kb, KK_NCAND, <f64>(nc + 1));
  return true;
}

/** Steps after a lazy switch during which the same unit is switched exactly (so that a unit drawn into sliding
 *  zig-zagging across its kink is caught, located and slides). */
const LAZY_COOLDOWN: f64 = 8.0;

/**
 * After an accepted step from t to tnew (state ynew, dense output `dense`, error norm en under rtol/atol, `grad` m
 * f64s of scratch): the time of the earliest switch inside the step to cut it at (its candidates are kept for
 * filippov_switch), NaN for none, or +Infinity when the step's crossings were applied at tnew itself: when every
 * switch is a plain crossing of a unit not switched lazily in the last steps, and the error of switching late,
 * Σ_l (tnew − t_l)·ΔF_l (ΔF_l = ∓c·β_l·n_l, the jump of the field at unit l's kink), fits in the step's error
 * budget 1 − en. Crossings are then as cheap as smooth steps: a large network crosses thousands of kinks early
 * in training, and cutting a step at each one would cost a step per crossing.
 */
export function filippov_locate(p: usize, kind: i32, t: f64, tnew: f64, dense: DenseEval, ynew: usize, grad: usize, rtol: f64, atol: f64, en: f64): f64 {
  const kb = gptr(p, GF_KINKS);
  const prog = gptr(p, GF_PROG), n = <i32>gslot(p, GF_N), m = <i32>gslot(p, GF_M);
  kset(kb, KK_NCAND, 0.0);
  const gen = kslot(kb, KK_GEN) + 1.0;
  kset(kb, KK_GEN, gen);
  lP = p; lKb = kb; lDense = dense; lGrad = grad;
  gf_loss(p, ynew); // the workspace holds the forward at ynew (cached: the stepper's last evaluation)
  const modesF = kptr(kb, KK_MODES_F), lazy = kptr(kb, KK_LAZY);
  const ops = program_ops(prog);
  let best = Infinity;
  const dir: f64 = tnew >= t ? 1.0 : -1.0;
  let overflow = false, lazyOk = true;
  // crossings: units whose z at the end of the step is on the other side of their mode
  for (let q = 0; q < ops; q++) {
    if (word(prog, op_at(q)) != OP_RELU) continue;
    const w = op_width(q), off = op_mode_offset(q), z = op_input(q);
    const len = n * w;
    // a unit within rounding of its kink is at it, not across it (a dead unit held at z ≈ ±1e-17 by a root finder
    // would otherwise "cross" at every step)
    let zmax: f64 = 0.0;
    for (let j = 0; j < len; j++) zmax = max<f64>(zmax, abs<f64>(load<f64>(z + (<usize>j << 3))));
    const ztol = Z_ROUNDING * max<f64>(1.0, zmax);
    for (let j = 0; j < len; j++) {
      const v = load<f64>(z + (<usize>j << 3));
      const on = load<f64>(modesF + (<usize>(off + j) << 3)) > 0.5;
      if (on ? v >= -ztol : v <= ztol) continue;
      const unit = off + j;
      if (sliding_slot(kb, unit) >= 0) continue;
      lSample = j / w; lOp = q; lK = j % w;
      const za = zAt(t), zb = zAt(tnew);
      if (on ? zb >= 0.0 : zb <= 0.0) continue; // the one-row forward disagrees with the batch: no crossing
      let root: f64;
      if (on ? za > 0.0 : za < 0.0) root = brent(t, tnew, za, zb, 0.0, zAt);
      else root = lastCrossing(t, tnew, on, zb); // at (or on the far side of) its kink at the start
      if (root == t && t == kslot(kb, KK_LAST_SWITCH)) {
        // switched here and at once back on the far side: a grazing (tangential) case that the first-order decision
        // at the kink cannot settle; the unit takes the side it went to, at the next switch or the step's end
        const nf = <i32>kslot(kb, KK_NFORCED);
        if (nf < CAND_CAP) {
          store<f64>(kptr(kb, KK_FORCED) + (<usize>nf << 3), <f64>unit);
          kset(kb, KK_NFORCED, <f64>(nf + 1));
        }
        continue;
      }
      if (!addCandidate(kb, unit, root, on ? 1.0 : 0.0)) overflow = true;
      if (gen - load<f64>(lazy + (<usize>unit << 3)) <= LAZY_COOLDOWN || root == t) lazyOk = false;
      if (best == Infinity || dir * (root - best) < 0.0) best = root;
    }
  }
  const nCross = <i32>kslot(kb, KK_NCAND);
  // exits: sliding units whose weight left [0, 1] (σ of the stepper's last evaluation, at ynew). Listed first, then
  // located: locating evaluates the sliding field, which rewrites every slot's σ.
  const ns = <i32>kslot(kb, KK_NSLIDE);
  for (let s = 0; s < ns; s++) {
    const sig = sget(kb, s, S_SIGMA);
    if (!(sig >= 0.0 && sig <= 1.0) && !addCandidate(kb, -1 - s, NaN, sig)) overflow = true;
  }
  const nAll = <i32>kslot(kb, KK_NCAND);
  if (nAll == 0) {
    for (let s = 0; s < ns; s++) sput(kb, s, S_SIGMA_ACC, sget(kb, s, S_SIGMA));
    if (kslot(kb, KK_NFORCED) == 0.0) return NaN;
    applyForced(p, kb, tnew, ynew);
    return Infinity;
  }
  const cand = kptr(kb, KK_CAND);
  if (nAll == nCross && !overflow && lazyOk && lazySwitch(p, kb, kind, prog, n, m, tnew, ynew, grad, rtol, atol, en, nCross)) {
    for (let c = 0; c < nCross; c++) store<f64>(lazy + (<usize>(<i32>load<f64>(cand + (<usize>(c * 3) << 3))) << 3), gen);
    kset(kb, KK_CROSSINGS, kslot(kb, KK_CROSSINGS) + <f64>nCross);
    kset(kb, KK_LAZY_SWITCHES, kslot(kb, KK_LAZY_SWITCHES) + <f64>nCross);
    kset(kb, KK_NCAND, 0.0);
    applyForced(p, kb, tnew, ynew);
    for (let s = 0; s < <i32>kslot(kb, KK_NSLIDE); s++) sput(kb, s, S_SIGMA_ACC, sget(kb, s, S_SIGMA));
    return Infinity;
  }
  for (let c = nCross; c < nAll; c++) {
    const rec = cand + (<usize>(c * 3) << 3);
    const s = -1 - <i32>load<f64>(rec);
    const sig = load<f64>(rec, 16);
    const bound: f64 = sig > 1.0 ? 1.0 : 0.0;
    lSlot = s; lBound = bound;
    const fa = sget(kb, s, S_SIGMA_ACC) - bound;
    let root: f64;
    if (sig != sig || (bound == 1.0 ? fa >= 0.0 : fa <= 0.0)) root = t;
    else root = brent(t, tnew, fa, sig - bound, 1e-9 * abs<f64>(tnew - t), sigmaAt);
    store<f64>(rec, root, 8);
    store<f64>(rec, bound, 16);
    if (best == Infinity || dir * (root - best) < 0.0) best = root;
  }
  // keep the candidates at the earliest time (others are found again after the switch)
  const slack = 64.0 * f64.EPSILON * max<f64>(abs<f64>(t), abs<f64>(tnew)) + 1e-12 * abs<f64>(tnew - t);
  let kept = 0;
  for (let c = 0; c < nAll; c++) {
    const r = load<f64>(cand + (<usize>(c * 3 + 1) << 3));
    if (dir * (r - best) > slack) continue;
    memory.copy(cand + (<usize>(kept * 3) << 3), cand + (<usize>(c * 3) << 3), 24);
    kept++;
  }
  kset(kb, KK_NCAND, <f64>kept);
  return best;
}

/**
 * Tries the crossing candidates (the first nCross, roots in KK_CAND) as switches at tnew: flips their modes, evaluates
 * the new field at ynew capturing their cotangents β_l, and keeps the flips if the late-switch error fits the budget.
 */
function lazySwitch(p: usize, kb: usize, kind: i32, prog: usize, n: i32, m: i32, tnew: f64, ynew: usize, grad: usize, rtol: f64, atol: f64, en: f64, nCross: i32): bool {
  const budget = 1.0 - en;
  if (!(budget > 0.0)) return false;
  const cand = kptr(kb, KK_CAND), extra = kptr(kb, KK_EXTRA);
  const modesF = kptr(kb, KK_MODES_F), modesB = kptr(kb, KK_MODES_B);
  for (let c = 0; c < nCross; c++) {
    const unit = <i32>load<f64>(cand + (<usize>(c * 3) << 3));
    const mode: f64 = load<f64>(cand + (<usize>(c * 3 + 2) << 3)) > 0.5 ? 0.0 : 1.0;
    store<f64>(modesF + (<usize>unit << 3), mode);
    store<f64>(modesB + (<usize>unit << 3), mode);
    decode(prog, n, unit);
    store<f64>(extra + (<usize>(2 * c) << 3), <f64>dOp);
    store<f64>(extra + (<usize>(2 * c + 1) << 3), <f64>dLocal);
  }
  kset(kb, KK_NEXTRA, <f64>nCross);
  store<f64>(p + (<usize>GF_VALID << 3), 0.0);
  const logL = gf_grad_log_loss(p, ynew, grad);
  kset(kb, KK_NEXTRA, 0.0);
  kset(kb, KK_EVALS, kslot(kb, KK_EVALS) + 1.0);
  // the flow's scale c: L in ordinary time (θ' = −L∇log L), e^σ in the terminal-phase clock (σ = tnew)
  const c = kind == RHS_GF_TIME ? Math.exp(logL) : Math.exp(tnew);
  const E = kptr(kb, KK_THETA), nl = kptr(kb, KK_NORMALS) + (<usize>(<i32>kslot(kb, KK_NSLIDE) * m) << 3);
  memory.fill(E, 0, <usize>m << 3);
  const ns = <i32>kslot(kb, KK_NSLIDE);
  const capOut = kptr(kb, KK_CAPOUT);
  let ok = true;
  for (let e = 0; e < nCross; e++) {
    const unit = <i32>load<f64>(cand + (<usize>(e * 3) << 3));
    const lag = tnew - load<f64>(cand + (<usize>(e * 3 + 1) << 3));
    decode(prog, n, unit);
    if (!sample_normal(prog, ynew, dSample, n, dOp, dUnit, modesF, nl, m, kptr(kb, KK_SAMPLE))) { ok = false; break; }
    // 0 → 1 adds β_l n_l to ∇log L, so the field jumps by −c·β_l·n_l (and back for 1 → 0)
    const up = load<f64>(cand + (<usize>(e * 3 + 2) << 3)) <= 0.5;
    const coef = (up ? -1.0 : 1.0) * c * load<f64>(capOut + (<usize>(ns + e) << 3)) * lag;
    for (let j = 0; j < m; j++) store<f64>(E + (<usize>j << 3), load<f64>(E + (<usize>j << 3)) + coef * load<f64>(nl + (<usize>j << 3)));
  }
  let err: f64 = 0.0;
  for (let j = 0; j < m && ok; j++) {
    const sk = atol + rtol * abs<f64>(load<f64>(ynew + (<usize>j << 3)));
    err = max<f64>(err, abs<f64>(load<f64>(E + (<usize>j << 3))) / sk);
  }
  store<f64>(p + (<usize>GF_VALID << 3), 0.0);
  if (ok && err <= budget) return true;
  for (let c2 = 0; c2 < nCross; c2++) { // undo
    const unit = <i32>load<f64>(cand + (<usize>(c2 * 3) << 3));
    const mode = load<f64>(cand + (<usize>(c2 * 3 + 2) << 3));
    store<f64>(modesF + (<usize>unit << 3), mode);
    store<f64>(modesB + (<usize>unit << 3), mode);
  }
  return false;
}

/** Steps during which a crossing unit still at its kink (|z| ≤ RECENT_Z) rejoins the decision of a later switch. */
const RECENT_STEPS: f64 = 3.0;
const RECENT_Z: f64 = 1e-8;

function pushRecent(kb: usize, unit: i32): void {
  const pushed = <i32>kslot(kb, KK_RECENT_N);
  const r = kptr(kb, KK_RECENT) + (<usize>(2 * (pushed % RECENT_CAP)) << 3);
  store<f64>(r, <f64>unit);
  store<f64>(r, kslot(kb, KK_GEN), 8);
  kset(kb, KK_RECENT_N, <f64>(pushed + 1));
}

/** The grazing units listed by filippov_locate take the side of their kink they are on at time t (state y). */
function applyForced(p: usize, kb: usize, t: f64, y: usize): void {
  const nf = <i32>kslot(kb, KK_NFORCED);
  const prog = gptr(p, GF_PROG), n = <i32>gslot(p, GF_N);
  const dIn = word(prog, 2);
  const modesF = kptr(kb, KK_MODES_F), modesB = kptr(kb, KK_MODES_B);
  for (let c = 0; c < nf; c++) {
    const unit = <i32>load<f64>(kptr(kb, KK_FORCED) + (<usize>c << 3));
    if (!decode(prog, n, unit)) continue;
    const z = sample_preact(prog, y, gptr(p, GF_X) + (<usize>(dSample * dIn) << 3), dSample, n, dOp, dUnit, modesF, kptr(kb, KK_SAMPLE));
    const mode: f64 = z > 0.0 ? 1.0 : 0.0;
    store<f64>(modesF + (<usize>unit << 3), mode);
    store<f64>(modesB + (<usize>unit << 3), mode);
  }
  kset(kb, KK_FORCED_TOTAL, kslot(kb, KK_FORCED_TOTAL) + <f64>nf);
  kset(kb, KK_CROSSINGS, kslot(kb, KK_CROSSINGS) + <f64>nf);
  kset(kb, KK_NFORCED, 0.0);
  store<f64>(p + (<usize>GF_VALID << 3), 0.0);
}

function logOpen(kb: usize, s: i32, logT: f64): void {
  const row = <i32>kslot(kb, KK_LOG_N);
  kset(kb, KK_LOG_N, <f64>(row + 1));
  if (row >= <i32>kslot(kb, KK_LOG_CAP)) return;
  const r = kptr(kb, KK_LOG) + (<usize>(row * LOG_REC) << 3);
  store<f64>(r, sget(kb, s, S_UNIT));
  store<f64>(r, logT, 8);
  store<f64>(r, NaN, 16);
  sput(kb, s, S_LOG, <f64>row);
}

function logClose(kb: usize, s: i32, logT: f64): void {
  const row = <i32>sget(kb, s, S_LOG);
  if (row < 0 || row >= <i32>kslot(kb, KK_LOG_CAP)) return;
  store<f64>(kptr(kb, KK_LOG) + (<usize>(row * LOG_REC) << 3), logT, 16);
}

/**
 * At the switch time t (state y, `grad` m f64s of scratch): applies the located candidates — exits leave to the
 * side their weight reached; units reaching their kink slide if the joint sliding system gives them a weight in
 * (0, 1) with an attracting surface, else cross. Returns how many units changed mode.
 */
export function filippov_switch(p: usize, kind: i32, t: f64, y: usize, grad: usize): i32 {
  const kb = gptr(p, GF_KINKS);
  const prog = gptr(p, GF_PROG), n = <i32>gslot(p, GF_N), m = <i32>gslot(p, GF_M);
  const logT = kind == RHS_GF_TIME ? Math.log(t) : load<f64>(y + (<usize>m << 3));
  const cand = kptr(kb, KK_CAND);
  const nc = <i32>kslot(kb, KK_NCAND);
  let changed = <i32>kslot(kb, KK_NFORCED);
  applyForced(p, kb, t, y);
  kset(kb, KK_LAST_SWITCH, t);
  // exits first, highest slot first (removal moves the last slot down)
  for (let pass = <i32>kslot(kb, KK_NSLIDE) - 1; pass >= 0; pass--) {
    for (let c = 0; c < nc; c++) {
      const id = <i32>load<f64>(cand + (<usize>(c * 3) << 3));
      if (id != -1 - pass) continue;
      logClose(kb, pass, logT);
      slide_remove(kb, pass, load<f64>(cand + (<usize>(c * 3 + 2) << 3)));
      kset(kb, KK_EXITS, kslot(kb, KK_EXITS) + 1.0);
      changed++;
    }
  }
  // units reaching a kink: tentatively sliding
  for (let c = 0; c < nc; c++) {
    const id = <i32>load<f64>(cand + (<usize>(c * 3) << 3));
    if (id < 0) continue;


    if (slide_add(kb, prog, n, id) < 0) {
      // the table is full: let it cross
      const mf = kptr(kb, KK_MODES_F) + (<usize>id << 3);
      const mode: f64 = load<f64>(cand + (<usize>(c * 3 + 2) << 3)) > 0.5 ? 0.0 : 1.0;
      store<f64>(mf, mode);
      store<f64>(kptr(kb, KK_MODES_B) + (<usize>id << 3), mode);
      kset(kb, KK_FAIL, <f64>KINK_FAIL_CAPACITY);
      kset(kb, KK_CROSSINGS, kslot(kb, KK_CROSSINGS) + 1.0);
      changed++;
    }
  }
  // Units that crossed their kink in the last few steps and are still at it join as candidates: two surfaces can be
  // attracting jointly though neither is alone (each crossing then undoes the other's, switch after switch, at
  // ever shorter intervals — a Zeno accumulation — unless the two slide together).
  {
    const ring = kptr(kb, KK_RECENT), pushed = <i32>kslot(kb, KK_RECENT_N), gen = kslot(kb, KK_GEN);
    const dIn = word(prog, 2);
    for (let r = 0; r < min<i32>(pushed, RECENT_CAP); r++) {
      const unit = <i32>load<f64>(ring + (<usize>(2 * r) << 3));
      if (gen - load<f64>(ring + (<usize>(2 * r + 1) << 3)) > RECENT_STEPS || sliding_slot(kb, unit) >= 0 || !decode(prog, n, unit)) continue;
      const z = sample_preact(prog, y, gptr(p, GF_X) + (<usize>(dSample * dIn) << 3), dSample, n, dOp, dUnit, kptr(kb, KK_MODES_F), kptr(kb, KK_SAMPLE));
      if (abs<f64>(z) > RECENT_Z) continue;
      slide_add(kb, prog, n, unit);
    }
  }
  // Decide by the joint sliding system, one removal per solve (every removal changes the others' weights): a unit
  // slides when both sides point into its surface given the others that slide; else it goes to the side both point
  // to. New (tentative) units are decided before the sliding ones are re-examined.
  const maxIter = <i32>kslot(kb, KK_NSLIDE) + 8;
  for (let iter = 0; iter < maxIter; iter++) {
    store<f64>(p + (<usize>GF_VALID << 3), 0.0);
    gf_grad_log_loss(p, y, grad);
    kset(kb, KK_EVALS, kslot(kb, KK_EVALS) + 1.0);
    const ns = <i32>kslot(kb, KK_NSLIDE);
    const capOut = kptr(kb, KK_CAPOUT);
    let pick = -1;
    for (let pass = 0; pass < 2 && pick < 0; pass++) {
      for (let s = 0; s < ns; s++) {
        if ((sget(kb, s, S_TENTATIVE) != 0.0) != (pass == 0)) continue;
        // ż_l with the unit's factor at 0 and at 1, in units of c·‖P⊥n_l‖²: a = u_l, b = u_l − β_l
        const a = sget(kb, s, S_U);
        const b = a - load<f64>(capOut + (<usize>s << 3));
        if (!(a > 0.0 && b < 0.0)) { pick = s; break; }
      }
    }
    if (pick < 0) break;
    const a = sget(kb, pick, S_U);
    const b = a - load<f64>(capOut + (<usize>pick << 3));
    let mode: f64;
    if (a >= 0.0 && b >= 0.0) mode = 1.0; // both sides point up: the positive side
    else if (a <= 0.0 && b <= 0.0) mode = 0.0; // both point down
    else mode = sget(kb, pick, S_PREV) > 0.5 ? 0.0 : 1.0; // a repelling surface (or an undetermined weight): cross it
    if (sget(kb, pick, S_TENTATIVE) != 0.0) {
      if (mode != sget(kb, pick, S_PREV)) {
        kset(kb, KK_CROSSINGS, kslot(kb, KK_CROSSINGS) + 1.0);
        pushRecent(kb, <i32>sget(kb, pick, S_UNIT));
      }
    }
    else {
      logClose(kb, pick, logT);
      kset(kb, KK_EXITS, kslot(kb, KK_EXITS) + 1.0);
    }
    slide_remove(kb, pick, mode);
    changed++;
  }
  {
    const ns = <i32>kslot(kb, KK_NSLIDE);
    for (let s = 0; s < ns; s++) {
      if (sget(kb, s, S_TENTATIVE) == 0.0) continue;
      sput(kb, s, S_TENTATIVE, 0.0);
      logOpen(kb, s, logT);
      kset(kb, KK_ENTRIES, kslot(kb, KK_ENTRIES) + 1.0);
      changed++;
    }
  }
  const ns = <i32>kslot(kb, KK_NSLIDE);
  for (let s = 0; s < ns; s++) sput(kb, s, S_SIGMA_ACC, sget(kb, s, S_SIGMA));
  kset(kb, KK_NCAND, 0.0);
  store<f64>(p + (<usize>GF_VALID << 3), 0.0);
  return changed;
}
