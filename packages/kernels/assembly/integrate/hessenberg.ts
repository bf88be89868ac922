// Orthogonal reduction of a Jacobian to upper Hessenberg form, J = Q·H·Qᵀ (Householder; Golub & Van Loan §7.4), so
// that the shifted systems (αI − s·J)x = r of an implicit stepper cost O(n²) per step however α and s change: the
// matrix αI − s·H is Hessenberg, its LU (partial pivoting between neighbouring rows) is O(n²), and x = Q·(αI − sH)⁻¹·Qᵀr.
// Hairer & Wanner's RADAU5 offers the same transformation. The LU is stored as linsolve.ts's (row swaps, L below the
// diagonal, U on and above it), so its solvers apply.
import { dot_f64 } from "../blas1";

/**
 * Reduces A (n×n, row-major) in place: H on and above the subdiagonal; the Householder vectors v_k (v_k[0] = 1
 * implied) below it, column k; their scalars in tau (n f64s). V (n×n) receives the vectors row by row (row k: v_k at
 * columns k+1 …, with the leading 1), the contiguous copy hess_apply reads.
 */
export function hess_reduce(n: i32, A: usize, tau: usize, V: usize): void {
  for (let k = 0; k + 2 < n; k++) {
    // x = A[k+1 .., k]
    let norm2: f64 = 0.0;
    for (let i = k + 2; i < n; i++) norm2 += load<f64>(A + ((<usize>i * n + k) << 3)) ** 2;
    const x0 = load<f64>(A + ((<usize>(k + 1) * n + k) << 3));
    if (norm2 == 0.0) {
      store<f64>(tau + (<usize>k << 3), 0.0);
      continue;
    }
    const beta = -(x0 >= 0.0 ? 1.0 : -1.0) * Math.sqrt(x0 * x0 + norm2);
    const t = (beta - x0) / beta;
    const scale = 1.0 / (x0 - beta);
    for (let i = k + 2; i < n; i++) {
      const p = A + ((<usize>i * n + k) << 3);
      store<f64>(p, load<f64>(p) * scale);
    }
    store<f64>(tau + (<usize>k << 3), t);
    store<f64>(A + ((<usize>(k + 1) * n + k) << 3), beta);
    // A ← (I − t v vᵀ) A on rows k+1.., columns k+1..
    for (let j = k + 1; j < n; j++) {
      let s = load<f64>(A + ((<usize>(k + 1) * n + j) << 3));
      for (let i = k + 2; i < n; i++) s += load<f64>(A + ((<usize>i * n + k) << 3)) * load<f64>(A + ((<usize>i * n + j) << 3));
      s *= t;
      const p1 = A + ((<usize>(k + 1) * n + j) << 3);
      store<f64>(p1, load<f64>(p1) - s);
      for (let i = k + 2; i < n; i++) {
        const p = A + ((<usize>i * n + j) << 3);
        store<f64>(p, load<f64>(p) - s * load<f64>(A + ((<usize>i * n + k) << 3)));
      }
    }
    // A ← A (I − t v vᵀ) on all rows, columns k+1..
    for (let i = 0; i < n; i++) {
      const row = A + ((<usize>i * n) << 3);
      let s = load<f64>(row + (<usize>(k + 1) << 3));
      for (let j = k + 2; j < n; j++) s += load<f64>(row + (<usize>j << 3)) * load<f64>(A + ((<usize>j * n + k) << 3));
      s *= t;
      store<f64>(row + (<usize>(k + 1) << 3), load<f64>(row + (<usize>(k + 1) << 3)) - s);
      for (let j = k + 2; j < n; j++) {
        const p = row + (<usize>j << 3);
        store<f64>(p, load<f64>(p) - s * load<f64>(A + ((<usize>j * n + k) << 3)));
      }
    }
  }
  for (let k = 0; k + 2 < n; k++) {
    const row = V + ((<usize>k * n) << 3);
    store<f64>(row + (<usize>(k + 1) << 3), 1.0);
    for (let i = k + 2; i < n; i++) store<f64>(row + (<usize>i << 3), load<f64>(A + ((<usize>i * n + k) << 3)));
  }
}

/** x ← Qᵀx (transpose = true) or Qx: x real (complex = false, n f64s) or complex interleaved (n pairs, both parts in
 *  the two SIMD lanes). */
