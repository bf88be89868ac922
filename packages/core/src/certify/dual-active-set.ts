// The dual active-set method of Goldfarb & Idnani ("A numerically stable dual method for solving strictly convex
// quadratic programs", Math. Programming 27, 1983) for  min ½xᵀGx + cᵀx  s.t.  a_iᵀx ≥ b_i,  G positive DEFINITE.
// It starts at the unconstrained minimizer and adds the most violated row at each step (dropping rows whose
// multiplier would turn negative), so with many rows and a small active set it needs about |active set| steps,
// each one pass over the rows plus O(n²) updates of  J = L⁻ᵀQ  and  R  with  JᵀN_A = [R; 0]  (G = LLᵀ).
// Here it is the fast warm start of qp.ts: run on G = Q + εI (ε > 0 only when Q is singular), its optimum is feasible
// and its active set is (for small ε) the right one; the primal method then finishes exactly on the true Q.
// Only inequality rows; equality-constrained problems take qp.ts's other path.
import { hypot } from "../runtime/detmath.js";

export interface DualOutcome {
  status: "optimal" | "infeasible" | "iterations" | "not-definite";
  x: Float64Array;
  /** Active rows (indices into `rows`), linearly independent by construction. */
  active: number[];
  iterations: number;
}

/** Lower Cholesky factor of a symmetric n×n matrix (row-major), or null if a pivot is ≤ tol·max diag. */
function cholesky(G: Float64Array, n: number, tol: number): Float64Array | null {
  const L = new Float64Array(n * n);
  let dmax = 0;
  for (let i = 0; i < n; i++) dmax = Math.max(dmax, G[i * n + i]!);
  for (let j = 0; j < n; j++) {
    let s = G[j * n + j]!;
    for (let k = 0; k < j; k++) s -= L[j * n + k]! ** 2;
    if (!(s > tol * dmax)) return null;
    const ljj = Math.sqrt(s);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = G[i * n + j]!;
      for (let k = 0; k < j; k++) t -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = t / ljj;
    }
  }
  return L;
}

/** Rotate columns a, b of the n×n row-major J: (J_a, J_b) ← (c·J_a + s·J_b, −s·J_a + c·J_b). */
function rotateColumns(J: Float64Array, n: number, a: number, b: number, c: number, s: number): void {
  for (let i = 0; i < n; i++) {
    const x = J[i * n + a]!, y = J[i * n + b]!;
    J[i * n + a] = c * x + s * y;
    J[i * n + b] = -s * x + c * y;
  }
}

/**
 * Goldfarb–Idnani on G (n×n row-major, symmetric) and the inequality rows (total×n row-major, rhs, rowNorm).
 * Returns "not-definite" if G fails its Cholesky factorization.
 */
