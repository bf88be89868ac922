// The neural-collapse metrics that need the final class means: seed 002's NC1 (mean distance to the class mean over
// mean distance to the global mean), NC4 (how often the network's argmax differs from the nearest class mean,
// Papyan et al. 2020) and the margins (multiclass: f_y − max_{c≠y} f_c). A second streaming pass, mergeable (sums
// and counts); measureCollapse() runs both passes over features in memory.
import { ArgumentError } from "../errors.js";
import { toMatrix, type MatrixLike } from "../linalg/matrix.js";
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

  constructor(
    readonly stats: ClassStats,
    classifier?: Classifier,
    options: CollapseOptions = {},
  ) {
    const { classes: K, dim: d } = stats;
    this.muG = globalMean(stats, options.globalMean ?? "samples");
    this.centred = Float64Array.from(stats.means, (v, i) => v - this.muG[i % d]!);
    this.projGram = new Float64Array(K * K);
    if (classifier) ({ W: this.W, b: this.b } = checkClassifier(classifier, K, d));
  }

  /** Folds a batch in (the same features and labels as the first pass, in any batching). */
  add(H: MatrixLike, labels: ArrayLike<number>): this {
    const X = toMatrix("features", H);
    const { classes: K, dim: d, means } = this.stats;
    if (X.cols !== d) throw new ArgumentError("features", `${X.rows}×${X.cols}`, `${d} columns`);
    if (labels.length !== X.rows) throw new ArgumentError("labels", `${labels.length} labels`, `one label per row of features (${X.rows})`);
    const f = new Float64Array(K), p = new Float64Array(K), r = new Float64Array(d);
    const Mc = this.centred, Q = this.projGram;
    for (let i = 0; i < X.rows; i++) {
      const y = labels[i]!;
      if (!Number.isInteger(y) || y < 0 || y >= K) throw new ArgumentError(`labels[${i}]`, y, `a class in 0…${K - 1}`);
      const h = X.data.subarray(i * d, i * d + d);
      let dc = 0, dg = 0;
      let best = -1, bestDist = Infinity;
      for (let k = 0; k < K; k++) {
        let t = 0;
        for (let j = 0; j < d; j++) t += (h[j]! - means[k * d + j]!) ** 2;
        if (k === y) dc = t;
        if (t < bestDist) { bestDist = t; best = k; }
      }
      for (let j = 0; j < d; j++) dg += (h[j]! - this.muG[j]!) ** 2;
      // the residual's projection onto the centred means (NC1 without the d×d scatter)
      for (let j = 0; j < d; j++) r[j] = h[j]! - means[y * d + j]!;
      for (let k = 0; k < K; k++) {
        let t = 0;
        for (let j = 0; j < d; j++) t += Mc[k * d + j]! * r[j]!;
        p[k] = t;
      }
      for (let a = 0; a < K; a++) for (let c = 0; c < K; c++) Q[a * K + c]! += p[a]! * p[c]!;
      this.projTrace += dc;
      if (!Number.isFinite(dc) || !Number.isFinite(dg)) throw new ArgumentError(`features[${i}]`, "a non-finite entry", "finite numbers");
      this.distClass += Math.sqrt(dc);
      this.distGlobal += Math.sqrt(dg);
      if (best === y) this.ncmCorrect++;
      if (this.W) {
        let arg = 0;
        for (let k = 0; k < K; k++) {
          let t = this.b![k]!;
          for (let j = 0; j < d; j++) t += this.W[k * d + j]! * h[j]!;
          f[k] = t;
          if (t > f[arg]!) arg = k;
        }
        if (arg !== best) this.mismatch++;
        if (arg === y) this.correct++;
        let other = -Infinity;
        for (let k = 0; k < K; k++) if (k !== y) other = Math.max(other, f[k]!);
        const margin = f[y]! - other;
        this.marginSum += margin;
        this.marginMin = Math.min(this.marginMin, margin);
      }
      this.n++;
    }
    return this;
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
export function measureCollapse(H: MatrixLike, labels: ArrayLike<number>, classes: number, classifier?: Classifier, options: CollapseOptions = {}): CollapseMetrics & SecondPassMetrics {
  const stats = ClassStats.of(H, labels, classes, { scatter: false });
  const pass = new SecondPass(stats, classifier, options).add(H, labels);
  const first = collapseMetrics(stats, classifier, { ...options, projected: pass.projected() });
  const second = pass.result();
  return { ...first, nc1Seed002: second.nc1Seed002, classifier: first.classifier && second.classifier ? { ...first.classifier, ...second.classifier } : first.classifier } as CollapseMetrics & SecondPassMetrics;
}
