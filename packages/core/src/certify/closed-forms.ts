// Closed forms of seed 000: Lemma 5.1 (the ball problem) and Theorem 6.1 (neural collapse as a regular simplex).
import { ArgumentError } from "../errors.js";
import { checkMatrix, matrix, type Matrix } from "../linalg/matrix.js";
import { coordinateMask, type CoordinateSpec } from "./coordinates.js";

function checkVector(name: string, v: unknown): Float64Array {
  if (!(v instanceof Float64Array) || v.length < 1) throw new ArgumentError(name, v, "a non-empty Float64Array");
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) throw new ArgumentError(`${name}[${i}]`, v[i], "a finite number");
  return v;
}

/**
 * Robustness of the linear classifier x ↦ sign(w·x) on the balls B(±µ, r): the smallest distance from a ball to
 * the hyperplane w·x = 0, i.e. w·µ/‖w‖ − r (negative when the hyperplane cuts the balls).
 */
export function ballRobustness(w: Float64Array, mu: Float64Array, r: number): number {
  checkVector("w", w);
  checkVector("mu", mu);
  if (w.length !== mu.length) throw new ArgumentError("w", w, `a Float64Array of length ${mu.length} (that of mu)`);
  let wm = 0, ww = 0;
  for (let i = 0; i < w.length; i++) {
    wm += w[i]! * mu[i]!;
    ww += w[i]! ** 2;
  }
  if (!(ww > 0)) throw new ArgumentError("w", w, "a non-zero classifier");
  return wm / Math.sqrt(ww) - r;
}

export interface Lemma51 {
  /** ρ = ‖P⊥µ‖ */
  rho: number;
  /** The homogeneous limit: w ∝ µ (unit), robustness 1 − r. */
  homogeneous: { w: Float64Array; robustness: number };
  /**
   * The quasi-homogeneous limit (unit): w ∝ sqrt((1 − ρ²/r²)/(1 − ρ²))·Pµ + (1/r)·P⊥µ,
   * robustness sqrt(1 − ρ²/r²)·(sqrt(1 − ρ²) − sqrt(r² − ρ²)).
   */
  quasiHomogeneous: { w: Float64Array; robustness: number };
}

/**
 * Seed 000, Lemma 5.1: the limits of gradient flow on the balls B(±µ, r), ‖µ‖ = 1, for the homogeneous and the
 * quasi-homogeneous (λmax on the coordinates of P) linear classifiers. Valid for ρ < r < 1; µ is normalized
 * (‖µ‖ must be 1 within 1e-6).
 * Derivation (checked): with s = ‖Pw‖, t = ‖P⊥w‖ and both parts aligned with Pµ, P⊥µ, the constraint
 * w·µ − r‖w‖ ≥ 1 reads s·sqrt(1 − ρ²) + tρ − r·sqrt(s² + t²) ≥ 1; maximizing over t gives t/s = ρ/sqrt(r² − ρ²)
 * and the smallest s is 1/(sqrt(1 − ρ²) − sqrt(r² − ρ²)); the robustness of the resulting unit w is as stated.
 */
export function lemma51(mu: Float64Array, r: number, lambdaMaxCoords: CoordinateSpec): Lemma51 {
  checkVector("mu", mu);
  const d = mu.length;
  const mask = coordinateMask("lambdaMaxCoords", lambdaMaxCoords, d);
  let mm = 0, rho2 = 0;
  for (let i = 0; i < d; i++) mm += mu[i]! ** 2;
  const norm = Math.sqrt(mm);
  // ‖µ‖ = 1 to the 7 digits the paper prints (µ = [0.8660254, 0.4330127, 0.25] has ‖µ‖ − 1 ≈ −4e-9); µ/‖µ‖ is used.
  if (Math.abs(norm - 1) > 1e-6) throw new ArgumentError("mu", mu, `a unit vector (‖µ‖ = ${norm})`);
  for (let i = 0; i < d; i++) if (!mask[i]) rho2 += (mu[i]! / norm) ** 2;
  const rho = Math.sqrt(rho2);
  if (typeof r !== "number" || !(r > rho && r < 1)) {
    throw new ArgumentError("r", r, `a radius in (ρ, 1) = (${rho}, 1): separability (r < 1) and conditional separability (r > ρ = ‖P⊥µ‖)`);
  }
  const wHom = Float64Array.from(mu, (v) => v / norm);
  const cP = Math.sqrt((1 - rho2 / (r * r)) / (1 - rho2));
  const wq = Float64Array.from(wHom, (v, i) => (mask[i] ? cP * v : v / r));
  let nq = 0;
  for (let i = 0; i < d; i++) nq += wq[i]! ** 2;
  nq = Math.sqrt(nq);
  for (let i = 0; i < d; i++) wq[i]! /= nq;
  return {
    rho,
    homogeneous: { w: wHom, robustness: 1 - r },
    quasiHomogeneous: { w: wq, robustness: Math.sqrt(1 - rho2 / (r * r)) * (Math.sqrt(1 - rho2) - Math.sqrt(r * r - rho2)) },
  };
}

export interface SimplexEtf {
  /** C×d: rows w_c, a regular simplex centred at 0, ‖w_c‖ = (C − 1)/C, zero coordinate sums. */
  W: Matrix;
  /** The biases: 0. */
  b: Float64Array;
  /** C×d: the collapsed features h_c = C/(C − 1)·w_c (zero-mean, unit norm: layer-normalized). */
  H: Matrix;
  /** ‖w_c‖ = (C − 1)/C */
  classifierNorm: number;
}

