// A user's own experiment, `marginflow run SPEC.json`: one trajectory of any zoo model on any dataset, by gradient
// flow into the terminal phase or by gradient descent, measured at every checkpoint (the monitors of Lemma 4.1,
// the KKT residuals of (P), the distance to the certificates that apply) — the laboratory's general instrument.
import { ArgumentError } from "../errors.js";
import type { Runtime } from "../runtime/kernels.js";
import { Rng } from "../runtime/rng.js";
import { compileModel, type CompiledModel } from "../models/compile.js";
import { inferLambda } from "../models/infer.js";
import { initialize } from "../models/init.js";
import { makeDataset } from "../data/spec.js";
import { checkTrainingSet, type TrainingSet } from "../dynamics/problem.js";
import { defaultTerminal, gradientFlow, type FlowProgress } from "../dynamics/flow.js";
import { gradientDescent, type DescentProgress } from "../dynamics/descent.js";
import type { PointMonitors } from "../dynamics/monitors.js";
import { lineFigure, panelFigure } from "../report/figure.js";
import { defineExperiment, type Check, type ItemProgress, type Table } from "./experiment.js";
import { CheckpointProbe, certificates } from "./run-observe.js";
import type { SlidingUnit } from "../certify/certify.js";
import { RunResultSchema, RunSpecSchema, type Checkpoint, type DescentSpec, type FlowSpec, type RunResult, type RunSpec } from "./run-spec.js";
import { pow } from "../runtime/detmath.js";

const LN10 = Math.LN10;
const fin = (x: number | undefined | null): number | null => (typeof x === "number" && Number.isFinite(x) ? x : null);

/** The model, the training set and θ0 of a parsed spec — the checks a run needs before it starts. */
export function prepareRun(spec: RunSpec): { model: CompiledModel; data: TrainingSet; theta0: Float64Array } {
  const model = compileModel(spec.model);
  if (model.outputs === 1 && spec.data.kind === "mnist" && spec.data.targets !== "pm1") throw new ArgumentError("data.targets", spec.data.targets, '"pm1" (with two digits) for a one-output model, or a model with one output per digit');
  const data = makeDataset(spec.data, spec.seed!);
  if (data.X.cols !== model.inputs) throw new ArgumentError("data", `${data.X.rows}×${data.X.cols} inputs`, `${model.inputs} input columns (the model's inputs)`);
  if (model.outputs === 1 && spec.data.kind === "classes") throw new ArgumentError("model.outputs", 1, `${spec.data.classes} outputs: "classes" data have class-index labels 0…C−1 (a one-output model needs ±1 labels)`);
  checkTrainingSet(model, data);
  const init = spec.init!;
  const theta0 =
    init.kind === "normal" ? Rng.fromSeed(spec.seed!).split(1).fillNormal(new Float64Array(model.size), 0, init.scale!)
      : init.kind === "constant" ? new Float64Array(model.size).fill(init.value!)
        : init.kind === "values" ? Float64Array.from(init.theta)
          : init.kind === "frobenius" ? initialize(model, { kind: "frobenius", norm: init.norm!, seed: spec.seed! })
            : initialize(model, { kind: init.kind, scale: init.scale!, seed: spec.seed! });
  if (theta0.length !== model.size) throw new ArgumentError("init.theta", init.kind === "values" ? init.theta : theta0, `${model.size} values (the model's parameters)`);
  const dyn = spec.dynamics!;
  const cps = spec.checkpoints;
  if (dyn.kind === "flow") {
    const log10T = dyn.log10T!;
    const decay = dyn.weightDecay! > 0;
    const terminal = dyn.terminal ?? (decay ? "off" : defaultTerminal(spec.loss!));
    if (decay && terminal === "auto") throw new ArgumentError("dynamics.terminal", terminal, '"off" or null with weight decay (the flow goes to a stationary point: there is no terminal phase)');
    if (spec.loss === "square" && terminal === "auto") throw new ArgumentError("dynamics.terminal", terminal, '"off" or null for the square loss (it has no terminal phase)');
    if (terminal === "off" && log10T > 300) throw new ArgumentError("dynamics.log10T", log10T, `≤ 300 in ordinary time (terminal "off"${spec.loss === "square" ? ", as the square loss needs" : decay ? ", as weight decay needs" : ""})`);
    cps?.forEach((c, i) => {
      if (c > log10T) throw new ArgumentError(`checkpoints[${i}]`, c, `a log10 t ≤ dynamics.log10T = ${log10T}`);
    });
  } else {
    const steps = dyn.steps!;
    cps?.forEach((c, i) => {
      if (!Number.isInteger(c) || c < 0 || c > steps) throw new ArgumentError(`checkpoints[${i}]`, c, `a step index in 0…${steps} (dynamics.steps)`);
    });
    if (dyn.batchSize !== null && dyn.batchSize! > data.X.rows) throw new ArgumentError("dynamics.batchSize", dyn.batchSize, `at most n = ${data.X.rows}`);
    if (dyn.adaptive === "loss" && dyn.batchSize !== null && dyn.batchSize! < data.X.rows) throw new ArgumentError("dynamics.adaptive", "loss", '"none" with minibatches (rollback needs the full-batch loss)');
  }
  return { model, data, theta0 };
}

