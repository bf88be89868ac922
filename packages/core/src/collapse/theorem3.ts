// Seed 001's Theorem 3 measured on a trained last layer: features h (the classifier's input), outputs f, one-hot
// targets of C balanced classes, W_L (C×p, row c the classifier W^c), its bias b (or none) and the weight decay λ̂
// in the optimizer's convention. The theorem's closed forms are stated for L = ½ Σ_{n=1}^{NC} ‖y_n − f(x_n)‖²
// + (λ/2) Σ_l ‖W_l‖² (N per class); the kernels descend L̂ = (1/NC) Σ_n ½‖f − y‖² with coupled weight decay (λ̂θ
// added to ∇L̂), i.e. L̂ + (λ̂/2)‖θ‖² = L/(NC) with λ = NC·λ̂. So, with ε = mean of 1 − f^c(x_c):
//   W^c = CNε/(λ(C−1))·(μ_c − μ_G) = ε/((C−1)λ̂)·(μ_c − μ_G)                           (eq. 33)
//   ‖W^c‖² = (Nε/λ)(1 − Cε/(C−1)) = (ε/(Cλ̂))(1 − Cε/(C−1))                              (eq. 34)
//   ⟨W^c, μ_G⟩ = 1/C (eq. 35; with a bias the affine term ⟨W^c, μ_G⟩ + b^c), cos(W^c, W^c′) = −1/(C−1) (eq. 36),
//   Σ_c W^c = 0;
// μ_c the class means of h, μ_G their mean. The stationarity residual says how far the last layer is from a
// critical point of L̂ + (λ̂/2)‖θ‖²: ‖λ̂W − (1/NC) Σ_n (y_n − f_n) h_nᵀ‖_F / ‖λ̂W‖_F.
import { ArgumentError } from "../errors.js";
import type { Matrix } from "../linalg/matrix.js";

/** The last layer against Theorem 3. Per-class arrays are in label order; `cosines` is the C×C Gram matrix of the
 *  unit classifiers W^c/‖W^c‖, row-major. Entries that are not finite (a zero classifier or class mean) are null. */
export interface Theorem3Geometry {
  classes: number;
  perClass: number;
  /** fraction of samples with argmax_c f^c = label */
  accuracy: number;
  /** ε = mean over samples of 1 − f^c(x_c) (c the sample's class), and the population std of 1 − f^c(x_c) */
  eps: number;
  epsSpread: number;
  /** mean and std of the off-class outputs f^c′(x_c), c′ ≠ c (Assumption 1: ε/(C−1) each) */
  offMean: number;
  offSpread: number;
  /** cos(W^c, μ_c − μ_G) (eq. 33: 1) and cos(W^c, μ_c) (the uncentred mean) */
  cosCentred: (number | null)[];
  cosUncentred: (number | null)[];
  cosines: (number | null)[];
  /** max over pairs c < c′ of |cos(W^c, W^c′) + 1/(C−1)| (eq. 36: 0) and the mean of cos over pairs */
  cosDeviation: number | null;
  cosMean: number | null;
  /** ‖W^c‖² and the closed form (ε/(Cλ̂))(1 − Cε/(C−1)); max over c of |‖W^c‖²/closed form − 1| */
  norms2: number[];
  norm2ClosedForm: number;
  norm2Error: number | null;
  /** ⟨W^c, μ_G⟩ (eq. 35: 1/C) and the bias b^c (0 without one) */
  dotGlobalMean: number[];
  bias: number[];
  /** ‖Σ_c W^c‖ / max_c ‖W^c‖ (0 by the theorem) */
  sumRatio: number | null;
  /** ‖W − ε/((C−1)λ̂)·M‖_F / ‖W‖_F, M the rows μ_c − μ_G (eq. 33 with its constant) */
  formError: number | null;
  /** ‖λ̂W − (1/NC) Σ_n (y_n − f_n) h_nᵀ‖_F / ‖λ̂W‖_F (0 at a critical point) */
  stationarity: number | null;
}

const fin = (x: number) => (Number.isFinite(x) ? x : null);

