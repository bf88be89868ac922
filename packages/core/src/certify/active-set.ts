// The primal active-set iteration for a convex QP  min ½xᵀQx + cᵀx  s.t.  a_iᵀx = b_i (i < nEq),  a_iᵀx ≥ b_i,
// with Q positive SEMI-definite (Nocedal & Wright, Numerical Optimization, Alg. 16.3, extended to a singular
// reduced Hessian as in Fletcher, Practical Methods of Optimization §10.3):
//  - the working rows W are kept as a thin QR, A_Wᵀ = Y R (ThinQR), P = I − YYᵀ projects on null(A_W);
//  - the step solves min ½pᵀQp + gᵀp s.t. A_W p = 0 through M = PQP + σYYᵀ, factored by Cholesky with diagonal
//    pivoting (rank revealing). If Pg has a component in null(M) — a direction d with A_W d = 0, Qd = 0, gᵀd < 0 —
//    the step is that ray (the objective decreases linearly along it); otherwise it is the Newton step;
//  - a ratio test over the rows outside W finds the first blocking row; a ray that nothing blocks proves the QP
//    unbounded below; at a subspace minimizer the multipliers R μ = Yᵀg decide: stop, or drop a row with μ < 0;
//  - anti-cycling: after a run of zero-length steps, Bland's rule (smallest index) picks both the entering and the
//    leaving row.
import { ArgumentError, MarginflowError } from "../errors.js";
import { ThinQR } from "./thin-qr.js";

/** A failure of the QP solver that is a property of the problem: which one is in `kind`. */
export class QpError extends MarginflowError {
  readonly kind: "infeasible" | "unbounded" | "iterations";
  constructor(kind: "infeasible" | "unbounded" | "iterations", message: string) {
    super(kind === "infeasible" ? "E_QP_INFEASIBLE" : kind === "unbounded" ? "E_QP_UNBOUNDED" : "E_QP_ITERATIONS", message);
    this.name = "QpError";
    this.kind = kind;
  }
}

/** The QP in the engine's layout: all rows in one row-major block, equalities first. */
export interface DenseQp {
  n: number;
  /** n×n row-major, or null for Q = 0 (a linear program). */
  Q: Float64Array | null;
  c: Float64Array;
  /** total×n row-major; rows < nEq are equalities, the rest inequalities a_iᵀx ≥ b_i. */
  rows: Float64Array;
  rhs: Float64Array;
  nEq: number;
  total: number;
  rowNorm: Float64Array;
}

export interface ActiveSetState {
  x: Float64Array;
  /** Row indices of the working set, in the order of qr's columns. */
  working: number[];
  qr: ThinQR;
}

export interface ActiveSetOutcome {
  status: "optimal" | "unbounded" | "stopped";
  iterations: number;
  /** The unbounded ray (status "unbounded"). */
  ray?: Float64Array;
}

const BLAND_AFTER = 4; // consecutive zero-length steps before Bland's rule takes over