const descentCheckpoints = (steps: number) => [0, ...Array.from({ length: 12 }, (_, k) => pow(10, k)).filter((s) => s < steps), steps].filter((v, i, a) => a.indexOf(v) === i);

/** A flow's progress as an item's: where the clock is, log L, the steps, the fraction of log10 t done, and θ. */
function flowProgress(report: (p: ItemProgress) => void, log10T: number): (p: FlowProgress) => void {
  return (p) => report({
    text: `${p.phase === "terminal" ? "terminal phase, " : ""}log10 t = ${p.log10t.toFixed(2)}, log10 L = ${(p.logL / LN10).toPrecision(4)}, ${p.steps} steps`,
    fraction: Math.min(1, Math.max(0, p.log10t / log10T)),
    state: { log10t: fin(p.log10t), log10Loss: fin(p.logL / LN10), step: null, phase: p.phase, theta: Array.from(p.theta) },
  });
}

/** A descent's progress as an item's: the step, log L, the fraction of the steps done, and θ. */
function descentProgress(report: (p: ItemProgress) => void, steps: number): (p: DescentProgress) => void {
  return (p) => report({
    text: `step ${p.step} of ${steps}, log10 L = ${(p.logL / LN10).toPrecision(4)}`,
    fraction: steps > 0 ? p.step / steps : 1,
    state: { log10t: fin(p.log10t), log10Loss: fin(p.logL / LN10), step: p.step, phase: null, theta: Array.from(p.theta) },
  });
}

