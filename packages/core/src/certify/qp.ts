// An exact dense convex QP solver:  minimize ½xᵀQx + cᵀx  s.t.  A x ≥ b,  E x = e,
// Q symmetric positive SEMI-definite (singular Q — free, unpenalized coordinates — is the point; Q = null is an LP).
// The answer always comes from the primal active-set method (active-set.ts) on the true Q: the KKT solution of its
// final working set, polished by a projected Newton step — exact to rounding, no interior-point tolerance. It is
// started in one of two ways:
//  - "dual" (Q ≠ 0, no equality rows): Goldfarb–Idnani (dual-active-set.ts) on Q + εI (ε = 1e-8·max Q_ii only if Q
//    is singular) adds the most violated rows one at a time, ~|active set| steps however many rows there are; its
//    optimum is feasible and its active set nearly right, so the primal method finishes in a few steps;
//  - "row-generation" (LPs, equality rows, or if the dual start fails): phase I (an LP for a feasible point) + the
//    primal method (qp-direct.ts), inside a cutting-plane loop when rows are many: solve on a subset S of the rows,
//    add the most violated rows outside S, repeat until none is violated — the subset's optimum is then optimal for
//    all rows. A ray of an unbounded subset problem adds the rows blocking it most; if none does, the QP is unbounded.
import { ArgumentError } from "../errors.js";
import type { Matrix } from "../linalg/matrix.js";
import { QpError, activeSet, type ActiveSetState, type DenseQp } from "./active-set.js";
import { goldfarbIdnani } from "./dual-active-set.js";
import { ThinQR } from "./thin-qr.js";
import type { QpOptions, QpProblem, QpResiduals, QpSolution } from "./qp-problem.js";
import {
  equalityStart,
  feasibilityTolerance,
  finish,
  layout,
  objectiveAt,
  phase1,
  residualsAt,
  rowDot,
  solveDirect,
} from "./qp-direct.js";

export { QpError } from "./active-set.js";

export type { QpProblem, QpOptions, QpResiduals, QpSolution } from "./qp-problem.js";

/** The equality rows of qp and the inequality rows `S` (indices into qp's rows) as a problem of their own. */
function subset(qp: DenseQp, S: number[]): DenseQp {
  const { n, nEq } = qp;
  const total = nEq + S.length;
  const rows = new Float64Array(total * n), rhs = new Float64Array(total), rowNorm = new Float64Array(total);
  const pick = (r: number, k: number) => {
    rows.set(qp.rows.subarray(r * n, (r + 1) * n), k * n);
    rhs[k] = qp.rhs[r]!;
    rowNorm[k] = qp.rowNorm[r]!;
  };
  for (let r = 0; r < nEq; r++) pick(r, r);
  S.forEach((r, k) => pick(r, nEq + k));
  return { ...qp, rows, rhs, rowNorm, total };
}

/** The rows with the `k` largest scores (score > −∞), largest first: a bounded insertion buffer, no allocation per row. */
class TopK {
  readonly score: Float64Array;
  readonly row: Int32Array;
  size = 0;
  constructor(readonly k: number) {
    this.score = new Float64Array(k);
    this.row = new Int32Array(k);
  }
  offer(score: number, row: number): void {
    const { k } = this;
    if (this.size === k && !(score > this.score[k - 1]!)) return;
    let i = this.size < k ? this.size++ : k - 1;
    while (i > 0 && this.score[i - 1]! < score) {
      this.score[i] = this.score[i - 1]!;
      this.row[i] = this.row[i - 1]!;
      i--;
    }
    this.score[i] = score;
    this.row[i] = row;
  }
}

/** The dual warm start: Goldfarb–Idnani on Q (+ εI if singular); null when it does not apply or does not finish. */
function dualStart(qp: DenseQp, maxIterations: number): { state: ActiveSetState; iterations: number } | null {
  const { n, Q } = qp;
  if (!Q || qp.nEq > 0) return null;
  let out = goldfarbIdnani(Q, qp.c, qp.rows, qp.rhs, qp.rowNorm, n, qp.total, maxIterations);
  if (out.status === "not-definite") {
    let qmax = 0;
    for (let i = 0; i < n; i++) qmax = Math.max(qmax, Q[i * n + i]!);
    const G = Float64Array.from(Q);
    for (let i = 0; i < n; i++) G[i * n + i]! += 1e-8 * qmax;
    out = goldfarbIdnani(G, qp.c, qp.rows, qp.rhs, qp.rowNorm, n, qp.total, maxIterations);
  }
  if (out.status !== "optimal") return null;
  const state: ActiveSetState = { x: out.x, working: [], qr: new ThinQR(n) };
  for (const r of out.active) if (state.qr.append(qp.rows, 1e-10, r * n, 1)) state.working.push(r);
  return { state, iterations: out.iterations };
}

function unboundedError(ray: Float64Array): QpError {
  return new QpError("unbounded", `the QP is unbounded below: along the ray d (‖d‖ = 1, Qd = 0, cᵀd < 0) no row blocks; d = [${Array.from(ray, (v) => v.toPrecision(4)).join(", ")}]`);
}

