// The direct solve of a dense convex QP (no row generation): input checking and layout, phase I (a feasible
// point from the LP  min t s.t. A x + t ≥ b, E x = e, t ≥ 0, stopped as soon as t reaches 0), phase II (the primal
// active-set method of active-set.ts from that point), the final polish and the KKT residuals. qp.ts drives it.
import { ArgumentError } from "../errors.js";
import { checkMatrix, type Matrix } from "../linalg/matrix.js";
import {
  QpError,
  activeSet,
  correctToWorkingRows,
  gradient,
  nullSpaceStep,
  type ActiveSetState,
  type DenseQp,
} from "./active-set.js";
import type { QpProblem, QpResiduals } from "./qp-problem.js";
import { ThinQR } from "./thin-qr.js";
import { hypot } from "../runtime/detmath.js";

function checkRows(name: string, rhsName: string, M: Matrix | undefined, v: Float64Array | undefined, n: number): [Matrix | undefined, Float64Array] {
  if (M === undefined) {
    if (v !== undefined && v.length > 0) throw new ArgumentError(name, M, `a ${v.length}×${n} matrix to go with ${rhsName}`);
    return [undefined, new Float64Array(0)];
  }
  checkMatrix(name, M);
  if (M.cols !== n) throw new ArgumentError(name, `${M.rows}×${M.cols} matrix`, `${n} columns (the number of variables)`);
  if (!(v instanceof Float64Array) || v.length !== M.rows) throw new ArgumentError(rhsName, v, `a Float64Array of length ${M.rows}`);
  for (let i = 0; i < M.data.length; i++) {
    if (!Number.isFinite(M.data[i]!)) throw new ArgumentError(`${name}[${Math.floor(i / n)}][${i % n}]`, M.data[i], "a finite number");
  }
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) throw new ArgumentError(`${rhsName}[${i}]`, v[i], "a finite number");
  return [M, v];
}

/** Validate and lay the problem out for the engine (equalities first). */
export function layout(problem: QpProblem): { qp: DenseQp; m: number; p: number } {
  if (typeof problem !== "object" || problem === null) throw new ArgumentError("problem", problem, "an object {Q, c?, A?, b?, E?, e?}");
  const { Q } = problem;
  let n: number;
  if (Q === null) {
    n = problem.c?.length ?? problem.n ?? problem.A?.cols ?? problem.E?.cols ?? -1;
    if (!(n >= 0)) throw new ArgumentError("problem.n", problem.n, "the number of variables (Q is null and no c, A or E)");
  } else {
    checkMatrix("Q", Q);
    if (Q.rows !== Q.cols) throw new ArgumentError("Q", `${Q.rows}×${Q.cols} matrix`, "a square matrix");
    n = Q.rows;
    let qMax = 0;
    for (let i = 0; i < n * n; i++) {
      if (!Number.isFinite(Q.data[i]!)) throw new ArgumentError(`Q[${Math.floor(i / n)}][${i % n}]`, Q.data[i], "a finite number");
      qMax = Math.max(qMax, Math.abs(Q.data[i]!));
    }
    for (let i = 0; i < n; i++) {
      if (Q.data[i * n + i]! < -1e-14 * qMax) throw new ArgumentError(`Q[${i}][${i}]`, Q.data[i * n + i], "≥ 0 (Q positive semi-definite)");
      for (let j = 0; j < i; j++) {
        if (Math.abs(Q.data[i * n + j]! - Q.data[j * n + i]!) > 1e-12 * qMax) {
          throw new ArgumentError(`Q[${i}][${j}]`, Q.data[i * n + j], `Q[${j}][${i}] = ${Q.data[j * n + i]} (Q symmetric)`);
        }
      }
    }
  }
  const c = problem.c ?? new Float64Array(n);
  if (!(c instanceof Float64Array) || c.length !== n) throw new ArgumentError("c", c, `a Float64Array of length ${n}`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(c[i]!)) throw new ArgumentError(`c[${i}]`, c[i], "a finite number");
  const [A, b] = checkRows("A", "b", problem.A, problem.b, n);
  const [E, e] = checkRows("E", "e", problem.E, problem.e, n);
  const m = A?.rows ?? 0, p = E?.rows ?? 0, total = m + p;
  const rows = new Float64Array(total * n), rhs = new Float64Array(total), rowNorm = new Float64Array(total);
  if (E) rows.set(E.data, 0);
  if (A) rows.set(A.data, p * n);
  rhs.set(e, 0);
  rhs.set(b, p);
  for (let r = 0; r < total; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += rows[r * n + i]! ** 2;
    rowNorm[r] = Math.sqrt(s);
  }
  let Qd: Float64Array | null = null;
  if (Q !== null && Q.data.some((v) => v !== 0)) {
    Qd = new Float64Array(n * n); // symmetrize exactly
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Qd[i * n + j] = 0.5 * (Q.data[i * n + j]! + Q.data[j * n + i]!);
  }
  return { qp: { n, Q: Qd, c, rows, rhs, nEq: p, total, rowNorm }, m, p };
}

