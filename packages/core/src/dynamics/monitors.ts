// Observables of a trajectory point, and the two inequalities of Lemma 4.1 (seed 000) as slacks:
//   (a) ½ d/dt ‖θ‖²_Λ ≥ L·log(1/(nL))
//   (b) d/dt log γ̃ ≥ λmax⁻¹ · d/dt log ‖θ‖_Λ · tan²ω        (once the data are separated)
// Along gradient flow θ̇ = −L·∇log L, every term carries one factor L, so both sides are divided by L and
// evaluated from log L and ∇log L alone — valid at losses far below the double range.
import { ArgumentError, checkF64 } from "../errors.js";
import { lambdaMax } from "../geometry/seminorm.js";
import { margins, normalizedMargin, smoothedMargin, supportVectorCount } from "../geometry/margins.js";
import type { CompiledModel } from "../models/compile.js";
import type { BoundProblem, TrainingSet } from "./problem.js";
import { log } from "../runtime/detmath.js";

export interface PointMonitors {
  logL: number;
  qmin: number;
  /** γ = q_min / ‖θ‖_Λ^{1/λmax} */
  normalizedMargin: number;
  /** γ̃ = log(1/(nL)) / ‖θ‖_Λ^{1/λmax} */
  smoothedMargin: number;
  /** ‖θ‖_Λ */
  lambdaNorm: number;
  /** cos ω between the velocity and the tangent Λθ */
  cosOmega: number;
  /** Lemma 4.1 (a) left − right, divided by L (≥ 0 always) */
  lemma41a: number;
  /** Lemma 4.1 (b) left − right, divided by L (≥ 0 after separation, L < 1/n; null before: it is not stated there) */
  lemma41b: number | null;
  /** samples whose margin is within log 10^k of the smallest, k = 1, 2, 3 */
  supportVectors: [number, number, number];
  /** Euclidean norm of each parameter group */
  groupNorms: Record<string, number>;
}

export function pointMonitors(p: BoundProblem, model: CompiledModel, data: TrainingSet, lambda: Float64Array, theta: Float64Array): PointMonitors {
  checkF64("lambda", lambda, model.size);
  const lmax = lambdaMax(lambda);
  const { logL, qmin, grad, outputs } = p.evaluate(theta);
  const n = data.labels.length;
  // Λθ, ‖θ‖²_Λ, ⟨Λθ, ∇log L⟩, ‖∇log L‖², ‖Λθ‖²
  let nrm2 = 0, dot = 0, g2 = 0, lt2 = 0;
  for (let i = 0; i < theta.length; i++) {
    const lt = lambda[i]! * theta[i]!;
    nrm2 += lt * theta[i]!;
    dot += lt * grad[i]!;
    g2 += grad[i]! * grad[i]!;
    lt2 += lt * lt;
  }
  const gap = -logL - log(n); // log(1/(nL))
  const lemma41a = -dot - gap;
  const cos = lt2 > 0 && g2 > 0 ? -dot / Math.sqrt(lt2 * g2) : 0;
  const tan2 = cos !== 0 ? (1 - cos * cos) / (cos * cos) : Infinity;
  // (1/L)·d/dt log ‖θ‖_Λ = −⟨Λθ, ∇log L⟩/‖θ‖²_Λ and (1/L)·d/dt (−log L) = ‖∇log L‖²
  const dLogNorm = -dot / nrm2;
  const lhs = gap > 0 ? g2 / gap - dLogNorm / lmax : NaN;
  const rhs = (dLogNorm / lmax) * tan2;
  const q = margins(model.outputs === 1 ? outputs : { rows: n, cols: model.outputs, data: outputs }, data.labels);
  const groupNorms: Record<string, number> = {};
  for (const g of model.groups) {
    let s = 0;
    for (let i = g.offset; i < g.offset + g.size; i++) s += theta[i]! ** 2;
    groupNorms[g.name] = Math.sqrt(s);
  }
  return {
    logL,
    qmin,
    normalizedMargin: normalizedMargin(qmin, theta, lambda),
    smoothedMargin: smoothedMargin(logL, n, theta, lambda),
    lambdaNorm: Math.sqrt(nrm2),
    cosOmega: cos,
    lemma41a,
    lemma41b: gap > 0 ? lhs - rhs : null,
    supportVectors: [supportVectorCount(q, 1), supportVectorCount(q, 2), supportVectorCount(q, 3)],
    groupNorms,
  };
}

/** Validates a per-parameter Λ for a model. */
export function checkLambdaVector(model: CompiledModel, lambda: unknown): Float64Array {
  if (!(lambda instanceof Float64Array) || lambda.length !== model.size) {
    throw new ArgumentError("lambda", lambda, `a Float64Array of ${model.size} per-parameter rates`);
  }
  return lambda;
}
