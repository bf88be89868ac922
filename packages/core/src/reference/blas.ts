// Plain-TS references for the BLAS kernels: the obvious loops, written for clarity, not speed. Used by the
// tests (to check every kernel) and by the benchmark (as the plain-TS baseline); never by the library itself.
import type { Matrix } from "../linalg/matrix.js";

export function dot(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
}

export function axpy(a: number, x: Float64Array, y: Float64Array): Float64Array {
  return y.map((v, i) => v + a * x[i]!);
}

/** ‖x‖₂ by the textbook formula, evaluated in a scaled form only to stay inside the double range. */
export function nrm2(x: Float64Array): number {
  let m = 0;
  for (const v of x) {
    if (Number.isNaN(v)) return NaN;
    m = Math.max(m, Math.abs(v));
  }
  if (m === 0 || m === Infinity) return m;
  let s = 0;
  for (const v of x) s += (v / m) ** 2;
  return m * Math.sqrt(s);
}

export function sum(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += v;
  return s;
}

/** op(A)[i][j] */
function at(A: Matrix, trans: boolean, i: number, j: number): number {
  return trans ? A.data[j * A.cols + i]! : A.data[i * A.cols + j]!;
}

export function gemv(A: Matrix, x: Float64Array, trans = false, alpha = 1, beta = 0, y?: Float64Array): Float64Array {
  const m = trans ? A.cols : A.rows;
  const k = trans ? A.rows : A.cols;
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += at(A, trans, i, j) * x[j]!;
    out[i] = beta === 0 ? alpha * s : alpha * s + beta * y![i]!;
  }
  return out;
}

/** The i-k-j triple loop (the plain-TS baseline of the gemm benchmark). */
export function gemm(A: Matrix, B: Matrix, transA = false, transB = false, alpha = 1): Matrix {
  const m = transA ? A.cols : A.rows;
  const k = transA ? A.rows : A.cols;
  const n = transB ? B.rows : B.cols;
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const a = alpha * at(A, transA, i, p);
      const row = i * n;
      for (let j = 0; j < n; j++) C[row + j] = C[row + j]! + a * at(B, transB, p, j);
    }
  }
  return { rows: m, cols: n, data: C };
}

/** Plain-TS gemm on raw row-major arrays (NN), the fastest simple JS loop order; for the benchmark. */
export function gemmPlain(m: number, n: number, k: number, a: Float64Array, b: Float64Array, c: Float64Array): void {
  c.fill(0);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p]!;
      const brow = p * n;
      for (let j = 0; j < n; j++) c[row + j] = c[row + j]! + aip * b[brow + j]!;
    }
  }
}
