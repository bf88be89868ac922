import { ArgumentError, checkInt } from "../errors.js";

/** A dense row-major f64 matrix. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

export function matrix(rows: number, cols: number, data?: ArrayLike<number>): Matrix {
  checkInt("rows", rows);
  checkInt("cols", cols);
  const d = new Float64Array(rows * cols);
  if (data) {
    if (data.length !== rows * cols) throw new ArgumentError("data", data, `${rows * cols} values for a ${rows}×${cols} matrix`);
    d.set(data);
  }
  return { rows, cols, data: d };
}

export function checkMatrix(argument: string, m: unknown): Matrix {
  const mm = m as Matrix;
  if (
    typeof m !== "object" || m === null || !(mm.data instanceof Float64Array) ||
    !Number.isInteger(mm.rows) || !Number.isInteger(mm.cols) || mm.rows < 0 || mm.cols < 0 ||
    mm.data.length !== mm.rows * mm.cols
  ) {
    throw new ArgumentError(argument, m, "a matrix {rows, cols, data: Float64Array(rows·cols)}");
  }
  return mm;
}

/** A dense row-major f32 matrix (the operands of Blas.gemmF32). */
export interface MatrixF32 {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

export function checkMatrixF32(argument: string, m: unknown): MatrixF32 {
  const mm = m as MatrixF32;
  if (
    typeof m !== "object" || m === null || !(mm.data instanceof Float32Array) ||
    !Number.isInteger(mm.rows) || !Number.isInteger(mm.cols) || mm.rows < 0 || mm.cols < 0 ||
    mm.data.length !== mm.rows * mm.cols
  ) {
    throw new ArgumentError(argument, m, "a matrix {rows, cols, data: Float32Array(rows·cols)}");
  }
  return mm;
}

/** A matrix, or the same as plain nested arrays (one inner array per row). */
export type MatrixLike = Matrix | readonly (readonly number[])[];

/** A Matrix from a MatrixLike: nested arrays are copied row by row (every row as long as the first, finite numbers). */
export function toMatrix(argument: string, m: unknown): Matrix {
  if (!Array.isArray(m)) return checkMatrix(argument, m);
  const rows = m.length, cols = rows > 0 && Array.isArray(m[0]) ? (m[0] as unknown[]).length : 0;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const r = m[i] as unknown;
    if (!Array.isArray(r) || r.length !== cols) throw new ArgumentError(`${argument}[${i}]`, r, `a row of ${cols} numbers (as row 0)`);
    for (let j = 0; j < cols; j++) {
      const v = r[j] as unknown;
      if (typeof v !== "number") throw new ArgumentError(`${argument}[${i}][${j}]`, v, "a number");
      data[i * cols + j] = v;
    }
  }
  return { rows, cols, data };
}
