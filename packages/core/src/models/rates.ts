// The exact solver behind Λ inference (seed 000, App. B). The rates λ ≥ 0 of the parameter groups must satisfy
// linear equalities Σ_k a_k λ_k = b (every monomial / computational path scales like e^α). Among all valid Λ we
// return the LEXICOGRAPHIC MINIMAX one — the largest rate as small as possible, then the next largest, … — by
// progressive filling: minimize t s.t. λ_free ≤ t, fix the variables equal to t at EVERY optimum, repeat. Each
// step is a small dense LP solved by a two-phase tableau simplex with Bland's rule (no dependencies, f64).
import { ArgumentError, MarginflowError, checkInt } from "../errors.js";
import { hypotOf } from "../runtime/detmath.js";

/** Σ_k coef_k·λ_{index_k} = rhs. Structurally compatible with compile.ts's RateConstraint (`why`). */
export interface RateEquation {
  terms: { index: number; coef: number }[];
  rhs: number;
  /** what imposes it, for error messages */
  why?: string;
}

/** Defaults of solveRates' options. */
export const RATE_DEFAULTS = {
  /** Relative tolerance of the LPs and of the equality checks. */
  tol: 1e-12,
} as const;

export interface RateOptions {
  /** relative tolerance of pivots, reduced costs and ties (default 1e-12) */
  tol?: number;
}

export interface RateLevel {
  /** the common rate of this level */
  value: number;
  /** variables fixed at this level (λ_k = value) */
  indices: number[];
}

export interface RateSolution {
  lambda: Float64Array;
  lambdaMax: number;
  /** levels in decreasing order of value; levels[0].indices are the λmax variables */
  levels: RateLevel[];
  /** determined[k]: λ_k is the same for every solution of the equalities (no minimax choice was involved) */
  determined: boolean[];
  /** orthonormal basis of {d : A d = 0}: the directions in which the equalities leave Λ free */
  nullDirections: Float64Array[];
  /** max_j |Σ a λ − b| at the solution */
  residual: number;
  /** number of LPs solved */
  lpSolves: number;
}

/** The equalities admit no Λ ≥ 0. `constraints` is an irreducible conflicting subset (indices into the input). */
export class RateInfeasibleError extends MarginflowError {
  readonly constraints: number[];
  constructor(constraints: number[], labels: string[]) {
    super(
      "E_RATES_INFEASIBLE",
      `no valid Λ: the rate equalities ${labels.join("; ")} cannot hold together with λ ≥ 0 — the model is not quasi-homogeneous`,
    );
    this.name = "RateInfeasibleError";
    this.constraints = constraints;
  }
}

/** Λ = 0 satisfies every equality, so no positive rate is possible (λmax must be > 0, Def. 3.1). */
export class RateZeroError extends MarginflowError {
  constructor(nVars: number, nEq: number) {
    super("E_RATES_ZERO", `no positive rate possible: Λ = 0 satisfies all ${nEq} rate equalities on ${nVars} variables (the output does not scale with any parameter)`);
    this.name = "RateZeroError";
  }
}

// ---------------------------------------------------------------- dense LP: min c·x, A x = b, x ≥ 0

export interface LpResult {
  status: "optimal" | "infeasible" | "unbounded";
  x: Float64Array;
  value: number;
  /** Σ of artificial variables left after phase 1 */
  infeasibility: number;
}