/** Runs one spec; its progress (with θ) goes to `progress` every `progressMs` (default: the dynamics' own). */
export function runOne(rt: Runtime, spec: RunSpec, progress?: (p: ItemProgress) => void, progressMs?: number): RunResult {
  const { model, data, theta0 } = prepareRun(spec);
  const rates = inferLambda(model);
  const dyn = spec.dynamics!;
  const certs = spec.observables!.certificates ? certificates(model, data) : { svm: null, asymmetric: null, notes: [] };
  const probe = new CheckpointProbe(rt, model, data, rates.lambda, certs, spec.observables!.kkt!);
  const row = (log10t: number | null, step: number | null, theta: Float64Array, m: PointMonitors | undefined, sliding?: SlidingUnit[]): Checkpoint => {
    const d = probe.distances(theta);
    const k = probe.kkt(theta, m?.qmin ?? NaN, sliding);
    return {
      log10t: fin(log10t), step, log10Loss: fin(m && m.logL / LN10), qmin: fin(m?.qmin), normalizedMargin: fin(m?.normalizedMargin), smoothedMargin: fin(m?.smoothedMargin),
      lambdaNorm: fin(m?.lambdaNorm), cosOmega: fin(m?.cosOmega), lemma41a: fin(m?.lemma41a), lemma41b: fin(m?.lemma41b),
      supportVectors: m ? [...m.supportVectors] : [], groupNorms: Object.fromEntries(Object.entries(m?.groupNorms ?? {}).map(([g, v]) => [g, fin(v)])),
      kktStationarity: k.stationarity, kktComplementarity: k.complementarity, kktLevel: k.level, distanceSvm: d.svm, distanceAsymmetric: d.asymmetric,
    };
  };
  const base = {
    kind: "run" as const, name: spec.name!, dynamics: dyn.kind,
    lambda: { groups: Object.fromEntries(model.groups.map((g, i) => [g.name, rates.groupRates[i]!])), lambdaMax: rates.lambdaMax, objectiveGroups: rates.objectiveGroups },
    certificates: certs,
  };
  const stopLogLoss = (x: number | null | undefined) => (x === null || x === undefined ? undefined : x * LN10);
  if (dyn.kind === "flow") {
    const f = dyn as FlowSpec;
    const r = gradientFlow(rt, model, data, spec.loss!, theta0, {
      rtol: f.rtol!, atol: f.atol!, log10T: f.log10T!, ...(spec.checkpoints ? { checkpoints: spec.checkpoints } : {}),
      terminal: f.terminal ?? undefined, linearSolver: f.linearSolver!, maxSteps: f.maxSteps!, budgetMs: f.budgetSeconds! * 1000,
      stopLogLoss: stopLogLoss(f.stopLog10Loss), lambda: rates.lambda, weightDecay: f.weightDecay!,
      ...(progress && f.log10T! > 0 ? { onProgress: flowProgress(progress, f.log10T!) } : {}),
      ...(progressMs !== undefined ? { progressMs } : {}),
    });
    return {
      ...base, stop: r.stop, note: r.note ?? null, log10t: fin(r.log10t), log10Loss: fin(r.logL / LN10),
      milestones: { firstZeroError: fin(r.milestones.firstZeroError), a5: fin(r.milestones.a5), terminalFrom: fin(r.milestones.terminalFrom) },
      cost: { rhsEvaluations: r.stats.rhsEvaluations, gradients: null, rollbacks: null },
      checkpoints: r.checkpoints.map((c) => row(c.log10t, null, c.theta, c.monitors, c.sliding)),
      theta: Array.from(r.theta),
    };
  }
  const g = dyn as DescentSpec;
  const r = gradientDescent(rt, model, data, spec.loss!, theta0, {
    lr: g.lr!, steps: g.steps!, momentum: g.momentum!, weightDecay: g.weightDecay!, ...(g.batchSize === null ? {} : { batchSize: g.batchSize! }),
    seed: spec.seed!, adaptive: g.adaptive!, checkpoints: spec.checkpoints ?? descentCheckpoints(g.steps!), budgetMs: g.budgetSeconds! * 1000,
    stopLogLoss: stopLogLoss(g.stopLog10Loss), lambda: rates.lambda,
    ...(progress ? { onProgress: descentProgress(progress, g.steps!) } : {}),
    ...(progressMs !== undefined ? { progressMs } : {}),
  });
  return {
    ...base, stop: r.stop, note: r.note ?? null, log10t: fin(r.log10t), log10Loss: fin(r.logL / LN10),
    milestones: { firstZeroError: fin(r.milestones.firstZeroError), a5: fin(r.milestones.a5), terminalFrom: null },
    cost: { rhsEvaluations: null, gradients: r.stats.gradients, rollbacks: r.stats.rollbacks },
    checkpoints: r.checkpoints.map((c) => row(c.log10t, c.step, c.theta, c.monitors)),
    theta: Array.from(r.theta),
  };
}

/** The checkpoints as flat rows: one column per observable, one per group norm (norm_<group>). */
export function checkpointTable(r: RunResult, extra: Record<string, number | string | null> = {}): Table {
  return r.checkpoints.map((c) => ({
    ...extra,
    log10t: c.log10t, step: c.step, log10_loss: c.log10Loss, qmin: c.qmin, gamma: c.normalizedMargin, gamma_tilde: c.smoothedMargin,
    lambda_norm: c.lambdaNorm, cos_omega: c.cosOmega, lemma41a: c.lemma41a, lemma41b: c.lemma41b,
    sv1: c.supportVectors[0] ?? null, sv2: c.supportVectors[1] ?? null, sv3: c.supportVectors[2] ?? null,
    kkt_stationarity: c.kktStationarity, kkt_complementarity: c.kktComplementarity, kkt_level: c.kktLevel, distance_svm: c.distanceSvm, distance_asymmetric: c.distanceAsymmetric,
    ...Object.fromEntries(Object.entries(c.groupNorms).map(([g, v]) => [`norm_${g}`, v])),
  }));
}

