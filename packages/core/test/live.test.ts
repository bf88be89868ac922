// What the web demo's live view rests on: the Playground's 2-D datasets and features (seeded, bitwise
// reproducible), progress reports that carry θ without changing the trajectory, and the probe of one θ.
import { describe, expect, it } from "vitest";
import {
  ModelEvaluator, compileModel, getExperiment, parseExperimentSpec, planeDataset, planeFeatures, runOne, runProbe, runtime, trainTestSplit,
  type ItemProgress, type RunSpec,
} from "../src/index.js";

describe("the Playground's datasets in the plane", () => {
  it("circle, XOR and spiral: labels ±1 in halves, the geometry each names, the same set for the same seed", () => {
    const c = planeDataset({ shape: "circle", n: 200, noise: 0, seed: 3 });
    for (let i = 0; i < 200; i++) {
      const r = Math.hypot(c.X.data[2 * i]!, c.X.data[2 * i + 1]!);
      if (c.labels[i] === 1) expect(r).toBeLessThanOrEqual(0.5);
      else expect(r >= 0.9 - 1e-12 && r <= 1.4 + 1e-12).toBe(true);
    }
    const x = planeDataset({ shape: "xor", n: 100, noise: 0, seed: 1 });
    for (let i = 0; i < 100; i++) expect(Math.sign(x.X.data[2 * i]! * x.X.data[2 * i + 1]!)).toBe(x.labels[i]);
    expect(x.labels.filter((y) => y === 1).length).toBe(50);
    const s1 = planeDataset({ shape: "spiral", n: 50, noise: 0.1, seed: 7 }), s2 = planeDataset({ shape: "spiral", n: 50, noise: 0.1, seed: 7 });
    expect(Array.from(s1.X.data)).toEqual(Array.from(s2.X.data));
    expect(Array.from(planeDataset({ shape: "spiral", n: 50, noise: 0.1, seed: 8 }).X.data)).not.toEqual(Array.from(s1.X.data));
    expect(() => planeDataset({ shape: "moons" as "xor", n: 10, noise: 0, seed: 0 })).toThrow(/^shape: expected one of circle, xor, spiral, got "moons"$/);
  });

  it("a seeded train/test split is a permutation of the samples, with both parts non-empty", () => {
    const d = planeDataset({ shape: "circle", n: 11, noise: 0.05, seed: 0 });
    const { train, test } = trainTestSplit(d, 0.5, 4);
    expect(train.X.rows + test.X.rows).toBe(11);
    expect(train.X.rows).toBe(6);
    const key = (X: Float64Array, i: number) => `${X[2 * i]},${X[2 * i + 1]}`;
    const all = new Set(Array.from({ length: 11 }, (_, i) => key(d.X.data, i)));
    const got = [...Array.from({ length: train.X.rows }, (_, i) => key(train.X.data, i)), ...Array.from({ length: test.X.rows }, (_, i) => key(test.X.data, i))];
    expect(new Set(got)).toEqual(all);
    expect(trainTestSplit(d, 0.01, 0).train.X.rows).toBe(1);
    expect(() => trainTestSplit(d, 1, 0)).toThrow(/trainFraction: expected a fraction in \(0, 1\), got 1/);
  });

  it("features: x1, x2, x1², x2², x1x2, sin x1, sin x2 of each point, in the order asked", () => {
    const f = planeFeatures([2, 3, -1, 0.5], ["x1", "x2", "x1^2", "x2^2", "x1x2", "sin(x1)", "sin(x2)"]);
    expect(Array.from(f)).toEqual([2, 3, 4, 9, 6, Math.sin(2), Math.sin(3), -1, 0.5, 1, 0.25, -0.5, Math.sin(-1), Math.sin(0.5)]);
    expect(Array.from(planeFeatures([2, 3], ["x1x2", "x1"]))).toEqual([6, 2]);
    expect(() => planeFeatures([1, 2], ["x3" as "x1"])).toThrow(/^features\[0\]: expected one of x1, x2/);
  });
});

