// Losses in log domain, for training followed far into the terminal phase where L = (1/n)Σ ℓ_i drops below the
// smallest double (q ~ 1e3 … 1e300). Every loss returns log L (never L itself, which underflows) and the
// weights of ∇ log L, which stay O(1):
//
//   weights[i] = −∂ log L/∂q_i = −ℓ'(q_i)/Σ_j ℓ(q_j)       (binary, q_i = y_i f_i the margin), so that
//   ∇_θ log L  = −Σ_i weights[i]·∇_θ q_i  and  ∇_θ L = L·∇_θ log L.
//
// Losses of outputs (crossEntropy, squareLoss) also return grad = ∂ log L/∂f, the gradient with respect to the
// outputs scaled by 1/L (binary: grad_i = −y_i·weights[i]; multiclass: an n×C matrix, and weights[i] =
// −grad[i, y_i], the total weight of sample i). For the exponential loss the weights are softmax(−q) and sum to
// 1; for logistic/cross-entropy they sum to ≤ 1, → 1 as the margins grow.
//
// Sums are log-sum-exps m + log1p(rest) with the largest term factored out, and log n is subtracted from the
// small part first, so that e.g. n equal margins Q give log L = −Q exactly.
import { ArgumentError, checkAllFinite, checkF64 } from "../errors.js";
import { matrix, type Matrix } from "../linalg/matrix.js";
import { checkBinaryLabels, checkClassLabels, checkLogits } from "../geometry/margins.js";
import { exp, log, log1p } from "../runtime/detmath.js";

export interface MarginLossResult {
  /** Number of samples. */
  readonly n: number;
  /** log L, L = (1/n) Σ ℓ_i; finite for any finite margins (−Infinity only for a square loss that is exactly 0). */
  readonly logL: number;
  /** weights[i] = −∂ log L/∂q_i = −ℓ'(q_i)/Σ_j ℓ(q_j) (q_i the margin of sample i; for multiclass = −grad[i, y_i]). */
  readonly weights: Float64Array;
}
export interface OutputLossResult<F extends Float64Array | Matrix = Float64Array | Matrix> extends MarginLossResult {
  /** ∂ log L/∂f = (∂L/∂f)/L, the same shape as the outputs f (0 where L = 0). */
  readonly grad: F;
}

const MIN_NORMAL = 2.2250738585072014e-308;

/** L = e^{log L} when that is a normal double (0 when log L = −∞), else undefined: use `result.logL` then. Never 0 for a positive loss. */
export function loss(result: { readonly logL: number }): number | undefined {
  const { logL } = result;
  if (logL === -Infinity) return 0;
  const v = exp(logL);
  return Number.isFinite(v) && v >= MIN_NORMAL ? v : undefined;
}

// ---- stable scalar pieces ----

/** softplus(x) = log(1 + e^x). */
function softplus(x: number): number {
  return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}
/** log softplus(x) = log log(1 + e^x), for any finite x: x + log(log1p(t)/t), t = e^x, when x < −1. */
function logSoftplus(x: number): number {
  if (x < -1) {
    const t = exp(x);
    return t === 0 ? x : x + log(log1p(t) / t);
  }
  return log(softplus(x));
}
/** K(x) = log σ(x) − log softplus(x) = x − softplus(x) − log softplus(x) ≤ 0 (→ 0 as x → −∞), without cancellation. */
function logSigmoidOverSoftplus(x: number): number {
  if (x > 0) return -log1p(exp(-x)) - logSoftplus(x);
  if (x < -1) {
    const t = exp(x);
    return t === 0 ? 0 : -log1p(t) - log(log1p(t) / t);
  }
  return x - softplus(x) - logSoftplus(x);
}
/** log Σ e^{x_i} = max + log1p(rest), returned as its two parts. */
function lse(x: Float64Array): { max: number; rest: number } {
  let max = -Infinity, j = -1;
  for (let i = 0; i < x.length; i++) if (x[i]! > max) (max = x[i]!), (j = i);
  let rest = 0;
  for (let i = 0; i < x.length; i++) if (i !== j) rest += exp(x[i]! - max);
  return { max, rest };
}

function checkMargins(q: unknown): Float64Array {
  checkAllFinite("q", checkF64("q", q));
  if ((q as Float64Array).length < 1) throw new ArgumentError("q", q, "at least one margin");
  return q as Float64Array;
}

/** From per-sample log ℓ_i and log(−ℓ'_i/ℓ_i): log L and weights_i = e^{log ℓ_i + ratio_i − log Σℓ}. */
function assemble(logl: Float64Array, logRatio: (i: number) => number): MarginLossResult {
  const n = logl.length;
  const { max, rest } = lse(logl);
  const l1p = log1p(rest);
  const weights = Float64Array.from(logl, (x, i) => exp(logRatio(i) + (x - max) - l1p));
  return { n, logL: max + (l1p - log(n)), weights };
}

// ---- binary margin losses ----

/** Exponential loss ℓ = e^{−q}: log L = logsumexp(−q) − log n, weights = softmax(−q) (sum to 1). */
export function exponentialLoss(q: Float64Array): MarginLossResult {
  checkMargins(q);
  return assemble(Float64Array.from(q, (v) => -v), () => 0);
}

/**
 * Logistic loss ℓ = log(1 + e^{−q}) = softplus(−q): log ℓ_i is computed stably for every finite q (≈ −q − e^{−q}/2
 * for large q, log(−q) for very negative q); weights_i = σ(−q_i)/Σ_j softplus(−q_j).
 */
export function logisticLoss(q: Float64Array): MarginLossResult {
  checkMargins(q);
  return assemble(Float64Array.from(q, (v) => logSoftplus(-v)), (i) => logSigmoidOverSoftplus(-q[i]!));
}

