// The kinks of a ReLU network's gradient flow, as state: each (ReLU op, sample, unit) has a mode — its forward factor
// (h = z or 0) and its backward factor σ — frozen between switches so that the right-hand side is smooth inside a
// step (the vector field of each side extended across the kink surface z = 0), and the table of sliding units,
// held on z = 0 by the Filippov convex combination. The sliding field: with the sliding units' σ set to 0,
// ∇log L(σ) = ∇₀ + Σ_l σ_l β_l n_l (β_l the cotangent arriving at unit l, n_l = ∇θ z_l), so the weights that keep
// every sliding z at 0 solve the small Gram system Σ_l (n_j·n_l) u_l = −n_j·(∇₀ + κθ), u_l = σ_l β_l (κθ: weight
// decay). The event logic that switches modes is filippov.ts.
import {
  model_relu_units, model_set_modes, model_backward, word, opLen, opOut, op_at, op_input, op_mode_offset, op_width, OP_RELU,
} from "../models/program";
import { sample_normal, sample_scratch_len } from "../models/sample";

// Kink block (f64 slots; pointers stored as f64).
export const KK_UNITS: i32 = 0; // K = n × Σ ReLU widths
export const KK_MODES_F: i32 = 1; // K f64s: forward factor (0 or 1; sliding units 0)
export const KK_MODES_B: i32 = 2; // K f64s: backward factor σ (sliding units: their weight)
export const KK_CAP: i32 = 3; // most sliding units at once
export const KK_SLIDE: i32 = 4; // cap × SLIDE_REC f64s
export const KK_NSLIDE: i32 = 5;
export const KK_NORMALS: i32 = 6; // cap × m
export const KK_GRAM: i32 = 7; // cap × cap
export const KK_VEC: i32 = 8; // cap: the system's right-hand side, then its solution u
export const KK_CAPLIST: i32 = 9; // i32s: 1 + 2·cap (model_backward's capture list)
export const KK_CAPOUT: i32 = 10; // cap + CAND_CAP f64s: β of the sliding units, then of the extra captures
export const KK_SAMPLE: i32 = 11; // sample_scratch_len f64s
export const KK_THETA: i32 = 12; // m + 1 f64s of scratch (a dense-output state)
export const KK_CAND: i32 = 13; // CAND_CAP × 3 f64s: [unit (≥ 0) or −1 − slot (an exit), root, mode before / bound]
export const KK_NCAND: i32 = 14;
export const KK_CROSSINGS: i32 = 15; // kinks crossed
export const KK_ENTRIES: i32 = 16; // sliding intervals entered
export const KK_EXITS: i32 = 17; // sliding intervals left
export const KK_LOG: i32 = 18; // log cap × LOG_REC f64s: [unit, log t in, log t out (NaN: still sliding)]
export const KK_LOG_CAP: i32 = 19;
export const KK_LOG_N: i32 = 20; // intervals logged (may exceed the cap: later ones are counted, not kept)
export const KK_FAIL: i32 = 21; // 0, or KINK_FAIL_*
export const KK_EVALS: i32 = 22; // right-hand-side evaluations spent locating sliding exits
export const KK_ENABLED: i32 = 23; // 1: modes in use
export const KK_EXTRA: i32 = 24; // CAND_CAP × 2 f64s: [op, index in the op's block] of units whose cotangent to capture too
export const KK_NEXTRA: i32 = 25;
export const KK_LAZY: i32 = 26; // K f64s: the step (KK_GEN) at which each unit last switched lazily
export const KK_GEN: i32 = 27; // steps seen by filippov_locate
export const KK_LAZY_SWITCHES: i32 = 28; // crossings applied at the end of their step (within the error budget)
export const KK_LAST_SWITCH: i32 = 29; // the time of the last switch
export const KK_FORCED: i32 = 30; // CAND_CAP f64s: units that switched at the last switch time and at once left their side again
export const KK_NFORCED: i32 = 31;
export const KK_FORCED_TOTAL: i32 = 32; // such degenerate (grazing) switches, resolved by the side the unit went to
export const KK_NZ: i32 = 33; // (cap + 1) × m i32s: the nonzero coordinates of each sliding unit's normal
export const KK_NNZ: i32 = 34; // cap + 1 f64s: their counts
export const KK_RECENT: i32 = 35; // RECENT_CAP × 2 f64s: a ring of the last crossings [unit, step (KK_GEN)]
export const KK_RECENT_N: i32 = 36; // crossings pushed into the ring so far
export const KK_SNAP_OUT: i32 = 37; // snapshots at the requested outputs: SNAP stride f64s each [count, (unit, σ)…]
export const KK_SNAP_OUT_CAP: i32 = 38;
export const KK_SNAP_EV: i32 = 39; // snapshots at the event roots
export const KK_SNAP_EV_CAP: i32 = 40;
export const KK_BLOCK_LEN: i32 = 41;
export const RECENT_CAP: i32 = 32;

