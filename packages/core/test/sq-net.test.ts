// Seed 001's §7 network runs (sq-net.ts) and the experiments made of them (sq-dynamics, sq-runs, sq-rho-acc, sq-margins,
// sq-random-labels, sq-nc): a short run records ρ = ‖W_L‖_F from the initialization on, ρ_eq recomputed in plain TS from
// the trained network's outputs, histograms, NC measures; the grid and --full; share keys; bad input named before any
// work; a diverging run reported with its epoch and kept out of the figures.
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  Rng, Runtime, SQ_FULL, registerFileReader, SqNetResultSchema, checkValue, compileModel, getExperiment, parseExperimentSpec, registerMnist, runSqNet, sqDynamics, sqNc, sqNetModel,
} from "../src/index.js";
import { sqGridItems, sqShareKey } from "../src/experiments/sq-net.js";
import { correlation, meanStd } from "../src/experiments/sq-stats.js";

let rt: Runtime;
beforeAll(async () => {
  rt = await Runtime.create();
  registerMnist(() => (createRequire(import.meta.url)("mnist") as { raw: number[]; length: number }[]).map((d) => ({ count: d.length, raw: d.raw })));
});

const tiny = { perClass: 20, testPerClass: 10, epochs: 4, batch: 8, channels: [2, 4], records: 4 };

