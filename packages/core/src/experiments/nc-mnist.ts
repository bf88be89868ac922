// nc-mnist: neural collapse of real networks trained on MNIST digits, followed into the terminal phase. Two MLPs —
// one whose last hidden layer is layer-normalized (seed 000 §6, Theorem 6.1's setting) and a plain one — are trained
// with cross-entropy and no weight decay by minibatch SGD (momentum, Philox batches) to 100% training accuracy,
// the NC metrics of the penultimate features measured every few epochs; then the same run is continued by
// full-batch GD with the loss-adaptive rate (θ ← θ − α∇log L, rollback on a loss increase: Lyu & Li 2020), which
// carries log L far below the double range, with the metrics measured every `recordEvery` nats — against log t, the
// gradient-flow clock t = Σ step sizes, as seed 002 plots them.
import { Int, Nullable, Num, Positive, Strict, Type, Enum, type Static } from "../schema/schema.js";
import { parseSpec } from "../schema/validate.js";
import { ArgumentError } from "../errors.js";
import type { Runtime } from "../runtime/kernels.js";
import { mnistDigits } from "../data/digits.js";
import { mnistSubset } from "../data/mnist.js";
import { compileModel } from "../models/compile.js";
import { initialize } from "../models/init.js";
import { lastClassifier, train, type RecordContext, type TrainRecord } from "../train/train.js";
import { simplexView } from "../collapse/simplex-view.js";
import { continueTerminal } from "../train/terminal.js";
import { lineFigure, type Series } from "../report/figure.js";
import { RESULT_SCHEMA_VERSION, defineExperiment, type CollapseFrame, type ItemProgress } from "./experiment.js";

const shared = {
  digits: Type.Optional(Type.Array(Int(0, 9), { minItems: 2, maxItems: 10, default: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], description: "the digits (classes), in label order" })),
  perClass: Type.Optional(Int(2, 800, { default: 30, description: "training images per digit" })),
  testPerClass: Type.Optional(Int(0, 200, { default: 20, description: "held-out images per digit" })),
  width: Type.Optional(Int(2, 1024, { default: 64, description: "units of each of the two hidden layers" })),
  epochs: Type.Optional(Int(1, 10_000, { default: 200, description: "SGD: the most epochs (the phase ends at 100% training accuracy)" })),
  batch: Type.Optional(Int(1, 10_000, { default: 50, description: "SGD minibatch size" })),
  lr: Type.Optional(Positive({ default: 0.05, description: "SGD learning rate" })),
  momentum: Type.Optional(Num({ minimum: 0, maximum: 0.999, default: 0.9, description: "SGD: heavy-ball momentum" })),
  continuationMomentum: Type.Optional(Num({ minimum: 0, maximum: 0.9999, default: 0.99, description: "continuation: heavy-ball momentum of the normalized steps (0.9 takes ~30× longer on the layer-normalized network)" })),
  evalEvery: Type.Optional(Int(1, 1000, { default: 2, description: "SGD: measure the metrics every this many epochs" })),
  targetLogL: Type.Optional(Num({ maximum: 0, default: -240, description: "continuation: stop when log L (natural) falls below this (−230.3: L = 1e-100)" })),
  recordEvery: Type.Optional(Positive({ default: 10, description: "continuation: measure the metrics every this many nats of log L" })),
  maxSteps: Type.Optional(Int(1, 10_000_000, { default: 50_000, description: "continuation: the most full-batch steps" })),
  budgetS: Type.Optional(Positive({ default: 150, description: "continuation: wall-clock budget per network, seconds" })),
  seed: Type.Optional(Int(0, Number.MAX_SAFE_INTEGER, { default: 0, description: "seed of the subset, the initialization (He) and the minibatch order" })),
};
const NETWORKS = ["layernorm", "plain"] as const;

