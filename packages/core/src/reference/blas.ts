// Plain-TS references for the BLAS kernels: the obvious loops, written for clarity, not speed. Used by the
// tests (to check every kernel) and by the benchmark (as the plain-TS baseline); never by the library itself.
import type { Matrix, MatrixF32 } from "../linalg/matrix.js";

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

/**
 * gemm in single precision, every operation rounded to f32 by Math.fround (exact: f64 holds an f32 product
 * exactly, and rounding an f64 sum of two f32s to f32 is the correctly rounded f32 sum). Sums in the order
 * the kernel promises: per element, over each KC-deep slice of k from 0 (acc ← acc + a·b), then
 * C ← C + α·acc slice by slice, after C ← β·C (β = 0: C = 0). With kc = 256 it equals gemm_f32 bit for bit.
 */
export function gemmF32(A: MatrixF32, B: MatrixF32, transA = false, transB = false, alpha = 1, beta = 0, C?: MatrixF32, kc = 256): MatrixF32 {
  const f = Math.fround;
  const m = transA ? A.cols : A.rows;
  const k = transA ? A.rows : A.cols;
  const n = transB ? B.rows : B.cols;
  const a = (i: number, p: number) => (transA ? A.data[p * A.cols + i]! : A.data[i * A.cols + p]!);
  const b = (p: number, j: number) => (transB ? B.data[j * B.cols + p]! : B.data[p * B.cols + j]!);
  const out = new Float32Array(m * n);
  const al = f(alpha), be = f(beta);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let c = beta === 0 || C === undefined ? 0 : f(be * C.data[i * n + j]!);
      if (alpha !== 0) {
        for (let p0 = 0; p0 < k; p0 += kc) {
          let acc = 0;
          for (let p = p0; p < Math.min(k, p0 + kc); p++) acc = f(acc + f(a(i, p) * b(p, j)));
          c = f(c + f(al * acc));
        }
      }
      out[i * n + j] = c;
    }
  }
  return { rows: m, cols: n, data: out };
}