export function hess_apply(n: i32, V: usize, tau: usize, x: usize, complex: bool, transpose: bool): void {
  for (let q = 0; q + 2 < n; q++) {
    const k = transpose ? q : n - 3 - q;
    const t = load<f64>(tau + (<usize>k << 3));
    if (t == 0.0) continue;
    const v = V + ((<usize>k * n) << 3);
    if (complex) {
      let acc = f64x2.splat(0.0);
      for (let i = k + 1; i < n; i++) acc = f64x2.add(acc, f64x2.mul(f64x2.splat(load<f64>(v + (<usize>i << 3))), v128.load(x + (<usize>i << 4))));
      const s = f64x2.mul(acc, f64x2.splat(t));
      for (let i = k + 1; i < n; i++) {
        const p = x + (<usize>i << 4);
        v128.store(p, f64x2.sub(v128.load(p), f64x2.mul(s, f64x2.splat(load<f64>(v + (<usize>i << 3))))));
      }
    } else {
      const s = t * dot_f64(n - k - 1, v + (<usize>(k + 1) << 3), x + (<usize>(k + 1) << 3));
      for (let i = k + 1; i < n; i++) store<f64>(x + (<usize>i << 3), load<f64>(x + (<usize>i << 3)) - s * load<f64>(v + (<usize>i << 3)));
    }
  }
}

/** LU ← αI − s·H factored (H: the Hessenberg part of A from hess_reduce); false if a pivot is 0 or not finite. */
export function hess_lu_real(n: i32, A: usize, alpha: f64, s: f64, LU: usize, piv: usize): bool {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const h = j >= i - 1 ? load<f64>(A + ((<usize>i * n + j) << 3)) : 0.0;
      store<f64>(LU + ((<usize>i * n + j) << 3), (i == j ? alpha : 0.0) - s * h);
    }
  }
  for (let k = 0; k < n; k++) {
    let p = k;
    if (k + 1 < n && abs<f64>(load<f64>(LU + ((<usize>(k + 1) * n + k) << 3))) > abs<f64>(load<f64>(LU + ((<usize>k * n + k) << 3)))) p = k + 1;
    store<i32>(piv + (<usize>k << 2), p);
    if (p != k) {
      for (let j = 0; j < n; j++) {
        const a = LU + ((<usize>k * n + j) << 3), b = LU + ((<usize>p * n + j) << 3);
        const t = load<f64>(a);
        store<f64>(a, load<f64>(b));
        store<f64>(b, t);
      }
    }
    const d = load<f64>(LU + ((<usize>k * n + k) << 3));
    if (!(abs<f64>(d) > 0.0) || abs<f64>(d) == Infinity) return false;
    if (k + 1 < n) {
      const l = load<f64>(LU + ((<usize>(k + 1) * n + k) << 3)) / d;
      store<f64>(LU + ((<usize>(k + 1) * n + k) << 3), l);
      for (let j = k + 1; j < n; j++) {
        const p2 = LU + ((<usize>(k + 1) * n + j) << 3);
        store<f64>(p2, load<f64>(p2) - l * load<f64>(LU + ((<usize>k * n + j) << 3)));
      }
    }
  }
  return true;
}

/** LU ← (ar + i·ai)I − s·H factored, complex interleaved (as lu_complex); false if a pivot is 0 or not finite. */
export function hess_lu_complex(n: i32, A: usize, ar: f64, ai: f64, s: f64, LU: usize, piv: usize): bool {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const h = j >= i - 1 ? load<f64>(A + ((<usize>i * n + j) << 3)) : 0.0;
      const e = LU + ((<usize>i * n + j) << 4);
      store<f64>(e, (i == j ? ar : 0.0) - s * h);
      store<f64>(e, i == j ? ai : 0.0, 8);
    }
  }
  for (let k = 0; k < n; k++) {
    let p = k;
    const dk = LU + ((<usize>k * n + k) << 4);
    if (k + 1 < n) {
      const sk = LU + ((<usize>(k + 1) * n + k) << 4);
      if (load<f64>(sk) ** 2 + load<f64>(sk, 8) ** 2 > load<f64>(dk) ** 2 + load<f64>(dk, 8) ** 2) p = k + 1;
    }
    store<i32>(piv + (<usize>k << 2), p);
    if (p != k) {
      for (let j = 0; j < n; j++) {
        const a = LU + ((<usize>k * n + j) << 4), b = LU + ((<usize>p * n + j) << 4);
        const t = v128.load(a);
        v128.store(a, v128.load(b));
        v128.store(b, t);
      }
    }
    const dr = load<f64>(dk), di = load<f64>(dk, 8);
    const den = dr * dr + di * di;
    if (!(den > 0.0) || den == Infinity) return false;
    if (k + 1 < n) {
      const e = LU + ((<usize>(k + 1) * n + k) << 4);
      const er = load<f64>(e), ei = load<f64>(e, 8);
      const lr = (er * dr + ei * di) / den, li = (ei * dr - er * di) / den;
      store<f64>(e, lr);
      store<f64>(e, li, 8);
      for (let j = k + 1; j < n; j++) {
        const u = LU + ((<usize>k * n + j) << 4), q = LU + ((<usize>(k + 1) * n + j) << 4);
        const ur = load<f64>(u), ui = load<f64>(u, 8);
        store<f64>(q, load<f64>(q) - (lr * ur - li * ui));
        store<f64>(q, load<f64>(q, 8) - (lr * ui + li * ur), 8);
      }
    }
  }
  return true;
}