export const NcMnistSpecSchema = Strict({
  networks: Type.Optional(Type.Array(Enum(NETWORKS, { description: "a network" }), { minItems: 1, maxItems: 2, default: [...NETWORKS], description: '"layernorm": 784-w-w-LN-C (ReLU, biases); "plain": 784-w-w-C' })),
  ...shared,
});
export type NcMnistSpec = Static<typeof NcMnistSpecSchema>;

export const NcMnistItemSchema = Strict({ kind: Type.Optional(Type.Literal("nc-mnist")), network: Enum(NETWORKS, { description: "the network" }), ...shared });
export type NcMnistItem = Static<typeof NcMnistItemSchema>;

/** The metrics kept per record (measureCollapse's names; classifier ones prefixed "w."). */
export const NC_MNIST_METRICS = [
  "nc1", "nc1TraceRatio", "nc1Seed002", "cdnv", "equinormMeans", "equiangularityShifted", "etfError",
  "w.equinorm", "w.etfError", "w.selfDuality", "w.selfDualityEtf", "w.nc4Mismatch",
] as const;

const RecordSchema = Strict({
  phase: Enum(["sgd", "continuation"] as const),
  epoch: Int(0, undefined),
  steps: Int(0, undefined, { description: "steps of the phase so far" }),
  log10t: Nullable(Num({ description: "log10 of t = Σ nominal step sizes, η then α/L (both phases; momentum not counted)" })),
  log10Loss: Num({ description: "log10 of the training loss" }),
  accuracy: Num(),
  testAccuracy: Nullable(Num()),
  qmin: Num({ description: "smallest multiclass margin on the training set" }),
  metrics: Type.Record(Type.String(), Nullable(Num()), { description: "NC metrics (NC_MNIST_METRICS)" }),
});
export type NcMnistRecord = Static<typeof RecordSchema>;

export const NcMnistResultSchema = Strict({
  kind: Type.Literal("nc-mnist"),
  network: Enum(NETWORKS),
  samples: Int(1, undefined), classes: Int(2, undefined), parameters: Int(1, undefined),
  sgd: Strict({ status: Type.String(), note: Type.String(), epochs: Int(0, undefined), seconds: Num() }),
  continuation: Strict({ status: Type.String(), note: Type.String(), steps: Int(0, undefined), rejected: Int(0, undefined), seconds: Num() }),
  records: Type.Array(RecordSchema),
  schema: Type.Literal(RESULT_SCHEMA_VERSION, { description: "version of the result format" }),
});
export type NcMnistResult = Static<typeof NcMnistResultSchema>;

const fin = (x: number | undefined | null) => (x !== undefined && x !== null && Number.isFinite(x) ? x : null);

function toRecord(phase: "sgd" | "continuation", r: TrainRecord): NcMnistRecord {
  const m: Record<string, number | null> = {};
  const c = r.collapse as unknown as Record<string, number> & { classifier: Record<string, number> | null } | null;
  for (const k of NC_MNIST_METRICS) m[k] = c ? fin(k.startsWith("w.") ? c.classifier?.[k.slice(2)] : c[k]) : null;
  return { phase, epoch: r.epoch, steps: r.steps, log10t: fin(r.logT / Math.LN10), log10Loss: r.logL / Math.LN10, accuracy: r.accuracy, testAccuracy: fin(r.testAccuracy), qmin: r.qmin, metrics: m };
}

/** A live frame of a record (RunContext.live): its metrics and the simplex view of its features (K ≥ 3). */
function mnistFrame(phase: "sgd" | "continuation", r: TrainRecord, at: RecordContext, labels: ArrayLike<number>, K: number, W: ReturnType<typeof lastClassifier>): CollapseFrame {
  const rec = toRecord(phase, r);
  return {
    phase, log10t: rec.log10t, log10Loss: rec.log10Loss, accuracy: rec.accuracy, metrics: rec.metrics,
    view: K >= 3 && at.features ? simplexView(at.features, labels, K, W?.W) : null,
  };
}