describe("runSqNet: one §7 run", () => {
  it("records ρ from the initialization on, the early evaluations, margins, histograms; bitwise the same twice", () => {
    const item = { init: 0.5, weightDecay: 0.01, ...tiny };
    const r = runSqNet(rt, item);
    expect(checkValue(SqNetResultSchema, r, "result")).toBeUndefined();
    expect(r.status).toBe("epochs");
    expect(r.epochs).toEqual([0, 1, 2, 3, 4]); // every epoch (records 4 over 4 epochs), 1, 2, 3 also early ones
    expect(r.rho[0]).toBeCloseTo(0.5, 12); // each layer's initial Frobenius norm, the last one's is ρ
    expect(r.rho[4]).not.toBe(r.rho[0]);
    expect(r.histograms.map((h) => h.epoch)).toEqual(r.epochs);
    for (const h of r.histograms) expect(h.counts.reduce((a, v) => a + v, 0)).toBe(40);
    expect(r.trainLoss.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    expect(r.nc1.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    expect(JSON.stringify(runSqNet(rt, item))).toBe(JSON.stringify(r));
  });

  it("ρ_eq = μ/(M + λ) is the ρ that zeroes the objective's ρ-derivative for the measured f/ρ (plain-TS check from the margins)", () => {
    const lam = 0.05;
    const r = runSqNet(rt, { init: 1, weightDecay: lam, ...tiny });
    // with one output: μ = mean y f/ρ = marginMean/ρ, and ρ_eq (μ − ρ_eq M) = λ ρ_eq
    const k = r.rho.length - 1, rho = r.rho[k]!;
    expect(r.mu[k]).toBeCloseTo(r.marginMean[k]! / rho, 12);
    expect(r.rhoEq[k]! * (r.mu[k]! - r.rhoEq[k]! * r.M[k]!) - lam * r.rhoEq[k]! ** 2).toBeCloseTo(0, 12);
    expect(r.M[k]).toBeGreaterThanOrEqual(r.mu[k]! ** 2 - 1e-12); // a mean square is at least the squared mean
  });

  it("C digits train C outputs: NC2 of means and classifier rows are measured", () => {
    const r = runSqNet(rt, { init: 1, weightDecay: 0.01, ...tiny, digits: [0, 1, 2] });
    expect(r.classes).toBe(3);
    expect(r.equiangularityClassifier.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(r.equinormMeans[0]).toBeGreaterThan(0);
    expect(sqNetModel([2, 4], 2, 3).outputs).toBe(3);
  });

  it("the weight-normalized variant (App. J.1): ρ = Π|ρ_k| starts at init^L; the scales stay balanced (all equal: the same update for every layer)", () => {
    const r = runSqNet(rt, { init: 2, weightDecay: 0.01, ...tiny, normalization: "weight" });
    expect(r.normalization).toBe("weight");
    expect(r.rho[0]).toBeCloseTo(8, 12); // three layers (two convs and the dense), each ρ_k = 2
    expect(r.scales).toHaveLength(3);
    expect(r.rho.at(-1)).toBeCloseTo(r.scales.reduce((p, v) => p * Math.abs(v), 1), 12);
    for (const v of r.scales) expect(v).toBeCloseTo(r.scales[0]!, 12);
    expect(r.rho.at(-1)).not.toBe(8);
    expect(sqNetModel([2, 4], 2, 2, "weight").groups.map((g) => g.name).filter((n) => n.endsWith(".scale"))).toHaveLength(3);
  });

  it("a diverging run ends with status diverged and its epoch; the experiment reports it and leaves it out of the figures", () => {
    const r = runSqNet(rt, { init: 100, weightDecay: 0, ...tiny, lr: 1e6 });
    expect(r.status).toBe("diverged");
    expect(r.note).toMatch(/epoch \d+, step \d+/);
    expect(r.rho.every(Number.isFinite)).toBe(true);
    const ok = runSqNet(rt, { init: 0.5, weightDecay: 0.01, ...tiny });
    const res = sqDynamics.assemble(parseExperimentSpec(sqDynamics, {}), [r, ok]);
    const check = sqDynamics.summary(res).checks.find((c) => c.claim === "no run diverged")!;
    expect(check.holds).toBe(false);
    expect(check.measured).toMatch(/init 100, λ 0: the (training )?loss exceeded 1e300/);
    const fig = sqDynamics.figures(res).find((f) => f.name === "sq-dynamics-rho")!;
    expect(JSON.stringify(fig)).not.toMatch(/init 100/);
  });
});

describe("the grid, --full and share keys", () => {
  it("items: inits × weight decays × random-label fractions × runs; --full is the paper's grid", () => {
    const items = sqGridItems({ inits: [0.01, 5], weightDecays: [0, 0.01], runs: 2 });
    expect(items.map((i) => [i.init, i.weightDecay, i.run])).toEqual([[0.01, 0, 0], [0.01, 0, 1], [0.01, 0.01, 0], [0.01, 0.01, 1], [5, 0, 0], [5, 0, 1], [5, 0.01, 0], [5, 0.01, 1]]);
    const full = sqGridItems(parseExperimentSpec(getExperiment("sq-runs"), { full: true }) as never);
    expect(full).toHaveLength(SQ_FULL.inits.length * SQ_FULL.weightDecays.length * SQ_FULL.runs);
    expect(full[0]).toMatchObject({ epochs: 1000, channels: [32, 64, 128], stride: 1, perClass: 650 });
  });

  it("an item's share key is the same with defaults written or left out, and differs for another run", () => {
    expect(sqShareKey({ init: 1, weightDecay: 0 })).toBe(sqShareKey({ init: 1, weightDecay: 0, run: 0, epochs: 1000, channels: [8, 16, 32], normalization: "batch" }));
    expect(sqShareKey({ init: 1, weightDecay: 0 })).not.toBe(sqShareKey({ init: 1, weightDecay: 0, run: 1 }));
    // the experiments that share runs give the same item for the same setting
    const a = sqGridItems(parseExperimentSpec(getExperiment("sq-dynamics"), {}) as never), b = sqGridItems(parseExperimentSpec(getExperiment("sq-runs"), {}) as never);
    expect(a.every((x) => b.some((y) => sqShareKey(y) === sqShareKey(x)))).toBe(true);
  });

  it("statistics: mean ± std and Pearson's r against hand values", () => {
    expect(meanStd([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(1.25) });
    expect(correlation([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 14);
    expect(correlation([1, 2, 3], [1, 3, 2])).toBeCloseTo(0.5, 14);
  });
});

describe("bad input: named before any work", () => {
  it.each([
    [{ inits: [0] }, /inits\/0|inits\[0\]/],
    [{ inits: [-1] }, /inits/],
    [{ weightDecays: [-0.01] }, /weightDecays/],
    [{ channels: [4, 4, 4, 4], stride: 2 }, /spec\.channels: .*no 3×3 window left/],
    [{ digits: [3, 3] }, /digits/],
    [{ digits: [3, 12] }, /digits/],
    [{ perClass: 20, batch: 128 }, /spec\.batch: expected a minibatch of at most the 40 training images/],
    [{ perClass: 800, testPerClass: 200 }, /spec\.perClass: expected perClass \+ testPerClass ≤ \d+, the images of digit/],
  ])("sq-dynamics %j", (spec, re) => {
    expect(() => parseExperimentSpec(sqDynamics, spec)).toThrow(re);
  });
  it("random-label fractions outside [0, 1] and two-digit NC are refused", () => {
    expect(() => parseExperimentSpec(getExperiment("sq-random-labels"), { fractions: [0, 1.5] })).toThrow(/fractions/);
    expect(() => parseExperimentSpec(sqNc, { digits: [3, 5] })).toThrow(/digits/);
    expect(() => runSqNet(rt, { init: 1, weightDecay: 0, randomLabels: -0.1 })).toThrow(/randomLabels/);
  });
  it("the network spec itself: compileModel refuses a stack that shrinks to nothing, naming the layer", () => {
    expect(() => compileModel({ kind: "net", inputs: 784, shape: [28, 28, 1], outputs: 1, layers: [{ type: "conv", channels: 2, kernel: 30 }, { type: "dense", units: 1 }] })).toThrow(/model\.layers\[0\]/);
  });
});

describe("images from a CSV file (for users who have CIFAR-10)", () => {
  // 8×8×3 images of two classes: class c is brighter in channel c; a label column last
  const dir = mkdtempSync(join(tmpdir(), "mf-sqcsv-"));
  const write = (name: string, rows: string[]) => (writeFileSync(join(dir, name), rows.join("\n")), join(dir, name));
  const header = [...Array.from({ length: 192 }, (_, p) => `p${p}`), "label"].join(",");
  const rng = Rng.fromSeed(5);
  const rows = Array.from({ length: 40 }, (_, i) => [...Array.from({ length: 192 }, (_, p) => (rng.uniform() + (p % 3 === i % 2 ? 1 : 0)).toFixed(4)), String(i % 2)].join(","));
  const good = write("good.csv", [header, ...rows]);
  const csv = { path: good, shape: [8, 8, 3] };
  const small = { perClass: 10, testPerClass: 10, epochs: 5, batch: 8, channels: [2, 3], stride: 1, records: 5, digits: [0, 1] };
  beforeAll(() => registerFileReader((p) => readFileSync(p, "utf8")));

  it("trains the §7 network on them (the first class +1) and learns the brighter channel", () => {
    const r = runSqNet(rt, { init: 1, weightDecay: 0.01, ...small, epochs: 40, lr: 0.05, csv });
    expect(r.status).toBe("epochs");
    expect(r.trainError.at(-1)).toBeLessThan(r.trainError[0]! + 1e-12);
    expect(r.testError.at(-1)).toBeLessThanOrEqual(0.25);
    expect(parseExperimentSpec(sqDynamics, { ...small, csv })).toMatchObject({ csv: { label: "label" } });
  });

  it("bad files are named before any work: wrong pixel count, a class not in the data, too few images, a non-integer label, no file", () => {
    expect(() => parseExperimentSpec(sqDynamics, { ...small, csv: { path: good, shape: [8, 8, 1] } })).toThrow(/spec\.csv\.shape: expected H·W·C = 64 pixel columns/);
    expect(() => parseExperimentSpec(sqDynamics, { ...small, digits: [0, 3], csv })).toThrow(/spec\.digits: expected classes present in the data \(0, 1\)/);
    expect(() => parseExperimentSpec(sqDynamics, { ...small, perClass: 11, csv })).toThrow(/spec\.perClass: expected perClass \+ testPerClass ≤ 20, the images of class 0/);
    const half = write("half.csv", [header, ...rows.slice(0, 3), rows[3]!.replace(/,1$/, ",0.5")]);
    expect(() => parseExperimentSpec(sqDynamics, { ...small, csv: { path: half, shape: [8, 8, 3] } })).toThrow(/row 4 \(label\): expected an integer class label/);
    expect(() => parseExperimentSpec(sqDynamics, { ...small, csv: { path: join(dir, "none.csv"), shape: [8, 8, 3] } })).toThrow(/spec\.csv\.path: expected a readable file/);
  });
});
