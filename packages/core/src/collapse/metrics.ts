// The neural-collapse metrics, every definition the seeds and the peer libraries use, each named by its source
// (docs/collapse.md maps them to the libraries' functions). From ClassStats (one mergeable pass): NC1 in its
// trace forms and the CDNV, NC2 (equinorm, equiangularity, the simplex-ETF error), NC3 (self-duality) and the bias
// collapse. Norms of deviations (seed 002's NC1), NC4 (the nearest-class-mean agreement) and the margins need the
// final means, hence a second pass (SecondPass below; measureCollapse does both).
//
// Conventions (written once, here): N samples, K classes, μ_k class means, μ_G = Σ n_k μ_k / N the mean of all
// samples; M the K×d matrix of centred means μ_k − μ_G; Σ_W = (1/N) Σ_k Σ_{i∈k} (h_i − μ_k)(h_i − μ_k)ᵀ;
// Σ_B = (1/K) Mᵀ M; std is the population standard deviation (÷ count); pairs are unordered (c < c').
import { ArgumentError, checkF64 } from "../errors.js";
import { symmetricPinvPower } from "../linalg/symmetric-eigen.js";
import { toMatrix, type MatrixLike } from "../linalg/matrix.js";
import { ClassStats } from "./class-stats.js";

/** Which mean the class means are centred on: "samples" (μ_G = Σ n_k μ_k / N: Papyan et al., nc-toolbox,
 *  tding1) or "classMeans" (μ_G = Σ μ_k / K: rhubarbwu/neural-collapse's default). The same on balanced classes. */
export type GlobalMean = "samples" | "classMeans";

/** Options of the metrics. */
export interface CollapseOptions {
  /** Default "samples". */
  globalMean?: GlobalMean;
}

/** The within-class scatter seen through the centred means, for statistics kept without the d×d scatter:
 *  `gram` = M S_W Mᵀ (K×K, S_W = Σ_i r_i r_iᵀ, r_i = h_i − μ_{y_i}) and `trace` = tr S_W (SecondPass.projected()). */
export interface ProjectedScatter {
  gram: Float64Array;
  trace: number;
}

/** The last layer: W (K×d, row k the classifier of class k) and its bias b (K). */
export interface Classifier {
  W: MatrixLike;
  b?: ArrayLike<number>;
}

export interface CollapseMetrics {
  classes: number;
  dim: number;
  samples: number;
  /** NC1, Papyan, Han & Donoho (2020): tr(Σ_W Σ_B⁺)/K */
  nc1: number;
  /** NC1 without the 1/K (seed 001) */
  nc1Unscaled: number;
  /** tr Σ_W / tr Σ_B */
  nc1TraceRatio: number;
  /** CDNV, Galanti et al. (2022): mean over class pairs of (σ²_c + σ²_c')/(2‖μ_c − μ_c'‖²), σ²_c = E‖h − μ_c‖² */
  cdnv: number;
  /** the same with σ²_c = Σ_{i∈c}‖h_i − μ_c‖²/(n_c − 1) (nc-toolbox's unbiased variance) */
  cdnvUnbiased: number;
  /** the same with the plain distance ‖μ_c − μ_c'‖ in the denominator */
  cdnvPlainDistance: number;
  /** NC2 equinorm of the means: std/mean of ‖μ_k − μ_G‖ */
  equinormMeans: number;
  /** NC2 equiangularity, seed 001: std/|mean| of cos(μ_c − μ_G, μ_c' − μ_G) over pairs */
  equiangularityStd: number;
  /** NC2 equiangularity, seed 002 (and Papyan et al.'s shifted form): mean over pairs of |cos + 1/(K−1)| */
  equiangularityShifted: number;
  /** NC2 maximal angle: max over pairs of |cos + 1/(K−1)| */
  maxAngleError: number;
  /** NC2 simplex-ETF error: ‖MMᵀ/‖MMᵀ‖_F − (I − 11ᵀ/K)/√(K−1)‖_F */
  etfError: number;
  /** the classifier's (when given) */
  classifier: null | {
    /** std/mean of ‖w_k‖ */
    equinorm: number;
    /** mean over pairs of |cos(w_c, w_c') + 1/(K−1)| */
    equiangularityShifted: number;
    /** ‖WWᵀ/‖WWᵀ‖_F − (I − 11ᵀ/K)/√(K−1)‖_F */
    etfError: number;
    /** NC3 self-duality, Papyan et al. (nc-toolbox's nc3_self_duality): ‖W/‖W‖_F − M/‖M‖_F‖_F (Zhu et al. 2021
     *  report its square) */
    selfDuality: number;
    /** NC3 as an ETF error of the cross-Gram (rhubarbwu's self_duality_error, tding1's compute_W_H_relation):
     *  ‖WMᵀ/‖WMᵀ‖_F − (I − 11ᵀ/K)/√(K−1)‖_F */
    selfDualityEtf: number;
    /** NC3 per class, seed 002: mean over k of ‖w_k/‖w_k‖ − (μ_k − μ_G)/‖μ_k − μ_G‖‖ */
    selfDualityPerClass: number;
    /** bias collapse: ‖W μ_G + b‖ (b = 0 when absent) */
    biasCollapse: number;
  };
}