function dot(a: Float64Array, ao: number, b: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[ao + i]! * b[i]!;
  return s;
}
function norm(v: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

/** g = Qx + c. */
export function gradient(p: DenseQp, x: ArrayLike<number>, g: Float64Array): Float64Array {
  const { n, Q, c } = p;
  for (let i = 0; i < n; i++) g[i] = c[i]! + (Q ? dot(Q, i * n, x, n) : 0);
  return g;
}

/** Move x onto the working rows exactly (minimum-norm correction x += Y R⁻ᵀ (b_W − A_W x)). */
export function correctToWorkingRows(p: DenseQp, s: ActiveSetState, scratch: Float64Array, dx: Float64Array): void {
  const { n, rows, rhs } = p;
  const k = s.working.length;
  if (k === 0) return;
  let any = false;
  for (let j = 0; j < k; j++) {
    const r = s.working[j]!;
    scratch[j] = rhs[r]! - dot(rows, r * n, s.x, n);
    if (scratch[j] !== 0) any = true;
  }
  if (!any) return;
  s.qr.solveRT(scratch, scratch);
  s.qr.combine(scratch, dx);
  for (let i = 0; i < n; i++) s.x[i]! += dx[i]!;
}

/**
 * The step from x in null(A_W): the Newton step of the reduced quadratic, or a descent ray of zero curvature.
 * Writes it to `step` (projected on null(A_W)); returns "newton" or "ray".
 */
export function nullSpaceStep(p: DenseQp, qr: ThinQR, g: Float64Array, step: Float64Array): "newton" | "ray" {
  const { n, Q } = p;
  const h = qr.complement(g, new Float64Array(n));
  const hn = norm(h, n);
  if (!Q) {
    if (hn <= 1e-13 * norm(g, n)) {
      step.fill(0);
      return "newton";
    }
    for (let i = 0; i < n; i++) step[i] = -h[i]!;
    return "ray";
  }
  // M = PQP + σYYᵀ
  const k = qr.k;
  const M = Float64Array.from(Q);
  let sigma = 0;
  for (let i = 0; i < n; i++) sigma = Math.max(sigma, Q[i * n + i]!);
  if (!(sigma > 0)) sigma = 1;
  if (k > 0) {
    const QY = new Float64Array(k * n); // row j = Q Y_j
    for (let j = 0; j < k; j++) {
      const yj = qr.basis(j);
      for (let i = 0; i < n; i++) QY[j * n + i] = dot(Q, i * n, yj, n);
    }
    const T = new Float64Array(k * n); // row j = Σ_l (Y_lᵀQY_j) Y_l − Q Y_j + σ/2 Y_j, so that M = Q + Σ_j (T_j Y_jᵀ + Y_j T_jᵀ)
    for (let j = 0; j < k; j++) {
      const yj = qr.basis(j);
      for (let l = 0; l < k; l++) {
        const c = dot(QY, j * n, qr.basis(l), n) * 0.5;
        const yl = qr.basis(l);
        for (let i = 0; i < n; i++) T[j * n + i]! += c * yl[i]!;
      }
      for (let i = 0; i < n; i++) T[j * n + i]! += -QY[j * n + i]! + 0.5 * sigma * yj[i]!;
    }
    for (let j = 0; j < k; j++) {
      const yj = qr.basis(j);
      for (let a = 0; a < n; a++) {
        const ta = T[j * n + a]!, ya = yj[a]!;
        for (let b = 0; b < n; b++) M[a * n + b]! += ta * yj[b]! + ya * T[j * n + b]!;
      }
    }
  }
  // Cholesky with diagonal pivoting on the full symmetric matrix (trailing block kept as the Schur complement).
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, M[i * n + i]!);
  const tau = 1e-12 * maxDiag;
  let rank = n;
  for (let j = 0; j < n; j++) {
    let piv = j;
    for (let i = j + 1; i < n; i++) if (M[i * n + i]! > M[piv * n + piv]!) piv = i;
    if (!(M[piv * n + piv]! > tau)) {
      rank = j;
      break;
    }
    if (piv !== j) {
      for (let i = 0; i < n; i++) {
        const t = M[j * n + i]!;
        M[j * n + i] = M[piv * n + i]!;
        M[piv * n + i] = t;
      }
      for (let i = 0; i < n; i++) {
        const t = M[i * n + j]!;
        M[i * n + j] = M[i * n + piv]!;
        M[i * n + piv] = t;
      }
      const t = perm[j]!;
      perm[j] = perm[piv]!;
      perm[piv] = t;
    }
    const ljj = Math.sqrt(M[j * n + j]!);
    M[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) M[i * n + j]! /= ljj;
    for (let i = j + 1; i < n; i++) {
      const lij = M[i * n + j]!;
      if (lij === 0) continue;
      for (let l = j + 1; l < n; l++) M[i * n + l]! -= lij * M[l * n + j]!;
    }
  }
  // A positive semi-definite M leaves a Schur complement of size ≤ τ everywhere.
  for (let i = rank; i < n; i++) {
    for (let l = rank; l < n; l++) {
      if (Math.abs(M[i * n + l]!) > 1e-8 * maxDiag) {
        throw new ArgumentError("Q", `a reduced Hessian with entry ${M[i * n + l]} after rank ${rank} (scale ${maxDiag})`, "a positive semi-definite matrix");
      }
    }
  }
  const ht = new Float64Array(n);
  for (let i = 0; i < n; i++) ht[i] = h[perm[i]!]!;
  const w1 = new Float64Array(rank); // L11⁻¹ h̃1
  for (let i = 0; i < rank; i++) {
    let s = ht[i]!;
    for (let j = 0; j < i; j++) s -= M[i * n + j]! * w1[j]!;
    w1[i] = s / M[i * n + i]!;
  }
  const u = new Float64Array(n - rank); // u = h̃2 − L21 w1 = Nᵀh̃ with N = [−L11⁻ᵀL21ᵀ; I] spanning null(M)
  for (let t = rank; t < n; t++) {
    let s = ht[t]!;
    for (let j = 0; j < rank; j++) s -= M[t * n + j]! * w1[j]!;
    u[t - rank] = s;
  }
  const pt = new Float64Array(n);
  let kind: "newton" | "ray";
  if (rank < n && norm(u, n - rank) > 1e-10 * hn) {
    kind = "ray"; // d = −N u: d̃2 = −u, d̃1 = L11⁻ᵀ L21ᵀ u; then hᵀd = −‖u‖² < 0 and M d = 0.
    for (let t = rank; t < n; t++) pt[t] = -u[t - rank]!;
    const v = new Float64Array(rank);
    for (let j = 0; j < rank; j++) {
      let s = 0;
      for (let t = rank; t < n; t++) s += M[t * n + j]! * u[t - rank]!;
      v[j] = s;
    }
    for (let i = rank - 1; i >= 0; i--) {
      let s = v[i]!;
      for (let j = i + 1; j < rank; j++) s -= M[j * n + i]! * pt[j]!;
      pt[i] = s / M[i * n + i]!;
    }
  } else {
    kind = "newton"; // M̃11 p̃1 = −h̃1, p̃2 = 0
    for (let i = rank - 1; i >= 0; i--) {
      let s = -w1[i]!;
      for (let j = i + 1; j < rank; j++) s -= M[j * n + i]! * pt[j]!;
      pt[i] = s / M[i * n + i]!;
    }
  }
  for (let i = 0; i < n; i++) step[perm[i]!] = pt[i]!;
  qr.complement(step, step);
  if (kind === "ray") {
    const sn = norm(step, n);
    for (let i = 0; i < n; i++) step[i]! /= sn;
  }
  return kind;
}

