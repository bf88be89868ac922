// A training set from CSV text (environment-free: the CLI reads the file, the web demo an upload). Papaparse
// tokenizes (quoted fields, CRLF, a trailing newline); this file checks the table: a header row, a label
// column, numeric feature cells. Every error names the line and column, with the column's header name.
import Papa from "papaparse";
import { ArgumentError } from "../errors.js";
import type { TrainingSet } from "../dynamics/problem.js";

export interface CsvOptions {
  /** Header of the label column. */
  label: string;
  /** Headers of the feature columns, in order; null: every column but the label. */
  columns: string[] | null;
  /** Names the source in errors (a file path). */
  source: string;
}

/** A CSV cell or structure error: `line` and `column` are 1-based, as an editor shows them. */
export class CsvError extends ArgumentError {
  constructor(
    readonly source: string,
    readonly line: number,
    readonly column: number | null,
    what: string,
    value: unknown,
    expected: string,
  ) {
    super(`${source} line ${line}${column === null ? "" : `, column ${column}`}${what ? ` (${what})` : ""}`, value, expected);
    this.name = "CsvError";
  }
}

/** Parses a numeric table with a header row into features X (n×d, row-major) and labels. */
export function parseCsv(text: string, options: CsvOptions): TrainingSet & { columns: string[] } {
  const { source } = options;
  if (typeof text !== "string" || text.trim() === "") throw new CsvError(source, 1, null, "", "an empty file", "a header row and at least one data row");
  // blank lines are kept while parsing, so that row k is line k + 1 (numeric cells never span lines), then skipped
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { delimiter: ",", skipEmptyLines: false, header: false, dynamicTyping: false });
  const bad = parsed.errors[0];
  if (bad) throw new CsvError(source, (bad.row ?? 0) + 1, null, "", bad.code, `well-formed CSV (${bad.message})`);
  const lines = parsed.data.map((cells, k) => ({ cells, line: k + 1 })).filter((r) => r.cells.some((c) => c.trim() !== ""));
  const [head, ...body] = lines;
  const header = head?.cells;
  if (!header || body.length === 0) throw new CsvError(source, (head?.line ?? 0) + 1, null, "", "no data rows", "a header row and at least one data row");
  const names = header.map((h) => h.trim());
  names.forEach((h, j) => {
    if (h === "") throw new CsvError(source, head!.line, j + 1, "", "an empty header", "a column name");
    const k = names.indexOf(h);
    if (k !== j) throw new CsvError(source, head!.line, j + 1, h, `a second "${h}"`, "distinct column names");
  });
  const labelAt = names.indexOf(options.label);
  if (labelAt < 0) throw new CsvError(source, head!.line, null, "", `columns ${names.join(", ")}`, `a column named ${JSON.stringify(options.label)} (the label column; set data.label)`);
  const features = options.columns ?? names.filter((_, j) => j !== labelAt);
  const at = features.map((c) => {
    const j = names.indexOf(c);
    if (j < 0) throw new CsvError(source, head!.line, null, "", `columns ${names.join(", ")}`, `a column named ${JSON.stringify(c)} (listed in data.columns)`);
    if (j === labelAt) throw new CsvError(source, head!.line, j + 1, c, c, "a feature column, not the label column");
    return j;
  });
  if (at.length === 0) throw new CsvError(source, head!.line, null, "", names, "at least one feature column besides the label");
  const n = body.length, d = at.length;
  const X = new Float64Array(n * d), labels = new Float64Array(n);
  const cell = (row: string[], line: number, j: number): number => {
    const raw = row[j]!.trim();
    const v = raw === "" ? NaN : Number(raw);
    if (!Number.isFinite(v)) throw new CsvError(source, line, j + 1, names[j]!, raw === "" ? "an empty cell" : raw, "a finite number");
    return v;
  };
  body.forEach(({ cells: row, line }, i) => {
    if (row.length !== names.length) throw new CsvError(source, line, null, "", `${row.length} cells`, `${names.length} cells, as in the header`);
    for (let k = 0; k < d; k++) X[i * d + k] = cell(row, line, at[k]!);
    labels[i] = cell(row, line, labelAt);
  });
  return { X: { rows: n, cols: d, data: X }, labels, columns: features };
}
