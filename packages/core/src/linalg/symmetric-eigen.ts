// Eigen-decomposition of a small symmetric matrix by the cyclic Jacobi method (Golub & Van Loan, Matrix
// Computations, §8.5): rotations annihilate the off-diagonal entries sweep by sweep until they are below rounding
// of the diagonal. Accurate to a few ulps of ‖A‖ (eigenvalues and orthonormal vectors), O(n³) per sweep — for the
// K×K Gram matrices of class means (K ≤ a few hundred), where a pseudo-inverse needs the eigenvalues near 0.
import { pow } from "../runtime/detmath.js";

/** Eigenvalues (ascending) and eigenvectors (columns of the n×n row-major `vectors`) of symmetric A (n×n). */
export function symmetricEigen(A: ArrayLike<number>, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(A);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i]! ** 2;
      for (let j = i + 1; j < n; j++) off += a[i * n + j]! ** 2;
    }
    if (off <= (Number.EPSILON ** 2) * diag * 1e-2 || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const app = a[p * n + p]!, aqq = a[q * n + q]!;
        // the rotation that zeroes a_pq: t = tan θ, the smaller root of t² + 2τt − 1 = 0
        const tau = (aqq - app) / (2 * apq);
        const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!, akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!, aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!, vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i * n + i]! - a[j * n + j]!);
  const values = Float64Array.from(order, (i) => a[i * n + i]!);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src]!;
  });
  return { values, vectors };
}

/** The Moore–Penrose pseudo-inverse of symmetric A (n×n) raised to `power` (1: A⁺, 2: (A⁺)²): eigenvalues at most
 *  n·ε·max|λ| count as 0 (LAPACK's usual rank cut-off; NumPy's pinv uses 1e-15·max|λ|, the same for n ≤ 4 and
 *  indistinguishable on the Gram matrices of centred class means, whose null eigenvalue is at rounding). */
export function symmetricPinvPower(A: ArrayLike<number>, n: number, power = 1): Float64Array {
  const { values, vectors } = symmetricEigen(A, n);
  let big = 0;
  for (const x of values) big = Math.max(big, Math.abs(x));
  const cut = n * Number.EPSILON * big;
  const out = new Float64Array(n * n);
  for (let e = 0; e < n; e++) {
    const l = values[e]!;
    if (Math.abs(l) <= cut) continue;
    const w = 1 / pow(l, power);
    for (let i = 0; i < n; i++) {
      const vi = vectors[i * n + e]! * w;
      for (let j = 0; j < n; j++) out[i * n + j]! += vi * vectors[j * n + e]!;
    }
  }
  return out;
}
