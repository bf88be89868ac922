// Where neural collapse can be seen: the centred class means μ_k − μ_G, the classifier rows w_k and some of the
// centred features h_i − μ_G, in coordinates of the plane (K = 3) or the space (K = 4) the centred means span — or,
// for K ≥ 5, of their three principal axes. Collapse shows as the features shrinking onto the means (NC1), the means
// becoming a regular simplex (NC2) and the classifiers turning onto them (NC3).
//
// Conventions (written once, here):
// - K ≤ 4 ("simplex"): the axes are Gram–Schmidt of μ_0 − μ_G, μ_1 − μ_G, μ_2 − μ_G (the first K − 1), so class 0
//   lies on the first axis, class 1 in the upper half-plane of the first two and class 2 above the plane of the
//   first two. The centred means span at most K − 1 dimensions (Σ n_k(μ_k − μ_G) = 0), so for K ≤ 4 their
//   coordinates are exact; the features and classifiers are projected.
// - K ≥ 5 ("pca"): the axes are the top-3 eigenvectors of MᵀM (M the K×d centred means), through the K×K Gram matrix
//   MMᵀ; each axis's sign makes its largest-|coordinate| class positive. At a regular simplex MMᵀ has K − 1 equal
//   eigenvalues, so near collapse the three axes are any three of them: the picture may turn from frame to frame.
// - Scales: means and features are divided by the means' mean norm, classifiers by their rows' mean norm (so a
//   shrunk classifier arrow is one that leaves the space of the means).
// - `ideal`: the regular simplex of K unit vectors in the same frame (the standard simplex e_k − 1/K through the same
//   Gram–Schmidt), for K ≤ 4.
import { ArgumentError, checkInt } from "../errors.js";
import { toMatrix, type MatrixLike } from "../linalg/matrix.js";
import { symmetricEigen } from "../linalg/symmetric-eigen.js";
import { ClassStats } from "./class-stats.js";
import { globalMean } from "./metrics.js";

/** Defaults of simplexView's options — the one place they are written. */
export const SIMPLEX_VIEW_DEFAULTS = {
  /** features shown per class (the first ones of each class in row order) */
  featuresPerClass: 20,
} as const;

export interface SimplexView {
  /** coordinates per point: 2 for K = 3, else 3 */
  dims: 2 | 3;
  basis: "simplex" | "pca";
  /** the share of Σ‖μ_k − μ_G‖² the axes keep (1 for K ≤ 4) */
  kept: number;
  /** K points: the centred class means, in units of their mean norm */
  means: number[][];
  /** K points: the classifier rows, in units of their mean norm (null without a classifier) */
  classifiers: number[][] | null;
  /** up to featuresPerClass centred features per class, in the means' unit, with their classes */
  features: number[][];
  labels: number[];
  /** the regular simplex in this frame (K ≤ 4), unit vectors; null for "pca" */
  ideal: number[][] | null;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>, n: number, ao = 0, bo = 0) => {
  let s = 0;
  for (let j = 0; j < n; j++) s += a[ao + j]! * b[bo + j]!;
  return s;
};

/** Gram–Schmidt of the first `count` rows of V (rows of length d); a row dependent on the previous ones (below 1e-12
 *  of its norm) is an error naming the class: the centred means do not span the simplex's space yet. */
function gramSchmidt(V: Float64Array, d: number, count: number): Float64Array[] {
  const axes: Float64Array[] = [];
  for (let k = 0; k < count; k++) {
    const v = V.slice(k * d, (k + 1) * d);
    const n0 = Math.sqrt(dot(v, v, d));
    for (const a of axes) {
      const c = dot(v, a, d);
      for (let j = 0; j < d; j++) v[j]! -= c * a[j]!;
    }
    const n = Math.sqrt(dot(v, v, d));
    if (!(n > 1e-12 * n0) || !(n0 > 0)) throw new ArgumentError("features", `class means ${k + 1} of ${count + 1} dependent`, `class means that span ${count} dimensions (no class mean at the global mean, none on the line or plane of the others)`);
    for (let j = 0; j < d; j++) v[j]! /= n;
    axes.push(v);
  }
  return axes;
}

const coords = (axes: readonly Float64Array[], v: ArrayLike<number>, d: number, off: number, scale: number) => axes.map((a) => dot(a, v, d, 0, off) / scale);

