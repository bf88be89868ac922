// Typed BLAS over the WASM kernels. Each call validates shapes, copies its operands into the runtime's arena,
// runs the kernel and copies the result out; the arena is released afterwards. (Hot loops that keep data in
// WASM memory use the pointer-level exports directly through Runtime.exports.)
import { ArgumentError, checkF64 } from "../errors.js";
import type { Runtime } from "../runtime/kernels.js";
import { checkMatrix, checkMatrixF32, type Matrix, type MatrixF32 } from "./matrix.js";

export class Blas {
  constructor(readonly rt: Runtime) {}

  /** Σ x_i y_i */
  dot(x: Float64Array, y: Float64Array): number {
    checkF64("x", x);
    checkF64("y", y, x.length);
    return this.rt.arena.scope((a) => this.rt.exports.dot_f64(x.length, a.f64(x.length, x).ptr, a.f64(y.length, y).ptr));
  }

  /** a·x + y (a new array). */
  axpy(alpha: number, x: Float64Array, y: Float64Array): Float64Array {
    checkF64("x", x);
    checkF64("y", y, x.length);
    return this.rt.arena.scope((a) => {
      const yb = a.f64(y.length, y);
      this.rt.exports.axpy_f64(x.length, alpha, a.f64(x.length, x).ptr, yb.ptr);
      return yb.toArray();
    });
  }

  /** a·x (a new array). */
  scal(alpha: number, x: Float64Array): Float64Array {
    checkF64("x", x);
    return this.rt.arena.scope((a) => {
      const xb = a.f64(x.length, x);
      this.rt.exports.scal_f64(x.length, alpha, xb.ptr);
      return xb.toArray();
    });
  }

  /** ‖x‖₂ without overflow or underflow. */
  nrm2(x: Float64Array): number {
    return this.reduce("nrm2_f64", x);
  }
  /** Σ x_i */
  sum(x: Float64Array): number {
    return this.reduce("sum_f64", x);
  }
  /** max_i x_i (NaN if any is NaN; −∞ if empty). */
  max(x: Float64Array): number {
    return this.reduce("max_f64", x);
  }
  /** min_i x_i (NaN if any is NaN; +∞ if empty). */
  min(x: Float64Array): number {
    return this.reduce("min_f64", x);
  }
  /** max_i |x_i| (NaN if any is NaN; 0 if empty). */
  amax(x: Float64Array): number {
    return this.reduce("amax_f64", x);
  }

  private reduce(kernel: "nrm2_f64" | "sum_f64" | "max_f64" | "min_f64" | "amax_f64", x: Float64Array): number {
    checkF64("x", x);
    return this.rt.arena.scope((a) => this.rt.exports[kernel](x.length, a.f64(x.length, x).ptr));
  }

  /**
   * α·op(A)·x + β·y with op(A) = A or Aᵀ (options.trans). y defaults to zeros; β defaults to 0 (then y is not read).
   */
  gemv(A: Matrix, x: Float64Array, options: { trans?: boolean; alpha?: number; beta?: number; y?: Float64Array } = {}): Float64Array {
    checkMatrix("A", A);
    const { trans = false, alpha = 1, beta = 0 } = options;
    const nx = trans ? A.rows : A.cols;
    const ny = trans ? A.cols : A.rows;
    checkF64("x", x, nx);
    if (options.y !== undefined) checkF64("options.y", options.y, ny);
    return this.rt.arena.scope((a) => {
      const ab = a.f64(A.data.length, A.data);
      const xb = a.f64(nx, x);
      const yb = a.f64(ny, options.y ?? new Float64Array(ny));
      const k = trans ? this.rt.exports.gemv_t_f64 : this.rt.exports.gemv_n_f64;
      k(A.rows, A.cols, alpha, ab.ptr, A.cols, xb.ptr, beta, yb.ptr);
      return yb.toArray();
    });
  }

  /**
   * α·op(A)·op(B) + β·C (a new matrix). op(X) = Xᵀ when options.transA / transB is set. Without options.C,
   * C = 0 and β is ignored.
   */
  gemm(
    A: Matrix,
    B: Matrix,
    options: { transA?: boolean; transB?: boolean; alpha?: number; beta?: number; C?: Matrix } = {},
  ): Matrix {
    checkMatrix("A", A);
    checkMatrix("B", B);
    if (options.C !== undefined) checkMatrix("options.C", options.C);
    const { transA = false, transB = false, alpha = 1, beta = 0 } = options;
    const [m, n, k] = gemmShape(A, B, options);
    const e = this.rt.exports;
    return this.rt.arena.scope((a) => {
      const ab = a.f64(A.data.length, A.data);
      const bb = a.f64(B.data.length, B.data);
      const cb = a.f64(m * n, options.C?.data ?? new Float64Array(m * n));
      const work = a.allocBytes(e.gemm_workspace_bytes());
      e.gemm_f64(+transA, +transB, m, n, k, alpha, ab.ptr, A.cols, bb.ptr, B.cols, options.C ? beta : 0, cb.ptr, n, work);
      return { rows: m, cols: n, data: cb.toArray() };
    });
  }

  /**
   * gemm in single precision: α·op(A)·op(B) + β·C on f32 matrices, every operation rounded to f32 (α and β
   * too), the same options and summation order as gemm.
   */
  gemmF32(
    A: MatrixF32,
    B: MatrixF32,
    options: { transA?: boolean; transB?: boolean; alpha?: number; beta?: number; C?: MatrixF32 } = {},
  ): MatrixF32 {
    checkMatrixF32("A", A);
    checkMatrixF32("B", B);
    if (options.C !== undefined) checkMatrixF32("options.C", options.C);
    const { transA = false, transB = false, alpha = 1, beta = 0 } = options;
    const [m, n, k] = gemmShape(A, B, options);
    const e = this.rt.exports;
    return this.rt.arena.scope((a) => {
      const ab = a.f32(A.data.length, A.data);
      const bb = a.f32(B.data.length, B.data);
      const cb = a.f32(m * n, options.C?.data ?? new Float32Array(m * n));
      const work = a.allocBytes(e.gemm_f32_workspace_bytes());
      e.gemm_f32(+transA, +transB, m, n, k, alpha, ab.ptr, A.cols, bb.ptr, B.cols, options.C ? beta : 0, cb.ptr, n, work);
      return { rows: m, cols: n, data: cb.toArray() };
    });
  }
}

/** [m, n, k] of α·op(A)·op(B) + β·C, or a typed error naming the argument that does not fit. */
function gemmShape(
  A: { rows: number; cols: number },
  B: { rows: number; cols: number },
  options: { transA?: boolean; transB?: boolean; C?: { rows: number; cols: number } },
): [number, number, number] {
  const { transA = false, transB = false } = options;
  if (transA && transB) throw new ArgumentError("options", options, "at most one of transA, transB (NN, NT or TN)");
  const m = transA ? A.cols : A.rows;
  const k = transA ? A.rows : A.cols;
  const kb = transB ? B.cols : B.rows;
  const n = transB ? B.rows : B.cols;
  if (kb !== k) throw new ArgumentError("B", `${B.rows}×${B.cols}`, `${transB ? "n×" + k : k + "×n"} to match op(A) = ${m}×${k}`);
  if (options.C !== undefined && (options.C.rows !== m || options.C.cols !== n)) {
    throw new ArgumentError("options.C", `${options.C.rows}×${options.C.cols}`, `a ${m}×${n} matrix`);
  }
  return [m, n, k];
}
