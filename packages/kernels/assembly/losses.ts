// Losses of model outputs f (n×C) carried in log domain: each returns log L and writes g = ∂ log L/∂f (n×C),
// the normalized gradient that gradient flow in loss-normalized time needs (∇θ log L = model_backward(g)).
// Nothing here underflows for margins of any magnitude: a loss far below the double range is its logarithm.
// Labels: binary (C = 1) y_i ∈ {−1, +1}; multiclass (C > 1) the class index as an f64.

import { exp_shift_sum } from "./special";

/** min_i y_i f_i of the last binary exponential-loss evaluation (saves gf_loss a pass). */
export let LAST_BINARY_QMIN: f64 = NaN;

export const LOSS_EXP: i32 = 0; // (1/n) Σ e^{−q_i}
export const LOSS_LOGISTIC: i32 = 1; // (1/n) Σ log(1 + e^{−q_i}); with C > 1 the multiclass cross-entropy (App. H)
export const LOSS_SQUARE: i32 = 2; // (1/n) Σ ½‖f_i − target_i‖², targets ±1 (C = 1) or one-hot (C > 1)

/** log(1 + e^z) without overflow or underflow. */
// @ts-ignore: decorator
@inline function softplus(z: f64): f64 {
  return z > 0.0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** log(log(1 + e^z)): the log of a softplus, exact also when e^z underflows (then it is z). */
function logSoftplus(z: f64): f64 {
  if (z > -30.0) return Math.log(softplus(z));
  const u = Math.exp(z); // log1p(u)/u = 1 − u/2 + … ; for u = 0 the answer is z itself
  return u == 0.0 ? z : z + Math.log(Math.log1p(u) / u);
}

/** min_i margin: y_i f_i (binary) or f_{i,y_i} − max_{c≠y_i} f_{i,c} (multiclass). */
export function min_margin(n: i32, C: i32, f: usize, labels: usize): f64 {
  let q = Infinity;
  for (let i = 0; i < n; i++) q = min<f64>(q, margin(i, C, f, labels));
  return q;
}

function margin(i: i32, C: i32, f: usize, labels: usize): f64 {
  const row = f + ((<usize>i * C) << 3);
  const lab = load<f64>(labels + (<usize>i << 3));
  if (C == 1) return lab * load<f64>(row);
  const y = <i32>lab;
  const fy = load<f64>(row + (<usize>y << 3));
  let m = -Infinity;
  for (let c = 0; c < C; c++) if (c != y) m = max<f64>(m, load<f64>(row + (<usize>c << 3)));
  return fy - m;
}

// z_i = log Σ_{c≠y} e^{f_c − f_y} (multiclass) or −y f (binary): the per-sample "negative margin" whose
// softplus is the logistic/CE loss and whose exponential is the exp loss.
function negMargin(i: i32, C: i32, f: usize, labels: usize): f64 {
  const row = f + ((<usize>i * C) << 3);
  const lab = load<f64>(labels + (<usize>i << 3));
  if (C == 1) return -lab * load<f64>(row);
  const y = <i32>lab;
  const fy = load<f64>(row + (<usize>y << 3));
  let m = -Infinity;
  for (let c = 0; c < C; c++) if (c != y) m = max<f64>(m, load<f64>(row + (<usize>c << 3)) - fy);
  let s: f64 = 0.0;
  for (let c = 0; c < C; c++) if (c != y) s += Math.exp(load<f64>(row + (<usize>c << 3)) - fy - m);
  return m + Math.log(s);
}

/**
 * The binary exponential loss — the Fig. 4 workload, evaluated thousands of times per trajectory — in three
 * passes with the vectorized exp: z_i = −y_i f_i, e_i = e^{z_i − max z}, g_i = −y_i e_i / Σe, log L = max z + log Σe − log n.
 */
function binaryExp(n: i32, f: usize, labels: usize, g: usize, z: usize, logn: f64): f64 {
  let mx2 = f64x2.splat(-Infinity);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    const zi = f64x2.neg(f64x2.mul(v128.load(labels + o), v128.load(f + o)));
    v128.store(z + o, zi);
    mx2 = f64x2.max(mx2, zi); // NaN propagates
  }
  let mx = max<f64>(f64x2.extract_lane(mx2, 0), f64x2.extract_lane(mx2, 1));
  if (i < n) {
    const o = <usize>i << 3;
    const zi = -load<f64>(labels + o) * load<f64>(f + o);
    store<f64>(z + o, zi);
    mx = max<f64>(mx, zi);
  }
  LAST_BINARY_QMIN = -mx;
  if (mx != mx || mx == Infinity) return mx != mx ? NaN : Infinity;
  const s = exp_shift_sum(n, z, mx, z);
  const inv = f64x2.splat(-1.0 / s);
  i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    v128.store(g + o, f64x2.mul(f64x2.mul(v128.load(labels + o), v128.load(z + o)), inv));
  }
  if (i < n) {
    const o = <usize>i << 3;
    store<f64>(g + o, -load<f64>(labels + o) * load<f64>(z + o) / s);
  }
  return mx + Math.log(s) - logn;
}

