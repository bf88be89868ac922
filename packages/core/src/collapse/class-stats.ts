// Per-class statistics of features in one streaming pass, mergeable: counts, means and within-class scatter by the
// pairwise update of Chan, Golub & LeVeque (1979) — a batch's own mean and scatter, then δ = m_b − μ_a folded in
// with weight n_a·n_b/(n_a + n_b) — which is as stable as Welford's one-at-a-time update and lets minibatches and
// workers be accumulated apart and merged. The pooled scatter S_W = Σ_k Σ_{i∈k} (h_i − μ_k)(h_i − μ_k)ᵀ (d×d) and
// each class's trace of its own scatter are kept: every second-moment neural-collapse metric (metrics.ts) is a
// function of these, the means and the counts.
import { ArgumentError, checkInt } from "../errors.js";
import { toMatrix, type Matrix, type MatrixLike } from "../linalg/matrix.js";

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
  static of(H: MatrixLike, labels: ArrayLike<number>, classes: number, options: { scatter?: boolean } = {}): ClassStats {
    const m = toMatrix("features", H);
    return new ClassStats(classes, m.cols, options).add(m, labels);
  }

  /** Total samples. */
  get n(): number {
    let s = 0;
    for (const c of this.counts) s += c;
    return s;
  }

  /** Folds a batch in (features n×d, labels 0…K−1). Checked first: nothing is added from an invalid batch. */
  add(H: MatrixLike, labels: ArrayLike<number>): this {
    const X = toMatrix("features", H); // checks a Matrix too
    const { classes: K, dim: d } = this;
    if (X.cols !== d) throw new ArgumentError("features", `${X.rows}×${X.cols}`, `${d} columns (the dimension of these statistics)`);
    if (labels.length !== X.rows) throw new ArgumentError("labels", `${labels.length} labels`, `one label per row of features (${X.rows})`);
    for (let i = 0; i < labels.length; i++) {
      const y = labels[i]!;
      if (!Number.isInteger(y) || y < 0 || y >= K) throw new ArgumentError(`labels[${i}]`, y, `a class in 0…${K - 1}`);
    }
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
