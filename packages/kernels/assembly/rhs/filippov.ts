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
import { sample_preact } from "../models/sample";
import { word, op_at, op_input, op_mode_offset, op_width, OP_RELU } from "../models/program";
import {
  kslot, kptr, kset, sget, sput, sliding_slot, slide_add, slide_remove, program_ops, kinks_reset_from_forward,
  KK_ENABLED, KK_MODES_F, KK_MODES_B, KK_NSLIDE, KK_CAND, KK_NCAND, KK_CROSSINGS, KK_ENTRIES, KK_EXITS, KK_LOG, KK_LOG_CAP, KK_LOG_N,
  KK_FAIL, KK_EVALS, KK_THETA, KK_SAMPLE, KK_CAPOUT, KINK_FAIL_CAPACITY, CAND_CAP, LOG_REC,
  S_UNIT, S_OP, S_SAMPLE, S_K, S_SIGMA, S_SIGMA_ACC, S_LOG, S_TENTATIVE, S_PREV, S_U,
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

function addCandidate(kb: usize, id: i32, root: f64, info: f64): void {
  const nc = <i32>kslot(kb, KK_NCAND);
  if (nc >= CAND_CAP) return; // more in one step: the rest are found again on the next steps
  const c = kptr(kb, KK_CAND) + (<usize>(nc * 3) << 3);
  store<f64>(c, <f64>id);
  store<f64>(c, root, 8);
  store<f64>(c, info, 16);
  kset(kb, KK_NCAND, <f64>(nc + 1));
}

/**
 * After an accepted step from t to tnew (state ynew, dense output `dense`, `grad` m f64s of scratch): the time of the
 * earliest switch inside the step (the candidates at that time are kept for filippov_switch), or NaN for none.
 */
export function filippov_locate(p: usize, t: f64, tnew: f64, dense: DenseEval, ynew: usize, grad: usize): f64 {
  const kb = gptr(p, GF_KINKS);
  const prog = gptr(p, GF_PROG), n = <i32>gslot(p, GF_N);
  kset(kb, KK_NCAND, 0.0);
  lP = p; lKb = kb; lDense = dense; lGrad = grad;
  gf_loss(p, ynew); // the workspace holds the forward at ynew (cached: the stepper's last evaluation)
  const modesF = kptr(kb, KK_MODES_F);
  const ops = program_ops(prog);
  const tol = 0.0;
  let best = Infinity;
  const dir: f64 = tnew >= t ? 1.0 : -1.0;
  // crossings: units whose z at the end of the step is on the other side of their mode
  for (let q = 0; q < ops; q++) {
    if (word(prog, op_at(q)) != OP_RELU) continue;
    const w = op_width(q), off = op_mode_offset(q), z = op_input(q);
    const len = n * w;
    for (let j = 0; j < len; j++) {
      const v = load<f64>(z + (<usize>j << 3));
      const on = load<f64>(modesF + (<usize>(off + j) << 3)) > 0.5;
      if (on ? v >= 0.0 : v <= 0.0) continue;
      const unit = off + j;
      if (sliding_slot(kb, unit) >= 0) continue;
      lSample = j / w; lOp = q; lK = j % w;
      const za = zAt(t), zb = zAt(tnew);
      let root: f64;
      if (on ? za <= 0.0 : za >= 0.0) root = t; // already on the other side at the start
      else if (on ? zb >= 0.0 : zb <= 0.0) continue; // the one-row forward disagrees with the batch: no crossing
      else root = brent(t, tnew, za, zb, tol, zAt);
      addCandidate(kb, unit, root, on ? 1.0 : 0.0);
      if (dir * (root - best) < 0.0 || best == Infinity) best = root;
    }
  }
  // exits: sliding units whose weight left [0, 1] (σ of the stepper's last evaluation, at ynew). Listed first, then
  // located: locating evaluates the sliding field, which rewrites every slot's σ.
  const ns = <i32>kslot(kb, KK_NSLIDE);
  const firstExit = <i32>kslot(kb, KK_NCAND);
  for (let s = 0; s < ns; s++) {
    const sig = sget(kb, s, S_SIGMA);
    if (!(sig >= 0.0 && sig <= 1.0)) addCandidate(kb, -1 - s, NaN, sig);
  }
  const lastExit = <i32>kslot(kb, KK_NCAND);
  const cand0 = kptr(kb, KK_CAND);
  for (let c = firstExit; c < lastExit; c++) {
    const rec = cand0 + (<usize>(c * 3) << 3);
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
    if (dir * (root - best) < 0.0 || best == Infinity) best = root;
  }
  if (best == Infinity) {
    for (let s = 0; s < ns; s++) sput(kb, s, S_SIGMA_ACC, sget(kb, s, S_SIGMA));
    return NaN;
  }
  // keep the candidates at the earliest time (others are found again after the switch)
  const slack = 64.0 * f64.EPSILON * max<f64>(abs<f64>(t), abs<f64>(tnew)) + 1e-12 * abs<f64>(tnew - t);
  const nc = <i32>kslot(kb, KK_NCAND);
  let kept = 0;
  const cand = kptr(kb, KK_CAND);
  for (let c = 0; c < nc; c++) {
    const r = load<f64>(cand + (<usize>(c * 3 + 1) << 3));
    if (dir * (r - best) > slack) continue;
    memory.copy(cand + (<usize>(kept * 3) << 3), cand + (<usize>(c * 3) << 3), 24);
    kept++;
  }
  kset(kb, KK_NCAND, <f64>kept);
  return best;
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
  let changed = 0;
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
  // decide, re-solving the joint system after every removal
  for (let iter = 0; iter < 8; iter++) {
    store<f64>(p + (<usize>GF_VALID << 3), 0.0);
    gf_grad_log_loss(p, y, grad);
    kset(kb, KK_EVALS, kslot(kb, KK_EVALS) + 1.0);
    let removed = false;
    const ns = <i32>kslot(kb, KK_NSLIDE);
    const capOut = kptr(kb, KK_CAPOUT);
    for (let s = ns - 1; s >= 0; s--) {
      // ż_l with the unit's factor at 0 and at 1, in units of c·‖n_l‖²: a = u_l, b = u_l − β_l (the others sliding)
      const a = sget(kb, s, S_U);
      const b = a - load<f64>(capOut + (<usize>s << 3));
      if (a > 0.0 && b < 0.0) { // both sides point into the surface: it slides
        if (sget(kb, s, S_TENTATIVE) != 0.0) {
          sput(kb, s, S_TENTATIVE, 0.0);
          logOpen(kb, s, logT);
          kset(kb, KK_ENTRIES, kslot(kb, KK_ENTRIES) + 1.0);
          changed++;
        }
        continue;
      }
      let mode: f64;
      if (a >= 0.0 && b >= 0.0) mode = 1.0; // both sides point up: the positive side
      else if (a <= 0.0 && b <= 0.0) mode = 0.0; // both point down
      else mode = sget(kb, s, S_PREV) > 0.5 ? 0.0 : 1.0; // a repelling surface: cross it
      if (sget(kb, s, S_TENTATIVE) != 0.0) kset(kb, KK_CROSSINGS, kslot(kb, KK_CROSSINGS) + 1.0);
      else {
        logClose(kb, s, logT);
        kset(kb, KK_EXITS, kslot(kb, KK_EXITS) + 1.0);
      }
      slide_remove(kb, s, mode);
      changed++;
      removed = true;
    }
    if (!removed) break;
  }
  const ns = <i32>kslot(kb, KK_NSLIDE);
  for (let s = 0; s < ns; s++) sput(kb, s, S_SIGMA_ACC, sget(kb, s, S_SIGMA));
  kset(kb, KK_NCAND, 0.0);
  store<f64>(p + (<usize>GF_VALID << 3), 0.0);
  return changed;
}