/** More units wanted to slide at once than the table holds (they were treated as crossings). */
export const KINK_FAIL_CAPACITY: i32 = 1;
/** The sliding system was singular. */
export const KINK_FAIL_SINGULAR: i32 = 2;

// A sliding unit: [unit, op, sample, index in the op's block (sample·w + k), k, σ, σ at the last accepted point,
// its row in the log (−1: none), tentative (1: entered at this switch, not yet confirmed), mode before, u = σ·β]
export const SLIDE_REC: i32 = 11;
export const S_UNIT: i32 = 0, S_OP: i32 = 1, S_SAMPLE: i32 = 2, S_LOCAL: i32 = 3, S_K: i32 = 4, S_SIGMA: i32 = 5;
export const S_SIGMA_ACC: i32 = 6, S_LOG: i32 = 7, S_TENTATIVE: i32 = 8, S_PREV: i32 = 9, S_U: i32 = 10;
export const LOG_REC: i32 = 3;
export const CAND_CAP: i32 = 1024;

// @ts-ignore: decorator
@inline export function kslot(kb: usize, k: i32): f64 {
  return load<f64>(kb + (<usize>k << 3));
}
// @ts-ignore: decorator
@inline export function kptr(kb: usize, k: i32): usize {
  return <usize>load<f64>(kb + (<usize>k << 3));
}
// @ts-ignore: decorator
@inline export function kset(kb: usize, k: i32, v: f64): void {
  store<f64>(kb + (<usize>k << 3), v);
}
// @ts-ignore: decorator
@inline export function srec(kb: usize, s: i32): usize {
  return kptr(kb, KK_SLIDE) + (<usize>(s * SLIDE_REC) << 3);
}
// @ts-ignore: decorator
@inline export function sget(kb: usize, s: i32, field: i32): f64 {
  return load<f64>(srec(kb, s) + (<usize>field << 3));
}
// @ts-ignore: decorator
@inline export function sput(kb: usize, s: i32, field: i32, v: f64): void {
  store<f64>(srec(kb, s) + (<usize>field << 3), v);
}

/** f64s of the kink block's buffers for n samples, m parameters and `cap` sliding units (the host allocates them). */
export function kinks_units(prog: usize, n: i32): i32 {
  return model_relu_units(prog, n);
}
export function kinks_sample_len(prog: usize): i32 {
  return sample_scratch_len(prog);
}

// Decoding a unit (its index into the modes arrays) into its op, sample and unit (module results).
export let dOp: i32 = 0;
export let dSample: i32 = 0;
export let dUnit: i32 = 0;
export let dLocal: i32 = 0;
export function decode(prog: usize, n: i32, unit: i32): bool {
  const nb = word(prog, 1), dIn = word(prog, 2);
  let at = 3, opIdx = 0, off = 0;
  for (let b = 0; b < nb; b++) {
    const nOps = word(prog, at++);
    let w = dIn;
    for (let k = 0; k < nOps; k++, opIdx++) {
      if (word(prog, at) == OP_RELU) {
        if (unit < off + n * w) {
          dOp = opIdx; dLocal = unit - off; dSample = dLocal / w; dUnit = dLocal % w;
          return true;
        }
        off += n * w;
      }
      const o = opOut(prog, at, w);
      at += opLen(prog, at);
      w = o;
    }
  }
  return false;
}

