// KKT residuals of seed 000's problem (P) at any trajectory point (Theorem 4.1):
//   minimize ½‖θ‖²_Λmax   s.t.   q_i(θ) = y_i f(x_i; θ) ≥ 1,      ‖θ‖²_Λmax = Σ_{j: λ_j = λmax} λ_j θ_j²,
// or of a cascade level's problem (Conjecture 5.1; options.objectiveRate = λ): the objective ½‖θ‖²_{ΛI_λ} over the
// coordinates of rate λ, the coordinates of rate > λ fixed at 0 (equality constraints with free multipliers: their
// stationarity rows drop out; the caller passes θ, q and G of the point with them zeroed).
// The point is first moved onto the constraint set by the quasi-homogeneous rescaling ψ_α (Def. 3.1) with
// α = −log q_min:  θ' = e^{αΛ}θ,  q' = e^α q  (so min q' = 1),  ∇q_i(θ') = e^{α(I−Λ)} ∇q_i(θ)  (Euler / Lemma A.2).
// Every rescaled quantity is formed as sign·exp(log|x| + shift), with one common shift that keeps the whole linear
// system in range, so q_min of 1e±300 (α = ∓690) works. The multipliers μ ≥ 0 solve the NNLS problem
//   min ‖G'ᵀμ − g‖,  g = ∇½‖θ'‖²_Λmax = (λmax θ'_j on the λmax coordinates, 0 elsewhere),
// augmented by one row κ·Σ_i μ_i (q'_i − 1) ≈ 0 (κ = the RMS norm of the rows G'_i): without it, with many samples
// and few parameters, NNLS fits g just as well with non-support samples and reports a large complementary
// slackness even at an exact KKT point (measured: 0.6–10 on the Fig. 4 problem); with it, an exact KKT point gets
// both residuals ~1e-16, since (μ*, 0) zeroes the augmented objective. The residuals are: stationarity
// ‖G'ᵀμ − g‖/‖g‖, complementary slackness Σμ_i(q'_i − 1)/Σμ_i, primal feasibility min q' − 1 (0 by construction).
// Both ratios are invariant to ψ_α and to the scale of μ.
import { ArgumentError } from "../errors.js";
import { checkMatrix, type Matrix } from "../linalg/matrix.js";
import { nnlsColumns } from "./nnls.js";
import { exp, log } from "../runtime/detmath.js";

/** Defaults of kktResiduals' options. */
export const KKT_DEFAULTS = {
  /** Candidate support vectors: samples with q'_i ≤ 1 + supportWindow (Infinity: all samples). */
  supportWindow: Infinity,
  /** Weight of the complementarity row (× κ, the RMS gradient-row norm); 0 gives plain NNLS. */
  complementarityWeight: 1,
  /** λ_j counts as λmax when λ_j ≥ λmax·(1 − rateTolerance). */
  rateTolerance: 1e-12,
} as const;

export interface KktOptions {
  /** Candidate support vectors: samples with q'_i ≤ 1 + supportWindow. Default Infinity (all samples). */
  supportWindow?: number;
  /** Weight of the complementarity row (× κ, the RMS gradient-row norm). Default 1; 0 gives plain NNLS. */
  complementarityWeight?: number;
  /** λ_j counts as λmax when λ_j ≥ λmax·(1 − rateTolerance). Default 1e-12. */
  rateTolerance?: number;
  /** A cascade level's rate λ: the objective's coordinates are those of rate λ, those of higher rate are held at 0.
   *  Default: λmax (problem (P)). */
  objectiveRate?: number;
}

