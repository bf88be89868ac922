// MNIST subsets as training sets: chosen digits, a number per class for training and for testing (disjoint,
// drawn by a seeded permutation of each class), inputs scaled as the seeds do (seed 001: ‖x‖ ≤ 1), and optionally
// a seeded fraction of random training labels (Zhang et al. 2017: each label, with that probability, is replaced by one drawn
// uniformly from all C classes — possibly its own — so a fraction 1 is labels independent of the images). Labels are the index of the digit in `digits`
// (0…C−1, for a model with C outputs) or ±1 for two digits and one output.
import { ArgumentError, checkInt } from "../errors.js";
import { Rng } from "../runtime/rng.js";
import type { TrainingSet } from "../dynamics/problem.js";
import type { MnistDigits } from "./digits.js";
import { hypotOf } from "../runtime/detmath.js";

export const MNIST_PIXELS = 784;

export interface MnistOptions {
  /** the digits, in label order (2…10 distinct digits 0–9) */
  digits: number[];
  /** training samples per digit */
  perClass: number;
  /** test samples per digit (disjoint from the training ones); 0: none */
  testPerClass: number;
  /** "pixels": values in [0, 1]; "ball": all inputs divided by the largest norm (‖x‖ ≤ 1, seed 001); "sphere": ‖x‖ = 1 */
  scale: "pixels" | "ball" | "sphere";
  /** "index": 0…C−1; "pm1": ±1 (two digits: the first is +1) */
  targets: "index" | "pm1";
  /** fraction of training labels replaced by a label drawn uniformly from all C classes (Zhang et al. 2017; 1: random labels) */
  randomLabels: number;
  seed: number;
}

/** The training and test sets of an MNIST subset (or of any images by class with `pixels` values each: imageClassesFromCsv). */
export function mnistSubset(source: MnistDigits, o: MnistOptions, path = "data", pixels = MNIST_PIXELS): { train: TrainingSet; test: TrainingSet } {
  const C = o.digits.length;
  if (C < 2 || new Set(o.digits).size !== C || o.digits.some((d) => !Number.isInteger(d) || d < 0 || d >= source.length || !(source[d]!.count > 0))) {
    throw new ArgumentError(`${path}.digits`, o.digits, `2 or more distinct classes present in the data (${source.map((c, d) => (c.count > 0 ? d : null)).filter((d) => d !== null).join(", ")})`);
  }
  if (o.targets === "pm1" && C !== 2) throw new ArgumentError(`${path}.targets`, o.targets, `"index" for ${C} digits (±1 targets need exactly two)`);
  checkInt(`${path}.perClass`, o.perClass, 1);
  checkInt(`${path}.testPerClass`, o.testPerClass, 0);
  for (const d of o.digits) {
    const have = source[d]!.count;
    if (o.perClass + o.testPerClass > have) throw new ArgumentError(`${path}.perClass`, o.perClass, `perClass + testPerClass ≤ ${have} (the images of digit ${d})`);
  }
  if (!(o.randomLabels >= 0 && o.randomLabels <= 1)) throw new ArgumentError(`${path}.randomLabels`, o.randomLabels, "a fraction in [0, 1]");
  const root = Rng.fromSeed(o.seed);
  const pick = o.digits.map((d, c) => {
    const idx = Array.from({ length: source[d]!.count }, (_, i) => i);
    const r = root.split(c);
    for (let i = idx.length - 1; i > 0; i--) { // Fisher–Yates from the digit's own stream
      const j = Math.floor(r.uniform() * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    return idx;
  });
  const build = (from: number, count: number, noise: boolean): TrainingSet => {
    const n = C * count;
    const X = new Float64Array(n * pixels);
    const labels = new Float64Array(n);
    const flip = root.split(100 + (noise ? 1 : 0));
    let row = 0;
    for (let k = 0; k < count; k++) {
      for (let c = 0; c < C; c++) { // interleaved by class: any prefix is balanced
        const img = pick[c]![from + k]!, raw = source[o.digits[c]!]!.raw;
        for (let p = 0; p < pixels; p++) X[row * pixels + p] = raw[img * pixels + p]!;
        let label = c;
        if (noise && o.randomLabels > 0 && flip.uniform() < o.randomLabels) label = Math.floor(flip.uniform() * C);
        labels[row] = o.targets === "pm1" ? (label === 0 ? 1 : -1) : label;
        row++;
      }
    }
    return { X: { rows: n, cols: pixels, data: X }, labels };
  };
  const train = build(0, o.perClass, true), test = build(o.perClass, o.testPerClass, false);
  if (o.scale !== "pixels") {
    const norm = (X: Float64Array, i: number) => hypotOf(X.subarray(i * pixels, (i + 1) * pixels));
    let big = 0;
    if (o.scale === "ball") for (let i = 0; i < train.X.rows; i++) big = Math.max(big, norm(train.X.data, i));
    for (const set of [train, test]) {
      for (let i = 0; i < set.X.rows; i++) {
        const s = o.scale === "ball" ? big : norm(set.X.data, i) || 1;
        for (let p = 0; p < pixels; p++) set.X.data[i * pixels + p]! /= s;
      }
    }
  }
  return { train, test };
}