/** W (K×d) and b (K, default 0) as arrays, checked: shapes and finite entries named. */
export function checkClassifier(c: Classifier, K: number, d: number): { W: Float64Array; b: Float64Array } {
  const W = toMatrix("classifier.W", c.W);
  if (W.rows !== K || W.cols !== d) throw new ArgumentError("classifier.W", `${W.rows}×${W.cols}`, `${K}×${d} (one row per class, the features' dimension)`);
  for (let i = 0; i < W.data.length; i++) if (!Number.isFinite(W.data[i]!)) throw new ArgumentError(`classifier.W[${Math.floor(i / d)}][${i % d}]`, W.data[i], "a finite number");
  const b = c.b === undefined ? new Float64Array(K) : Float64Array.from(c.b);
  if (c.b !== undefined) checkF64("classifier.b", b, K);
  for (let k = 0; k < K; k++) if (!Number.isFinite(b[k]!)) throw new ArgumentError(`classifier.b[${k}]`, b[k], "a finite number");
  return { W: W.data, b };
}

/** μ_G of the chosen kind; every class must have samples. */
export function globalMean(s: ClassStats, kind: GlobalMean = "samples"): Float64Array {
  const { classes: K, dim: d } = s;
  for (let k = 0; k < K; k++) if (s.counts[k] === 0) throw new ArgumentError("labels", `class ${k} has no samples`, `samples of every class 0…${K - 1}`);
  if (kind !== "samples" && kind !== "classMeans") throw new ArgumentError("options.globalMean", kind, '"samples" or "classMeans"');
  const N = s.n;
  const muG = new Float64Array(d);
  for (let k = 0; k < K; k++) {
    const w = kind === "samples" ? s.counts[k]! / N : 1 / K;
    for (let j = 0; j < d; j++) muG[j]! += w * s.means[k * d + j]!;
  }
  return muG;
}

function centredMeans(s: ClassStats, kind: GlobalMean): { muG: Float64Array; M: Float64Array; N: number } {
  const { classes: K, dim: d } = s;
  const muG = globalMean(s, kind);
  const N = s.n;
  const M = new Float64Array(K * d);
  for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) M[k * d + j] = s.means[k * d + j]! - muG[j]!;
  return { muG, M, N };
}

const rowNorm = (A: Float64Array, d: number, k: number) => {
  let t = 0;
  for (let j = 0; j < d; j++) t += A[k * d + j]! ** 2;
  return Math.sqrt(t);
};

/** A·Aᵀ of K×d rows. */
function gram(A: Float64Array, K: number, d: number): Float64Array {
  const G = new Float64Array(K * K);
  for (let a = 0; a < K; a++) {
    for (let c = a; c < K; c++) {
      let t = 0;
      for (let j = 0; j < d; j++) t += A[a * d + j]! * A[c * d + j]!;
      G[a * K + c] = t;
      G[c * K + a] = t;
    }
  }
  return G;
}

/** A·Bᵀ of K×d rows. */
function crossGram(A: Float64Array, B: Float64Array, K: number, d: number): Float64Array {
  const G = new Float64Array(K * K);
  for (let a = 0; a < K; a++) {
    for (let c = 0; c < K; c++) {
      let t = 0;
      for (let j = 0; j < d; j++) t += A[a * d + j]! * B[c * d + j]!;
      G[a * K + c] = t;
    }
  }
  return G;
}

/** std/mean of values (population std). */
function cv(values: number[]): number {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  const v = values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length;
  return Math.sqrt(v) / Math.abs(m);
}

/** cos of every unordered pair of rows of the Gram matrix G (K×K). */
function pairCosines(G: Float64Array, K: number): number[] {
  const out: number[] = [];
  for (let a = 0; a < K; a++) for (let c = a + 1; c < K; c++) out.push(G[a * K + c]! / Math.sqrt(G[a * K + a]! * G[c * K + c]!));
  return out;
}

/** ‖G/‖G‖_F − (I − 11ᵀ/K)/√(K−1)‖_F */
function etfError(G: Float64Array, K: number): number {
  let f = 0;
  for (const x of G) f += x * x;
  f = Math.sqrt(f);
  let e = 0;
  for (let a = 0; a < K; a++) {
    for (let c = 0; c < K; c++) {
      const target = ((a === c ? 1 : 0) - 1 / K) / Math.sqrt(K - 1);
      e += (G[a * K + c]! / f - target) ** 2;
    }
  }
  return Math.sqrt(e);
}