/** Minimizes c·x subject to A x = b, x ≥ 0 (A given as m rows of length n) by the two-phase simplex method. */
export function solveLp(A: ArrayLike<number>[], b: ArrayLike<number>, c: ArrayLike<number>, tol = 1e-12): LpResult {
  const n = c.length;
  let m = A.length;
  const W = n + m + 1; // columns: x | artificials | rhs
  let aMax = 0, bMax = 0, cMax = 0;
  const T: Float64Array[] = [];
  for (let i = 0; i < m; i++) {
    const s = b[i]! < 0 ? -1 : 1;
    const row = new Float64Array(W);
    for (let j = 0; j < n; j++) aMax = Math.max(aMax, Math.abs((row[j] = s * A[i]![j]!)));
    row[n + i] = 1;
    bMax = Math.max(bMax, (row[W - 1] = s * b[i]!));
    T.push(row);
  }
  for (let j = 0; j < n; j++) cMax = Math.max(cMax, Math.abs(c[j]!));
  const pivTol = tol * Math.max(1, aMax), feasTol = tol * (1 + bMax) * Math.max(4, m + n);
  let basis = Array.from({ length: m }, (_, i) => n + i);
  const z = new Float64Array(W);
  const maxIter = 200 * (m + n) + 1000;

  const pivot = (r: number, j: number): void => {
    const R = T[r]!, p = R[j]!, nz: number[] = [];
    for (let k = 0; k < W; k++) if (R[k] !== 0) { R[k]! /= p; nz.push(k); }
    const eliminate = (row: Float64Array) => {
      if (row === R || row[j] === 0) return;
      const f = row[j]!;
      for (const k of nz) row[k]! -= f * R[k]!;
      row[j] = 0;
    };
    for (const row of T) {
      eliminate(row);
      if (row[W - 1]! < 0 && row[W - 1]! > -feasTol) row[W - 1] = 0;
    }
    eliminate(z);
    basis[r] = j;
  };
  /** Bland's rule on columns [0, ncols); false if unbounded. */
  const iterate = (ncols: number, dTol: number): boolean => {
    for (let it = 0; it < maxIter; it++) {
      let j = -1;
      for (let k = 0; k < ncols; k++) if (z[k]! < -dTol) { j = k; break; }
      if (j < 0) return true;
      let r = -1, best = Infinity;
      for (let i = 0; i < T.length; i++) {
        const a = T[i]![j]!;
        if (a <= pivTol) continue;
        const ratio = Math.max(0, T[i]![W - 1]!) / a;
        if (r < 0 || ratio < best - 1e-15 * (1 + best) || (Math.abs(ratio - best) <= 1e-15 * (1 + best) && basis[i]! < basis[r]!)) {
          best = ratio;
          r = i;
        }
      }
      if (r < 0) return false;
      pivot(r, j);
    }
    throw new MarginflowError("E_LP_ITERATIONS", `simplex: no convergence after ${maxIter} pivots (m = ${m}, n = ${n})`);
  };

  // crash basis: a column that is a positive multiple of e_i starts basic in row i (slacks); artificials elsewhere
  for (let j = 0; j < n; j++) {
    let i0 = -1, count = 0;
    for (let i = 0; i < m && count < 2; i++) if (T[i]![j] !== 0) { i0 = i; count++; }
    if (count !== 1 || T[i0]![j]! <= 0 || basis[i0]! < n) continue;
    const R = T[i0]!, p = R[j]!;
    for (let k = 0; k < W; k++) R[k]! /= p;
    basis[i0] = j;
  }
  // phase 1: minimize the sum of the artificials still basic
  T.forEach((row, i) => {
    if (basis[i]! < n) z[n + i] = 1;
    else for (let j = 0; j < W; j++) if (j < n || j === W - 1) z[j]! -= row[j]!;
  });
  iterate(n + m, tol);
  let infeasibility = 0;
  basis.forEach((bj, i) => bj >= n && (infeasibility += Math.abs(T[i]![W - 1]!)));
  if (infeasibility > feasTol) return { status: "infeasible", x: new Float64Array(n), value: NaN, infeasibility };
  // drive the artificials out of the basis; rows where that is impossible are redundant
  const keep: number[] = [];
  for (let i = 0; i < m; i++) {
    if (basis[i]! < n) { keep.push(i); continue; }
    let j = -1, big = pivTol;
    for (let k = 0; k < n; k++) if (Math.abs(T[i]![k]!) > big) { big = Math.abs(T[i]![k]!); j = k; }
    if (j >= 0) { pivot(i, j); keep.push(i); }
  }
  const rows = keep.map((i) => T[i]!);
  basis = keep.map((i) => basis[i]!);
  T.length = 0;
  T.push(...rows);
  m = T.length;
  // phase 2: the true objective, artificial columns barred from entering
  z.fill(0);
  for (let j = 0; j < n; j++) z[j] = c[j]!;
  T.forEach((row, i) => {
    const cb = c[basis[i]!]!;
    if (cb !== 0) for (let k = 0; k < W; k++) z[k]! -= cb * row[k]!;
  });
  const x = new Float64Array(n);
  if (!iterate(n, tol * Math.max(1, cMax))) return { status: "unbounded", x, value: -Infinity, infeasibility };
  T.forEach((row, i) => (x[basis[i]!] = Math.max(0, row[W - 1]!)));
  let value = 0;
  for (let j = 0; j < n; j++) value += c[j]! * x[j]!;
  return { status: "optimal", x, value, infeasibility };
}

