// The cascade of Conjecture 5.1 (seed 000). When the Λmax problem (P) is degenerate — A7 fails: the data can be
// separated with the λmax parameters at 0 — the flow is conjectured to go to a KKT point of the problem of the next
// rate level λ:
//   minimize ½‖θ‖²_{Λ I_λ}   s.t.   y_i f(x_i; θ) ≥ 1,   θ_l = 0 for every λ_l > λ,
// ‖θ‖²_{Λ I_λ} = Σ_{λ_l = λ} λ θ_l². cascadeLevel() says which level a trajectory point is at: going down the
// positive rates from λmax, the lowest rate λ such that zeroing every parameter of rate > λ still separates the data
// (those parameters are then not needed to classify). It also reports each level's share of the Λ-normalized point
// (the λmax share tending to 0 along a trajectory is the other face of the same degeneracy), the seminorm of the
// level and its normalized margin γ_λ = q_min(θ_λ)/‖θ‖_{ΛI_λ}^{1/λ}, θ_λ = θ with the rates above λ zeroed — the
// quantity that converges at that level while the λmax-normalized margin grows without bound.
import { ArgumentError, checkF64 } from "../errors.js";
import type { Runtime } from "../runtime/kernels.js";
import type { CompiledModel } from "../models/compile.js";
import { ModelEvaluator } from "../models/evaluate.js";
import type { TrainingSet } from "../dynamics/problem.js";
import { margins } from "../geometry/margins.js";
import { lambdaNormalize } from "../geometry/normalize.js";
import { exp, log } from "../runtime/detmath.js";

/** One positive rate of Λ and the groups that carry it. */
export interface RateLevelShare {
  rate: number;
  groups: string[];
  /** Σ_{λ_l = rate} λ_l θ̄_l² of the Λ-normalized point θ̄ (‖θ̄‖_Λ = 1): the shares sum to 1 */
  share: number;
}

export interface CascadeLevel {
  /** the rate λ of the level the point is at (λmax when the Λmax problem is not degenerate) */
  rate: number;
  /** 0 at λmax, 1 at the next positive rate, … */
  index: number;
  /** index > 0: the parameters of the higher rates are not needed to separate the data (A7 fails) */
  degenerate: boolean;
  /** groups in the level's objective (rate λ), and the groups the level's problem sets to 0 (rates > λ) */
  objectiveGroups: string[];
  zeroedGroups: string[];
  /** ‖θ‖_{Λ I_λ} */
  seminorm: number;
  /** q_min(θ_λ) / ‖θ‖_{Λ I_λ}^{1/λ} */
  normalizedMargin: number;
  /** q_min(θ_λ): the smallest margin with the higher rates zeroed (> 0) */
  truncatedMargin: number;
  /** every positive rate, highest first, with its share of the Λ-normalized point */
  levels: RateLevelShare[];
}

const RATE_TOL = 1e-12;

/** The distinct positive rates of a per-parameter Λ, highest first, with their groups. */
export function rateLevels(model: CompiledModel, lambda: Float64Array): { rate: number; groups: string[] }[] {
  checkF64("lambda", lambda, model.size);
  const out: { rate: number; groups: string[] }[] = [];
  for (const g of model.groups) {
    const r = lambda[g.offset]!;
    if (!(r > 0)) continue;
    const level = out.find((l) => Math.abs(l.rate - r) <= RATE_TOL * Math.max(1, r));
    if (level) level.groups.push(g.name);
    else out.push({ rate: r, groups: [g.name] });
  }
  return out.sort((a, b) => b.rate - a.rate);
}

/** θ with every parameter of rate > `rate` set to 0. */
export function truncateAbove(theta: Float64Array, lambda: Float64Array, rate: number): Float64Array {
  return Float64Array.from(theta, (v, j) => (lambda[j]! > rate * (1 + RATE_TOL) ? 0 : v));
}

/**
 * The cascade level of the trajectory point θ (Conjecture 5.1). Throws ArgumentError naming `theta` when θ does not
 * separate the data (the level is a separability-dependent quantity) and `lambda` when Λ has no positive rate.
 */
export function cascadeLevel(rt: Runtime, model: CompiledModel, data: TrainingSet, lambda: Float64Array, theta: Float64Array): CascadeLevel {
  checkF64("theta", theta, model.size);
  const ladder = rateLevels(model, lambda);
  if (ladder.length === 0) throw new ArgumentError("lambda", lambda, "a Λ with a positive rate");
  const ev = new ModelEvaluator(rt, model);
  const qmin = (th: Float64Array) => {
    const f = ev.forward(th, data.X);
    const q = margins(model.outputs === 1 ? f.data : f, data.labels);
    return q.reduce((a, b) => Math.min(a, b), Infinity);
  };
  const q0 = qmin(theta);
  if (!(q0 > 0)) throw new ArgumentError("theta", `q_min = ${q0}`, "a point that separates the data (q_min > 0): the cascade level is defined after separation");
  let index = 0, truncated = q0;
  for (let k = 1; k < ladder.length; k++) {
    const q = qmin(truncateAbove(theta, lambda, ladder[k]!.rate));
    if (!(q > 0)) break;
    index = k;
    truncated = q;
  }
  const level = ladder[index]!;
  let s2 = 0;
  for (let j = 0; j < theta.length; j++) if (Math.abs(lambda[j]! - level.rate) <= RATE_TOL * Math.max(1, level.rate)) s2 += level.rate * theta[j]! ** 2;
  const seminorm = Math.sqrt(s2);
  const bar = lambdaNormalize(theta, lambda).thetaBar;
  const shares = ladder.map((l) => {
    let s = 0;
    for (let j = 0; j < theta.length; j++) if (Math.abs(lambda[j]! - l.rate) <= RATE_TOL * Math.max(1, l.rate)) s += l.rate * bar[j]! ** 2;
    return { rate: l.rate, groups: l.groups, share: s };
  });
  return {
    rate: level.rate,
    index,
    degenerate: index > 0,
    objectiveGroups: level.groups,
    zeroedGroups: ladder.slice(0, index).flatMap((l) => l.groups),
    seminorm,
    normalizedMargin: seminorm > 0 ? exp(log(truncated) - log(seminorm) / level.rate) : Infinity,
    truncatedMargin: truncated,
    levels: shares,
  };
}
