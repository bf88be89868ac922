// Seed 001's Theorem 3 (sq-nc-multiclass): the closed forms in the optimizer's convention at an exact critical
// point (a linear last layer on fixed one-hot features, trained to convergence by the kernels), the contradiction
// without a bias, a short MNIST run of both networks, a diverging run, bad input.
import { createRequire } from "node:module";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ArgumentError, Runtime, compileModel, initialize, lastClassifier, nonFinitePath, parseExperimentSpec, registerMnist, runSqNcMulticlass, sqNcMulticlass, theorem3Geometry, train,
  type Matrix,
} from "../src/index.js";

let rt: Runtime;
beforeAll(async () => {
  rt = await Runtime.create();
  registerMnist(() => (createRequire(import.meta.url)("mnist") as { raw: number[]; length: number }[]).map((d) => ({ count: d.length, raw: d.raw })));
});

/** C classes of N one-hot features each (h = e_c), interleaved by class. */
function oneHot(C: number, N: number): { X: Matrix; labels: Float64Array } {
  const n = C * N, X = new Float64Array(n * C), labels = new Float64Array(n);
  for (let i = 0; i < n; i++) (labels[i] = i % C), (X[i * C + (i % C)] = 1);
  return { X: { rows: n, cols: C, data: X }, labels };
}

/** The last layer f = W h (+ b) on one-hot features at its critical point (full-batch GD, weight decay on W only). */
function criticalPoint(C: number, N: number, lambda: number, bias: boolean) {
  const data = oneHot(C, N);
  const model = compileModel({ kind: "linear", inputs: C, outputs: C, bias });
  const r = train(rt, model, data, initialize(model, { kind: "normal", scale: 0.3, seed: 1 }), { loss: "square", epochs: 600, batch: C * N, lr: 1, weightDecay: { "*.weight": lambda } });
  const cls = lastClassifier(model, r.theta)!;
  const F = new Float64Array(C * N * C); // f = W h + b with h = e_y: row y of Wᵀ plus b
  for (let i = 0; i < C * N; i++) for (let c = 0; c < C; c++) F[i * C + c] = cls.W.data[c * C + data.labels[i]!]! + (cls.b?.[c] ?? 0);
  return theorem3Geometry(data.X, { rows: C * N, cols: C, data: F }, data.labels, cls.W, cls.b, lambda);
}

describe("Theorem 3's closed forms", () => {
  it("at a critical point with a bias, every relation holds in the optimizer's convention (λ = NC·λ̂): ‖W^c‖² = (ε/(Cλ̂))(1 − Cε/(C−1)), W^c = ε/((C−1)λ̂)(μ_c − μ_G)", () => {
    const C = 4, lambda = 0.1;
    const g = criticalPoint(C, 3, lambda, true);
    expect(g.stationarity!).toBeLessThan(1e-10);
    // the solution W^c = k(e_c − 1/C), b = 1/C with k = 1/(1 + Cλ̂): ε = (1 − 1/C)(1 − k)
    const k = 1 / (1 + C * lambda);
    expect(g.eps).toBeCloseTo((1 - 1 / C) * (1 - k), 12);
    expect(g.offMean).toBeCloseTo(g.eps / (C - 1), 12);
    expect(g.epsSpread).toBeLessThan(1e-12);
    expect(g.norm2Error!).toBeLessThan(1e-10);
    expect(g.formError!).toBeLessThan(1e-10);
    expect(g.cosDeviation!).toBeLessThan(1e-10);
    expect(g.sumRatio!).toBeLessThan(1e-10);
    for (const [c, v] of g.dotGlobalMean.entries()) {
      expect(v).toBeCloseTo(0, 10); // ⟨W^c, μ_G⟩ = 0: the 1/C of eq. 35 is carried by the bias
      expect(v + g.bias[c]!).toBeCloseTo(1 / C, 10);
    }
    // the paper's own convention: λ = NC·λ̂ and ‖W^c‖² = (Nε/λ)(1 − Cε/(C−1))
    const N = 3, lamPaper = N * C * lambda;
    expect(g.norms2[0]!).toBeCloseTo(((N * g.eps) / lamPaper) * (1 - (C * g.eps) / (C - 1)), 12);
  });

  it("without a bias the critical point contradicts Σ_c W^c = 0: orthogonal classifiers, ‖Σ_c W^c‖ = √C·‖W^c‖, Σ_c ⟨W^c, μ_G⟩ = 1 − ε", () => {
    const C = 4, g = criticalPoint(C, 3, 0.1, false);
    expect(g.stationarity!).toBeLessThan(1e-10);
    expect(g.cosMean!).toBeCloseTo(0, 10);
    expect(g.cosDeviation!).toBeCloseTo(1 / (C - 1), 10);
    expect(g.sumRatio!).toBeCloseTo(Math.sqrt(C), 10);
    expect(g.offMean).toBeCloseTo(0, 10);
    expect(g.dotGlobalMean.reduce((a, v) => a + v, 0)).toBeCloseTo(1 - g.eps, 10);
  });

  it("bad input: an unbalanced set, λ ≤ 0, mismatched shapes are refused, naming the argument", () => {
    const { X, labels } = oneHot(3, 2);
    const F = { rows: 6, cols: 3, data: new Float64Array(18) }, W = { rows: 3, cols: 3, data: new Float64Array(9).fill(1) };
    expect(() => theorem3Geometry(X, F, labels, W, undefined, 0)).toThrow(ArgumentError);
    expect(() => theorem3Geometry(X, F, labels, W, undefined, -1)).toThrow(/^lambda:/);
    expect(() => theorem3Geometry(X, F, Float64Array.from([0, 1, 2, 0, 1, 1]), W, undefined, 0.1)).toThrow(/^labels: expected a balanced training set/);
    expect(() => theorem3Geometry(X, F, labels, { rows: 2, cols: 3, data: new Float64Array(6) }, undefined, 0.1)).toThrow(/^W:/);
  });
});