// ---------------------------------------------------------------- validation, null space

function checkEquations(nVars: number, eqs: unknown): RateEquation[] {
  if (!Array.isArray(eqs)) throw new ArgumentError("constraints", eqs, "an array of rate equalities {terms, rhs}");
  return eqs.map((e: RateEquation, i) => {
    const p = `constraints[${i}]`;
    if (typeof e !== "object" || e === null || !Array.isArray(e.terms)) throw new ArgumentError(`${p}.terms`, e?.terms, "an array of {index, coef}");
    if (typeof e.rhs !== "number" || !Number.isFinite(e.rhs)) throw new ArgumentError(`${p}.rhs`, e.rhs, "a finite number");
    e.terms.forEach((t, k) => {
      checkInt(`${p}.terms[${k}].index`, t?.index, 0, nVars - 1);
      if (typeof t.coef !== "number" || !Number.isFinite(t.coef)) throw new ArgumentError(`${p}.terms[${k}].coef`, t.coef, "a finite number");
    });
    return e;
  });
}

function denseRow(nVars: number, e: RateEquation): Float64Array {
  const row = new Float64Array(nVars);
  for (const t of e.terms) row[t.index]! += t.coef;
  return row;
}

/** Orthonormal basis of the null space of the rows (Gauss–Jordan with partial pivoting, then Gram–Schmidt). */
export function nullSpace(rows: Float64Array[], n: number, tol = 1e-12): Float64Array[] {
  const R = rows.map((r) => Float64Array.from(r));
  const scale = Math.max(1, ...R.map((r) => r.reduce((a, v) => Math.max(a, Math.abs(v)), 0)));
  const pivCol: number[] = [];
  let r = 0;
  for (let j = 0; j < n && r < R.length; j++) {
    let p = r;
    for (let i = r + 1; i < R.length; i++) if (Math.abs(R[i]![j]!) > Math.abs(R[p]![j]!)) p = i;
    if (Math.abs(R[p]![j]!) <= tol * scale * n) continue;
    [R[r], R[p]] = [R[p]!, R[r]!];
    const P = R[r]!, d = P[j]!;
    for (let k = 0; k < n; k++) P[k]! /= d;
    for (let i = 0; i < R.length; i++) {
      if (i === r || R[i]![j] === 0) continue;
      const f = R[i]![j]!;
      for (let k = 0; k < n; k++) R[i]![k]! -= f * P[k]!;
    }
    pivCol.push(j);
    r++;
  }
  const basis: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    if (pivCol.includes(j)) continue;
    const v = new Float64Array(n);
    v[j] = 1;
    pivCol.forEach((pc, i) => (v[pc] = -R[i]![j]!));
    for (let pass = 0; pass < 2; pass++) for (const q of basis) {
      let d = 0;
      for (let k = 0; k < n; k++) d += q[k]! * v[k]!;
      for (let k = 0; k < n; k++) v[k]! -= d * q[k]!;
    }
    const norm = hypotOf(v);
    for (let k = 0; k < n; k++) v[k]! /= norm;
    basis.push(v);
  }
  return basis;
}

// ---------------------------------------------------------------- lexicographic minimax

