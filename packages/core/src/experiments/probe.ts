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
import { CheckpointProbe, certificates, type Certificates } from "./run-observe.js";
import { cascadeLevel } from "../certify/cascade.js";
import { ballRobustness } from "../certify/closed-forms.js";
import type { RunSpec } from "./run-spec.js";
import { hypotOf } from "../runtime/detmath.js";

export const ProbeSpecSchema = Strict({
  run: Type.Unknown({ description: "a parsed run spec (defaults filled in: parseExperimentSpec(getExperiment(\"run\"), spec))" }),
  theta: Nullable(Type.Array(Num(), { minItems: 1 }), { description: "the parameters, in the model's order; null: the run's θ0" }),
  points: Strict({
    rows: Int(0, 1_000_000, { description: "number of points" }),
    data: Type.Array(Num(), { description: "rows × inputs values, row-major" }),
  }, { description: "where to evaluate the model (e.g. a heatmap's grid, in the model's input features)" }),
  test: Nullable(Type.Unknown({ description: "a held-out set as an inline data spec {kind: \"inline\", X, labels}" }), { description: "null: none" }),
  observe: Type.Optional(Type.Boolean({ default: true, description: "also measure what a run's checkpoint measures: Λ, the certificates, the direction's distance to them, Lemma 4.1's slacks, the KKT residuals, the cascade level (false: outputs and margins only)" })),
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
  observed: Nullable(Strict({
    lambda: Strict({ groups: Type.Record(Type.String(), Num()), lambdaMax: Num(), objectiveGroups: Type.Array(Type.String()) }, { description: "Λ inferred per parameter group (as a run's result reports it)" }),
    certificates: Type.Unknown({ description: "the run's certificates (run-observe.ts): SVM w, the asymmetric β and its cascade level, notes" }),
    direction: Nullable(Type.Array(Num()), { description: "β(θ)/‖β(θ)‖ for a model linear in x (its outputs at the unit vectors), else null" }),
    distanceSvm: N(),
    distanceAsymmetric: N(),
    robustness: Nullable(Num(), { description: "balls data and a model linear in x: the robustness of sign(β(θ)·x) on the exact balls B(±µ̂, r), β̂·µ̂ − r (seed 000, §5; Fig. 4's y axis)" }),
    lemma41a: N(),
    lemma41b: N(),
    cosOmega: N(),
    groupNorms: Type.Record(Type.String(), Num(), { description: "the Euclidean norm of each parameter group" }),
    kktStationarity: N(),
    kktComplementarity: N(),
    kktLevel: N(),
    cascade: Nullable(Strict({
      index: Int(0, undefined), rate: Num(), degenerate: Type.Boolean(), objectiveGroups: Type.Array(Type.String()), zeroedGroups: Type.Array(Type.String()),
      normalizedMargin: N(), levels: Type.Array(Strict({ rate: Num(), groups: Type.Array(Type.String()), share: Num() })),
    }), { description: "Conjecture 5.1's level of θ (certify/cascade.ts); null before separation" }),
  }), { description: "null with observe: false" }),
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
let last: { key: string; prepared: ReturnType<typeof prepareRun>; rates: ReturnType<typeof inferLambda>; certs?: Certificates; checkpoint?: CheckpointProbe } | undefined;

/** The model of `spec.run` at `spec.theta`: outputs at the points, training-set monitors, held-out accuracy. */
export function runProbe(rt: Runtime, spec: ProbeSpec): ProbeResult {
  const key = JSON.stringify(spec.run);
  if (last?.key !== key) {
    const prepared = prepareRun(spec.run as RunSpec);
    last = { key, prepared, rates: inferLambda(prepared.model) };
  }
  const lambda = last.rates.lambda;
  const { model, data, theta0 } = last.prepared;
  const theta = spec.theta === null ? theta0 : Float64Array.from(spec.theta);
  if (theta.length !== model.size) throw new ArgumentError("theta", `${theta.length} values`, `${model.size} (the model's parameters)`);
  const ev = new ModelEvaluator(rt, model);
  const d = model.inputs;
  if (spec.points.data.length !== spec.points.rows * d) throw new ArgumentError("points.data", `${spec.points.data.length} values`, `rows × ${d} = ${spec.points.rows * d}`);
  const outputs = spec.points.rows === 0 ? [] : Array.from(ev.forward(theta, { rows: spec.points.rows, cols: d, data: Float64Array.from(spec.points.data) }).data);
  const loss = (spec.run as RunSpec).loss!;
  const m = rt.arena.scope((a) => pointMonitors(new BoundProblem(rt, a, model, data, loss), model, data, lambda, theta));
  let test: ProbeResult["test"] = null;
  if (spec.test !== null) {
    const held = makeDataset(spec.test as RunSpec["data"], 0, "test");
    checkTrainingSet(model, held);
    test = { accuracy: accuracy(ev, theta, held) };
  }
  let observed: ProbeResult["observed"] = null;
  if (spec.observe !== false) {
    // what a run's checkpoint measures (run.ts, run-observe.ts), at this θ; the certificates are solved once per spec
    const run = spec.run as RunSpec;
    const cache = last;
    cache.certs ??= run.observables!.certificates ? certificates(model, data) : { svm: null, asymmetric: null, notes: [] };
    const cp = (cache.checkpoint ??= new CheckpointProbe(rt, model, data, lambda, cache.certs, run.observables!.kkt!));
    const d = cp.distances(theta);
    const k = cp.kkt(theta, m.qmin);
    const b = cp.beta(theta);
    const nb = b ? hypotOf(b) : 0;
    let cascade: NonNullable<ProbeResult["observed"]>["cascade"] = null;
    if (m.qmin > 0) {
      const c = cascadeLevel(rt, model, data, lambda, theta);
      cascade = { index: c.index, rate: c.rate, degenerate: c.degenerate, objectiveGroups: c.objectiveGroups, zeroedGroups: c.zeroedGroups, normalizedMargin: fin(c.normalizedMargin), levels: c.levels };
    }
    const rates = cache.rates;
    let robustness: number | null = null;
    if (b && nb > 0 && run.data.kind === "balls" && run.data.mu!.length === b.length) {
      const mu = run.data.mu!, nm = hypotOf(mu);
      robustness = ballRobustness(Float64Array.from(b), Float64Array.from(mu, (x) => x / nm), run.data.r!);
    }
    observed = {
      lambda: { groups: Object.fromEntries(model.groups.map((g, i) => [g.name, rates.groupRates[i]!])), lambdaMax: rates.lambdaMax, objectiveGroups: rates.objectiveGroups },
      certificates: cache.certs,
      direction: b && nb > 0 ? b.map((x) => x / nb) : null,
      distanceSvm: d.svm, distanceAsymmetric: d.asymmetric, robustness,
      lemma41a: fin(m.lemma41a), lemma41b: fin(m.lemma41b), cosOmega: fin(m.cosOmega), groupNorms: m.groupNorms,
      kktStationarity: k.stationarity, kktComplementarity: k.complementarity, kktLevel: k.level,
      cascade,
    };
  }
  return {
    kind: "probe",
    outputs,
    columns: model.outputs,
    train: { accuracy: accuracy(ev, theta, data), log10Loss: fin(m.logL / Math.LN10), qmin: fin(m.qmin), normalizedMargin: fin(m.normalizedMargin), smoothedMargin: fin(m.smoothedMargin) },
    test,
    theta: Array.from(theta),
    observed,
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