/** Whether `unit` is in the sliding table; its slot or −1. */
export function sliding_slot(kb: usize, unit: i32): i32 {
  const ns = <i32>kslot(kb, KK_NSLIDE);
  for (let s = 0; s < ns; s++) if (<i32>sget(kb, s, S_UNIT) == unit) return s;
  return -1;
}

/** Adds `unit` to the sliding table (tentatively); its slot, or −1 when the table is full. */
export function slide_add(kb: usize, prog: usize, n: i32, unit: i32): i32 {
  const ns = <i32>kslot(kb, KK_NSLIDE);
  if (ns >= <i32>kslot(kb, KK_CAP) || !decode(prog, n, unit)) return -1;
  const mode = load<f64>(kptr(kb, KK_MODES_F) + (<usize>unit << 3));
  sput(kb, ns, S_UNIT, <f64>unit);
  sput(kb, ns, S_OP, <f64>dOp);
  sput(kb, ns, S_SAMPLE, <f64>dSample);
  sput(kb, ns, S_LOCAL, <f64>dLocal);
  sput(kb, ns, S_K, <f64>dUnit);
  sput(kb, ns, S_SIGMA, 0.5);
  sput(kb, ns, S_SIGMA_ACC, 0.5);
  sput(kb, ns, S_LOG, -1.0);
  sput(kb, ns, S_TENTATIVE, 1.0);
  sput(kb, ns, S_PREV, mode);
  store<f64>(kptr(kb, KK_MODES_F) + (<usize>unit << 3), 0.0);
  kset(kb, KK_NSLIDE, <f64>(ns + 1));
  return ns;
}

/** Removes slot s (the last slot moves into it); the unit takes mode `mode` (0 or 1) on both passes. */
export function slide_remove(kb: usize, s: i32, mode: f64): void {
  const ns = <i32>kslot(kb, KK_NSLIDE);
  const unit = <i32>sget(kb, s, S_UNIT);
  store<f64>(kptr(kb, KK_MODES_F) + (<usize>unit << 3), mode);
  store<f64>(kptr(kb, KK_MODES_B) + (<usize>unit << 3), mode);
  if (s != ns - 1) memory.copy(srec(kb, s), srec(kb, ns - 1), <usize>SLIDE_REC << 3);
  kset(kb, KK_NSLIDE, <f64>(ns - 1));
}

/** The ReLU passes of the next forward/backward use this block's modes (kb = 0: natural ReLU). */
export function kinks_bind(kb: usize): void {
  if (kb == 0 || kslot(kb, KK_ENABLED) == 0.0) model_set_modes(0, 0, 0, 0);
  else model_set_modes(kptr(kb, KK_MODES_F), kptr(kb, KK_MODES_B), 0, 0);
}

/**
 * grad ← ∇θ log L of the sliding (Filippov) field at θ, given the forward at θ in the workspace and g = ∂log L/∂f:
 * the backward with the sliding units' σ at 0 and their cotangents captured, their normals, the Gram solve, and
 * grad += Σ u_l n_l. Writes each sliding unit's σ_l = u_l/β_l into its slot. kappa: weight decay over the flow's
 * scale (the sliding condition is n_l·(∇log L + κθ) = 0).
 */