describe("sq-nc-multiclass, short runs on three digits", () => {
  const small = { digits: [0, 1, 2], perClass: 10, width: 32, batch: 10, epochs: 400, weightDecay: 0.02, lr: 0.05, evalEvery: 100 };
  it("with a bias the classifiers approach the simplex (cos → −1/(C−1), Σ_c W^c → 0); without one they do not", () => {
    const b = runSqNcMulticlass(rt, { classifier: "bias", ...small }), nb = runSqNcMulticlass(rt, { classifier: "no-bias", ...small });
    for (const r of [b, nb]) {
      expect(r.status).toBe("epochs");
      expect(r.records.map((p) => p.epoch)).toEqual([0, 100, 200, 300, 400]);
      expect(r.final.accuracy).toBe(1);
      expect(nonFinitePath(r)).toBeNull();
    }
    expect(b.final.cosDeviation!).toBeLessThan(0.02);
    expect(b.final.sumRatio!).toBeLessThan(0.02);
    for (const [c, v] of b.final.dotGlobalMean.entries()) expect(Math.abs(v + b.final.bias[c]! - 1 / 3)).toBeLessThan(3e-3);
    expect(Math.abs(b.final.offMean / (b.final.eps / 2) - 1)).toBeLessThan(0.01);
    expect(nb.final.sumRatio!).toBeGreaterThan(1.2); // √3 at the critical point
    expect(Math.abs(nb.final.cosMean!)).toBeLessThan(0.1);
    const checks = sqNcMulticlass.summary({ runs: [b, nb] }).checks;
    expect(checks.find((c) => c.claim.startsWith("bias: Σ_c"))!.holds).toBe(true);
    expect(checks.find((c) => c.claim.startsWith("no-bias: Σ_c"))!.holds).toBe(false);
  });

  it("a diverging rate ends with a status and the epoch, and the report says so (no NaN)", () => {
    const r = runSqNcMulticlass(rt, { classifier: "bias", ...small, epochs: 100, lr: 1000 });
    expect(r.status).toBe("diverged");
    expect(r.note).toMatch(/at epoch \d+, step \d+/);
    expect(nonFinitePath(r)).toBeNull();
    const checks = sqNcMulticlass.summary({ runs: [r] }).checks;
    expect(checks.every((c) => c.holds === false)).toBe(true);
    expect(checks[0]!.measured).toMatch(/the run stopped \(diverged\)/);
  });

  it("bad input: weight decay ≤ 0, a digit not in the data, repeated digits, a batch larger than the set are refused, naming the field", () => {
    expect(() => parseExperimentSpec(sqNcMulticlass, { weightDecay: -0.01 })).toThrow(/weightDecay/);
    expect(() => parseExperimentSpec(sqNcMulticlass, { weightDecay: 0 })).toThrow(/weightDecay/);
    expect(() => parseExperimentSpec(sqNcMulticlass, { digits: [0, 12] })).toThrow(/digits\/1|digits\[1\]/);
    expect(() => parseExperimentSpec(sqNcMulticlass, { digits: [3, 3] })).toThrow(/^digits: expected distinct digits/);
    expect(() => parseExperimentSpec(sqNcMulticlass, { digits: [0, 1], perClass: 10, batch: 50 })).toThrow(/^batch:/);
    expect(() => parseExperimentSpec(sqNcMulticlass, { classifiers: ["affine"] })).toThrow(/classifiers/);
  });
});