export interface KktResult {
  /** The rescaling exponent α = −log q_min. */
  alpha: number;
  lambdaMax: number;
  /** The rate of the objective's coordinates: λmax, or options.objectiveRate. */
  objectiveRate: number;
  /** ψ_α(θ) (entries may overflow to ±∞ when the rescaled point leaves the double range). */
  thetaScaled: Float64Array;
  /** q' = q / q_min. */
  marginsScaled: Float64Array;
  /** μ ≥ 0 (length n; zero off the NNLS passive set), in the units of the rescaled problem. */
  multipliers: Float64Array;
  /** max(0, 1 − min_i q'_i): 0 by construction (there are no negative margins once q_min > 0). */
  primalInfeasibility: number;
  /** ‖G'ᵀμ − g‖ / ‖g‖ (0 when g = 0, see `degenerate`). */
  stationarity: number;
  /** Σ μ_i (q'_i − 1) / Σ μ_i (0 when μ = 0). */
  complementarity: number;
  /** min over samples of μ_i: ≥ 0 by construction (NNLS). */
  dualInfeasibility: number;
  /** ‖θ'‖_Λmax = 0: the λmax part vanishes and the stationarity ratio is undefined (reported 0). */
  degenerate: boolean;
  /** Samples offered to NNLS, and those with μ_i > 0. */
  candidates: Int32Array;
  support: Int32Array;
}

function logAbs(x: number): number {
  return x === 0 ? -Infinity : log(Math.abs(x));
}
function fromLog(sign: number, l: number): number {
  return l === -Infinity ? 0 : sign * exp(l);
}

/**
 * KKT residuals of (P) at θ. theta, lambda: length m (per-parameter rates, Λ = diag(λ)); q: margins y_i f(x_i; θ),
 * length n; G: n×m, row i = ∇_θ q_i(θ). Throws ArgumentError naming `q` when min q ≤ 0 (the point does not
 * separate the data: the residuals are a separability-dependent quantity).
 */
