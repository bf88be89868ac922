// Linear programs by HiGHS (the `highs` npm package: the University of Edinburgh's solver compiled to WebAssembly),
// loaded on first use. A problem is plain data — objective, rows with bounds, column bounds — written to HiGHS's
// CPLEX-LP text; the answer is a status in words, never a number, when HiGHS reports infeasible or unbounded.
import { ArgumentError } from "../errors.js";

/** max or min cᵀx s.t. lo_r ≤ a_rᵀx ≤ hi_r, lower_j ≤ x_j ≤ upper_j (null: unbounded on that side). */
export interface LpProblem {
  sense: "max" | "min";
  objective: ArrayLike<number>;
  rows: { coefficients: ArrayLike<number>; lower: number | null; upper: number | null }[];
  bounds: { lower: number | null; upper: number | null }[];
}

export interface LpResult {
  /** "optimal", or HiGHS's status in words (infeasible, unbounded, …) */
  status: string;
  objective: number | null;
  x: Float64Array | null;
}

type HighsSolver = { solve(lp: string): { Status: string; ObjectiveValue: number; Columns: Record<string, { Primal: number; Index: number }> } };
let solver: Promise<HighsSolver> | undefined;

async function highs(): Promise<HighsSolver> {
  // a variable specifier: bundlers leave the import to run time (Node resolves the package; a page must provide it)
  const name = "highs";
  solver ??= import(/* @vite-ignore */ name).then((m: { default: (o?: object) => Promise<HighsSolver> }) => m.default());
  return solver;
}

const num = (v: number) => {
  if (!Number.isFinite(v)) throw new ArgumentError("lp", v, "finite coefficients and bounds");
  return v.toPrecision(17);
};
const linear = (coef: ArrayLike<number>) => {
  const terms: string[] = [];
  for (let j = 0; j < coef.length; j++) if (coef[j] !== 0) terms.push(`${coef[j]! < 0 ? "-" : "+"} ${num(Math.abs(coef[j]!))} x${j}`);
  return terms.length ? terms.join(" ") : "0 x0";
};

/** Solves the LP with HiGHS. */
export async function solveLpHighs(p: LpProblem): Promise<LpResult> {
  const n = p.objective.length;
  if (p.bounds.length !== n) throw new ArgumentError("lp.bounds", p.bounds.length, `${n} bounds (one per column)`);
  p.rows.forEach((r, i) => {
    if (r.coefficients.length !== n) throw new ArgumentError(`lp.rows[${i}].coefficients`, r.coefficients.length, `${n} coefficients`);
  });
  const lines = [p.sense === "max" ? "Maximize" : "Minimize", ` obj: ${linear(p.objective)}`, "Subject To"];
  p.rows.forEach((r, i) => {
    if (r.lower !== null && r.upper !== null && r.lower === r.upper) lines.push(` r${i}: ${linear(r.coefficients)} = ${num(r.lower)}`);
    else {
      if (r.lower !== null) lines.push(` r${i}lo: ${linear(r.coefficients)} >= ${num(r.lower)}`);
      if (r.upper !== null) lines.push(` r${i}hi: ${linear(r.coefficients)} <= ${num(r.upper)}`);
    }
  });
  lines.push("Bounds");
  p.bounds.forEach((b, j) => {
    if (b.lower === null && b.upper === null) lines.push(` x${j} free`);
    else lines.push(` ${b.lower === null ? "-inf" : num(b.lower)} <= x${j} <= ${b.upper === null ? "+inf" : num(b.upper)}`);
  });
  lines.push("End");
  const res = (await highs()).solve(lines.join("\n"));
  if (res.Status !== "Optimal") return { status: res.Status.toLowerCase(), objective: null, x: null };
  const x = new Float64Array(n);
  for (let j = 0; j < n; j++) x[j] = res.Columns[`x${j}`]?.Primal ?? 0;
  return { status: "optimal", objective: res.ObjectiveValue, x };
}
