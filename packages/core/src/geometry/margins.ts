// Margins and normalized margins (Kunin et al. 2023, §4 and App. H): q_i = y_i f(x_i; θ) for binary outputs,
// q_i = f_{y_i} − max_{c≠y_i} f_c for multiclass logits; γ = q_min/‖θ‖_Λ^{1/λmax}; the smoothed margin
// γ̃ = log(1/(nL))/‖θ‖_Λ^{1/λmax}, which takes log L so that it works when L is far below the double range.
import { ArgumentError, checkAllFinite, checkF64, checkInt } from "../errors.js";
import { checkMatrix, type Matrix } from "../linalg/matrix.js";
import { checkLambda, checkParams, scaledSquares, type ParamsLike } from "./seminorm.js";
import { exp, log, pow } from "../runtime/detmath.js";

const MIN_NORMAL = 2.2250738585072014e-308;

/** Checks binary labels: an array (or typed array) of n values, each −1 or +1. */
export function checkBinaryLabels(y: unknown, n: number): ArrayLike<number> {
  const yy = y as ArrayLike<number>;
  if ((!Array.isArray(y) && !ArrayBuffer.isView(y)) || yy.length !== n) throw new ArgumentError("y", y, `an array of ${n} labels in {−1, +1}`);
  for (let i = 0; i < n; i++) if (yy[i] !== 1 && yy[i] !== -1) throw new ArgumentError(`y[${i}]`, yy[i], "a binary label −1 or +1");
  return yy;
}

/** Checks class labels: an array (or typed array) of n integers in [0, C). */
export function checkClassLabels(y: unknown, n: number, classes: number): ArrayLike<number> {
  const yy = y as ArrayLike<number>;
  if ((!Array.isArray(y) && !ArrayBuffer.isView(y)) || yy.length !== n) throw new ArgumentError("y", y, `an array of ${n} class labels`);
  for (let i = 0; i < n; i++) {
    const c = yy[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= classes) throw new ArgumentError(`y[${i}]`, c, `a class label, an integer in [0, ${classes - 1}]`);
  }
  return yy;
}

/** Checks an n×C logit matrix with n ≥ 1, C ≥ 2 and finite entries. */
export function checkLogits(f: unknown): Matrix {
  const m = checkMatrix("f", f);
  if (m.rows < 1 || m.cols < 2) throw new ArgumentError("f", f, "an n×C logit matrix with n ≥ 1 and C ≥ 2");
  checkAllFinite("f.data", m.data);
  return m;
}

/**
 * Margins of outputs f with labels y.
 * - Binary: f is a Float64Array of n outputs, y_i ∈ {−1, +1}; q_i = y_i f_i (exact).
 * - Multiclass: f is an n×C matrix of logits, y_i ∈ {0 … C−1}; q_i = f_{i,y_i} − max_{c≠y_i} f_{i,c}.
 * Throws ArgumentError for empty input, shape mismatches, non-finite outputs, labels out of range, or a logit
 * difference that overflows the double range (|f| near 1.8e308 with opposite signs).
 */
export function margins(f: Float64Array | Matrix, y: ArrayLike<number>): Float64Array {
  if (f instanceof Float64Array) {
    if (f.length < 1) throw new ArgumentError("f", f, "at least one output");
    checkAllFinite("f", f);
    const yy = checkBinaryLabels(y, f.length);
    return Float64Array.from(f, (v, i) => yy[i]! * v);
  }
  const m = checkLogits(f);
  const { rows: n, cols: C, data } = m;
  const yy = checkClassLabels(y, n, C);
  const q = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c0 = yy[i]!, row = i * C;
    let other = -Infinity;
    for (let c = 0; c < C; c++) if (c !== c0) other = Math.max(other, data[row + c]!);
    q[i] = data[row + c0]! - other;
    if (!Number.isFinite(q[i]!)) throw new ArgumentError(`f (row ${i})`, q[i], "logit differences within the double range");
  }
  return q;
}

function checkMargins(q: unknown): Float64Array {
  checkAllFinite("q", checkF64("q", q));
  if ((q as Float64Array).length < 1) throw new ArgumentError("q", q, "at least one margin");
  return q as Float64Array;
}

