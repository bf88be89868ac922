// The neural-collapse metrics that need the final class means: seed 002's NC1 (mean distance to the class mean over
// mean distance to the global mean), NC4 (how often the network's argmax differs from the nearest class mean,
// Papyan et al. 2020) and the margins (multiclass: f_y − max_{c≠y} f_c). A second streaming pass, mergeable (sums
// and counts); measureCollapse() runs both passes over features in memory. With a Blas, a batch goes through the
// WASM kernel collapse_second_pass (kernels/assembly/collapse.ts: exact residuals, three GEMMs per block of rows,
// an accumulator block); products() below is its plain-TS reference. measureCollapse copies the features into
// WASM memory once and runs both kernels on them.
import { ArgumentError } from "../errors.js";
import { toMatrix, type Matrix, type MatrixLike } from "../linalg/matrix.js";
import type { Blas } from "../linalg/blas.js";
import { checkLabels, ClassStats, residentLabels } from "./class-stats.js";
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

  constructor(
    readonly stats: ClassStats,
    classifier?: Classifier,
    options: CollapseOptions & { blas?: Blas } = {},
  ) {
    this.blas = options.blas ?? null;
    const { classes: K, dim: d } = stats;
    this.muG = globalMean(stats, options.globalMean ?? "samples");
    this.centred = new Float64Array(K * d);
    for (let i = 0; i < K * d; i++) this.centred[i] = stats.means[i]! - this.muG[i % d]!;
    this.projGram = new Float64Array(K * K);
    if (classifier) ({ W: this.W, b: this.b } = checkClassifier(classifier, K, d));
  }

  /** Folds a batch in (the same features and labels as the first pass, in any batching). */
  add(H: MatrixLike, labels: ArrayLike<number>): this {
    const X = toMatrix("features", H);
    const { classes: K, dim: d } = this.stats;
    if (X.cols !== d) throw new ArgumentError("features", `${X.rows}×${X.cols}`, `${d} columns`);
    if (this.blas) {
      const rt = this.blas.rt;
      rt.arena.scope((a) => this.addResident(a.f64(X.data.length, X.data).ptr, residentLabels(rt, labels, X.rows, K), X.rows));
      return this;
    }
    checkLabels(labels, X.rows, K);
    const t = this.products(X, labels);
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

  /** @internal Folds in `rows` samples already in WASM memory (features at h, checked i32 labels at labels) by the
   *  kernel collapse_second_pass, on the exact residuals r_i = h_i − μ_{y_i}: ‖h − μ_k‖² = ‖r‖² + 2(P_y − P_k) +
   *  ‖μ_y − μ_k‖² with P = M r (no cancellation when h ≈ μ_y, where collapse is measured), and the logits W h + b = W r + (W μ_y + b)
   *  from the same product. Returns Σ_{i∈k} ‖r_i‖²
   *  per class (the first pass's within-class traces, when the batch is all the samples). */
  addResident(h: number, labels: number, rows: number): Float64Array {
    const rt = this.blas!.rt, e = rt.exports;
    const { classes: K, dim: d, means } = this.stats;
    return rt.arena.scope((a) => {
      const len = e.collapse_acc_len(K);
      const acc = a.f64(len);
      const v = acc.view;
      v.fill(0);
      v[rt.constant("COLLAPSE_ACC_MARGIN_MIN")] = Infinity;
      v[rt.constant("COLLAPSE_ACC_NONFINITE")] = -1;
      // the constants: centred means [and W] stacked, ‖μ_a − μ_c‖², W μ_y + b (collapse_constants)
      const mb = a.f64(K * d, means), gb = a.f64(d, this.muG), pb = a.f64(K * K), lb = a.f64(K * K);
      const sb = a.f64((this.W ? 2 : 1) * K * d), bb = a.f64(K, this.b ?? undefined);
      if (this.W) sb.set(this.W, K * d);
      e.collapse_constants(d, K, mb.ptr, gb.ptr, sb.ptr, this.W ? 1 : 0, bb.ptr, pb.ptr, lb.ptr);
      const work = a.allocBytes(e.collapse_workspace_bytes(d, K));
      e.collapse_second_pass(rows, d, K, h, labels, mb.ptr, gb.ptr, pb.ptr, sb.ptr, this.W ? 1 : 0, lb.ptr, acc.ptr, work);
      const r = acc.toArray(), at = (name: Parameters<typeof rt.constant>[0]) => r[rt.constant(name)]!;
      const bad = at("COLLAPSE_ACC_NONFINITE");
      if (bad >= 0) throw new ArgumentError(`features[${bad}]`, "a non-finite entry", "finite numbers");
      this.n += at("COLLAPSE_ACC_N");
      this.distClass += at("COLLAPSE_ACC_DIST_CLASS");
      this.distGlobal += at("COLLAPSE_ACC_DIST_GLOBAL");
      this.projTrace += at("COLLAPSE_ACC_TRACE");
      this.ncmCorrect += at("COLLAPSE_ACC_NCM_CORRECT");
      if (this.W) {
        this.mismatch += at("COLLAPSE_ACC_MISMATCH");
        this.correct += at("COLLAPSE_ACC_CORRECT");
        this.marginSum += at("COLLAPSE_ACC_MARGIN_SUM");
        this.marginMin = Math.min(this.marginMin, at("COLLAPSE_ACC_MARGIN_MIN"));
      }
      const g0 = rt.constant("COLLAPSE_ACC_GRAM");
      for (let i = 0; i < K * K; i++) this.projGram[i]! += r[g0 + i]!;
      return r.slice(g0 + K * K, g0 + K * K + K);
    });
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
  let stats: ClassStats, pass: SecondPass;
  if (options.blas) {
    // the features enter WASM memory once; both kernels read them there
    const X = toMatrix("features", H), rt = options.blas.rt;
    new ClassStats(classes, X.cols, { scatter: false }); // checks K and d before any copy
    [stats, pass] = rt.arena.scope((a) => {
      const y = residentLabels(rt, labels, X.rows, classes), h = a.f64(X.data.length, X.data).ptr;
      const s = ClassStats.resident(rt, h, y, X.rows, classes, X.cols, { classScatter: false });
      const p = new SecondPass(s, classifier, options);
      s.classScatter.set(p.addResident(h, y, X.rows)); // Σ_{i∈k} ‖h_i − μ_k‖²: the same residuals, summed in the second pass
      return [s, p] as const;
    });
  } else {
    stats = ClassStats.of(H, labels, classes, { scatter: false });
    pass = new SecondPass(stats, classifier, options).add(H, labels);
  }
  const first = collapseMetrics(stats, classifier, { ...(options.globalMean ? { globalMean: options.globalMean } : {}), projected: pass.projected() });
  const second = pass.result();
  return { ...first, nc1Seed002: second.nc1Seed002, classifier: first.classifier && second.classifier ? { ...first.classifier, ...second.classifier } : first.classifier } as CollapseMetrics & SecondPassMetrics;
}
