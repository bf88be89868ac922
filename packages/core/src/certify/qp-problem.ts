// The shapes of a dense convex QP and of its solution:  minimize ½xᵀQx + cᵀx  s.t.  A x ≥ b,  E x = e
// (qp.ts solves it; qp-direct.ts is its direct solve). Types only.
import type { Matrix } from "../linalg/matrix.js";

export interface QpProblem {
  /** n×n symmetric positive semi-definite; null means Q = 0 (a linear program). */
  Q: Matrix | null;
  /** Linear term (length n); default 0. */
  c?: Float64Array;
  /** Inequality rows A x ≥ b (m×n). */
  A?: Matrix;
  b?: Float64Array;
  /** Equality rows E x = e (p×n). */
  E?: Matrix;
  e?: Float64Array;
  /** Number of variables; needed only when Q is null and no c is given. */
  n?: number;
}

export interface QpOptions {
  /** A feasible starting point (skips phase I when it is feasible). Default: none (phase I finds one). */
  x0?: Float64Array;
  /** Cap on active-set iterations per phase and subproblem; default 20·(n + m + p) + 100. */
  maxIterations?: number;
  /** "auto" (default): the dual start when it applies; "row-generation": always phase I + primal. */
  start?: "auto" | "row-generation";
  /** On the row-generation path, rows are generated when m > rowGenerationThreshold; default 4n + 40. */
  rowGenerationThreshold?: number;
}

/** KKT residuals of a QP at (x, μ, ν): all absolute, in the problem's own units. */
export interface QpResiduals {
  /** max(0, max_i (b_i − a_iᵀx), max_j |e_j − E_jᵀx|) */
  primalInfeasibility: number;
  /** ‖Qx + c − Aᵀμ − Eᵀν‖₂ */
  stationarity: number;
  /** max_i |μ_i (a_iᵀx − b_i)| */
  complementarity: number;
  /** max(0, −min_i μ_i) */
  dualInfeasibility: number;
}

export interface QpSolution {
  x: Float64Array;
  objective: number;
  /** Multipliers of the inequality rows (length m, ≥ 0; zero off the active set). */
  multipliers: Float64Array;
  /** Multipliers of the equality rows (length p). */
  equalityMultipliers: Float64Array;
  /** Inequality rows in the final working set (ascending). */
  active: Int32Array;
  /** Active-set iterations, all starts and rounds included. */
  iterations: number;
  /** Of which: the start (Goldfarb–Idnani steps, or phase I). */
  phase1Iterations: number;
  /** How the primal method was started (see the file comment). */
  start: "dual" | "row-generation";
  /** Row-generation rounds (1 for a direct solve, 0 for the dual start) and the rows in the final subproblem. */
  rounds: number;
  subproblemRows: number;
  residuals: QpResiduals;
}
