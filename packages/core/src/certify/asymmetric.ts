// Exact asymmetric max-margin solutions for the unbalanced diagonal network f(x; θ) = Σ_i (Π_{j≤D_i} θ_ij) x_i
// (seed 000, §3/§5), rates λ_ij = 1/D_i, so λmax = 1/D_min.
// Cost of a coordinate: min Σ_j λθ_ij² s.t. Π_j θ_ij = β_i is, by AM–GM (Σ_j θ_ij² ≥ D (Π_j θ_ij²)^{1/D}, equality
// iff all |θ_ij| are equal — the balanced factorization), λ·D·|β_i|^{2/D} = |β_i|^{2/D} with λ = 1/D. Hence (P) of
// Theorem 4.1 becomes, in β:
//   minimize ½ Σ_{i: D_i = D_min} |β_i|^{2/D_min}   s.t.  y_k β·x_k ≥ 1,   all deeper coordinates free.
// D_min = 1: a QP with free coordinates; D_min = 2: an ℓ1 problem (an LP); D_min ≥ 3 is concave (non-convex)
// unless one coordinate is penalized, when |β|^{2/D} is a monotone transform of β² and the QP is exact.
// Conjecture 5.1 (cascading minimization): at level λ, coordinates of higher rate are 0, those of rate λ penalized,
// those of lower rate free; a level whose free coordinates alone separate the data is degenerate (infimum 0, not
// attained) and the cascade moves one level down.
import { ArgumentError } from "../errors.js";
import { matrix, type Matrix } from "../linalg/matrix.js";
import { checkDepths, rateLevels, rolesAtDepth, type CoordinateRole } from "./coordinates.js";
import { kktResiduals, type KktResult } from "./kkt.js";
import { QpError, feasiblePoint, solveQp, type QpResiduals } from "./qp.js";
import { checkData, checkLabels } from "./svm.js";
import { pow } from "../runtime/detmath.js";

export interface AsymmetricResult {
  /** The linear predictor β (length d); zeroed coordinates are 0. */
  beta: Float64Array;
  /** The balanced factors θ_ij = |β_i|^{1/D_i} (the sign on j = 0), flattened: coordinate i at offsets[i]..offsets[i+1]. */
  theta: Float64Array;
  /** The rate 1/D_i of each factor. */
  lambda: Float64Array;
  offsets: Int32Array;
  /** The cascade level where the solution was found (0 = λmax), its rate and depth. */
  level: number;
  rate: number;
  depth: number;
  roles: CoordinateRole[];
  /** The convex program solved: "qp" = ½Σ_P β_i² (depth 1, or one penalized coordinate), "lp" = ½Σ_P |β_i| (depth 2). */
  program: "qp" | "lp";
  /** The value of (P) at the balanced θ: ½ Σ_P |β_i|^{2/D}. */
  objective: number;
  /** Multipliers of the margin constraints in the convex program (length n), and its active margin rows. */
  multipliers: Float64Array;
  supportVectors: Int32Array;
  /** KKT residuals of the convex program (qp.ts). */
  residuals: QpResiduals;
  /** KKT residuals of (P) in θ-space at the balanced θ (kkt.ts), zeroed coordinates left out. */
  thetaKkt: KktResult;
  /** Levels skipped as degenerate (the free coordinates alone separate the data). */
  skipped: { level: number; rate: number }[];
}

/** β_i = Π_{j<D_i} θ_ij of the unbalanced diagonal network (θ laid out coordinate by coordinate). */
export function diagonalBeta(theta: ArrayLike<number>, depths: ArrayLike<number>): Float64Array {
  const beta = new Float64Array(depths.length);
  let o = 0;
  for (let i = 0; i < depths.length; i++) {
    let p = 1;
    for (let j = 0; j < depths[i]!; j++) p *= theta[o++]!;
    beta[i] = p;
  }
  return beta;
}