/** q_min = min_i q_i. */
export function minMargin(q: Float64Array): number {
  checkMargins(q);
  let m = Infinity;
  for (let i = 0; i < q.length; i++) m = Math.min(m, q[i]!);
  return m;
}

/**
 * num/‖θ‖_Λ^{1/λmax}: directly when every intermediate is a normal double (relative error ~ (2 + 1/λmax)·ε),
 * otherwise through logarithms (error ~ ε·|log ‖θ‖_Λ|/λmax relative). Throws if ‖θ‖_Λ = 0.
 */
function divideByNormPower(num: number, theta: ParamsLike, lambda: Float64Array): number {
  const lmax = checkLambda(lambda, checkParams("theta", theta));
  const sc = scaledSquares(theta, lambda);
  if (sc.sum === 0) throw new ArgumentError("theta", theta, "parameters with a nonzero Λ-seminorm ‖θ‖_Λ > 0");
  if (num === 0) return 0;
  const p = 1 / lmax;
  if (!Number.isNaN(sc.scale)) {
    const N = sc.scale * Math.sqrt(sc.sum);
    const Np = pow(N, p);
    const r = num / Np;
    if (N >= MIN_NORMAL && Np >= MIN_NORMAL && Number.isFinite(Np) && Number.isFinite(r) && Math.abs(r) >= MIN_NORMAL) return r;
  }
  const logNp = p * (sc.logScale + 0.5 * log(sc.sum));
  return Math.sign(num) * exp(log(Math.abs(num)) - logNp);
}

/**
 * Normalized margin γ = q_min/‖θ‖_Λ^{1/λmax}, λmax = max_i λ_i; θ may be given in log domain. For a
 * Λ-quasi-homogeneous model q_min(ψ_α θ) = e^α q_min(θ) while ‖ψ_α θ‖²_Λ = e^{2αλmax}(‖θ‖²_{Λmax} + Σ_{λ_i<λmax}
 * λ_i θ_i² e^{−2α(λmax−λ_i)}): γ is exactly ψ-invariant when all λ_i with θ_i ≠ 0 equal λmax (the homogeneous
 * case), and in general γ(ψ_α θ) → q_min(θ)/‖θ‖_{Λmax}^{1/λmax} as α → ∞.
 */
export function normalizedMargin(qmin: number, theta: ParamsLike, lambda: Float64Array): number {
  if (typeof qmin !== "number" || !Number.isFinite(qmin)) throw new ArgumentError("qmin", qmin, "a finite number");
  return divideByNormPower(qmin, theta, lambda);
}

/**
 * Smoothed margin γ̃ = log(1/(nL))/‖θ‖_Λ^{1/λmax} = (−log n − log L)/‖θ‖_Λ^{1/λmax}, from log L (never L, which
 * underflows in the terminal phase). For the exponential loss γ̃ ≤ γ with γ − γ̃ ≤ log(n)/‖θ‖_Λ^{1/λmax}.
 */
export function smoothedMargin(logL: number, n: number, theta: ParamsLike, lambda: Float64Array): number {
  if (typeof logL !== "number" || !Number.isFinite(logL)) throw new ArgumentError("logL", logL, "a finite log-loss");
  checkInt("n", n, 1);
  return divideByNormPower(-(logL + log(n)), theta, lambda);
}

/**
 * The number of "support vectors at level k": samples whose margin lies within log(10^k) = k·ln 10 of the
 * minimum, q_i ≤ q_min + k·ln 10 — equivalently, whose exponential-loss term e^{−q_i} is at least 10^{−k} times
 * the largest one (the n_supp_k statistic used in the margin-maximization literature, e.g. after Lyu & Li 2020).
 * k ≥ 0; k = 0 counts the exact minimizers. For |q| ≫ 1e16 the offset k·ln 10 is below the margins' resolution
 * and the count reduces to ties at q_min.
 */
export function supportVectorCount(q: Float64Array, k: number): number {
  checkMargins(q);
  if (typeof k !== "number" || !Number.isFinite(k) || k < 0) throw new ArgumentError("k", k, "a finite number ≥ 0");
  let qmin = Infinity;
  for (let i = 0; i < q.length; i++) qmin = Math.min(qmin, q[i]!);
  const thr = qmin + k * Math.LN10;
  let count = 0;
  for (let i = 0; i < q.length; i++) if (q[i]! <= thr) count++;
  return count;
}
