// A run spec's model at one θ (a tool: what a live view of a running `run` draws). The outputs at given points
// (a decision heatmap's grid), the accuracy, loss and margins on the spec's training set (the monitors of
// dynamics/monitors.ts) and the accuracy on a held-out set. A live view sends the θ of each progress report here,
// in a second worker, while the first one keeps integrating.
import { Int, Nullable, Num, Strict, Type, type Static } from "../schema/schema.js";
import { ArgumentError } from "../errors.js";
import type { Runtime } from "../runtime/kernels.js";
import { margins } from "../geometry/margins.js";
import { inferLambda } from "../models/infer.js";
import { ModelEvaluator } from "../models/evaluate.js";
import { BoundProblem, checkTrainingSet, type TrainingSet } from "../dynamics/problem.js";
import { pointMonitors } from "../dynamics/monitors.js";
import { makeDataset } from "../data/spec.js";
import { defineExperiment } from "./experiment.js";
import { prepareRun } from "./run.js";
import type { RunSpec } from "./run-spec.js";

export const ProbeSpecSchema = Strict({
  run: Type.Unknown({ description: "a parsed run spec (defaults filled in: parseExperimentSpec(getExperiment(\"run\"), spec))" }),
  theta: Nullable(Type.Array(Num(), { minItems: 1 }), { description: "the parameters, in the model's order; null: the run's θ0" }),
  points: Strict({
    rows: Int(0, 1_000_000, { description: "number of points" }),
    data: Type.Array(Num(), { description: "rows × inputs values, row-major" }),
  }, { description: "where to evaluate the model (e.g. a heatmap's grid, in the model's input features)" }),
  test: Nullable(Type.Unknown({ description: "a held-out set as an inline data spec {kind: \"inline\", X, labels}" }), { description: "null: none" }),
});
export type ProbeSpec = Static<typeof ProbeSpecSchema>;

const N = () => Nullable(Num());
export const ProbeResultSchema = Strict({
  kind: Type.Literal("probe"),
  /** rows × outputs, row-major */
  outputs: Type.Array(Num()),
  columns: Int(1, undefined, { description: "the model's outputs per point" }),
  train: Strict({ accuracy: Num(), log10Loss: N(), qmin: N(), normalizedMargin: N(), smoothedMargin: N() }),
  test: Nullable(Strict({ accuracy: Num() })),
  theta: Type.Array(Num(), { description: "the θ probed" }),
});
export type ProbeResult = Static<typeof ProbeResultSchema>;

const fin = (x: number | null | undefined): number | null => (typeof x === "number" && Number.isFinite(x) ? x : null);

/** The fraction of samples classified correctly (margin > 0: sign for ±1 labels, argmax for class indices). */
function accuracy(ev: ModelEvaluator, theta: Float64Array, data: TrainingSet): number {
  const f = ev.forward(theta, data.X);
  const q = margins(f.cols === 1 ? f.data : f, data.labels);
  let right = 0;
  for (let i = 0; i < q.length; i++) if (q[i]! > 0) right++;
  return right / q.length;
}

// a live view probes the same spec many times: its model, data and Λ are kept (one spec per worker)
let last: { key: string; prepared: ReturnType<typeof prepareRun>; lambda: Float64Array } | undefined;

/** The model of `spec.run` at `spec.theta`: outputs at the points, training-set monitors, held-out accuracy. */
export function runProbe(rt: Runtime, spec: ProbeSpec): ProbeResult {
  const key = JSON.stringify(spec.run);
  if (last?.key !== key) {
    const prepared = prepareRun(spec.run as RunSpec);
    last = { key, prepared, lambda: inferLambda(prepared.model).lambda };
  }
  const { model, data, theta0 } = last.prepared;
  const theta = spec.theta === null ? theta0 : Float64Array.from(spec.theta);
  if (theta.length !== model.size) throw new ArgumentError("theta", `${theta.length} values`, `${model.size} (the model's parameters)`);
  const ev = new ModelEvaluator(rt, model);
  const d = model.inputs;
  if (spec.points.data.length !== spec.points.rows * d) throw new ArgumentError("points.data", `${spec.points.data.length} values`, `rows × ${d} = ${spec.points.rows * d}`);
  const outputs = spec.points.rows === 0 ? [] : Array.from(ev.forward(theta, { rows: spec.points.rows, cols: d, data: Float64Array.from(spec.points.data) }).data);
  const loss = (spec.run as RunSpec).loss!;
  const m = rt.arena.scope((a) => pointMonitors(new BoundProblem(rt, a, model, data, loss), model, data, last!.lambda, theta));
  let test: ProbeResult["test"] = null;
  if (spec.test !== null) {
    const held = makeDataset(spec.test as RunSpec["data"], 0, "test");
    checkTrainingSet(model, held);
    test = { accuracy: accuracy(ev, theta, held) };
  }
  return {
    kind: "probe",
    outputs,
    columns: model.outputs,
    train: { accuracy: accuracy(ev, theta, data), log10Loss: fin(m.logL / Math.LN10), qmin: fin(m.qmin), normalizedMargin: fin(m.normalizedMargin), smoothedMargin: fin(m.smoothedMargin) },
    test,
    theta: Array.from(theta),
  };
}

export const probe = defineExperiment({
  id: "probe",
  title: "A run spec's model at one θ: outputs at given points, training-set margins, held-out accuracy (the web demo's live view)",
  source: { paper: "marginflow", section: "the web demo" },
  category: "tool",
  spec: ProbeSpecSchema,
  itemResult: ProbeResultSchema,
  items: (s) => [s],
  label: () => "",
  run: (item, { rt }) => runProbe(rt, item),
  assemble: (_spec, [r]) => r!,
  figures: () => [],
  summary: (r) => ({
    shows: "The model at one point of a trajectory.",
    claim: "",
    checks: [],
    numbers: [["training accuracy", String(r.train.accuracy)], ["log10 L", String(r.train.log10Loss)], ["γ", String(r.train.normalizedMargin)]],
    notes: "",
  }),
});
