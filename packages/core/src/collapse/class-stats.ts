// Per-class statistics of features in one streaming pass, mergeable: counts, means and within-class scatter by the
// pairwise update of Chan, Golub & LeVeque (1979) — a batch's own mean and scatter, then δ = m_b − μ_a folded in
// with weight n_a·n_b/(n_a + n_b) — which is as stable as Welford's one-at-a-time update and lets minibatches and
// workers be accumulated apart and merged. The pooled scatter S_W = Σ_k Σ_{i∈k} (h_i − μ_k)(h_i − μ_k)ᵀ (d×d) and
// each class's trace of its own scatter are kept: every second-moment neural-collapse metric (metrics.ts) is a
// function of these, the means and the counts. With a Blas (statistics without the d×d scatter), a batch's own
// statistics come from the WASM kernel collapse_class_stats (kernels/assembly/collapse.ts; fill() below is its
// plain-TS reference) and are merged the same way.
import { ArgumentError, checkInt } from "../errors.js";
import type { Blas } from "../linalg/blas.js";
import { toMatrix, type Matrix, type MatrixLike } from "../linalg/matrix.js";
import type { Runtime } from "../runtime/kernels.js";

/** Checks labels (one per row, integers in 0…K−1). */
export function checkLabels(labels: ArrayLike<number>, rows: number, K: number): void {
  checkLabelCount(labels, rows);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= K) badLabel(labels, i, K);
  }
}

function checkLabelCount(labels: ArrayLike<number>, rows: number): void {
  if (labels.length !== rows) throw new ArgumentError("labels", `${labels.length} labels`, `one label per row of features (${rows})`);
}

function badLabel(labels: ArrayLike<number>, i: number, K: number): never {
  throw new ArgumentError(`labels[${i}]`, labels[i], `a class in 0…${K - 1}`);
}

/** Checks labels as checkLabels does, in the kernel collapse_labels, and leaves them in the arena as i32 (the
 *  kernels' label format); returns their address. */
export function residentLabels(rt: Runtime, labels: ArrayLike<number>, rows: number, K: number): number {
  checkLabelCount(labels, rows);
  const ptr = rt.arena.allocBytes(rows * 4);
  const bad = rt.arena.scope((a) => rt.exports.collapse_labels(rows, K, a.f64(rows, labels).ptr, ptr));
  if (bad >= 0) badLabel(labels, bad, K);
  return ptr;
}

export class ClassStats {
  /** samples per class */
  readonly counts: Float64Array;
  /** class means, K×d row-major */
  readonly means: Float64Array;
  /** pooled within-class scatter Σ_k Σ_{i∈k} (h − μ_k)(h − μ_k)ᵀ, d×d row-major (symmetric); empty without
   *  `scatter` (then NC1 comes from SecondPass's projection onto the class means: O(n·d·K) instead of O(n·d²)) */
  readonly scatter: Float64Array;
  /** whether the d×d scatter is kept */
  readonly keepsScatter: boolean;
  /** Σ_{i∈k} ‖h_i − μ_k‖² per class */
  readonly classScatter: Float64Array;

  constructor(
    readonly classes: number,
    readonly dim: number,
    options: { scatter?: boolean } = {},
  ) {
    checkInt("classes", classes, 2, 1e6);
    checkInt("dim", dim, 1, 1e5);
    this.keepsScatter = options.scatter ?? true;
    this.counts = new Float64Array(classes);
    this.means = new Float64Array(classes * dim);
    this.scatter = new Float64Array(this.keepsScatter ? dim * dim : 0);
    this.classScatter = new Float64Array(classes);
  }

  /** The statistics of features H (n×d: a Matrix or nested arrays) with class labels 0…K−1. */
  static of(H: MatrixLike, labels: ArrayLike<number>, classes: number, options: { scatter?: boolean; blas?: Blas } = {}): ClassStats {
    const m = toMatrix("features", H);
    return new ClassStats(classes, m.cols, options).add(m, labels, options);
  }

  /** A batch's own statistics from features and i32 labels already in WASM memory (checked labels), by the
   *  kernel collapse_class_stats; `classScatter: false` leaves the per-class traces 0 (measureCollapse fills them
   *  from its second pass, which computes the same residuals). */
  static resident(rt: Runtime, h: number, labels: number, rows: number, classes: number, dim: number, options: { classScatter?: boolean } = {}): ClassStats {
    const s = new ClassStats(classes, dim, { scatter: false });
    const e = rt.exports;
    rt.arena.scope((a) => {
      const counts = a.f64(classes), means = a.f64(classes * dim), cs = a.f64(classes);
      const bad = e.collapse_class_stats(rows, dim, classes, h, labels, counts.ptr, means.ptr, options.classScatter === false ? 0 : cs.ptr);
      if (bad >= 0) throw new ArgumentError(`features[${Math.floor(bad / dim)}][${bad % dim}]`, new Float64Array(e.memory.buffer, h, rows * dim)[bad], "a finite number");
      s.counts.set(counts.view);
      s.means.set(means.view);
      if (options.classScatter !== false) s.classScatter.set(cs.view);
    });
    return s;
  }

