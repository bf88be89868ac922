// Non-negative least squares  min ‖Aμ − g‖₂  s.t.  μ ≥ 0  by the active-set method of Lawson & Hanson
// (Solving Least Squares Problems, 1974, ch. 23): the passive set P grows by the column with the largest
// gradient w_j = a_jᵀ(g − Aμ) > 0; the least-squares solution z on P is taken if positive, else μ moves toward z
// until a coordinate hits 0 and leaves P. P's columns are kept as a thin QR (thin-qr.ts, O(m·|P|) per update),
// so the answer is the exact least-squares solution on the final passive set. Shaped for few rows (m ≤ a few
// hundred) and many columns (n ≥ 1e4): each outer iteration is one O(m·n) gradient pass.
import { ArgumentError } from "../errors.js";
import { checkMatrix, type Matrix } from "../linalg/matrix.js";
import { ThinQR } from "./thin-qr.js";

export interface NnlsOptions {
  /** Cap on outer iterations; default 3·n + 10. */
  maxIterations?: number;
}

export interface NnlsResult {
  mu: Float64Array;
  /** Columns with μ_j > 0 (the passive set), ascending. */
  passive: Int32Array;
  /** ‖Aμ − g‖₂ */
  residualNorm: number;
  /** max_j a_jᵀ(g − Aμ) over all columns: ≤ ~eps at the optimum (the KKT dual residual; 0 on the passive set). */
  maxGradient: number;
  iterations: number;
}

/**
 * NNLS with the columns given as rows: `cols` is n×m row-major, row j = column a_j of A (this is the layout of a
 * per-sample gradient matrix G, for which A = Gᵀ). `g` has length m.
 */
export function nnlsColumns(cols: Float64Array, m: number, n: number, g: Float64Array, options: NnlsOptions = {}): NnlsResult {
  const maxIterations = options.maxIterations ?? 3 * n + 10;
  const mu = new Float64Array(n);
  const inP = new Uint8Array(n); // 1 passive, 2 excluded until P changes
  const P: number[] = [];
  const qr = new ThinQR(m, Math.min(m, n));
  const resid = Float64Array.from(g);
  const w = new Float64Array(n);
  const z = new Float64Array(m + 1), tmp = new Float64Array(m + 1);
  let maxColNorm = 0, gNorm = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += cols[j * m + i]! ** 2;
    maxColNorm = Math.max(maxColNorm, Math.sqrt(s));
  }
  for (let i = 0; i < m; i++) gNorm += g[i]! ** 2;
  gNorm = Math.sqrt(gNorm);
  const tol = 10 * 2.220446049250313e-16 * Math.sqrt(m) * maxColNorm * gNorm;
  const gradients = () => {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += cols[j * m + i]! * resid[i]!;
      w[j] = s;
    }
  };
  const lsOnP = () => {
    qr.project(g, tmp);
    qr.solveR(tmp, z); // z[k] pairs with P[k]
  };
  const refreshResidual = () => {
    resid.set(g);
    for (const j of P) {
      const mj = mu[j]!;
      for (let i = 0; i < m; i++) resid[i]! -= mj * cols[j * m + i]!;
    }
  };
  let it = 0;
  gradients();
  for (; it < maxIterations; it++) {
    let t = -1, best = tol;
    for (let j = 0; j < n; j++) {
      if (inP[j] === 0 && w[j]! > best) {
        best = w[j]!;
        t = j;
      }
    }
    if (t < 0) break;
    if (!qr.append(cols, 1e-12, t * m, 1)) {
      inP[t] = 2; // numerically dependent on P: cannot improve the fit
      continue;
    }
    P.push(t);
    inP[t] = 1;
    lsOnP();
    if (!(z[P.length - 1]! > 0)) {
      // Rounding made the entering coefficient non-positive: undo and exclude it (Lawson–Hanson's safeguard).
      P.pop();
      qr.remove(P.length);
      inP[t] = 2;
      continue;
    }
    for (let j = 0; j < n; j++) if (inP[j] === 2) inP[j] = 0;
    // Inner loop: move toward z until it is positive on P.
    for (;;) {
      let alpha = 1, hit = -1;
      for (let k = 0; k < P.length; k++) {
        const zk = z[k]!;
        if (zk <= 0) {
          const mk = mu[P[k]!]!;
          const a = mk / (mk - zk);
          if (hit < 0 || a < alpha) {
            alpha = a;
            hit = k;
          }
        }
      }
      if (hit < 0) {
        for (let k = 0; k < P.length; k++) mu[P[k]!] = z[k]!;
        break;
      }
      for (let k = 0; k < P.length; k++) {
        const j = P[k]!;
        mu[j] = k === hit ? 0 : mu[j]! + alpha * (z[k]! - mu[j]!);
      }
      for (let k = P.length - 1; k >= 0; k--) {
        const j = P[k]!;
        if (mu[j]! <= 0) {
          mu[j] = 0;
          inP[j] = 0;
          P.splice(k, 1);
          qr.remove(k);
        }
      }
      if (P.length === 0) break;
      lsOnP();
    }
    refreshResidual();
    gradients();
  }
  refreshResidual();
  gradients();
  let rn = 0, maxGradient = -Infinity;
  for (let i = 0; i < m; i++) rn += resid[i]! ** 2;
  for (let j = 0; j < n; j++) maxGradient = Math.max(maxGradient, w[j]!);
  return {
    mu,
    passive: Int32Array.from(P).sort(),
    residualNorm: Math.sqrt(rn),
    maxGradient: n > 0 ? maxGradient : 0,
    iterations: it,
  };
}

/** Lawson–Hanson NNLS: min ‖Aμ − g‖₂ s.t. μ ≥ 0, A an m×n Matrix, g of length m. */
export function nnls(A: Matrix, g: Float64Array, options: NnlsOptions = {}): NnlsResult {
  checkMatrix("A", A);
  const { rows: m, cols: n } = A;
  if (!(g instanceof Float64Array) || g.length !== m) throw new ArgumentError("g", g, `a Float64Array of length ${m} (the rows of A)`);
  for (let i = 0; i < m; i++) if (!Number.isFinite(g[i]!)) throw new ArgumentError(`g[${i}]`, g[i], "a finite number");
  const cols = new Float64Array(n * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const v = A.data[i * n + j]!;
      if (!Number.isFinite(v)) throw new ArgumentError(`A[${i}][${j}]`, v, "a finite number");
      cols[j * m + i] = v;
    }
  }
  return nnlsColumns(cols, m, n, g, options);
}