export function kktResiduals(theta: Float64Array, lambda: Float64Array, q: Float64Array, G: Matrix, options: KktOptions = {}): KktResult {
  if (!(theta instanceof Float64Array)) throw new ArgumentError("theta", theta, "a Float64Array");
  const m = theta.length;
  if (!(lambda instanceof Float64Array) || lambda.length !== m) throw new ArgumentError("lambda", lambda, `a Float64Array of length ${m} (one rate per parameter)`);
  if (!(q instanceof Float64Array) || q.length < 1) throw new ArgumentError("q", q, "a non-empty Float64Array of margins");
  const n = q.length;
  checkMatrix("G", G);
  if (G.rows !== n || G.cols !== m) throw new ArgumentError("G", `${G.rows}×${G.cols} matrix`, `${n}×${m} (one gradient row per margin, one column per parameter)`);
  let lambdaMax = 0;
  for (let j = 0; j < m; j++) {
    if (!Number.isFinite(theta[j]!)) throw new ArgumentError(`theta[${j}]`, theta[j], "a finite number");
    if (!Number.isFinite(lambda[j]!) || lambda[j]! < 0) throw new ArgumentError(`lambda[${j}]`, lambda[j], "a finite rate ≥ 0");
    lambdaMax = Math.max(lambdaMax, lambda[j]!);
  }
  if (!(lambdaMax > 0)) throw new ArgumentError("lambda", lambda, "rates with λmax > 0");
  let qMin = Infinity;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(q[i]!)) throw new ArgumentError(`q[${i}]`, q[i], "a finite margin");
    qMin = Math.min(qMin, q[i]!);
  }
  if (!(qMin > 0)) {
    throw new ArgumentError("q", qMin, "min_i q_i > 0 — KKT residuals of (P) are a separability-dependent quantity, undefined at a point that does not separate the data");
  }
  for (let i = 0; i < G.data.length; i++) if (!Number.isFinite(G.data[i]!)) throw new ArgumentError(`G[${Math.floor(i / m)}][${i % m}]`, G.data[i], "a finite number");
  const window = options.supportWindow ?? KKT_DEFAULTS.supportWindow;
  if (!(window >= 0)) throw new ArgumentError("options.supportWindow", window, "a number ≥ 0");
  const rateTol = options.rateTolerance ?? KKT_DEFAULTS.rateTolerance;
  const csWeight = options.complementarityWeight ?? KKT_DEFAULTS.complementarityWeight;
  if (!(csWeight >= 0 && Number.isFinite(csWeight))) throw new ArgumentError("options.complementarityWeight", csWeight, "a finite number ≥ 0");

  const level = options.objectiveRate ?? lambdaMax;
  if (!(level > 0 && level <= lambdaMax * (1 + rateTol))) throw new ArgumentError("options.objectiveRate", level, `a rate of Λ in (0, λmax = ${lambdaMax}]`);
  const logQMin = log(qMin);
  const alpha = -logQMin;
  const isMax = Array.from(lambda, (l) => Math.abs(l - level) <= level * rateTol);
  const fixed = Array.from(lambda, (l) => l > level * (1 + rateTol)); // held at 0: no stationarity row
  const thetaScaled = new Float64Array(m);
  const logG = new Float64Array(m); // log|g_j|
  for (let j = 0; j < m; j++) {
    const l = logAbs(theta[j]!) + alpha * lambda[j]!;
    thetaScaled[j] = fromLog(Math.sign(theta[j]!), l);
    logG[j] = isMax[j] ? log(level) + l : -Infinity;
  }
  const marginsScaled = new Float64Array(n);
  const cand: number[] = []; // always holds the argmin, whose q' is exactly exp(0) = 1
  let minScaled = Infinity;
  for (let i = 0; i < n; i++) {
    marginsScaled[i] = exp(log(q[i]!) - logQMin);
    minScaled = Math.min(minScaled, marginsScaled[i]!);
    if (marginsScaled[i]! - 1 <= window && marginsScaled[i]! < 1e150) cand.push(i); // q' ≥ 1e150: no support vector
  }
  // One common shift s for g and the rows G'_i (the NNLS columns), so no entry overflows.
  let shift = -Infinity;
  for (let j = 0; j < m; j++) shift = Math.max(shift, logG[j]!);
  for (const i of cand) for (let j = 0; j < m; j++) if (!fixed[j]) shift = Math.max(shift, logAbs(G.data[i * m + j]!) + alpha * (1 - lambda[j]!));
  if (shift === -Infinity) shift = 0;
  const g = new Float64Array(m);
  for (let j = 0; j < m; j++) g[j] = fromLog(Math.sign(theta[j]!), logG[j]! - shift);
  const m1 = m + 1; // NNLS rows: the m stationarity equations and the complementarity row
  const cols = new Float64Array(cand.length * m1);
  let colNorm2 = 0;
  cand.forEach((i, k) => {
    for (let j = 0; j < m; j++) {
      if (fixed[j]) continue;
      const v = G.data[i * m + j]!;
      const c = fromLog(Math.sign(v), logAbs(v) + alpha * (1 - lambda[j]!) - shift);
      cols[k * m1 + j] = c;
      colNorm2 += c * c;
    }
  });
  const kappa = csWeight * Math.sqrt(colNorm2 / Math.max(cand.length, 1));
  cand.forEach((i, k) => (cols[k * m1 + m] = kappa * (marginsScaled[i]! - 1)));
  let gNorm = 0;
  for (let j = 0; j < m; j++) gNorm += g[j]! ** 2;
  gNorm = Math.sqrt(gNorm);
  const sol = nnlsColumns(cols, m1, cand.length, Float64Array.from({ length: m1 }, (_, j) => (j < m ? g[j]! : 0)));
  let stat = 0; // ‖G'ᵀμ − g‖ over the m stationarity rows only
  {
    const r = Float64Array.from(g);
    cand.forEach((_, k) => {
      const mu = sol.mu[k]!;
      if (mu > 0) for (let j = 0; j < m; j++) r[j]! -= mu * cols[k * m1 + j]!;
    });
    for (let j = 0; j < m; j++) stat += r[j]! ** 2;
    stat = Math.sqrt(stat);
  }
  const multipliers = new Float64Array(n);
  let muSum = 0, slack = 0;
  cand.forEach((i, k) => {
    const mu = sol.mu[k]!;
    if (mu > 0) {
      muSum += mu;
      slack += mu * (marginsScaled[i]! - 1);
    }
    multipliers[i] = mu; // g and G' share the shift, so μ is already in the units of the rescaled problem
  });
  const support = Int32Array.from(cand.filter((_, k) => sol.mu[k]! > 0));
  return {
    alpha,
    lambdaMax,
    objectiveRate: level,
    thetaScaled,
    marginsScaled,
    multipliers,
    primalInfeasibility: Math.max(0, 1 - minScaled),
    stationarity: gNorm > 0 ? stat / gNorm : 0,
    complementarity: muSum > 0 ? slack / muSum : 0,
    dualInfeasibility: 0,
    degenerate: !(gNorm > 0),
    candidates: Int32Array.from(cand),
    support,
  };
}