/** Theorem 3's quantities of a last layer f = W h (+ b) on a balanced training set; `lambda` is λ̂ (> 0). */
export function theorem3Geometry(H: Matrix, F: Matrix, labels: ArrayLike<number>, W: Matrix, b: ArrayLike<number> | undefined, lambda: number): Theorem3Geometry {
  const n = H.rows, p = H.cols, C = F.cols;
  if (!(Number.isFinite(lambda) && lambda > 0)) throw new ArgumentError("lambda", lambda, "a weight decay λ > 0 (Theorem 3's closed forms divide by it)");
  if (C < 2) throw new ArgumentError("F", `${F.rows}×${F.cols}`, "outputs of C ≥ 2 classes");
  if (F.rows !== n || labels.length !== n) throw new ArgumentError("F", `${F.rows} rows, ${labels.length} labels`, `one output row and one label per feature row (${n})`);
  if (W.rows !== C || W.cols !== p) throw new ArgumentError("W", `${W.rows}×${W.cols}`, `${C}×${p} (a classifier per class on the features)`);
  if (b !== undefined && b.length !== C) throw new ArgumentError("b", `${b.length} entries`, `${C} (a bias per class)`);
  const counts = new Float64Array(C);
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    if (!(Number.isInteger(y) && y >= 0 && y < C)) throw new ArgumentError(`labels[${i}]`, y, `a class index 0…${C - 1}`);
    counts[y]!++;
  }
  const N = counts[0]!;
  if (!(N > 0) || counts.some((k) => k !== N)) throw new ArgumentError("labels", Array.from(counts).join("/"), "a balanced training set (Theorem 3): the same number of samples in every class");

  // class means, their mean, the outputs' ε and off-class statistics, the last layer's gradient (1/n) Σ (y − f) hᵀ
  const mu = new Float64Array(C * p), muG = new Float64Array(p), grad = new Float64Array(C * p);
  let eps = 0, eps2 = 0, off = 0, off2 = 0, correct = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i]!, h = H.data.subarray(i * p, (i + 1) * p), f = F.data.subarray(i * C, (i + 1) * C);
    for (let k = 0; k < p; k++) mu[y * p + k]! += h[k]! / N;
    let best = 0;
    for (let c = 0; c < C; c++) {
      const r = (c === y ? 1 : 0) - f[c]!;
      if (c === y) (eps += r), (eps2 += r * r);
      else (off += f[c]!), (off2 += f[c]! * f[c]!);
      if (f[c]! > f[best]!) best = c;
      for (let k = 0; k < p; k++) grad[c * p + k]! += (r * h[k]!) / n;
    }
    if (best === y) correct++;
  }
  eps /= n;
  off /= n * (C - 1);
  const epsSpread = Math.sqrt(Math.max(0, eps2 / n - eps * eps)), offSpread = Math.sqrt(Math.max(0, off2 / (n * (C - 1)) - off * off));
  for (let c = 0; c < C; c++) for (let k = 0; k < p; k++) muG[k]! += mu[c * p + k]! / C;

  const row = (A: Float64Array, c: number) => A.subarray(c * p, (c + 1) * p);
  const dot = (a: ArrayLike<number>, v: ArrayLike<number>) => { let s = 0; for (let k = 0; k < p; k++) s += a[k]! * v[k]!; return s; };
  const Wr = Array.from({ length: C }, (_, c) => row(W.data, c));
  const norms2 = Wr.map((w) => dot(w, w)), norms = norms2.map(Math.sqrt);
  const centred = Array.from({ length: C }, (_, c) => Float64Array.from(row(mu, c), (v, k) => v - muG[k]!));
  const cosCentred = Wr.map((w, c) => fin(dot(w, centred[c]!) / (norms[c]! * Math.sqrt(dot(centred[c]!, centred[c]!)))));
  const cosUncentred = Wr.map((w, c) => fin(dot(w, row(mu, c)) / (norms[c]! * Math.sqrt(dot(row(mu, c), row(mu, c))))));
  const cosines: (number | null)[] = [];
  let dev = 0, cmean = 0;
  for (let c = 0; c < C; c++) {
    for (let d = 0; d < C; d++) {
      const v = dot(Wr[c]!, Wr[d]!) / (norms[c]! * norms[d]!);
      cosines.push(fin(v));
      if (d > c) (dev = Math.max(dev, Math.abs(v + 1 / (C - 1)))), (cmean += v / ((C * (C - 1)) / 2));
    }
  }
  const norm2ClosedForm = (eps / (C * lambda)) * (1 - (C * eps) / (C - 1));
  const norm2Error = fin(Math.max(...norms2.map((v) => Math.abs(v / norm2ClosedForm - 1))));
  const sum = new Float64Array(p);
  for (const w of Wr) for (let k = 0; k < p; k++) sum[k]! += w[k]!;
  const k33 = eps / ((C - 1) * lambda);
  let formNum = 0, statNum = 0, wSq = 0;
  for (let c = 0; c < C; c++) {
    for (let k = 0; k < p; k++) {
      const w = Wr[c]![k]!;
      formNum += (w - k33 * centred[c]![k]!) ** 2;
      statNum += (lambda * w - grad[c * p + k]!) ** 2;
      wSq += w * w;
    }
  }
  return {
    classes: C, perClass: N, accuracy: correct / n, eps, epsSpread, offMean: off, offSpread,
    cosCentred, cosUncentred, cosines, cosDeviation: fin(dev), cosMean: fin(cmean),
    norms2, norm2ClosedForm, norm2Error,
    dotGlobalMean: Wr.map((w) => dot(w, muG)), bias: Array.from({ length: C }, (_, c) => (b ? b[c]! : 0)),
    sumRatio: fin(Math.sqrt(dot(sum, sum)) / Math.max(...norms)),
    formError: fin(Math.sqrt(formNum / wSq)), stationarity: fin(Math.sqrt(statNum / wSq) / lambda),
  };
}
