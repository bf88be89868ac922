// certify(): the KKT residuals of the right problem at a trajectory point, in one call. The problem is seed 000's (P)
// (Theorem 4.1) when the Λmax problem is not degenerate there, else the problem of the cascade level the point is at
// (Conjecture 5.1): minimize ½‖θ‖²_{ΛI_λ} s.t. y_i f(x_i; θ) ≥ 1, θ_l = 0 for λ_l > λ. The point is moved onto the
// constraint set by ψ_α (α = −log q_min), the parameters of rate > λ are set to 0, and the multipliers come from the
// NNLS fit of kkt.ts over the support set. ReLU networks take the per-sample gradients of the kernels' one-row
// backward passes, where the weights of units sliding on their kinks (a flow checkpoint's `sliding`) pick the
// element of Clarke's subdifferential.
import { ArgumentError, checkF64 } from "../errors.js";
import type { Runtime } from "../runtime/kernels.js";
import type { CompiledModel } from "../models/compile.js";
import { ModelEvaluator } from "../models/evaluate.js";
import { inferLambda } from "../models/infer.js";
import { checkTrainingSet, type TrainingSet } from "../dynamics/problem.js";
import { kktResiduals, type KktResult } from "./kkt.js";
import { cascadeLevel, rateLevels, truncateAbove, type CascadeLevel } from "./cascade.js";

/** A ReLU unit held on its kink by the Filippov flow, with its weight σ ∈ [0, 1] (the unit index is the kernels'). */
export interface SlidingUnit {
  unit: number;
  sigma: number;
}

export interface CertifyOptions {
  /** Per-parameter Λ. Default: inferLambda(model).lambda. */
  lambda?: Float64Array;
  /** "auto" (default): the cascade level of θ; "max": problem (P) at λmax; or a rate of Λ. */
  level?: "auto" | "max" | number;
  /** ReLU units sliding on their kinks at θ (a FlowCheckpoint's `sliding`); others take ∂relu(z) = [z > 0]. */
  sliding?: SlidingUnit[];
  /** Candidate support vectors: samples with q'_i ≤ 1 + supportWindow. Default: all samples (kkt.ts). */
  supportWindow?: number;
}

export interface Certificate extends KktResult {
  /** the problem certified, in words */
  problem: string;
  /** the cascade level of θ (level "auto"), or null when a level was given */
  level: CascadeLevel | null;
  /** groups held at 0 by the certified problem (rates above its level) */
  zeroedGroups: string[];
}

/** KKT residuals of the right max-margin problem at θ. Throws ArgumentError naming `theta` when θ does not separate the
 *  data, `model` when Λ cannot be inferred, `options.level` for a rate Λ does not have. */
export function certify(rt: Runtime, model: CompiledModel, data: TrainingSet, theta: Float64Array, options: CertifyOptions = {}): Certificate {
  checkF64("theta", theta, model.size);
  checkTrainingSet(model, data);
  let lambda = options.lambda;
  if (lambda === undefined) {
    try {
      lambda = inferLambda(model).lambda;
    } catch (e) {
      throw new ArgumentError("model", model.spec.kind, `a quasi-homogeneous model whose Λ can be inferred (${e instanceof Error ? e.message : String(e)}); or pass options.lambda`);
    }
  }
  checkF64("options.lambda", lambda, model.size);
  const ladder = rateLevels(model, lambda);
  if (ladder.length === 0) throw new ArgumentError("options.lambda", lambda, "a Λ with a positive rate");
  const want = options.level ?? "auto";
  let level: CascadeLevel | null = null;
  let rate: number;
  if (want === "auto") {
    level = cascadeLevel(rt, model, data, lambda, theta);
    rate = level.rate;
  } else if (want === "max") rate = ladder[0]!.rate;
  else {
    const hit = typeof want === "number" ? ladder.find((l) => Math.abs(l.rate - want) <= 1e-12 * Math.max(1, want)) : undefined;
    if (!hit) throw new ArgumentError("options.level", want, `"auto", "max" or a rate of Λ (${ladder.map((l) => l.rate).join(", ")})`);
    rate = hit.rate;
  }
  const point = truncateAbove(theta, lambda, rate);
  const { q, G } = marginsAndGradients(rt, model, data, point, options.sliding);
  const kkt = kktResiduals(point, lambda, q, G, { objectiveRate: rate, ...(options.supportWindow === undefined ? {} : { supportWindow: options.supportWindow }) });
  const index = ladder.findIndex((l) => l.rate === rate);
  const zeroedGroups = ladder.slice(0, index).flatMap((l) => l.groups);
  const objective = ladder[index]!.groups.join(", ");
  const problem = index === 0
    ? `(P): min ½‖θ‖²_Λmax (rate ${rate}: ${objective}) s.t. margins ≥ 1 (Theorem 4.1)`
    : `cascade level ${index} (Conjecture 5.1): min ½‖θ‖²_{ΛI_${rate}} (${objective}) s.t. margins ≥ 1 and ${zeroedGroups.join(", ")} = 0`;
  return { ...kkt, problem, level, zeroedGroups };
}

/** Margins and their gradients (n×m) at θ: the kernels' per-sample passes, with the sliding units' weights. */
function marginsAndGradients(rt: Runtime, model: CompiledModel, data: TrainingSet, theta: Float64Array, sliding?: SlidingUnit[]) {
  const ev = new ModelEvaluator(rt, model);
  if (!hasReLU(model)) {
    const diagonal = model.spec.kind === "diagonal" || (model.spec.kind === "ensemble" && model.spec.members.some((m) => m.kind === "diagonal"));
    if (model.outputs !== 1 || !diagonal) return ev.marginGradients(theta, data.X, data.labels);
    const f = ev.forward(theta, data.X).data;
    return { q: Float64Array.from(f, (v, i) => v * data.labels[i]!), G: ev.sampleGradients(theta, data.X, data.labels) };
  }
  const factors = ev.reluFactors(theta, data.X);
  for (const [k, s] of (sliding ?? []).entries()) {
    if (!Number.isInteger(s.unit) || s.unit < 0 || s.unit >= factors.length) throw new ArgumentError(`options.sliding[${k}].unit`, s.unit, `a ReLU unit index in 0…${factors.length - 1}`);
    if (!(s.sigma >= 0 && s.sigma <= 1)) throw new ArgumentError(`options.sliding[${k}].sigma`, s.sigma, "a weight in [0, 1]");
    factors[s.unit] = s.sigma;
  }
  return ev.marginGradients(theta, data.X, data.labels, factors);
}

function hasReLU(model: CompiledModel): boolean {
  const s = model.spec;
  return s.kind === "mlp" || (s.kind === "ensemble" && s.members.some((m) => m.kind === "mlp"));
}