const e2 = (x: number | null | undefined) => (x === null || x === undefined ? "—" : x.toExponential(2));

/** The claims a trajectory can be checked against (seed 000, Lemma 4.1 and Theorem 4.1). */
export function runChecks(r: RunResult): Check[] {
  const cs = r.checkpoints;
  const flow = r.dynamics === "flow";
  const a = cs.map((c) => c.lemma41a).filter((v): v is number => v !== null);
  const b = cs.map((c) => c.lemma41b).filter((v): v is number => v !== null);
  const after = cs.filter((c) => c.smoothedMargin !== null && c.log10t !== null && r.milestones.a5 !== null && (flow ? c.log10t >= r.milestones.a5 : (c.step ?? 0) >= r.milestones.a5));
  const gt = after.map((c) => c.smoothedMargin!);
  const rising = gt.every((v, i) => i === 0 || v >= gt[i - 1]! - 1e-12 * Math.abs(v));
  const checks: Check[] = [
    { claim: "Lemma 4.1 (a): ½ d/dt ‖θ‖²_Λ ≥ L log(1/(nL)) along the flow", closedForm: "slack ≥ 0 (divided by L)", measured: a.length ? `smallest slack ${e2(Math.min(...a))} over ${a.length} checkpoints` : "not measured", holds: flow && a.length ? Math.min(...a) >= -1e-9 : null },
    { claim: "Lemma 4.1 (b): d/dt log γ̃ ≥ λmax⁻¹ d/dt log ‖θ‖_Λ tan²ω after separation", closedForm: "slack ≥ 0", measured: b.length ? `smallest slack ${e2(Math.min(...b))} over ${b.length} checkpoints` : "the data were not separated at any checkpoint", holds: flow && b.length ? Math.min(...b) >= -1e-9 : null },
    { claim: "the smoothed margin γ̃ does not decrease after A5", closedForm: "γ̃ non-decreasing (Lemma 4.1)", measured: gt.length > 1 ? `${gt.length} checkpoints after A5: ${e2(gt[0])} → ${e2(gt.at(-1))}` : "fewer than two checkpoints after A5", holds: flow && gt.length > 1 ? rising : null },
  ];
  // the certificate Theorem 4.1 predicts: the asymmetric (cascaded) problem for diagonal networks, the SVM for the
  // other models linear in x (the other distance is kept in the table, for comparison)
  const predicted = r.certificates.asymmetric ? (["distanceAsymmetric", r.certificates.asymmetric.problem] as const) : r.certificates.svm ? (["distanceSvm", r.certificates.svm.problem] as const) : null;
  if (predicted) {
    const d = cs.map((c) => c[predicted[0]]).filter((v): v is number => v !== null);
    if (d.length > 1) checks.push({ claim: "the direction converges to the max-margin solution the theory predicts", closedForm: `distance → 0 to the ${predicted[1]} (Theorem 4.1)`, measured: `${e2(d[0])} → ${e2(d.at(-1))}`, holds: flow ? d.at(-1)! < d[0]! : null });
  }
  // the residuals of one problem: the last checkpoint's (P) or cascade level, over the checkpoints certified at it
  const lastLevel = cs.filter((c) => c.kktStationarity !== null).at(-1)?.kktLevel ?? 0;
  const k = cs.filter((c) => c.kktLevel === lastLevel).map((c) => c.kktStationarity).filter((v): v is number => v !== null);
  const of = lastLevel === 0 ? "(P)" : `cascade level ${lastLevel}'s problem (the Λmax problem is degenerate: Conjecture 5.1)`;
  if (k.length > 1) checks.push({ claim: `the rescaled trajectory approaches a KKT point of ${of}`, closedForm: lastLevel === 0 ? "stationarity → 0 (Theorem 4.1)" : "stationarity → 0 (Conjecture 5.1)", measured: `stationarity ${e2(k[0])} → ${e2(k.at(-1))} over ${k.length} separated checkpoints`, holds: flow ? k.at(-1)! < k[0]! : null });
  return checks;
}