/** Margins q_k = y_k f(x_k; θ) and per-sample gradients G (n × Σ D_i) of the unbalanced diagonal network. */
export function diagonalNetwork(X: Matrix, y: Float64Array, depths: ArrayLike<number>, theta: Float64Array): { q: Float64Array; G: Matrix; beta: Float64Array } {
  checkData(X);
  const { rows: n, cols: d } = X;
  checkLabels(y, n);
  const D = checkDepths(depths, d);
  const m = D.reduce((s, v) => s + v, 0);
  if (!(theta instanceof Float64Array) || theta.length !== m) throw new ArgumentError("theta", theta, `a Float64Array of length ${m} (Σ D_i)`);
  const beta = new Float64Array(d), partial = new Float64Array(m); // partial[ij] = Π_{l≠j} θ_il
  let o = 0;
  for (let i = 0; i < d; i++) {
    let prod = 1;
    for (let j = 0; j < D[i]!; j++) {
      let p = 1;
      for (let l = 0; l < D[i]!; l++) if (l !== j) p *= theta[o + l]!;
      partial[o + j] = p;
      prod *= theta[o + j]!;
    }
    beta[i] = prod;
    o += D[i]!;
  }
  const q = new Float64Array(n), G = matrix(n, m);
  for (let k = 0; k < n; k++) {
    let s = 0;
    o = 0;
    for (let i = 0; i < d; i++) {
      const yx = y[k]! * X.data[k * d + i]!;
      s += beta[i]! * X.data[k * d + i]!;
      for (let j = 0; j < D[i]!; j++) G.data[k * m + o + j] = yx * partial[o + j]!;
      o += D[i]!;
    }
    q[k] = y[k]! * s;
  }
  return { q, G, beta };
}

/** Are the data separable (y_k β_S·x_kS ≥ 1 for some β) by the coordinates S alone? */
function separableBy(X: Matrix, y: Float64Array, S: number[]): boolean {
  if (S.length === 0) return false;
  const { rows: n, cols: d } = X;
  const A = matrix(n, S.length);
  for (let k = 0; k < n; k++) S.forEach((i, c) => (A.data[k * S.length + c] = y[k]! * X.data[k * d + i]!));
  return feasiblePoint(A, new Float64Array(n).fill(1)) !== null;
}

function solveLevel(X: Matrix, y: Float64Array, D: Int32Array, level: number, depth: number, skipped: { level: number; rate: number }[]): AsymmetricResult {
  const { rows: n, cols: d } = X;
  const roles = rolesAtDepth(D, depth);
  const P = roles.flatMap((r, i) => (r === "penalized" ? [i] : []));
  const F = roles.flatMap((r, i) => (r === "free" ? [i] : []));
  const program = depth === 1 || P.length === 1 ? "qp" : depth === 2 ? "lp" : null;
  if (program === null) {
    throw new ArgumentError("depths", D, `penalized depth D ≤ 2 or a single penalized coordinate (${P.length} coordinates of depth ${depth}: ½Σ|β_i|^{2/${depth}} is concave, the problem non-convex)`);
  }
  // Variables: qp → [β_P, β_F]; lp → [u_P, v_P, β_F] with β_P = u − v, u, v ≥ 0.
  const nP = P.length, nF = F.length;
  const nv = program === "qp" ? nP + nF : 2 * nP + nF;
  const nRows = program === "qp" ? n : n + 2 * nP;
  const A = matrix(nRows, nv);
  for (let k = 0; k < n; k++) {
    const row = k * nv;
    P.forEach((i, c) => {
      const v = y[k]! * X.data[k * d + i]!;
      A.data[row + c] = v;
      if (program === "lp") A.data[row + nP + c] = -v;
    });
    const f0 = program === "qp" ? nP : 2 * nP;
    F.forEach((i, c) => (A.data[row + f0 + c] = y[k]! * X.data[k * d + i]!));
  }
  const b = new Float64Array(nRows);
  b.fill(1, 0, n);
  let sol;
  try {
    if (program === "qp") {
      const Q = matrix(nv, nv);
      for (let c = 0; c < nP; c++) Q.data[c * nv + c] = 1;
      sol = solveQp({ Q, A, b });
    } else {
      for (let c = 0; c < 2 * nP; c++) A.data[(n + c) * nv + c] = 1;
      const cvec = new Float64Array(nv);
      cvec.fill(0.5, 0, 2 * nP);
      sol = solveQp({ Q: null, c: cvec, A, b });
    }
  } catch (err) {
    if (err instanceof QpError && err.kind === "infeasible") {
      throw new ArgumentError("X", X, "data linearly separable by the labels y (no β has y_k β·x_k ≥ 1 for all k)");
    }
    throw err;
  }
  const beta = new Float64Array(d);
  P.forEach((i, c) => (beta[i] = program === "qp" ? sol.x[c]! : sol.x[c]! - sol.x[nP + c]!));
  const f0 = program === "qp" ? nP : 2 * nP;
  F.forEach((i, c) => (beta[i] = sol.x[f0 + c]!));
  // Balanced factors and their rates.
  const offsets = new Int32Array(d + 1);
  for (let i = 0; i < d; i++) offsets[i + 1] = offsets[i]! + D[i]!;
  const theta = new Float64Array(offsets[d]!), lambda = new Float64Array(offsets[d]!);
  for (let i = 0; i < d; i++) {
    const mag = pow(Math.abs(beta[i]!), 1 / D[i]!);
    for (let j = 0; j < D[i]!; j++) {
      theta[offsets[i]! + j] = j === 0 && beta[i]! < 0 ? -mag : mag;
      lambda[offsets[i]! + j] = 1 / D[i]!;
    }
  }
  let objective = 0;
  for (const i of P) objective += 0.5 * pow(Math.abs(beta[i]!), 2 / depth);
  // (P) in θ-space, restricted to the coordinates that are not zeroed.
  const keep = Array.from({ length: d }, (_, i) => i).filter((i) => roles[i] !== "zeroed");
  const Xk = matrix(n, keep.length);
  for (let k = 0; k < n; k++) keep.forEach((i, c) => (Xk.data[k * keep.length + c] = X.data[k * d + i]!));
  const thetaK = Float64Array.from(keep.flatMap((i) => Array.from(theta.subarray(offsets[i]!, offsets[i + 1]!))));
  const lambdaK = Float64Array.from(keep.flatMap((i) => Array.from(lambda.subarray(offsets[i]!, offsets[i + 1]!))));
  const net = diagonalNetwork(Xk, y, keep.map((i) => D[i]!), thetaK);
  const thetaKkt = kktResiduals(thetaK, lambdaK, net.q, net.G);
  return {
    beta,
    theta,
    lambda,
    offsets,
    level,
    rate: 1 / depth,
    depth,
    roles,
    program,
    objective,
    multipliers: sol.multipliers.slice(0, n),
    supportVectors: sol.active.filter((r) => r < n),
    residuals: sol.residuals,
    thetaKkt,
    skipped,
  };
}