export function runNcMnist(rt: Runtime, input: NcMnistItem, progress?: (p: ItemProgress) => void, live = false): NcMnistResult {
  const s = parseSpec(NcMnistItemSchema, input, "spec");
  const { train: data, test } = mnistSubset(mnistDigits(), { digits: s.digits!, perClass: s.perClass!, testPerClass: s.testPerClass!, scale: "pixels", targets: "index", randomLabels: 0, seed: s.seed! });
  const K = s.digits!.length, w = s.width!;
  const model = compileModel({ kind: "mlp", inputs: 784, hidden: [w, w], outputs: K, bias: true, layerNorm: s.network === "layernorm" });
  const theta0 = initialize(model, { kind: "he", seed: s.seed! });
  const t0 = performance.now();
  const sgd = train(rt, model, data, theta0, {
    loss: "logistic", epochs: s.epochs!, batch: s.batch!, lr: s.lr!, momentum: s.momentum!, evalEvery: s.evalEvery!, seed: s.seed!, stopAtAccuracy: 1, collapse: true,
    ...(test.X.rows ? { test } : {}),
    onProgress: (p) => void progress?.({ text: `${s.network}: SGD epoch ${p.epoch}, log L ${p.logL.toFixed(2)}`, fraction: 0.1 * (p.epoch / p.epochs) }),
    ...(live && progress ? { onRecord: (r: TrainRecord, at: RecordContext) => progress({ text: `${s.network}: SGD epoch ${r.epoch}`, fraction: 0.1 * (r.epoch / s.epochs!), collapse: mnistFrame("sgd", r, at, data.labels, K, lastClassifier(model, at.theta)) }) } : {}),
  });
  const t1 = performance.now();
  const cont = continueTerminal(rt, model, data, sgd.theta, {
    loss: "logistic", momentum: s.continuationMomentum!, targetLogL: s.targetLogL!, recordEvery: s.recordEvery!, maxSteps: s.maxSteps!, budgetMs: s.budgetS! * 1000,
    logT0: sgd.logT, epoch: sgd.epochs, runningStats: sgd.runningStats, ...(test.X.rows ? { test } : {}),
    onProgress: (p) => void progress?.({ text: `${s.network}: continuation step ${p.steps}, log10 L ${(p.logL / Math.LN10).toFixed(1)}`, fraction: 0.1 + 0.9 * Math.min(1, p.logL / s.targetLogL!) }),
    ...(live && progress ? { onRecord: (r: TrainRecord, at: RecordContext) => progress({ text: `${s.network}: continuation step ${r.steps}`, fraction: 0.1 + 0.9 * Math.min(1, Math.max(0, r.logL / s.targetLogL!)), collapse: mnistFrame("continuation", r, at, data.labels, K, lastClassifier(model, at.theta)) }) } : {}),
  });
  const t2 = performance.now();
  return {
    kind: "nc-mnist", network: s.network, samples: data.X.rows, classes: K, parameters: model.size,
    sgd: { status: sgd.status, note: sgd.note, epochs: sgd.epochs, seconds: (t1 - t0) / 1000 },
    continuation: { status: cont.status, note: cont.note, steps: cont.steps, rejected: cont.rejected, seconds: (t2 - t1) / 1000 },
    records: [...sgd.history.map((r) => toRecord("sgd", r)), ...cont.history.slice(1).map((r) => toRecord("continuation", r))],
    schema: RESULT_SCHEMA_VERSION,
  };
}

export interface NcMnistRuns {
  runs: NcMnistResult[];
}

const COLORS: Record<string, string> = {
  nc1: "#1f77b4", nc1TraceRatio: "#aec7e8", nc1Seed002: "#17becf", cdnv: "#9467bd", equinormMeans: "#8c564b", equiangularityShifted: "#e377c2",
  etfError: "#d62728", "w.equinorm": "#bcbd22", "w.etfError": "#ff7f0e", "w.selfDuality": "#2ca02c", "w.selfDualityEtf": "#98df8a", "w.nc4Mismatch": "#7f7f7f",
};

