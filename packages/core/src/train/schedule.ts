// Learning-rate schedules of minibatch training, as pure functions of the epoch and the step within it: constant,
// step decay (×factor every `every` epochs) and cosine annealing (from lr to final·lr over the run, per step).
import { Enum, Int, Positive, Strict, Type, type Static } from "../schema/schema.js";
import { cos, pow } from "../runtime/detmath.js";

export const ScheduleSchema = Strict({
  kind: Type.Optional(Enum(["constant", "step", "cosine"] as const, { default: "constant", description: "constant; ×factor every `every` epochs; cosine annealing to final·lr" })),
  every: Type.Optional(Int(1, undefined, { default: 30, description: '"step": epochs between decays' })),
  factor: Type.Optional(Positive({ default: 0.1, description: '"step": the rate is multiplied by this at each decay' })),
  final: Type.Optional(Type.Number({ minimum: 0, default: 0, description: '"cosine": the last rate, as a fraction of lr' })),
}, { description: "the learning-rate schedule" });
export type Schedule = Static<typeof ScheduleSchema>;

/** The rates of the steps of epoch `epoch` (0-based) of `epochs`, `steps` steps each, base rate lr. */
export function epochRates(schedule: Schedule, lr: number, epoch: number, epochs: number, steps: number): Float64Array {
  const out = new Float64Array(steps);
  const kind = schedule.kind ?? "constant";
  for (let s = 0; s < steps; s++) {
    if (kind === "step") out[s] = lr * pow(schedule.factor ?? 0.1, Math.floor(epoch / (schedule.every ?? 30)));
    else if (kind === "cosine") {
      const total = Math.max(1, epochs * steps - 1);
      const u = Math.min(1, (epoch * steps + s) / total);
      const fin = schedule.final ?? 0;
      out[s] = lr * (fin + (1 - fin) * 0.5 * (1 + cos(Math.PI * u)));
    } else out[s] = lr;
  }
  return out;
}