/** The metrics of one pass of ClassStats (and the last layer, when given). */
export function collapseMetrics(stats: ClassStats, classifier?: Classifier, options: CollapseOptions & { projected?: ProjectedScatter } = {}): CollapseMetrics {
  const { classes: K, dim: d } = stats;
  const { muG, M, N } = centredMeans(stats, options.globalMean ?? "samples");
  if (!stats.keepsScatter && !options.projected) throw new ArgumentError("options.projected", undefined, "the second pass's projection (statistics kept without the d×d scatter)");
  // NC1: Σ_B = MᵀM/K has rank ≤ K−1; with G = MMᵀ, (MᵀM)⁺ = Mᵀ(G⁺)²M, so tr(Σ_W Σ_B⁺) = K·tr((G⁺)² · M Σ_W Mᵀ): K×K work
  const G = gram(M, K, d);
  const G2 = symmetricPinvPower(G, K, 2);
  let trace = 0; // tr((G⁺)² · M S_W Mᵀ)
  let trSW = 0;
  if (options.projected) {
    const P = options.projected.gram;
    if (P.length !== K * K) throw new ArgumentError("options.projected.gram", `${P.length} entries`, `${K}×${K}`);
    for (let a = 0; a < K * K; a++) trace += G2[a]! * P[a]!;
    trSW = options.projected.trace / N;
  } else {
    const MS = new Float64Array(K * d); // M·S_W
    const S = stats.scatter;
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < d; j++) {
        const mkj = M[k * d + j]!;
        if (mkj === 0) continue;
        for (let l = 0; l < d; l++) MS[k * d + l]! += mkj * S[j * d + l]!;
      }
    }
    for (let a = 0; a < K; a++) {
      for (let c = 0; c < K; c++) {
        let t = 0;
        for (let l = 0; l < d; l++) t += MS[c * d + l]! * M[a * d + l]!;
        trace += G2[a * K + c]! * t; // (G⁺)² symmetric: Σ_a Σ_c G2[a,c]·(M S Mᵀ)[c,a]
      }
    }
    for (let j = 0; j < d; j++) trSW += S[j * d + j]! / N;
  }
  const trSWSBp = (K * trace) / N;
  let trSB = 0;
  for (let k = 0; k < K; k++) trSB += G[k * K + k]! / K;
  // CDNV
  let cdnv = 0, cdnvUnbiased = 0, cdnvPlain = 0, pairs = 0;
  for (let a = 0; a < K; a++) {
    for (let c = a + 1; c < K; c++) {
      let dist2 = 0;
      for (let j = 0; j < d; j++) dist2 += (stats.means[a * d + j]! - stats.means[c * d + j]!) ** 2;
      const num = stats.classScatter[a]! / stats.counts[a]! + stats.classScatter[c]! / stats.counts[c]!;
      cdnv += num / (2 * dist2);
      cdnvUnbiased += (stats.classScatter[a]! / (stats.counts[a]! - 1) + stats.classScatter[c]! / (stats.counts[c]! - 1)) / (2 * dist2);
      cdnvPlain += num / (2 * Math.sqrt(dist2));
      pairs++;
    }
  }
  const cos = pairCosines(G, K);
  const shift = 1 / (K - 1);
  const norms = Array.from({ length: K }, (_, k) => rowNorm(M, d, k));
  let cl: CollapseMetrics["classifier"] = null;
  if (classifier) {
    const { W, b } = checkClassifier(classifier, K, d);
    const GW = gram(W, K, d);
    const wn = Array.from({ length: K }, (_, k) => rowNorm(W, d, k));
    let fW = 0, fM = 0;
    for (const x of W) fW += x * x;
    for (const x of M) fM += x * x;
    fW = Math.sqrt(fW);
    fM = Math.sqrt(fM);
    let sd = 0, perClass = 0;
    for (let k = 0; k < K; k++) {
      let e = 0;
      for (let j = 0; j < d; j++) {
        sd += (W[k * d + j]! / fW - M[k * d + j]! / fM) ** 2;
        e += (W[k * d + j]! / wn[k]! - M[k * d + j]! / norms[k]!) ** 2;
      }
      perClass += Math.sqrt(e) / K;
    }
    let bias = 0;
    for (let k = 0; k < K; k++) {
      let t = b[k]!;
      for (let j = 0; j < d; j++) t += W[k * d + j]! * muG[j]!;
      bias += t * t;
    }
    cl = {
      equinorm: cv(wn),
      equiangularityShifted: pairCosines(GW, K).reduce((s, x) => s + Math.abs(x + shift), 0) / pairs,
      etfError: etfError(GW, K),
      selfDuality: Math.sqrt(sd),
      selfDualityEtf: etfError(crossGram(W, M, K, d), K),
      selfDualityPerClass: perClass,
      biasCollapse: Math.sqrt(bias),
    };
  }
  return {
    classes: K, dim: d, samples: N,
    nc1: trSWSBp / K,
    nc1Unscaled: trSWSBp,
    nc1TraceRatio: trSW / trSB,
    cdnv: cdnv / pairs,
    cdnvUnbiased: cdnvUnbiased / pairs,
    cdnvPlainDistance: cdnvPlain / pairs,
    equinormMeans: cv(norms),
    equiangularityStd: cv(cos),
    equiangularityShifted: cos.reduce((s, x) => s + Math.abs(x + shift), 0) / pairs,
    maxAngleError: cos.reduce((s, x) => Math.max(s, Math.abs(x + shift)), 0),
    etfError: etfError(G, K),
    classifier: cl,
  };
}