/**
 * Returns log L and writes g = ∂ log L/∂f (n×C); `z` is scratch for n f64s. NaN in f gives NaN.
 * Exponential loss with C > 1 uses the multiclass exponential Σ_{c≠y} e^{f_c − f_y}.
 */
export function loss_eval(kind: i32, n: i32, C: i32, f: usize, labels: usize, g: usize, z: usize): f64 {
  const logn = Math.log(<f64>n);
  if (kind == LOSS_SQUARE) {
    let s: f64 = 0.0;
    for (let i = 0; i < n; i++) {
      const lab = load<f64>(labels + (<usize>i << 3));
      for (let c = 0; c < C; c++) {
        const t = C == 1 ? lab : (c == <i32>lab ? 1.0 : 0.0);
        const d = load<f64>(f + ((<usize>i * C + c) << 3)) - t;
        store<f64>(g + ((<usize>i * C + c) << 3), d);
        s += 0.5 * d * d;
      }
    }
    const inv = s > 0.0 ? 1.0 / s : 0.0; // ∂ log L/∂f = (f − t)/(n L) = (f − t)/Σ½‖f − t‖²
    const len = n * C;
    for (let i = 0; i < len; i++) store<f64>(g + (<usize>i << 3), load<f64>(g + (<usize>i << 3)) * inv);
    return Math.log(s) - logn;
  }
  if (C == 1 && kind == LOSS_EXP) return binaryExp(n, f, labels, g, z, logn);
  // per-sample log ℓ_i into z
  let mx = -Infinity;
  for (let i = 0; i < n; i++) {
    const zi = negMargin(i, C, f, labels);
    const lli = kind == LOSS_EXP ? zi : logSoftplus(zi);
    store<f64>(z + (<usize>i << 3), lli);
    mx = max<f64>(mx, lli);
  }
  if (mx != mx) return NaN;
  let s: f64 = 0.0;
  for (let i = 0; i < n; i++) s += Math.exp(load<f64>(z + (<usize>i << 3)) - mx);
  const logSum = mx + Math.log(s); // log Σ ℓ_i
  // ∂ℓ_i/∂z_i = e^{z_i} (exp) or σ(z_i) (softplus); ∂z_i/∂f: binary −y; multiclass softmax over c≠y minus [c=y]
  for (let i = 0; i < n; i++) {
    const row = f + ((<usize>i * C) << 3);
    const grow = g + ((<usize>i * C) << 3);
    const zi = negMargin(i, C, f, labels);
    const logdl = kind == LOSS_EXP ? zi : zi - softplus(zi); // log ∂ℓ/∂z
    const lab = load<f64>(labels + (<usize>i << 3));
    if (C == 1) {
      store<f64>(grow, -lab * Math.exp(logdl - logSum));
      continue;
    }
    const y = <i32>lab;
    const fy = load<f64>(row + (<usize>y << 3));
    // ∂z/∂f_c = e^{f_c − f_y − z} for c ≠ y; ∂z/∂f_y = −1
    for (let c = 0; c < C; c++) {
      const v = c == y ? -Math.exp(logdl - logSum) : Math.exp(logdl + load<f64>(row + (<usize>c << 3)) - fy - zi - logSum);
      store<f64>(grow + (<usize>c << 3), v);
    }
  }
  return logSum - logn;
}
