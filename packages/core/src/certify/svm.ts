// The hard-margin max ℓ2-margin SVM (Vapnik; Boser, Guyon & Vapnik 1992):
//   minimize ½‖w‖²  s.t.  y_i (w·x_i + b) ≥ 1      (b = 0 without bias)
// — the limit direction of gradient flow on a homogeneous linear model with exponential loss (Soudry et al. 2018),
// i.e. problem (P) of seed 000 with Λ = I. Solved exactly by the active-set QP (qp.ts); with bias, b is a free
// coordinate (a zero row and column of Q).
import { ArgumentError } from "../errors.js";
import { checkMatrix, matrix, type Matrix } from "../linalg/matrix.js";
import { QpError, solveQp, type QpResiduals } from "./qp.js";

/** Defaults of hardMarginSvm's options. */
export const SVM_DEFAULTS = {
  /** Fit an unpenalized bias b. */
  bias: true,
} as const;

export interface SvmOptions {
  /** Fit an unpenalized bias b; default true. */
  bias?: boolean;
}

export interface SvmResult {
  w: Float64Array;
  /** 0 without bias. */
  b: number;
  /** The geometric margin 1/‖w‖: the distance from the hyperplane to the closest point. */
  margin: number;
  /** Indices of the support vectors: the points on the margin, |y_i(w·x_i + b) − 1| ≤ 1e-9. */
  supportVectors: Int32Array;
  /** The QP's final active set (a linearly independent subset of the support vectors carrying the multipliers). */
  activeSet: Int32Array;
  /** Dual variables μ_i ≥ 0 with w = Σ μ_i y_i x_i (and Σ μ_i y_i = 0 with bias). */
  multipliers: Float64Array;
  /** min_i y_i (w·x_i + b): 1 at the optimum. */
  minFunctionalMargin: number;
  residuals: QpResiduals;
  iterations: number;
}

/** Check labels: a Float64Array of ±1 of length n. */
export function checkLabels(y: unknown, n: number, name = "y"): Float64Array {
  if (!(y instanceof Float64Array) || y.length !== n) throw new ArgumentError(name, y, `a Float64Array of length ${n} (one label per row of X)`);
  for (let i = 0; i < n; i++) if (y[i] !== 1 && y[i] !== -1) throw new ArgumentError(`${name}[${i}]`, y[i], "a label +1 or −1");
  return y;
}

/** Check a data matrix: a Matrix with n ≥ 1 rows, d ≥ 1 columns and finite entries. */
export function checkData(X: unknown, name = "X"): Matrix {
  const M = checkMatrix(name, X);
  if (M.rows < 1 || M.cols < 1) throw new ArgumentError(name, `${M.rows}×${M.cols} matrix`, "at least one row (sample) and one column (feature)");
  for (let i = 0; i < M.data.length; i++) {
    if (!Number.isFinite(M.data[i]!)) throw new ArgumentError(`${name}[${Math.floor(i / M.cols)}][${i % M.cols}]`, M.data[i], "a finite number");
  }
  return M;
}

/** The hard-margin SVM of (X, y). Throws ArgumentError naming X when the data are not linearly separable. */
export function hardMarginSvm(X: Matrix, y: Float64Array, options: SvmOptions = {}): SvmResult {
  checkData(X);
  const { rows: n, cols: d } = X;
  checkLabels(y, n);
  const bias = options.bias ?? SVM_DEFAULTS.bias;
  if (bias && (y.every((v) => v === 1) || y.every((v) => v === -1))) {
    throw new ArgumentError("y", y, "labels of both classes (with a bias, one class is fit by w = 0 and an infinite margin)");
  }
  const nv = d + (bias ? 1 : 0);
  const Q = matrix(nv, nv);
  for (let j = 0; j < d; j++) Q.data[j * nv + j] = 1;
  const A = matrix(n, nv);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) A.data[i * nv + j] = y[i]! * X.data[i * d + j]!;
    if (bias) A.data[i * nv + d] = y[i]!;
  }
  let sol;
  try {
    sol = solveQp({ Q, A, b: new Float64Array(n).fill(1) });
  } catch (err) {
    if (err instanceof QpError && err.kind === "infeasible") {
      throw new ArgumentError("X", X, `data linearly separable by the labels y${bias ? " (with a bias)" : " by a hyperplane through the origin"}; these are not: no w${bias ? ", b" : ""} has y_i (w·x_i${bias ? " + b" : ""}) ≥ 1 for all i`);
    }
    throw err;
  }
  const w = sol.x.slice(0, d);
  const b = bias ? sol.x[d]! : 0;
  let wn = 0;
  for (let j = 0; j < d; j++) wn += w[j]! ** 2;
  wn = Math.sqrt(wn);
  let minMargin = Infinity;
  const onMargin: number[] = [];
  for (let i = 0; i < n; i++) {
    let s = b;
    for (let j = 0; j < d; j++) s += w[j]! * X.data[i * d + j]!;
    minMargin = Math.min(minMargin, y[i]! * s);
    if (Math.abs(y[i]! * s - 1) <= 1e-9) onMargin.push(i);
  }
  return {
    w,
    b,
    margin: 1 / wn,
    supportVectors: Int32Array.from(onMargin),
    activeSet: sol.active,
    multipliers: sol.multipliers,
    minFunctionalMargin: minMargin,
    residuals: sol.residuals,
    iterations: sol.iterations,
  };
}
