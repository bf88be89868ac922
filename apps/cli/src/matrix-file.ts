// Reads a numeric array a user exported from another framework: NumPy's .npy (parsed by npyjs: any real dtype,
// C or Fortran order) or CSV (numbers only, an optional header row). A vector is a 1-column matrix. Errors name
// the file and what was expected.
import { readFileSync } from "node:fs";
import { parse as parseNpy } from "npyjs";
import Papa from "papaparse";
import { CliError } from "./errors.js";

export interface NumericFile {
  rows: number;
  cols: number;
  /** row-major */
  data: Float64Array;
}

function fromNpy(path: string, bytes: Buffer): NumericFile {
  let a;
  try {
    a = parseNpy(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  } catch (e) {
    throw new CliError(`${path}: not a readable .npy file (${e instanceof Error ? e.message : String(e)})`);
  }
  if (a.shape.length > 2 || a.shape.length === 0) throw new CliError(`${path}: expected a 1-D or 2-D array, got shape (${a.shape.join(", ")})`);
  if (!/^[iuf]/.test(a.dtype)) throw new CliError(`${path}: expected a real numeric dtype, got ${a.dtype}`);
  const rows = a.shape[0]!, cols = a.shape[1] ?? 1;
  const src = a.data as unknown as ArrayLike<number | bigint>;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) data[i * cols + j] = Number(src[a.fortranOrder ? j * rows + i : i * cols + j]!);
  }
  return { rows, cols, data };
}

function fromCsv(path: string, text: string): NumericFile {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { delimiter: ",", skipEmptyLines: true, header: false, dynamicTyping: false });
  if (parsed.errors[0]) throw new CliError(`${path}: malformed CSV on line ${(parsed.errors[0].row ?? 0) + 1} (${parsed.errors[0].message})`);
  let lines = parsed.data;
  if (lines.length > 0 && lines[0]!.some((c) => c.trim() !== "" && !Number.isFinite(Number(c)))) lines = lines.slice(1); // a header row
  if (lines.length === 0) throw new CliError(`${path}: expected at least one row of numbers`);
  const cols = lines[0]!.length;
  const data = new Float64Array(lines.length * cols);
  lines.forEach((cells, i) => {
    if (cells.length !== cols) throw new CliError(`${path}: row ${i + 1} has ${cells.length} cells, expected ${cols}`);
    cells.forEach((c, j) => {
      const v = c.trim() === "" ? NaN : Number(c);
      if (!Number.isFinite(v)) throw new CliError(`${path}: row ${i + 1}, column ${j + 1}: expected a finite number, got ${JSON.stringify(c)}`);
      data[i * cols + j] = v;
    });
  });
  return { rows: lines.length, cols, data };
}

/** The array in `path` (.npy, or CSV/text otherwise). */
export function readNumericFile(path: string): NumericFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new CliError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return path.toLowerCase().endsWith(".npy") ? fromNpy(path, bytes) : fromCsv(path, bytes.toString("utf8"));
}