  /** Total samples. */
  get n(): number {
    let s = 0;
    for (const c of this.counts) s += c;
    return s;
  }

  /** Folds a batch in (features n×d, labels 0…K−1). Checked first: nothing is added from an invalid batch.
   *  With options.blas (and no d×d scatter) the batch's statistics come from the WASM kernel. */
  add(H: MatrixLike, labels: ArrayLike<number>, options: { blas?: Blas } = {}): this {
    const X = toMatrix("features", H); // checks a Matrix too
    const { classes: K, dim: d } = this;
    if (X.cols !== d) throw new ArgumentError("features", `${X.rows}×${X.cols}`, `${d} columns (the dimension of these statistics)`);
    const rt = options.blas?.rt;
    if (rt && !this.keepsScatter) {
      return this.merge(rt.arena.scope((a) => ClassStats.resident(rt, a.f64(X.data.length, X.data).ptr, residentLabels(rt, labels, X.rows, K), X.rows, K, d)));
    }
    checkLabels(labels, X.rows, K);
    for (let i = 0; i < X.data.length; i++) {
      if (!Number.isFinite(X.data[i]!)) throw new ArgumentError(`features[${Math.floor(i / d)}][${i % d}]`, X.data[i], "a finite number");
    }
    const batch = new ClassStats(K, d, { scatter: this.keepsScatter });
    batch.fill(X, labels);
    return this.merge(batch);
  }

  /** The batch's own statistics, two passes over its rows (mean, then centred scatter). */
  private fill(X: Matrix, labels: ArrayLike<number>): void {
    const { dim: d } = this;
    const x = X.data;
    for (let i = 0; i < X.rows; i++) {
      const k = labels[i]!;
      this.counts[k]!++;
      for (let j = 0; j < d; j++) this.means[k * d + j]! += x[i * d + j]!;
    }
    for (let k = 0; k < this.classes; k++) {
      const c = this.counts[k]!;
      if (c > 0) for (let j = 0; j < d; j++) this.means[k * d + j]! /= c;
    }
    const r = new Float64Array(d);
    const S = this.scatter;
    for (let i = 0; i < X.rows; i++) {
      const k = labels[i]!;
      let t = 0;
      for (let j = 0; j < d; j++) {
        r[j] = x[i * d + j]! - this.means[k * d + j]!;
        t += r[j]! * r[j]!;
      }
      this.classScatter[k]! += t;
      if (!this.keepsScatter) continue;
      for (let j = 0; j < d; j++) {
        const rj = r[j]!;
        if (rj === 0) continue;
        const row = j * d;
        for (let l = j; l < d; l++) S[row + l]! += rj * r[l]!;
      }
    }
    if (this.keepsScatter) for (let j = 0; j < d; j++) for (let l = j + 1; l < d; l++) S[l * d + j] = S[j * d + l]!;
  }

  /** Merges other's statistics into these (Chan et al.): the result is that of both sample sets together. */
  merge(other: ClassStats): this {
    if (other.classes !== this.classes || other.dim !== this.dim) throw new ArgumentError("other", `${other.classes} classes × ${other.dim}`, `${this.classes} classes × ${this.dim} dimensions`);
    if (other.keepsScatter !== this.keepsScatter) throw new ArgumentError("other", other.keepsScatter ? "statistics with the d×d scatter" : "statistics without the d×d scatter", "statistics of the same kind");
    const d = this.dim, S = this.scatter;
    for (let j = 0; j < S.length; j++) S[j]! += other.scatter[j]!;
    const delta = new Float64Array(d);
    for (let k = 0; k < this.classes; k++) {
      const na = this.counts[k]!, nb = other.counts[k]!;
      if (nb === 0) continue;
      const n = na + nb, w = (na * nb) / n;
      let t = 0;
      for (let j = 0; j < d; j++) {
        delta[j] = other.means[k * d + j]! - this.means[k * d + j]!;
        t += delta[j]! ** 2;
        this.means[k * d + j]! += (delta[j]! * nb) / n;
      }
      this.classScatter[k]! += other.classScatter[k]! + w * t;
      if (na > 0 && this.keepsScatter) {
        for (let j = 0; j < d; j++) {
          const dj = w * delta[j]!;
          if (dj === 0) continue;
          for (let l = 0; l < d; l++) S[j * d + l]! += dj * delta[l]!;
        }
      }
      this.counts[k] = n;
    }
    return this;
  }

  /** A copy (merging into it leaves these statistics as they are). */
  clone(): ClassStats {
    const c = new ClassStats(this.classes, this.dim, { scatter: this.keepsScatter });
    c.counts.set(this.counts);
    c.means.set(this.means);
    c.scatter.set(this.scatter);
    c.classScatter.set(this.classScatter);
    return c;
  }
}
