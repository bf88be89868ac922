// A thin QR factorization of a set of vectors that grows and shrinks one vector at a time:
//   V = Y R,   V = [v_0 … v_{k−1}] (n×k),  Y (n×k) with orthonormal columns,  R (k×k) upper triangular.
// Insertion orthogonalizes the new vector by classical Gram–Schmidt applied twice ("twice is enough": Giraud,
// Langou, Rozložník 2005), which keeps Y orthonormal to working precision; deletion removes a column of R and
// restores the triangle with Givens rotations applied to R's rows and Y's columns (Golub & Van Loan §6.5).
// Each update costs O(n·k). Used by the active-set QP (working rows) and by NNLS (passive columns).
import { hypot } from "../runtime/detmath.js";

export class ThinQR {
  /** Number of vectors currently held. */
  k = 0;
  /** Row j (length n) is the j-th orthonormal vector Y_j. */
  private readonly Y: Float64Array;
  /** R, capacity×capacity row-major; only the leading k×k upper triangle is meaningful. */
  private readonly R: Float64Array;
  private readonly work: Float64Array;

  constructor(
    readonly n: number,
    readonly capacity: number = n,
  ) {
    this.Y = new Float64Array(capacity * n);
    this.R = new Float64Array(capacity * capacity);
    this.work = new Float64Array(Math.max(capacity, 1));
  }

  /** The j-th orthonormal vector (a view: do not keep it across updates). */
  basis(j: number): Float64Array {
    return this.Y.subarray(j * this.n, (j + 1) * this.n);
  }

  /** R[i][j] for i, j < k. */
  r(i: number, j: number): number {
    return this.R[i * this.capacity + j]!;
  }

  /**
   * Append v (read with a stride: v[offset + i·stride], i < n). Returns false, leaving the factorization
   * unchanged, if v lies in the current span to relative tolerance `tol` (‖(I − YYᵀ)v‖ ≤ tol·‖v‖).
   */
  append(v: ArrayLike<number>, tol = 1e-14, offset = 0, stride = 1): boolean {
    const { n, k, capacity } = this;
    if (k >= capacity) return false;
    const q = this.Y.subarray(k * n, (k + 1) * n);
    let vnorm2 = 0;
    for (let i = 0; i < n; i++) {
      const vi = v[offset + i * stride]!;
      q[i] = vi;
      vnorm2 += vi * vi;
    }
    const h = this.work;
    h.fill(0, 0, k);
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j < k; j++) {
        const yj = this.Y.subarray(j * n, (j + 1) * n);
        let s = 0;
        for (let i = 0; i < n; i++) s += yj[i]! * q[i]!;
        h[j]! += s;
        for (let i = 0; i < n; i++) q[i]! -= s * yj[i]!;
      }
    }
    let rho2 = 0;
    for (let i = 0; i < n; i++) rho2 += q[i]! * q[i]!;
    const rho = Math.sqrt(rho2);
    if (!(rho > tol * Math.sqrt(vnorm2)) || rho === 0) return false;
    for (let i = 0; i < n; i++) q[i]! /= rho;
    for (let j = 0; j < k; j++) this.R[j * capacity + k] = h[j]!;
    this.R[k * capacity + k] = rho;
    for (let i = k + 1; i < capacity; i++) this.R[i * capacity + k] = 0;
    this.k = k + 1;
    return true;
  }

  /** Remove the vector at position pos (later vectors move down one position). */
  remove(pos: number): void {
    const { n, k, capacity: c, R, Y } = this;
    if (pos < 0 || pos >= k) throw new RangeError(`ThinQR.remove: position ${pos} of ${k}`);
    // Delete column pos of R: shift columns pos+1..k−1 left. R is then upper Hessenberg from column pos on.
    for (let i = 0; i < k; i++) {
      const row = i * c;
      for (let j = pos; j < k - 1; j++) R[row + j] = R[row + j + 1]!;
      R[row + k - 1] = 0;
    }
    for (let j = pos; j < k - 1; j++) {
      const a = R[j * c + j]!, b = R[(j + 1) * c + j]!;
      if (b === 0) continue;
      const rr = hypot(a, b);
      const cs = a / rr, sn = b / rr;
      for (let l = j; l < k - 1; l++) {
        const x = R[j * c + l]!, y = R[(j + 1) * c + l]!;
        R[j * c + l] = cs * x + sn * y;
        R[(j + 1) * c + l] = -sn * x + cs * y;
      }
      R[(j + 1) * c + j] = 0;
      const yj = j * n, yk = (j + 1) * n;
      for (let i = 0; i < n; i++) {
        const x = Y[yj + i]!, y = Y[yk + i]!;
        Y[yj + i] = cs * x + sn * y;
        Y[yk + i] = -sn * x + cs * y;
      }
    }
    for (let l = 0; l < k; l++) R[(k - 1) * c + l] = 0;
    this.k = k - 1;
  }

  /** out = Yᵀ v (length k). */
  project(v: ArrayLike<number>, out: Float64Array): Float64Array {
    const { n, k, Y } = this;
    for (let j = 0; j < k; j++) {
      let s = 0;
      const o = j * n;
      for (let i = 0; i < n; i++) s += Y[o + i]! * v[i]!;
      out[j] = s;
    }
    return out;
  }

  /** out = (I − YYᵀ) v, applied twice for orthogonality to working precision (out may alias v). */
  complement(v: ArrayLike<number>, out: Float64Array): Float64Array {
    const { n, k, Y } = this;
    if (out !== v) for (let i = 0; i < n; i++) out[i] = v[i]!;
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j < k; j++) {
        const o = j * n;
        let s = 0;
        for (let i = 0; i < n; i++) s += Y[o + i]! * out[i]!;
        for (let i = 0; i < n; i++) out[i]! -= s * Y[o + i]!;
      }
    }
    return out;
  }

  /** out = Y·coef (length n). */
  combine(coef: ArrayLike<number>, out: Float64Array): Float64Array {
    const { n, k, Y } = this;
    out.fill(0, 0, n);
    for (let j = 0; j < k; j++) {
      const cj = coef[j]!;
      if (cj === 0) continue;
      const o = j * n;
      for (let i = 0; i < n; i++) out[i]! += cj * Y[o + i]!;
    }
    return out;
  }

  /** Solve R z = rhs (back substitution; out may alias rhs). */
  solveR(rhs: ArrayLike<number>, out: Float64Array): Float64Array {
    const { k, capacity: c, R } = this;
    for (let i = k - 1; i >= 0; i--) {
      let s = rhs[i]!;
      for (let j = i + 1; j < k; j++) s -= R[i * c + j]! * out[j]!;
      out[i] = s / R[i * c + i]!;
    }
    return out;
  }

  /** Solve Rᵀ z = rhs (forward substitution; out may alias rhs). */
  solveRT(rhs: ArrayLike<number>, out: Float64Array): Float64Array {
    const { k, capacity: c, R } = this;
    for (let i = 0; i < k; i++) {
      let s = rhs[i]!;
      for (let j = 0; j < i; j++) s -= R[j * c + i]! * out[j]!;
      out[i] = s / R[i * c + i]!;
    }
    return out;
  }
}