/** The trajectory figure: log10 L, γ̃ (and γ) and q_min over log10 t. */
export function runFigure(r: RunResult, name = "trajectory"): ReturnType<typeof lineFigure> {
  const cs = r.checkpoints.filter((c) => c.log10t !== null);
  const x = cs.map((c) => c.log10t!);
  const panel = (title: string, y: { label: string; values: (number | null)[]; color: string; dash?: number[] }[]) =>
    lineFigure({ name, title, caption: "", x: { title: "log10 t" }, y: { title }, width: 520, height: 170, series: y.map((s) => ({ label: s.label, x, y: s.values, color: s.color, dash: s.dash })) });
  return panelFigure({
    name,
    title: `${r.name}: loss, normalized margins and q_min over log t (${r.dynamics === "flow" ? "gradient flow" : "gradient descent"}, stopped: ${r.stop})`,
    caption: "log10 L is carried in log domain (values far below the double range are exact); γ̃ = log(1/(nL))/‖θ‖_Λ^{1/λmax}, γ = q_min/‖θ‖_Λ^{1/λmax}.",
    panels: [
      panel("log10 L", [{ label: "log10 L", values: cs.map((c) => c.log10Loss), color: "#1f77b4" }]),
      panel("normalized margin", [
        { label: "γ̃ (smoothed)", values: cs.map((c) => c.smoothedMargin), color: "#d62728" },
        { label: "γ", values: cs.map((c) => c.normalizedMargin), color: "#2ca02c", dash: [5, 4] },
      ]),
      panel("q_min", [{ label: "q_min = min_i y_i f(x_i)", values: cs.map((c) => c.qmin), color: "#9467bd" }]),
    ],
  });
}

export const run = defineExperiment({
  id: "run",
  title: "A user's experiment: a zoo model × a dataset × a loss × gradient flow or descent",
  source: { paper: "marginflow", section: "marginflow run SPEC.json" },
  category: "user",
  spec: RunSpecSchema,
  itemResult: RunResultSchema,
  check: (s) => void prepareRun(s),
  items: (s) => [s],
  label: (s) => s.name!,
  run: (item, { rt, progress, progressMs }) => runOne(rt, item, progress, progressMs),
  assemble: (_spec, [r]) => r!,
  figures: (r) => [runFigure(r)],
  summary(r) {
    const last = r.checkpoints.at(-1);
    return {
      shows: "The loss, the normalized margins and the smallest margin along the run, in log time.",
      claim: "Once the data are separated, gradient flow on a quasi-homogeneous model increases the smoothed margin (Lemma 4.1) and converges in direction to a KKT point of the asymmetric max-margin problem (P) (Theorem 4.1).",
      checks: runChecks(r),
      numbers: [
        ["stopped", `${r.stop}${r.note ? ` (${r.note})` : ""} at log10 t = ${r.log10t?.toFixed(3) ?? "—"}`],
        ["log10 L", r.log10Loss?.toFixed(3) ?? "—"],
        ["γ̃, γ at the last checkpoint", `${e2(last?.smoothedMargin)}, ${e2(last?.normalizedMargin)}`],
        ["Λ (per group)", Object.entries(r.lambda.groups).map(([g, v]) => `${g}: ${+v.toFixed(6)}`).join(", ")],
        ["λmax parameters (the objective ½‖θ‖²_Λmax)", r.lambda.objectiveGroups.join(", ")],
        ["cost", r.cost.rhsEvaluations !== null ? `${r.cost.rhsEvaluations} right-hand-side evaluations` : `${r.cost.gradients} gradients, ${r.cost.rollbacks} rollbacks`],
        ...(last?.kktStationarity !== null && last?.kktStationarity !== undefined ? [[`KKT stationarity, complementarity (last${last.kktLevel ? `; cascade level ${last.kktLevel}` : ""})`, `${e2(last.kktStationarity)}, ${e2(last.kktComplementarity)}`] as [string, string]] : []),
      ],
      notes: r.certificates.notes.join(" "),
    };
  },
  tables: (r) => ({ checkpoints: checkpointTable(r) }),
});