export function kinks_direction(kb: usize, prog: usize, theta: usize, n: i32, m: i32, g: usize, grad: usize, work: usize, kappa: f64): void {
  const ns = <i32>kslot(kb, KK_NSLIDE);
  const modesF = kptr(kb, KK_MODES_F), modesB = kptr(kb, KK_MODES_B);
  const capList = kptr(kb, KK_CAPLIST), capOut = kptr(kb, KK_CAPOUT);
  const ne = <i32>kslot(kb, KK_NEXTRA), extra = kptr(kb, KK_EXTRA);
  store<i32>(capList, ns + ne);
  for (let e = 0; e < ne; e++) {
    store<i32>(capList + (<usize>(1 + 2 * (ns + e)) << 2), <i32>load<f64>(extra + (<usize>(2 * e) << 3)));
    store<i32>(capList + (<usize>(2 + 2 * (ns + e)) << 2), <i32>load<f64>(extra + (<usize>(2 * e + 1) << 3)));
  }
  for (let s = 0; s < ns; s++) {
    store<f64>(modesB + (<usize>(<i32>sget(kb, s, S_UNIT)) << 3), 0.0);
    store<i32>(capList + (<usize>(1 + 2 * s) << 2), <i32>sget(kb, s, S_OP));
    store<i32>(capList + (<usize>(2 + 2 * s) << 2), <i32>sget(kb, s, S_LOCAL));
  }
  model_set_modes(modesF, modesB, capList, capOut);
  model_backward(prog, theta, n, g, grad, m, work);
  model_set_modes(modesF, modesB, 0, 0);
  if (ns == 0) return;
  // The normals are sparse for units of the first layers (∇θ z of a first-layer unit lives on one row of W and one
  // bias): each is kept with its nonzero coordinates, and every product runs over the sparser side.
  const N = kptr(kb, KK_NORMALS), G = kptr(kb, KK_GRAM), v = kptr(kb, KK_VEC), buf = kptr(kb, KK_SAMPLE);
  const NZ = kptr(kb, KK_NZ), NNZ = kptr(kb, KK_NNZ);
  const mb = <usize>m << 3, mi = <usize>m << 2;
  for (let s = 0; s < ns; s++) {
    const ns_ = N + <usize>s * mb, nz = NZ + <usize>s * mi;
    sample_normal(prog, theta, <i32>sget(kb, s, S_SAMPLE), n, <i32>sget(kb, s, S_OP), <i32>sget(kb, s, S_K), modesF, ns_, m, buf);
    let cnt = 0;
    let d: f64 = 0.0;
    for (let j = 0; j < m; j++) {
      const x = load<f64>(ns_ + (<usize>j << 3));
      if (x == 0.0) continue;
      store<i32>(nz + (<usize>cnt << 2), j);
      cnt++;
      d += x * (load<f64>(grad + (<usize>j << 3)) + kappa * load<f64>(theta + (<usize>j << 3)));
    }
    store<f64>(NNZ + (<usize>s << 3), <f64>cnt);
    store<f64>(v + (<usize>s << 3), -d);
  }
  let diagMax: f64 = 0.0;
  for (let a = 0; a < ns; a++) {
    const ca = <i32>load<f64>(NNZ + (<usize>a << 3));
    for (let b = 0; b <= a; b++) {
      const cb = <i32>load<f64>(NNZ + (<usize>b << 3));
      const sp = ca <= cb ? a : b, dn = ca <= cb ? b : a, cnt = min<i32>(ca, cb);
      const nsp = N + <usize>sp * mb, ndn = N + <usize>dn * mb, nz = NZ + <usize>sp * mi;
      let d: f64 = 0.0;
      for (let q = 0; q < cnt; q++) {
        const j = <usize>load<i32>(nz + (<usize>q << 2)) << 3;
        d += load<f64>(nsp + j) * load<f64>(ndn + j);
      }
      store<f64>(G + (<usize>(a * ns + b) << 3), d);
      store<f64>(G + (<usize>(b * ns + a) << 3), d);
    }
    diagMax = max<f64>(diagMax, load<f64>(G + (<usize>(a * ns + a) << 3)));
  }
  if (!cholesky_factor(ns, G, 1e-12 * diagMax)) kset(kb, KK_FAIL, <f64>KINK_FAIL_SINGULAR);
  cholesky_solve(ns, G, v);
  for (let s = 0; s < ns; s++) {
    const u = load<f64>(v + (<usize>s << 3));
    addNormal(kb, s, m, u, grad);
    const sigma = u / load<f64>(capOut + (<usize>s << 3));
    sput(kb, s, S_SIGMA, sigma);
    sput(kb, s, S_U, u);
  }
  // Units of one sample sliding in different layers couple: the cotangent β_l at a unit depends on the factors of the
  // units after it on the same path. Then the factors are refined by Newton steps on the same (σ-independent)
  // normals and Gram factor, each a backward pass with the current factors — a fixed number of them, so that the
  // field stays a smooth function of θ.
  if (sharesSample(kb, ns)) {
    for (let it = 0; it < COUPLED_ITERATIONS; it++) {
      for (let s = 0; s < ns; s++) store<f64>(modesB + (<usize>(<i32>sget(kb, s, S_UNIT)) << 3), sget(kb, s, S_SIGMA));
      model_set_modes(modesF, modesB, capList, capOut);
      model_backward(prog, theta, n, g, grad, m, work);
      model_set_modes(modesF, modesB, 0, 0);
      for (let s = 0; s < ns; s++) {
        const ns_ = N + <usize>s * mb, nz = NZ + <usize>s * mi, cnt = <i32>load<f64>(NNZ + (<usize>s << 3));
        let d: f64 = 0.0;
        for (let q = 0; q < cnt; q++) {
          const j = <usize>load<i32>(nz + (<usize>q << 2)) << 3;
          d += load<f64>(ns_ + j) * (load<f64>(grad + j) + kappa * load<f64>(theta + j));
        }
        store<f64>(v + (<usize>s << 3), -d);
      }
      cholesky_solve(ns, G, v);
      for (let s = 0; s < ns; s++) {
        const du = load<f64>(v + (<usize>s << 3));
        addNormal(kb, s, m, du, grad);
        const beta = load<f64>(capOut + (<usize>s << 3));
        const sigma = sget(kb, s, S_SIGMA) + du / beta;
        sput(kb, s, S_SIGMA, sigma);
        sput(kb, s, S_U, sigma * beta);
      }
    }
  }
  for (let s = 0; s < ns; s++) store<f64>(modesB + (<usize>(<i32>sget(kb, s, S_UNIT)) << 3), sget(kb, s, S_SIGMA));
}