/**
 * Theorem 4.1's problem (P) for the unbalanced diagonal network: λmax = 1/D_min penalized, deeper coordinates
 * free. Throws ArgumentError naming `X` when the data are not separable, or when the free coordinates alone
 * separate them (A7 fails: the infimum 0 is not attained — see cascadedMaxMargin).
 */
export function asymmetricMaxMargin(X: Matrix, y: Float64Array, depths: ArrayLike<number>): AsymmetricResult {
  checkData(X);
  checkLabels(y, X.rows);
  const D = checkDepths(depths, X.cols);
  const depth = rateLevels(D)[0]!;
  const free = Array.from(D.keys()).filter((i) => D[i]! > depth);
  if (separableBy(X, y, free)) {
    throw new ArgumentError("X", X, "data not separable by the lower-rate (free) coordinates alone — conditional separability A7; here they are, the λmax problem's infimum 0 is not attained (use cascadedMaxMargin)");
  }
  return solveLevel(X, y, D, 0, depth, []);
}

/** Conjecture 5.1's cascaded problem: the first level (from λmax down) that is not degenerate. */
export function cascadedMaxMargin(X: Matrix, y: Float64Array, depths: ArrayLike<number>): AsymmetricResult {
  checkData(X);
  checkLabels(y, X.rows);
  const D = checkDepths(depths, X.cols);
  const levels = rateLevels(D);
  const skipped: { level: number; rate: number }[] = [];
  for (let level = 0; level < levels.length; level++) {
    const depth = levels[level]!;
    const free = Array.from(D.keys()).filter((i) => D[i]! > depth);
    if (level < levels.length - 1 && separableBy(X, y, free)) {
      skipped.push({ level, rate: 1 / depth });
      continue;
    }
    return solveLevel(X, y, D, level, depth, skipped);
  }
  throw new ArgumentError("depths", depths, "at least one coordinate");
}