/**
 * Seed 000, Theorem 6.1 (Lemma G.4/G.5): the global optimum of
 *   min Σ_c ‖w_c‖² + ‖b‖²  s.t.  w_{y_i}·h_i + b_{y_i} − max_{c≠y_i} (w_c·h_i + b_c) ≥ 1,  Σ_j (h_i)_j = 0, ‖h_i‖ = 1,
 * for d ≥ C: a regular simplex with Σ_c w_c = 0, b = 0, h_i = C/(C − 1)·w_{y_i}, and ‖w_c‖ = (C − 1)/C.
 * (The spec note's sqrt((C − 1)/C) is an extraction erratum: with it ‖h_i‖² = C/(C − 1) ≠ 1. The appendix's own
 * computations — the margin (C/(C−1))²‖w‖² = 1, the face distance ‖w‖/(C − 1) = 1/C — give (C − 1)/C.)
 * The canonical simplex here: w_c = sqrt((C − 1)/C)·(e_c − 1/C) on the first C coordinates.
 */
export function simplexEtf(C: number, d: number): SimplexEtf {
  if (!Number.isInteger(C) || C < 2) throw new ArgumentError("C", C, "an integer number of classes ≥ 2");
  if (!Number.isInteger(d) || d < C) throw new ArgumentError("d", d, `a feature dimension d ≥ C = ${C} (Theorem 6.1)`);
  const W = matrix(C, d), H = matrix(C, d);
  const k = Math.sqrt((C - 1) / C);
  for (let c = 0; c < C; c++) {
    for (let j = 0; j < C; j++) {
      const v = k * ((c === j ? 1 : 0) - 1 / C);
      W.data[c * d + j] = v;
      H.data[c * d + j] = (C / (C - 1)) * v;
    }
  }
  return { W, b: new Float64Array(C), H, classifierNorm: (C - 1) / C };
}

export interface SimplexDistance {
  /** ‖WWᵀ − W*W*ᵀ‖_F / ‖W*W*ᵀ‖_F */
  classifierGram: number;
  /** ‖WHᵀ − W*H*ᵀ‖_F / ‖W*H*ᵀ‖_F (H* rows = h*_{y_i}) */
  crossGram: number;
  /** max_i |‖h_i‖² − 1| */
  featureNorm: number;
  /** ‖b‖₂ */
  bias: number;
  /** The largest of the above. */
  total: number;
}

/**
 * Distance of (W, b, H) — classifier rows w_c (C×d), biases b (C), features h_i (N×d) with labels y_i ∈ [0, C) —
 * to Theorem 6.1's closed form, invariant to any orthogonal transform of feature space: it compares the Gram
 * matrices WWᵀ and WHᵀ and the feature norms (which together fix H up to that transform) and the bias.
 */
export function simplexDistance(W: Matrix, b: Float64Array, H: Matrix, y: ArrayLike<number>): SimplexDistance {
  checkMatrix("W", W);
  checkMatrix("H", H);
  const { rows: C, cols: d } = W;
  if (C < 2) throw new ArgumentError("W", `${C}×${d} matrix`, "at least 2 class rows");
  if (H.cols !== d) throw new ArgumentError("H", `${H.rows}×${H.cols} matrix`, `${d} columns (those of W)`);
  if (!(b instanceof Float64Array) || b.length !== C) throw new ArgumentError("b", b, `a Float64Array of length ${C}`);
  const N = H.rows;
  if (typeof y !== "object" || y === null || y.length !== N) throw new ArgumentError("y", y, `${N} class labels (one per row of H)`);
  for (let i = 0; i < N; i++) if (!Number.isInteger(y[i]) || y[i]! < 0 || y[i]! >= C) throw new ArgumentError(`y[${i}]`, y[i], `a class index in [0, ${C})`);
  const wn2 = ((C - 1) / C) ** 2;
  const dotRows = (A: Float64Array, i: number, B: Float64Array, j: number) => {
    let s = 0;
    for (let l = 0; l < d; l++) s += A[i * d + l]! * B[j * d + l]!;
    return s;
  };
  let num = 0, den = 0;
  for (let c = 0; c < C; c++) {
    for (let e = 0; e < C; e++) {
      const target = c === e ? wn2 : -wn2 / (C - 1);
      num += (dotRows(W.data, c, W.data, e) - target) ** 2;
      den += target ** 2;
    }
  }
  const classifierGram = Math.sqrt(num / den);
  num = 0;
  den = 0;
  let featureNorm = 0;
  for (let i = 0; i < N; i++) {
    for (let c = 0; c < C; c++) {
      const target = c === y[i] ? (C - 1) / C : -1 / C;
      num += (dotRows(W.data, c, H.data, i) - target) ** 2;
      den += target ** 2;
    }
    featureNorm = Math.max(featureNorm, Math.abs(dotRows(H.data, i, H.data, i) - 1));
  }
  const crossGram = N > 0 ? Math.sqrt(num / den) : 0;
  let bias = 0;
  for (let c = 0; c < C; c++) bias += b[c]! ** 2;
  bias = Math.sqrt(bias);
  return { classifierGram, crossGram, featureNorm, bias, total: Math.max(classifierGram, crossGram, featureNorm, bias) };
}