/** The simplex view of features H (N×d) with labels 0…K−1 (K ≥ 3) and an optional classifier W (K×d). */
export function simplexView(Hin: MatrixLike, labels: ArrayLike<number>, K: number, Win?: MatrixLike, options: { featuresPerClass?: number } = {}): SimplexView {
  checkInt("K", K, 3);
  const perClass = checkInt("options.featuresPerClass", options.featuresPerClass ?? SIMPLEX_VIEW_DEFAULTS.featuresPerClass, 0);
  const H = toMatrix("features", Hin), d = H.cols;
  const stats = ClassStats.of(H, labels, K, { scatter: false });
  const muG = globalMean(stats);
  const M = new Float64Array(K * d);
  for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) M[k * d + j] = stats.means[k * d + j]! - muG[j]!;
  let total = 0;
  const norms = Array.from({ length: K }, (_, k) => Math.sqrt(dot(M, M, d, k * d, k * d)));
  for (const n of norms) total += n * n;
  const meanNorm = norms.reduce((a, b) => a + b, 0) / K;
  if (!(meanNorm > 0)) throw new ArgumentError("features", "all class means equal", "features whose class means differ");
  let axes: Float64Array[], kept = 1, ideal: number[][] | null = null;
  const basis = K <= 4 ? "simplex" : "pca";
  if (basis === "simplex") {
    if (d < K - 1) throw new ArgumentError("features", `${d} columns`, `features of at least K − 1 = ${K - 1} dimensions`);
    axes = gramSchmidt(M, d, K - 1);
    const S = new Float64Array(K * K);
    const r = Math.sqrt(1 - 1 / K);
    for (let k = 0; k < K; k++) for (let c = 0; c < K; c++) S[k * K + c] = ((k === c ? 1 : 0) - 1 / K) / r;
    const ideals = gramSchmidt(S, K, K - 1);
    ideal = Array.from({ length: K }, (_, k) => coords(ideals, S, K, k * K, 1));
  } else {
    const G = new Float64Array(K * K);
    for (let a = 0; a < K; a++) for (let b = a; b < K; b++) G[a * K + b] = G[b * K + a] = dot(M, M, d, a * d, b * d);
    const { values, vectors } = symmetricEigen(G, K);
    axes = [];
    let keptSq = 0;
    for (let i = K - 1; i >= K - 3; i--) {
      const lam = values[i]!;
      if (!(lam > 0)) throw new ArgumentError("features", `class means spanning ${K - 1 - i} dimensions`, "class means spanning at least 3 dimensions");
      keptSq += lam;
      const u = Array.from({ length: K }, (_, k) => vectors[k * K + i]!);
      let big = 0;
      for (let k = 1; k < K; k++) if (Math.abs(u[k]!) > Math.abs(u[big]!)) big = k;
      const sign = u[big]! < 0 ? -1 : 1;
      const v = new Float64Array(d);
      for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) v[j]! += (sign * u[k]! * M[k * d + j]!) / Math.sqrt(lam);
      axes.push(v);
    }
    kept = keptSq / total;
  }
  const means = Array.from({ length: K }, (_, k) => coords(axes, M, d, k * d, meanNorm));
  let classifiers: number[][] | null = null;
  if (Win !== undefined) {
    const W = toMatrix("classifier", Win);
    if (W.rows !== K || W.cols !== d) throw new ArgumentError("classifier", `${W.rows}×${W.cols}`, `a K×d = ${K}×${d} classifier`);
    const wNorm = Array.from({ length: K }, (_, k) => Math.sqrt(dot(W.data, W.data, d, k * d, k * d))).reduce((a, b) => a + b, 0) / K;
    classifiers = Array.from({ length: K }, (_, k) => coords(axes, W.data, d, k * d, wNorm > 0 ? wNorm : 1));
  }
  const features: number[][] = [], shown: number[] = [];
  const taken = new Array<number>(K).fill(0);
  const centred = new Float64Array(d);
  for (let i = 0; i < H.rows; i++) {
    const y = labels[i]!;
    if (taken[y]! >= perClass) continue;
    taken[y]!++;
    for (let j = 0; j < d; j++) centred[j] = H.data[i * d + j]! - muG[j]!;
    features.push(coords(axes, centred, d, 0, meanNorm));
    shown.push(y);
  }
  return { dims: axes.length === 2 ? 2 : 3, basis, kept, means, classifiers, features, labels: shown, ideal };
}