/**
 * Run the active-set iteration from a feasible x whose working rows are active and independent.
 * `stopRow`: return "stopped" as soon as this row enters the working set (phase I uses it).
 */
export function activeSet(p: DenseQp, s: ActiveSetState, maxIterations: number, stopRow = -1): ActiveSetOutcome {
  const { n, rows, rhs, nEq, total, rowNorm } = p;
  const inW = new Uint8Array(total);
  for (const r of s.working) inW[r] = 1;
  const g = new Float64Array(n), step = new Float64Array(n), dx = new Float64Array(n);
  const scratch = new Float64Array(n + 1), mu = new Float64Array(n + 1);
  const cNorm = norm(p.c, n);
  let qMax = 0;
  if (p.Q) for (let i = 0; i < n * n; i++) qMax = Math.max(qMax, Math.abs(p.Q[i]!));
  let atSubspaceMin = false;
  let zeroSteps = 0;
  for (let it = 1; it <= maxIterations; it++) {
    correctToWorkingRows(p, s, scratch, dx);
    gradient(p, s.x, g);
    const bland = zeroSteps >= BLAND_AFTER;
    if (atSubspaceMin) {
      const k = s.working.length;
      s.qr.project(g, mu);
      s.qr.solveR(mu, mu);
      const gScale = Math.max(norm(g, n), cNorm, qMax * norm(s.x, n), 1e-300);
      let drop = -1, worst = 0;
      for (let j = 0; j < k; j++) {
        const r = s.working[j]!;
        if (r < nEq) continue;
        const scaled = (mu[j]! * rowNorm[r]!) / gScale;
        if (scaled >= -1e-12) continue;
        if (bland ? drop < 0 || r < s.working[drop]! : scaled < worst) {
          drop = j;
          worst = scaled;
        }
      }
      if (drop < 0) return { status: "optimal", iterations: it };
      for (let r = 0; r < total; r++) if (inW[r] === 2) inW[r] = 0;
      inW[s.working[drop]!] = 0;
      s.working.splice(drop, 1);
      s.qr.remove(drop);
      atSubspaceMin = false;
      continue;
    }
    const kind = nullSpaceStep(p, s.qr, g, step);
    const pn = norm(step, n);
    // Ratio test over the inequality rows outside W (ties: the steeper row, or the smaller index under Bland).
    let alpha = kind === "newton" ? 1 : Infinity;
    let block = -1, blockSlope = 0;
    for (let r = nEq; r < total; r++) {
      if (inW[r]) continue;
      const o = r * n;
      const slope = dot(rows, o, step, n);
      if (!(slope < -1e-13 * rowNorm[r]! * pn)) continue;
      const a = Math.max(0, dot(rows, o, s.x, n) - rhs[r]!) / -slope;
      const steep = -slope / rowNorm[r]!;
      const take = block < 0
        ? a <= alpha
        : a < alpha * (1 - 1e-12) || (a <= alpha * (1 + 1e-12) && !bland && steep > blockSlope);
      if (take) {
        alpha = block < 0 ? a : Math.min(alpha, a);
        block = r;
        blockSlope = steep;
      }
    }
    if (block < 0) {
      if (kind === "ray") return { status: "unbounded", iterations: it, ray: Float64Array.from(step) };
      for (let i = 0; i < n; i++) s.x[i]! += step[i]!;
      atSubspaceMin = true;
      zeroSteps = 0;
      continue;
    }
    for (let i = 0; i < n; i++) s.x[i]! += alpha * step[i]!;
    zeroSteps = alpha * pn <= 1e-15 * (1 + norm(s.x, n)) ? zeroSteps + 1 : 0;
    if (s.qr.append(rows, 1e-14, block * n, 1)) {
      s.working.push(block);
      inW[block] = 1;
    } else {
      inW[block] = 2; // numerically in span(A_W): it stays active along null(A_W); reconsidered after the next drop
    }
    if (block === stopRow) return { status: "stopped", iterations: it };
  }
  throw new QpError("iterations", `the active-set iteration did not finish in maxIterations = ${maxIterations}`);
}