// ---- losses of outputs ----

/**
 * Cross-entropy of outputs f with labels y.
 * - Binary (f a Float64Array, y_i ∈ {±1}): the logistic loss of q = y·f; grad_i = −y_i·weights_i.
 * - Multiclass (f an n×C logit matrix, y_i ∈ {0 … C−1}; Kunin et al. App. H): ℓ_i = log(1 + Σ_{c≠y_i} e^{−s_ic}),
 *   s_ic = f_{i,y_i} − f_{i,c}; grad_ic = p_ic/Σℓ for c ≠ y_i, grad_{i,y_i} = −Σ_{c≠y_i} grad_ic = −weights_i
 *   (p = softmax of the row), all in log domain, correct for logits up to ~1e308.
 */
export function crossEntropy(f: Float64Array, y: ArrayLike<number>): OutputLossResult<Float64Array>;
export function crossEntropy(f: Matrix, y: ArrayLike<number>): OutputLossResult<Matrix>;
export function crossEntropy(f: Float64Array | Matrix, y: ArrayLike<number>): OutputLossResult {
  if (f instanceof Float64Array) {
    if (f.length < 1) throw new ArgumentError("f", f, "at least one output");
    checkAllFinite("f", f);
    const yy = checkBinaryLabels(y, f.length);
    const r = logisticLoss(Float64Array.from(f, (v, i) => yy[i]! * v));
    return { ...r, grad: Float64Array.from(r.weights, (w, i) => -yy[i]! * w) };
  }
  const { rows: n, cols: C, data } = checkLogits(f);
  const yy = checkClassLabels(y, n, C);
  const q = new Float64Array(n), rest = new Float64Array(n), logT = new Float64Array(n), logl = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = i * C, fy = data[row + yy[i]!]!;
    let qi = Infinity, j = -1;
    for (let c = 0; c < C; c++) {
      if (c === yy[i]) continue;
      const s = fy - data[row + c]!;
      if (!Number.isFinite(s)) throw new ArgumentError(`f (row ${i})`, s, "logit differences within the double range");
      if (s < qi) (qi = s), (j = c);
    }
    let r = 0;
    for (let c = 0; c < C; c++) if (c !== yy[i] && c !== j) r += exp(-(fy - data[row + c]! - qi));
    q[i] = qi;
    rest[i] = r;
    logT[i] = -qi + log1p(r); // log Σ_{c≠y} e^{−s_ic}
    logl[i] = logSoftplus(logT[i]!);
  }
  const base = assemble(logl, (i) => logSigmoidOverSoftplus(logT[i]!));
  const grad = matrix(n, C);
  for (let i = 0; i < n; i++) {
    const row = i * C, fy = data[row + yy[i]!]!, w = base.weights[i]!;
    for (let c = 0; c < C; c++) {
      grad.data[row + c] = c === yy[i] ? -w : (w * exp(-(fy - data[row + c]! - q[i]!))) / (1 + rest[i]!);
    }
  }
  return { ...base, grad };
}

/**
 * Square loss: ½(f_i − y_i)² (binary, f a Float64Array, y_i ∈ {±1}; as a margin loss ½(1 − q_i)², whose weights
 * (1 − q_i)/Σℓ can be negative) or ½‖f_i − e_{y_i}‖² (multiclass, f n×C, y_i class indices). Scaled sums keep
 * log L and grad = (f − target)/Σℓ finite for outputs up to ~1e308; an exact fit gives log L = −∞ and zero grad.
 */
export function squareLoss(f: Float64Array, y: ArrayLike<number>): OutputLossResult<Float64Array>;
export function squareLoss(f: Matrix, y: ArrayLike<number>): OutputLossResult<Matrix>;
export function squareLoss(f: Float64Array | Matrix, y: ArrayLike<number>): OutputLossResult {
  let n: number, d: Float64Array, cols = 1, yy: ArrayLike<number>;
  if (f instanceof Float64Array) {
    if (f.length < 1) throw new ArgumentError("f", f, "at least one output");
    checkAllFinite("f", f);
    n = f.length;
    yy = checkBinaryLabels(y, n);
    d = Float64Array.from(f, (v, i) => v - yy[i]!);
  } else {
    const m = checkLogits(f);
    (n = m.rows), (cols = m.cols);
    yy = checkClassLabels(y, n, cols);
    d = Float64Array.from(m.data);
    for (let i = 0; i < n; i++) d[i * cols + yy[i]!] = d[i * cols + yy[i]!]! - 1;
  }
  let s = 0;
  for (let k = 0; k < d.length; k++) s = Math.max(s, Math.abs(d[k]!));
  if (!Number.isFinite(s)) throw new ArgumentError("f", f, "outputs whose residuals f − y are within the double range");
  const grad = new Float64Array(d.length), weights = new Float64Array(n);
  let logL = -Infinity;
  if (s > 0) {
    let sum = 0; // Σ (d/s)², so Σℓ = ½ s² sum
    for (let k = 0; k < d.length; k++) sum += (d[k]! / s) ** 2;
    logL = 2 * log(s) + (log(0.5 * sum) - log(n));
    for (let k = 0; k < d.length; k++) grad[k] = d[k]! / s / (0.5 * sum) / s;
  }
  if (f instanceof Float64Array) {
    for (let i = 0; i < n; i++) weights[i] = -yy[i]! * grad[i]!;
    return { n, logL, weights, grad };
  }
  for (let i = 0; i < n; i++) weights[i] = -grad[i * cols + yy[i]!]!;
  return { n, logL, weights, grad: { rows: n, cols, data: grad } };
}