/** Newton refinements of the sliding factors when units of one sample slide in different layers. */
const COUPLED_ITERATIONS: i32 = 3;

/** grad += u·n_s over the nonzeros of sliding unit s's normal. */
function addNormal(kb: usize, s: i32, m: i32, u: f64, grad: usize): void {
  const ns_ = kptr(kb, KK_NORMALS) + <usize>s * (<usize>m << 3), nz = kptr(kb, KK_NZ) + <usize>s * (<usize>m << 2);
  const cnt = <i32>load<f64>(kptr(kb, KK_NNZ) + (<usize>s << 3));
  for (let q = 0; q < cnt; q++) {
    const j = <usize>load<i32>(nz + (<usize>q << 2)) << 3;
    store<f64>(grad + j, load<f64>(grad + j) + u * load<f64>(ns_ + j));
  }
}

/** Whether two sliding units belong to one sample and to different ReLU ops. */
function sharesSample(kb: usize, ns: i32): bool {
  for (let a = 0; a < ns; a++) {
    for (let b = a + 1; b < ns; b++) {
      if (sget(kb, a, S_SAMPLE) == sget(kb, b, S_SAMPLE) && sget(kb, a, S_OP) != sget(kb, b, S_OP)) return true;
    }
  }
  return false;
}

/** Factors A + εI = LLᵀ in place (A symmetric positive semidefinite, n×n; L in the lower triangle). */
function cholesky_factor(n: i32, A: usize, eps: f64): bool {
  let ok = true;
  for (let j = 0; j < n; j++) {
    let d = load<f64>(A + (<usize>(j * n + j) << 3)) + eps;
    for (let k = 0; k < j; k++) d -= load<f64>(A + (<usize>(j * n + k) << 3)) ** 2;
    if (!(d > 0.0)) { ok = false; d = max<f64>(eps, 1e-300); }
    const l = Math.sqrt(d);
    store<f64>(A + (<usize>(j * n + j) << 3), l);
    for (let i = j + 1; i < n; i++) {
      let s = load<f64>(A + (<usize>(i * n + j) << 3));
      for (let k = 0; k < j; k++) s -= load<f64>(A + (<usize>(i * n + k) << 3)) * load<f64>(A + (<usize>(j * n + k) << 3));
      store<f64>(A + (<usize>(i * n + j) << 3), s / l);
    }
  }
  return ok;
}