describe("live views of a run", () => {
  const spec = (dynamics: object): RunSpec => parseExperimentSpec(getExperiment("run"), {
    model: { kind: "mlp", inputs: 2, hidden: [4], bias: true }, data: { kind: "gaussians", n: 40, sigma: 0.4 }, init: { kind: "he" }, dynamics,
  }) as RunSpec;

  it.each([["flow", { kind: "flow", log10T: 20 }], ["descent", { kind: "descent", lr: 0.5, steps: 3000, adaptive: "loss" }]])(
    "%s: progress reports carry θ and leave the trajectory bitwise unchanged", async (_k, dyn) => {
      const rt = await runtime();
      const s = spec(dyn);
      const quiet = runOne(rt, s);
      const seen: ItemProgress[] = [];
      const loud = runOne(rt, s, (p) => seen.push(p), 1e-3);
      expect(JSON.stringify(loud)).toBe(JSON.stringify(quiet));
      expect(seen.length).toBeGreaterThan(0);
      for (const p of seen) expect(p.state!.theta).toHaveLength(quiet.theta.length);
    });

  it("probe: the outputs at the points are the model's forward pass; the training accuracy is 1 once separated", async () => {
    const rt = await runtime();
    const s = spec({ kind: "flow", log10T: 10 });
    const r = runOne(rt, s);
    const points = [0, 0, 1, 1, -1, 0.5];
    const p = runProbe(rt, { run: s, theta: r.theta, points: { rows: 3, data: points }, test: { kind: "inline", X: [[1, 1], [-1, -1]], labels: [1, -1] } });
    const model = compileModel(s.model);
    const f = new ModelEvaluator(rt, model).forward(Float64Array.from(r.theta), { rows: 3, cols: 2, data: Float64Array.from(points) });
    expect(p.outputs).toEqual(Array.from(f.data));
    expect(p.train.accuracy).toBe(1);
    expect(p.test!.accuracy).toBe(1);
    expect(p.train.log10Loss).toBe(r.log10Loss);
    expect(() => runProbe(rt, { run: s, theta: [1], points: { rows: 0, data: [] }, test: null })).toThrow(/^theta: expected \d+ \(the model's parameters\), got "1 values"$/);
  });

  it("probe: at a run's last θ it measures what the run's last checkpoint measured (Λ, certificates, distances, Lemma 4.1, KKT of (P), Conjecture 5.1's level)", async () => {
    const rt = await runtime();
    const s = parseExperimentSpec(getExperiment("run"), {
      model: { kind: "diagonal", depths: [1, 3] }, data: { kind: "balls", mu: [0.8660254037844386, 0.5], r: 0.6, n: 40 }, init: { kind: "constant", value: 1 },
      dynamics: { kind: "flow", log10T: 30 },
    }) as RunSpec;
    const r = runOne(rt, s);
    const last = r.checkpoints.at(-1)!;
    const p = runProbe(rt, { run: s, theta: r.theta, points: { rows: 0, data: [] }, test: null });
    const o = p.observed!;
    expect(o.lambda).toEqual(r.lambda);
    expect(o.certificates).toEqual(r.certificates);
    expect(o.distanceSvm).toBe(last.distanceSvm);
    expect(o.distanceAsymmetric).toBe(last.distanceAsymmetric);
    expect(o.lemma41a).toBe(last.lemma41a);
    expect(o.lemma41b).toBe(last.lemma41b);
    expect(o.kktStationarity).toBe(last.kktStationarity);
    expect(o.kktLevel).toBe(0);
    expect(o.direction!.length).toBe(2);
    // the robustness on the exact balls is Fig. 4's: β̂·µ̂ − r (µ = (cos 30°, sin 30°) is a unit vector)
    expect(o.robustness).toBeCloseTo(o.direction![0]! * 0.8660254037844386 + o.direction![1]! * 0.5 - 0.6, 14);
    expect(o.cascade!.rate).toBe(r.certificates.asymmetric!.rate);
    expect(runProbe(rt, { run: s, theta: null, points: { rows: 0, data: [] }, test: null, observe: false }).observed).toBeNull();
  });
});
