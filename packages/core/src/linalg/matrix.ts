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