export function rowDot(qp: DenseQp, r: number, x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < qp.n; i++) s += qp.rows[r * qp.n + i]! * x[i]!;
  return s;
}

/** The largest violation of the rows at x (0 when feasible). */
function violation(qp: DenseQp, x: ArrayLike<number>): { worst: number; row: number } {
  let worst = 0, row = -1;
  for (let r = 0; r < qp.total; r++) {
    const d = qp.rhs[r]! - rowDot(qp, r, x);
    const v = r < qp.nEq ? Math.abs(d) : d;
    if (v > worst) {
      worst = v;
      row = r;
    }
  }
  return { worst, row };
}

export function feasibilityTolerance(qp: DenseQp, x: ArrayLike<number>): number {
  let xn = 0;
  for (let i = 0; i < qp.n; i++) xn += x[i]! ** 2;
  xn = Math.sqrt(xn);
  let scale = 1;
  for (let r = 0; r < qp.total; r++) scale = Math.max(scale, Math.abs(qp.rhs[r]!), qp.rowNorm[r]! * xn);
  return 1e-12 * scale;
}

/** The equality rows as an initial working set, and the minimum-norm point on them (or the given x0). */
export function equalityStart(qp: DenseQp, x0: Float64Array | undefined): ActiveSetState {
  const { n, nEq } = qp;
  const qr = new ThinQR(n);
  const working: number[] = [];
  for (let r = 0; r < nEq; r++) if (qr.append(qp.rows, 1e-12, r * n, 1)) working.push(r);
  const s: ActiveSetState = { x: x0 ? Float64Array.from(x0) : new Float64Array(n), working, qr };
  correctToWorkingRows(qp, s, new Float64Array(n + 1), new Float64Array(n));
  for (let r = 0; r < nEq; r++) {
    if (Math.abs(qp.rhs[r]! - rowDot(qp, r, s.x)) > feasibilityTolerance(qp, s.x)) {
      throw new QpError("infeasible", `the QP is infeasible: the equality rows E x = e are inconsistent (row ${r})`);
    }
  }
  return s;
}

/** Phase I: a feasible point and the inequality rows active there (independent, for the starting working set). */
export function phase1(qp: DenseQp, start: ActiveSetState, maxIterations: number): { state: ActiveSetState; iterations: number } {
  const { n, nEq, total } = qp;
  const v = violation(qp, start.x);
  if (v.worst <= feasibilityTolerance(qp, start.x)) return { state: start, iterations: 0 };
  // The LP in (x, t): rows [E 0; A 1; 0 1], objective t.
  const n1 = n + 1;
  const rows = new Float64Array((total + 1) * n1), rhs = new Float64Array(total + 1), rowNorm = new Float64Array(total + 1);
  for (let r = 0; r < total; r++) {
    for (let i = 0; i < n; i++) rows[r * n1 + i] = qp.rows[r * n + i]!;
    rows[r * n1 + n] = r < nEq ? 0 : 1;
    rhs[r] = qp.rhs[r]!;
    rowNorm[r] = hypot(qp.rowNorm[r]!, r < nEq ? 0 : 1);
  }
  rows[total * n1 + n] = 1;
  rowNorm[total] = 1;
  const c = new Float64Array(n1);
  c[n] = 1;
  const lp: DenseQp = { n: n1, Q: null, c, rows, rhs, nEq, total: total + 1, rowNorm };
  let t0 = 0, worstRow = -1;
  for (let r = nEq; r < total; r++) {
    const d = qp.rhs[r]! - rowDot(qp, r, start.x);
    if (d > t0) {
      t0 = d;
      worstRow = r;
    }
  }
  const x1 = new Float64Array(n1);
  x1.set(start.x);
  x1[n] = t0;
  const qr = new ThinQR(n1);
  const working: number[] = [];
  for (const r of start.working) if (qr.append(rows, 1e-12, r * n1, 1)) working.push(r);
  if (qr.append(rows, 1e-12, worstRow * n1, 1)) working.push(worstRow);
  const s1: ActiveSetState = { x: x1, working, qr };
  const out = activeSet(lp, s1, maxIterations, total);
  const x = s1.x.slice(0, n);
  if (out.status !== "stopped" && x1[n]! > feasibilityTolerance(qp, x)) {
    throw new QpError("infeasible", `the QP is infeasible: no x satisfies the rows (phase I stopped at a smallest violation t = ${x1[n]})`);
  }
  // Starting working set in x-space: equalities, then the phase-I rows that are active and stay independent.
  const s: ActiveSetState = { x, working: [], qr: new ThinQR(n) };
  for (const r of start.working) if (s.qr.append(qp.rows, 1e-12, r * n, 1)) s.working.push(r);
  for (const r of s1.working) {
    if (r < nEq || r === total) continue;
    if (s.qr.append(qp.rows, 1e-10, r * n, 1)) s.working.push(r);
  }
  return { state: s, iterations: out.iterations };
}

