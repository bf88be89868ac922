// Datasets as plain JSON specs: the seeded generators of datasets.ts, a table given inline, or a CSV file (which
// a host — the CLI, the web page — reads and turns into an inline table: core knows no files).
import { Int, Num, Positive, Strict, Type, type Static } from "../schema/schema.js";
import { ArgumentError } from "../errors.js";
import type { TrainingSet } from "../dynamics/problem.js";
import { ballSurfaces, gaussianClasses, gaussianPair } from "./datasets.js";
import { parseCsv } from "./csv.js";

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

export const DataSpecSchema = Type.Union([Gaussians, Balls, Classes, Inline, Csv], { description: "the training set, by kind" });
export type DataSpec = Static<typeof DataSpecSchema>;

/** The data kinds. */
export const DATA_KINDS = ["gaussians", "balls", "classes", "inline", "csv"] as const;

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
