// The neural-collapse metrics that need the final class means: seed 002's NC1 (mean distance to the class mean over
// mean distance to the global mean), NC4 (how often the network's argmax differs from the nearest class mean,
// Papyan et al. 2020) and the margins (multiclass: f_y − max_{c≠y} f_c). A second streaming pass, mergeable (sums
// and counts); measureCollapse() runs both passes over features in memory.
import { ArgumentError } from "../errors.js";
import { toMatrix, type Matrix, type MatrixLike } from "../linalg/matrix.js";
import type { Blas } from "../linalg/blas.js";
import { ClassStats } from "./class-stats.js";
import { checkClassifier, collapseMetrics, globalMean, type Classifier, type CollapseMetrics, type CollapseOptions, type ProjectedScatter } from "./metrics.js";

export interface SecondPassMetrics {
  /** seed 002: Avg_i ‖h_i − μ_{y_i}‖ / Avg_i ‖h_i − μ_G‖ */
  nc1Seed002: number;
  /** the classifier's (when given): */
  classifier: null | {
    /** NC4: fraction of samples whose argmax_k (Wh + b)_k is not the nearest class mean */
    nc4Mismatch: number;
    /** training accuracy of the classifier and of the nearest-class-mean rule */
    accuracy: number;
    ncmAccuracy: number;
    /** smallest and mean multiclass margin f_y − max_{c≠y} f_c */
    marginMin: number;
    marginMean: number;
  };
}

interface BatchProducts {
  dist: Float64Array;
  proj: Float64Array;
  dg: Float64Array;
  logits: Float64Array | null;
}

export class SecondPass {
  private readonly muG: Float64Array;
  private readonly W: Float64Array | null = null;
  private readonly b: Float64Array | null = null;
  private n = 0;
  private distClass = 0;
  private distGlobal = 0;
  private mismatch = 0;
  private correct = 0;
  private ncmCorrect = 0;
  private marginSum = 0;
  private marginMin = Infinity;
  /** centred means M (K×d), and Σ_i (M r_i)(M r_i)ᵀ and Σ_i ‖r_i‖² over the residuals r_i = h_i − μ_{y_i} */
  private readonly centred: Float64Array;
  private readonly projGram: Float64Array;
  private projTrace = 0;
  /** the WASM GEMM for the batch products (null: plain TS) */
  private readonly blas: Blas | null;
  private constants: { stacked: Matrix; pair: Float64Array } | null = null;

  constructor(
    readonly stats: ClassStats,
    classifier?: Classifier,
    options: CollapseOptions & { blas?: Blas } = {},
  ) {
    this.blas = options.blas ?? null;
    const { classes: K, dim: d } = stats;
    this.muG = globalMean(stats, options.globalMean ?? "samples");
    this.centred = Float64Array.from(stats.means, (v, i) => v - this.muG[i % d]!);
    this.projGram = new Float64Array(K * K);
    if (classifier) ({ W: this.W, b: this.b } = checkClassifier(classifier, K, d));
  }