export function residualsAt(qp: DenseQp, x: Float64Array, lam: Float64Array): QpResiduals {
  const { n, total, nEq } = qp;
  const g = gradient(qp, x, new Float64Array(n));
  let primal = 0, comp = 0, dual = 0;
  for (let r = 0; r < total; r++) {
    const slack = rowDot(qp, r, x) - qp.rhs[r]!;
    const l = lam[r]!;
    for (let i = 0; i < n; i++) g[i]! -= l * qp.rows[r * n + i]!;
    if (r < nEq) {
      primal = Math.max(primal, Math.abs(slack));
    } else {
      primal = Math.max(primal, -slack);
      comp = Math.max(comp, Math.abs(l * slack));
      dual = Math.max(dual, -l);
    }
  }
  let st = 0;
  for (let i = 0; i < n; i++) st += g[i]! ** 2;
  return { primalInfeasibility: primal, stationarity: Math.sqrt(st), complementarity: comp, dualInfeasibility: dual };
}

export type DirectOutcome =
  | { status: "optimal"; state: ActiveSetState; iterations: number; phase1Iterations: number }
  | { status: "unbounded"; ray: Float64Array; x: Float64Array; iterations: number; phase1Iterations: number };

/** Phase I then phase II on the whole of qp, from x0 (projected on the equality rows). Throws QpError "infeasible". */
export function solveDirect(qp: DenseQp, x0: Float64Array | undefined, maxIterations: number): DirectOutcome {
  const start = equalityStart(qp, x0);
  const ph1 = phase1(qp, start, maxIterations);
  const s = ph1.state;
  const out = activeSet(qp, s, maxIterations);
  const iterations = ph1.iterations + out.iterations;
  if (out.status === "unbounded") return { status: "unbounded", ray: out.ray!, x: s.x, iterations, phase1Iterations: ph1.iterations };
  return { status: "optimal", state: s, iterations, phase1Iterations: ph1.iterations };
}

/** Polish the optimum (range correction + projected Newton step, twice) and return its multipliers per row of qp. */
export function finish(qp: DenseQp, s: ActiveSetState): Float64Array {
  const { n } = qp;
  const scratch = new Float64Array(n + 1), dx = new Float64Array(n), g = new Float64Array(n), step = new Float64Array(n);
  for (let pass = 0; pass < 2; pass++) {
    correctToWorkingRows(qp, s, scratch, dx);
    gradient(qp, s.x, g);
    if (nullSpaceStep(qp, s.qr, g, step) === "newton") for (let i = 0; i < n; i++) s.x[i]! += step[i]!;
  }
  correctToWorkingRows(qp, s, scratch, dx);
  gradient(qp, s.x, g);
  const mu = s.qr.solveR(s.qr.project(g, new Float64Array(n + 1)), new Float64Array(n + 1));
  const lam = new Float64Array(qp.total);
  s.working.forEach((r, j) => (lam[r] = mu[j]!));
  return lam;
}

/** ½xᵀQx + cᵀx */
export function objectiveAt(qp: DenseQp, x: Float64Array): number {
  const { n, Q, c } = qp;
  let f = 0;
  for (let i = 0; i < n; i++) {
    let qx = 0;
    if (Q) for (let j = 0; j < n; j++) qx += Q[i * n + j]! * x[j]!;
    f += x[i]! * (c[i]! + 0.5 * qx);
  }
  return f;
}