/** The lexicographic-minimax nonnegative solution of the rate equalities (throws RateInfeasibleError / RateZeroError). */
export function solveRates(nVars: number, constraints: RateEquation[], options: RateOptions = {}): RateSolution {
  checkInt("nVars", nVars, 1, 100_000);
  const eqs = checkEquations(nVars, constraints);
  const tol = options.tol ?? RATE_DEFAULTS.tol;
  if (!(tol > 0 && tol < 1e-3)) throw new ArgumentError("options.tol", tol, "a number in (0, 1e-3)");
  const A = eqs.map((e) => denseRow(nVars, e));
  const b = eqs.map((e) => e.rhs);
  const scale = Math.max(1, ...A.map((r) => r.reduce((a, v) => Math.max(a, Math.abs(v)), 0)), ...b.map(Math.abs));
  const eps = tol * scale * Math.max(nVars, eqs.length, 8);
  let lpSolves = 0;
  const lp = (rows: ArrayLike<number>[], rhs: number[], c: ArrayLike<number>) => (lpSolves++, solveLp(rows, rhs, c, tol));

  // feasibility first; on failure, a deletion filter finds an irreducible conflicting subset
  if (lp(A, b, new Float64Array(nVars)).status !== "optimal") {
    let keep = eqs.map((_, i) => i);
    for (const i of [...keep]) {
      const trial = keep.filter((k) => k !== i);
      if (lp(trial.map((k) => A[k]!), trial.map((k) => b[k]!), new Float64Array(nVars)).status !== "optimal") keep = trial;
    }
    throw new RateInfeasibleError(keep, keep.map((k) => `#${k} (${eqs[k]!.why ?? describeEq(eqs[k]!)})`));
  }

  const lambda = new Float64Array(nVars);
  const fixed = new Array<boolean>(nVars).fill(false);
  const levels: RateLevel[] = [];
  while (fixed.includes(false)) {
    const free = [...Array(nVars).keys()].filter((k) => !fixed[k]);
    const F = free.length, n = 2 * F + 1; // columns: λ_free | t | slacks
    const rows: Float64Array[] = [], rhs: number[] = [];
    A.forEach((a, i) => {
      let r = b[i]!;
      for (let k = 0; k < nVars; k++) if (fixed[k]) r -= a[k]! * lambda[k]!;
      const row = new Float64Array(n);
      let any = false;
      free.forEach((k, j) => (row[j] = a[k]!) !== 0 && (any = true));
      if (any) { rows.push(row); rhs.push(r); }
      else if (Math.abs(r) > eps) throw new MarginflowError("E_RATES_NUMERIC", `rate equality #${i} lost feasibility (residual ${r})`);
    });
    free.forEach((_, j) => {
      const row = new Float64Array(n);
      row[j] = 1; row[F] = -1; row[F + 1 + j] = 1; // λ_j − t + s_j = 0
      rows.push(row); rhs.push(0);
    });
    const c = new Float64Array(n);
    c[F] = 1;
    const top = lp(rows, rhs, c);
    if (top.status !== "optimal") throw new MarginflowError("E_RATES_NUMERIC", `level LP ${top.status} after ${levels.length} levels`);
    let t = top.x[F]!;
    if (t <= eps) {
      if (levels.length === 0) throw new RateZeroError(nVars, eqs.length);
      free.forEach((k) => { fixed[k] = true; lambda[k] = 0; });
      levels.push({ value: 0, indices: free });
      break;
    }
    // candidates: free variables at t in this optimum; release any that some optimum puts below t
    const tRow = new Float64Array(n);
    tRow[F] = 1;
    rows.push(tRow); rhs.push(t);
    let cand = free.map((_, j) => j).filter((j) => top.x[j]! >= t - eps * Math.max(1, t));
    for (;;) {
      const cc = new Float64Array(n);
      cand.forEach((j) => (cc[j] = 1));
      const sec = lp(rows, rhs, cc);
      if (sec.status !== "optimal") break; // t is optimal up to rounding: keep the candidates
      const stay = cand.filter((j) => sec.x[j]! >= t - eps * Math.max(1, t));
      if (stay.length === cand.length || stay.length === 0) break;
      cand = stay;
    }
    const idx = cand.map((j) => free[j]!);
    idx.forEach((k) => { fixed[k] = true; lambda[k] = t; });
    levels.push({ value: t, indices: idx });
  }

  const nullDirections = nullSpace(A, nVars, tol);
  const determined = [...Array(nVars).keys()].map((k) => nullDirections.every((d) => Math.abs(d[k]!) <= 1e3 * tol * scale));
  let residual = 0;
  A.forEach((a, i) => {
    let s = -b[i]!;
    for (let k = 0; k < nVars; k++) s += a[k]! * lambda[k]!;
    residual = Math.max(residual, Math.abs(s));
  });
  return { lambda, lambdaMax: levels[0]!.value, levels, determined, nullDirections, residual, lpSolves };
}

function describeEq(e: RateEquation): string {
  const lhs = e.terms.map((t) => `${t.coef === 1 ? "" : t.coef === -1 ? "−" : `${t.coef}·`}λ${t.index}`).join(" + ") || "0";
  return `${lhs} = ${e.rhs}`;
}