/**
 * Solve the convex QP exactly. Throws QpError (kind "infeasible" or "unbounded") when no optimum exists, and
 * ArgumentError for malformed input or a Q found not positive semi-definite.
 */
export function solveQp(problem: QpProblem, options: QpOptions = {}): QpSolution {
  const { qp, m, p } = layout(problem);
  const { n, total } = qp;
  if (options.x0 !== undefined && (!(options.x0 instanceof Float64Array) || options.x0.length !== n)) {
    throw new ArgumentError("options.x0", options.x0, `a Float64Array of length ${n}`);
  }
  const maxIterations = options.maxIterations ?? 20 * (n + m + p) + 100;
  const threshold = options.rowGenerationThreshold ?? 4 * n + 40;
  if (options.start !== undefined && options.start !== "auto" && options.start !== "row-generation") {
    throw new ArgumentError("options.start", options.start, '"auto" or "row-generation"');
  }
  const dual = options.start === "row-generation" || options.x0 ? null : dualStart(qp, maxIterations);
  if (dual) {
    const out = activeSet(qp, dual.state, maxIterations);
    if (out.status === "unbounded") throw unboundedError(out.ray!);
    const lam = finish(qp, dual.state);
    const x = dual.state.x;
    return {
      x,
      objective: objectiveAt(qp, x),
      multipliers: lam.slice(p),
      equalityMultipliers: lam.slice(0, p),
      active: Int32Array.from(dual.state.working.map((k) => k - p)).sort(),
      iterations: dual.iterations + out.iterations,
      phase1Iterations: dual.iterations,
      start: "dual",
      rounds: 0,
      subproblemRows: m,
      residuals: residualsAt(qp, x, lam),
    };
  }
  const batch = Math.max(10, n);
  let S: number[] = Array.from({ length: m }, (_, i) => p + i);
  const inS = new Uint8Array(total);
  if (m > threshold) S = [];
  for (const r of S) inS[r] = 1;
  let x = options.x0;
  let iterations = 0, phase1Iterations = 0;
  for (let round = 1; ; round++) {
    const sub = S.length === m ? qp : subset(qp, S);
    const out = solveDirect(sub, x, maxIterations);
    iterations += out.iterations;
    phase1Iterations += out.phase1Iterations;
    if (out.status === "unbounded") {
      // Rows outside S that block the ray, steepest first.
      const block = new TopK(batch);
      for (let r = p; r < total; r++) {
        if (inS[r]) continue;
        const slope = rowDot(qp, r, out.ray) / qp.rowNorm[r]!;
        if (slope < -1e-13) block.offer(-slope, r);
      }
      if (block.size === 0) {
        phase1(qp, equalityStart(qp, out.x), maxIterations); // throws if the full problem is infeasible
        throw unboundedError(out.ray);
      }
      for (let j = 0; j < block.size; j++) {
        S.push(block.row[j]!);
        inS[block.row[j]!] = 1;
      }
      x = out.x;
      continue;
    }
    const lamSub = finish(sub, out.state);
    x = out.state.x;
    // Rows outside S violated at x, most violated (per unit row norm) first.
    const tol = feasibilityTolerance(qp, x);
    const viol = new TopK(batch);
    for (let r = p; r < total; r++) {
      if (inS[r]) continue;
      const v = qp.rhs[r]! - rowDot(qp, r, x);
      if (v > tol) viol.offer(v / Math.max(qp.rowNorm[r]!, 1e-300), r);
    }
    if (viol.size === 0) {
      const lam = new Float64Array(total);
      for (let r = 0; r < p; r++) lam[r] = lamSub[r]!;
      S.forEach((r, k) => (lam[r] = lamSub[p + k]!));
      const active = Int32Array.from(out.state.working.filter((k) => k >= p).map((k) => (sub === qp ? k : S[k - p]!) - p)).sort();
      return {
        x,
        objective: objectiveAt(qp, x),
        multipliers: lam.slice(p),
        equalityMultipliers: lam.slice(0, p),
        active,
        iterations,
        phase1Iterations,
        start: "row-generation",
        rounds: round,
        subproblemRows: S.length,
        residuals: residualsAt(qp, x, lam),
      };
    }
    for (let j = 0; j < viol.size; j++) {
      S.push(viol.row[j]!);
      inS[viol.row[j]!] = 1;
    }
  }
}

/** A point with A x ≥ b (and E x = e), or null when there is none: the minimum-norm one (solveQp with Q = I). */
export function feasiblePoint(A: Matrix, b: Float64Array, E?: Matrix, e?: Float64Array): Float64Array | null {
  const n = A?.cols ?? E?.cols ?? 0;
  const Q = { rows: n, cols: n, data: new Float64Array(n * n) };
  for (let i = 0; i < n; i++) Q.data[i * n + i] = 1;
  try {
    return solveQp({ Q, A, b, E, e }).x;
  } catch (err) {
    if (err instanceof QpError && err.kind === "infeasible") return null;
    throw err;
  }
}