  /** Folds a batch in (the same features and labels as the first pass, in any batching). */
  add(H: MatrixLike, labels: ArrayLike<number>): this {
    const X = toMatrix("features", H);
    const { classes: K, dim: d } = this.stats;
    if (X.cols !== d) throw new ArgumentError("features", `${X.rows}×${X.cols}`, `${d} columns`);
    if (labels.length !== X.rows) throw new ArgumentError("labels", `${labels.length} labels`, `one label per row of features (${X.rows})`);
    for (let i = 0; i < X.rows; i++) {
      const y = labels[i]!;
      if (!Number.isInteger(y) || y < 0 || y >= K) throw new ArgumentError(`labels[${i}]`, y, `a class in 0…${K - 1}`);
    }
    const t = this.blas ? this.productsBlas(X, labels, this.blas) : this.products(X, labels);
    const Q = this.projGram;
    for (let i = 0; i < X.rows; i++) {
      const y = labels[i]!;
      const dc = t.dist[i * K + y]!, dg = t.dg[i]!;
      if (!Number.isFinite(dc) || !Number.isFinite(dg)) throw new ArgumentError(`features[${i}]`, "a non-finite entry", "finite numbers");
      let best = 0;
      for (let k = 1; k < K; k++) if (t.dist[i * K + k]! < t.dist[i * K + best]!) best = k;
      for (let a = 0; a < K; a++) {
        const pa = t.proj[i * K + a]!;
        for (let c = 0; c < K; c++) Q[a * K + c]! += pa * t.proj[i * K + c]!;
      }
      this.projTrace += dc;
      this.distClass += Math.sqrt(dc);
      this.distGlobal += Math.sqrt(dg);
      if (best === y) this.ncmCorrect++;
      if (t.logits) {
        let arg = 0, other = -Infinity;
        for (let k = 0; k < K; k++) {
          const v = t.logits[i * K + k]!;
          if (v > t.logits[i * K + arg]!) arg = k;
          if (k !== y) other = Math.max(other, v);
        }
        if (arg !== best) this.mismatch++;
        if (arg === y) this.correct++;
        const margin = t.logits[i * K + y]! - other;
        this.marginSum += margin;
        this.marginMin = Math.min(this.marginMin, margin);
      }
      this.n++;
    }
    return this;
  }