/** first and last measured values of a metric over the records. */
function span(r: NcMnistResult, k: string): { first: number | null; last: number | null } {
  const vals = r.records.map((x) => x.metrics[k] ?? null).filter((v): v is number => v !== null);
  return { first: vals[0] ?? null, last: vals[vals.length - 1] ?? null };
}
// the metrics whose decrease is checked (NC4's mismatch can sit at 0 throughout; it is reported, not checked)
const CHECKED = NC_MNIST_METRICS.filter((k) => k !== "w.nc4Mismatch");
const e2 = (x: number | null) => (x === null ? "—" : x.toExponential(2));

export const ncMnist = defineExperiment({
  id: "nc-mnist",
  title: "Neural collapse on MNIST — SGD to 100% training accuracy, then the loss-adaptive rate to L < 1e-100",
  source: { paper: "seed 000 §6 (layer-normalized networks), seed 002 §4 (NC metrics against log t)", section: "neural collapse in the terminal phase" },
  category: "reproduction",
  spec: NcMnistSpecSchema,
  itemResult: NcMnistResultSchema,
  check: (s) => {
    const n = s.digits!.length * s.perClass!;
    if (s.batch! > n) throw new ArgumentError("batch", s.batch, `a minibatch of at most the ${n} training images (digits × perClass)`);
    if (new Set(s.digits).size !== s.digits!.length) throw new ArgumentError("digits", s.digits, "distinct digits");
  },
  items: (s) => s.networks!.map((network): NcMnistItem => {
    const { networks: _n, ...rest } = s;
    return { kind: "nc-mnist", network, ...rest };
  }),
  label: (item) => item.network,
  run: (item, { rt, progress, live }) => runNcMnist(rt, item, progress, live === true),
  assemble: (_spec, runs): NcMnistRuns => ({ runs }),
  figures: ({ runs }) => [
    ...runs.map((r) =>
      lineFigure({
        name: `nc-mnist-${r.network}`,
        title: `NC metrics of the ${r.network === "layernorm" ? "layer-normalized" : "plain"} MLP against log t: SGD, then the loss-adaptive continuation`,
        caption: `Penultimate features of ${r.samples} MNIST training images (${r.classes} classes); the dashed rule marks the end of SGD (100% training accuracy). Metric names as in docs/collapse.md ("w." = the classifier).`,
        x: { title: "log10 t (t = Σ nominal step sizes)" }, y: { title: "metric", scale: "log" },
        series: NC_MNIST_METRICS.filter((k) => k !== "w.nc4Mismatch").map((k): Series => ({
          label: k, color: COLORS[k]!,
          x: r.records.filter((p) => p.log10t !== null && (p.metrics[k] ?? 0) > 0).map((p) => p.log10t!),
          y: r.records.filter((p) => p.log10t !== null && (p.metrics[k] ?? 0) > 0).map((p) => p.metrics[k]!),
        })),
        rules: (() => {
          const last = r.records.filter((p) => p.phase === "sgd").pop();
          return last?.log10t != null ? [{ x: last.log10t, label: "end of SGD" }] : [];
        })(),
      }),
    ),
    lineFigure({
      name: "nc-mnist-loss",
      title: "Training loss (log10 L) against log t for both networks",
      caption: "log L is carried in log domain, so the continuation follows it below the double range (L < 1e-308).",
      x: { title: "log10 t" }, y: { title: "log10 L" },
      series: runs.map((r, i) => ({ label: r.network, color: i === 0 ? "#1f77b4" : "#d62728", x: r.records.filter((p) => p.log10t !== null).map((p) => p.log10t!), y: r.records.filter((p) => p.log10t !== null).map((p) => p.log10Loss) })),
    }),
  ],
  summary({ runs }) {
    const checks = runs.flatMap((r) => {
      const last = r.records[r.records.length - 1]!;
      const sgdLast = r.records.filter((p) => p.phase === "sgd").pop()!;
      const falls = CHECKED.map((k) => ({ k, ...span(r, k) })).filter((x) => x.first !== null && x.last !== null);
      const rising = falls.filter((x) => !(x.last! < x.first!));
      return [
        { claim: `${r.network}: SGD reaches 100% training accuracy`, closedForm: "accuracy 1", measured: `${sgdLast.accuracy} after ${r.sgd.epochs} epochs (${r.sgd.status})`, holds: sgdLast.accuracy === 1 },
        {
          claim: `${r.network}: every NC metric falls over training`, closedForm: "each metric's last value < its first",
          measured: rising.length === 0 ? `all ${falls.length} fall` : `${falls.length - rising.length} of ${falls.length} fall; not: ${rising.map((x) => `${x.k} ${e2(x.first)} → ${e2(x.last)}`).join(", ")}`,
          holds: rising.length === 0 && falls.length === CHECKED.length,
        },
        { claim: `${r.network}: the continuation reaches L < 1e-100`, closedForm: "log L < −230.3", measured: `log L = ${(last.log10Loss * Math.LN10).toFixed(1)} (log10 L = ${last.log10Loss.toFixed(1)}) after ${r.continuation.steps} steps: ${r.continuation.note}`, holds: last.log10Loss * Math.LN10 < -230.3 },
      ];
    });
    return {
      shows: "The neural-collapse metrics of two MLPs on MNIST digits, through SGD to 100% training accuracy and then, by the loss-adaptive rate, deep into the terminal phase (training loss 1e-100 and below, carried as log L).",
      claim: "In the terminal phase the penultimate features collapse to their class means, which (with the classifiers) approach a simplex ETF; with a layer-normalized last hidden layer the limit is a KKT point whose optimum is neural collapse (seed 000, Theorem 6.1); seed 002 shows the metrics falling like O(1/log t).",
      checks,
      numbers: runs.flatMap((r): [string, string][] => [
        [`${r.network}: network`, `${r.parameters} parameters, ${r.samples} samples, ${r.classes} classes`],
        [`${r.network}: SGD`, `${r.sgd.epochs} epochs, ${r.sgd.seconds.toFixed(1)} s`],
        [`${r.network}: continuation`, `${r.continuation.steps} steps (${r.continuation.rejected} rolled back), ${r.continuation.seconds.toFixed(1)} s, final log10 t ${r.records[r.records.length - 1]!.log10t?.toFixed(1)}`],
        ...CHECKED.map((k): [string, string] => { const x = span(r, k); return [`${r.network}: ${k}`, `${e2(x.first)} → ${e2(x.last)}`]; }),
      ]),
      notes:
        "Cross-entropy, no weight decay, He initialization, inputs in [0, 1]. SGD: momentum, Philox minibatches, until 100% training accuracy. " +
        "Continuation: full-batch steps θ ← θ − α∇log L (the step on ∇L is α/L), heavy-ball momentum 0.99, α ×1.2 after an accepted step, ½ and a rollback " +
        "after a step that raises the loss. The layer-normalized network's continuation is stiff: its classifier grows like |log L| and the features' " +
        "curvature with it, so the stable α shrinks as log L falls; with momentum 0.9 the steps needed grow like (log L)² (≈ 1e5 steps to L = 1e-100), " +
        "with 0.99 it takes a few thousand (docs/decisions.md). Metrics of the penultimate features (the normalized ones for the LN network) by docs/collapse.md.",
    };
  },
  tables: ({ runs }) => ({
    "nc-mnist": runs.flatMap((r) => r.records.map((p) => ({ network: r.network, phase: p.phase, epoch: p.epoch, steps: p.steps, log10t: p.log10t, log10_loss: p.log10Loss, accuracy: p.accuracy, test_accuracy: p.testAccuracy, qmin: p.qmin, ...p.metrics }))),
  }),
});