/** b ← (LLᵀ)⁻¹b with the factor of cholesky_factor. */
function cholesky_solve(n: i32, A: usize, b: usize): void {
  for (let i = 0; i < n; i++) {
    let s = load<f64>(b + (<usize>i << 3));
    for (let k = 0; k < i; k++) s -= load<f64>(A + (<usize>(i * n + k) << 3)) * load<f64>(b + (<usize>k << 3));
    store<f64>(b + (<usize>i << 3), s / load<f64>(A + (<usize>(i * n + i) << 3)));
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = load<f64>(b + (<usize>i << 3));
    for (let k = i + 1; k < n; k++) s -= load<f64>(A + (<usize>(k * n + i) << 3)) * load<f64>(b + (<usize>k << 3));
    store<f64>(b + (<usize>i << 3), s / load<f64>(A + (<usize>(i * n + i) << 3)));
  }
}

/** Starts the modes from the signs of the pre-activations of the last forward (n rows, natural ReLU): no sliding. */
export function kinks_reset_from_forward(kb: usize, prog: usize, n: i32): void {
  const modesF = kptr(kb, KK_MODES_F), modesB = kptr(kb, KK_MODES_B);
  const ops = program_ops(prog);
  for (let q = 0; q < ops; q++) {
    if (word(prog, op_at(q)) != OP_RELU) continue;
    const off = op_mode_offset(q);
    const z = op_input(q);
    const len = n * op_width(q);
    for (let j = 0; j < len; j++) {
      const on: f64 = load<f64>(z + (<usize>j << 3)) > 0.0 ? 1.0 : 0.0;
      store<f64>(modesF + (<usize>(off + j) << 3), on);
      store<f64>(modesB + (<usize>(off + j) << 3), on);
    }
  }
  kset(kb, KK_NSLIDE, 0.0);
  kset(kb, KK_NCAND, 0.0);
  kset(kb, KK_CROSSINGS, 0.0);
  kset(kb, KK_ENTRIES, 0.0);
  kset(kb, KK_EXITS, 0.0);
  kset(kb, KK_LOG_N, 0.0);
  kset(kb, KK_FAIL, 0.0);
  kset(kb, KK_EVALS, 0.0);
  kset(kb, KK_NEXTRA, 0.0);
  kset(kb, KK_GEN, 0.0);
  kset(kb, KK_LAZY_SWITCHES, 0.0);
  kset(kb, KK_LAST_SWITCH, NaN);
  kset(kb, KK_NFORCED, 0.0);
  kset(kb, KK_FORCED_TOTAL, 0.0);
  kset(kb, KK_RECENT_N, 0.0);
  memory.fill(kptr(kb, KK_LAZY), 0, <usize>(<i32>kslot(kb, KK_UNITS)) << 3);
}

/** Ops in the program (all branches). */
export function program_ops(prog: usize): i32 {
  const nb = word(prog, 1);
  let at = 3, ops = 0;
  for (let b = 0; b < nb; b++) {
    const nOps = word(prog, at++);
    for (let k = 0; k < nOps; k++) at += opLen(prog, at);
    ops += nOps;
  }
  return ops;
}