  /** Per sample: ‖h − μ_k‖² (n×K), the residual's projection on the centred means (n×K), ‖h − μ_G‖², logits. */
  private products(X: Matrix, labels: ArrayLike<number>): BatchProducts {
    const { classes: K, dim: d, means } = this.stats;
    const n = X.rows, dist = new Float64Array(n * K), proj = new Float64Array(n * K), dg = new Float64Array(n);
    const logits = this.W ? new Float64Array(n * K) : null;
    const Mc = this.centred, r = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const y = labels[i]!, h = X.data.subarray(i * d, i * d + d);
      for (let k = 0; k < K; k++) {
        let t = 0;
        for (let j = 0; j < d; j++) t += (h[j]! - means[k * d + j]!) ** 2;
        dist[i * K + k] = t;
      }
      let g = 0;
      for (let j = 0; j < d; j++) g += (h[j]! - this.muG[j]!) ** 2;
      dg[i] = g;
      for (let j = 0; j < d; j++) r[j] = h[j]! - means[y * d + j]!;
      for (let k = 0; k < K; k++) {
        let t = 0;
        for (let j = 0; j < d; j++) t += Mc[k * d + j]! * r[j]!;
        proj[i * K + k] = t;
      }
      if (logits) {
        for (let k = 0; k < K; k++) {
          let t = this.b![k]!;
          for (let j = 0; j < d; j++) t += this.W![k * d + j]! * h[j]!;
          logits[i * K + k] = t;
        }
      }
    }
    return { dist, proj, dg, logits };
  }

  /** [means; centred means] (2K×d) and ‖μ_a − μ_c‖² (K×K): fixed by the first pass, formed on the first batch. */
  private gemmConstants(): { stacked: Matrix; pair: Float64Array } {
    if (this.constants) return this.constants;
    const { classes: K, dim: d, means } = this.stats;
    const stacked = new Float64Array(2 * K * d);
    stacked.set(means);
    stacked.set(this.centred, K * d);
    const pair = new Float64Array(K * K);
    for (let a = 0; a < K; a++) {
      for (let c = 0; c < K; c++) {
        let t = 0;
        for (let j = 0; j < d; j++) t += (means[a * d + j]! - means[c * d + j]!) ** 2;
        pair[a * K + c] = t;
      }
    }
    return (this.constants = { stacked: { rows: 2 * K, cols: d, data: stacked }, pair });
  }

  /** The same by three n×d×K products in the WASM GEMM, on the exact residuals r_i = h_i − μ_{y_i}:
   *  ‖h − μ_k‖² = ‖r‖² + 2 r·(μ_y − μ_k) + ‖μ_y − μ_k‖² (no cancellation when h ≈ μ_y, where collapse is measured). */
  private productsBlas(X: Matrix, labels: ArrayLike<number>, blas: Blas): BatchProducts {
    const { classes: K, dim: d, means } = this.stats;
    const n = X.rows, R = new Float64Array(n * d), rn = new Float64Array(n), dg = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const y = labels[i]!;
      let t = 0, g = 0;
      for (let j = 0; j < d; j++) {
        const h = X.data[i * d + j]!, v = h - means[y * d + j]!;
        R[i * d + j] = v;
        t += v * v;
        g += (h - this.muG[j]!) ** 2;
      }
      rn[i] = t;
      dg[i] = g;
    }
    const Rm = { rows: n, cols: d, data: R };
    // one product with the stacked [means; centred means] (2K×d): r·μ_k and the projection M r
    const { stacked, pair } = this.gemmConstants();
    const AP = blas.gemm(Rm, stacked, { transB: true }).data;
    const A = new Float64Array(n * K), proj = new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < K; k++) {
        A[i * K + k] = AP[i * 2 * K + k]!;
        proj[i * K + k] = AP[i * 2 * K + K + k]!;
      }
    }
    const dist = new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      const y = labels[i]!;
      for (let k = 0; k < K; k++) dist[i * K + k] = k === y ? rn[i]! : rn[i]! + 2 * (A[i * K + y]! - A[i * K + k]!) + pair[y * K + k]!;
    }
    let logits: Float64Array | null = null;
    if (this.W) {
      logits = blas.gemm(X, { rows: K, cols: d, data: this.W }, { transB: true }).data;
      for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) logits[i * K + k]! += this.b![k]!;
    }
    return { dist, proj, dg, logits };
  }


  /** Merges another second pass over the same first-pass statistics. */
  merge(other: SecondPass): this {
    if (other.stats !== this.stats) throw new ArgumentError("other", "a second pass over other statistics", "a pass over the same ClassStats");
    this.n += other.n;
    this.distClass += other.distClass;
    this.distGlobal += other.distGlobal;
    this.mismatch += other.mismatch;
    this.correct += other.correct;
    this.ncmCorrect += other.ncmCorrect;
    this.marginSum += other.marginSum;
    this.marginMin = Math.min(this.marginMin, other.marginMin);
    for (let i = 0; i < this.projGram.length; i++) this.projGram[i]! += other.projGram[i]!;
    this.projTrace += other.projTrace;
    return this;
  }

  /** M S_W Mᵀ and tr S_W of the samples seen (collapseMetrics' `projected`, for statistics without the scatter). */
  projected(): ProjectedScatter {
    return { gram: Float64Array.from(this.projGram), trace: this.projTrace };
  }

  result(): SecondPassMetrics {
    if (this.n !== this.stats.n) throw new ArgumentError("second pass", `${this.n} samples`, `the ${this.stats.n} samples of the first pass`);
    return {
      nc1Seed002: this.distClass / this.distGlobal,
      classifier: this.W
        ? { nc4Mismatch: this.mismatch / this.n, accuracy: this.correct / this.n, ncmAccuracy: this.ncmCorrect / this.n, marginMin: this.marginMin, marginMean: this.marginSum / this.n }
        : null,
    };
  }
}

/** Both passes over features in memory: every metric of metrics.ts and of the second pass. NC1 comes from the
 *  residuals projected onto the K centred means (O(n·d·K)); the first pass keeps no d×d scatter. */
export function measureCollapse(H: MatrixLike, labels: ArrayLike<number>, classes: number, classifier?: Classifier, options: CollapseOptions & { blas?: Blas } = {}): CollapseMetrics & SecondPassMetrics {
  const stats = ClassStats.of(H, labels, classes, { scatter: false });
  const pass = new SecondPass(stats, classifier, options).add(H, labels);
  const first = collapseMetrics(stats, classifier, { ...(options.globalMean ? { globalMean: options.globalMean } : {}), projected: pass.projected() });
  const second = pass.result();
  return { ...first, nc1Seed002: second.nc1Seed002, classifier: first.classifier && second.classifier ? { ...first.classifier, ...second.classifier } : first.classifier } as CollapseMetrics & SecondPassMetrics;
}