export function goldfarbIdnani(
  G: Float64Array,
  c: Float64Array,
  rows: Float64Array,
  rhs: Float64Array,
  rowNorm: Float64Array,
  n: number,
  total: number,
  maxIterations: number,
): DualOutcome {
  const x = new Float64Array(n);
  const L = cholesky(G, n, 1e-13);
  if (!L) return { status: "not-definite", x, active: [], iterations: 0 };
  // J = L⁻ᵀ (upper triangular): solve Lᵀ J = I column by column.
  const J = new Float64Array(n * n);
  for (let col = 0; col < n; col++) {
    for (let i = n - 1; i >= 0; i--) {
      let s = i === col ? 1 : 0;
      for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * J[k * n + col]!;
      J[i * n + col] = s / L[i * n + i]!;
    }
  }
  // x = −G⁻¹c = −J Jᵀ c
  const d = new Float64Array(n), z = new Float64Array(n), r = new Float64Array(n + 1);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += J[i * n + j]! * c[i]!;
    d[j] = s;
  }
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += J[i * n + j]! * d[j]!;
    x[i] = -s;
  }
  const R = new Float64Array(n * n); // upper triangular, q×q used
  const active: number[] = [];
  const isActive = new Uint8Array(total);
  const u = new Float64Array(n + 1); // multipliers of the active rows, then the pending row
  let q = 0;
  const slack = (i: number) => {
    let s = -rhs[i]!;
    for (let l = 0; l < n; l++) s += rows[i * n + l]! * x[l]!;
    return s;
  };
  const drop = (l: number) => {
    // Remove column l of R; restore the triangle with rotations of rows (j, j+1), mirrored on J's columns.
    for (let i = 0; i < q; i++) {
      for (let j = l; j < q - 1; j++) R[i * n + j] = R[i * n + j + 1]!;
      R[i * n + q - 1] = 0;
    }
    for (let j = l; j < q - 1; j++) {
      const a = R[j * n + j]!, b = R[(j + 1) * n + j]!;
      if (b === 0) continue;
      const h = hypot(a, b), cs = a / h, sn = b / h;
      for (let k = j; k < q - 1; k++) {
        const v = R[j * n + k]!, w = R[(j + 1) * n + k]!;
        R[j * n + k] = cs * v + sn * w;
        R[(j + 1) * n + k] = -sn * v + cs * w;
      }
      rotateColumns(J, n, j, j + 1, cs, sn);
    }
    for (let k = 0; k < q; k++) R[(q - 1) * n + k] = 0;
    isActive[active[l]!] = 0;
    active.splice(l, 1);
    u.copyWithin(l, l + 1, q + 1);
    q--;
  };
  let it = 0;
  for (; it < maxIterations; it++) {
    // The most violated row (per unit norm).
    let p = -1, worst = 0;
    for (let i = 0; i < total; i++) {
      if (isActive[i]) continue;
      const s = slack(i);
      if (s < -1e-11 * Math.max(1, Math.abs(rhs[i]!)) && s / rowNorm[i]! < worst) {
        worst = s / rowNorm[i]!;
        p = i;
      }
    }
    if (p < 0) return { status: "optimal", x, active, iterations: it };
    u[q] = 0;
    for (let inner = 0; ; inner++) {
      if (inner > n + 1) return { status: "iterations", x, active, iterations: it };
      let dn = 0;
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += J[i * n + j]! * rows[p * n + i]!;
        d[j] = s;
        dn += s * s;
      }
      let d2 = 0;
      for (let j = q; j < n; j++) d2 += d[j]! ** 2;
      z.fill(0);
      for (let j = q; j < n; j++) {
        const dj = d[j]!;
        if (dj !== 0) for (let i = 0; i < n; i++) z[i]! += dj * J[i * n + j]!;
      }
      for (let i = q - 1; i >= 0; i--) {
        let s = d[i]!;
        for (let k = i + 1; k < q; k++) s -= R[i * n + k]! * r[k]!;
        r[i] = s / R[i * n + i]!;
      }
      let t1 = Infinity, l = -1;
      for (let j = 0; j < q; j++) {
        if (r[j]! > 0) {
          const ratio = u[j]! / r[j]!;
          if (ratio < t1) {
            t1 = ratio;
            l = j;
          }
        }
      }
      const t2 = d2 > 1e-24 * dn ? -slack(p) / d2 : Infinity;
      if (t1 === Infinity && t2 === Infinity) return { status: "infeasible", x, active, iterations: it };
      const t = Math.min(t1, t2);
      if (t2 !== Infinity) for (let i = 0; i < n; i++) x[i]! += t * z[i]!;
      for (let j = 0; j < q; j++) u[j]! -= t * r[j]!;
      u[q]! += t;
      if (t2 <= t1) {
        // Add p: rotate d[q..n) onto d[q], mirrored on J's columns; R gains the column d[0..q].
        for (let j = n - 1; j > q; j--) {
          const a = d[j - 1]!, b = d[j]!;
          if (b === 0) continue;
          const h = hypot(a, b), cs = a / h, sn = b / h;
          d[j - 1] = h;
          d[j] = 0;
          rotateColumns(J, n, j - 1, j, cs, sn);
        }
        for (let i = 0; i <= q; i++) R[i * n + q] = d[i]!;
        active.push(p);
        isActive[p] = 1;
        q++;
        break;
      }
      drop(l);
    }
  }
  return { status: "iterations", x, active, iterations: it };
}
