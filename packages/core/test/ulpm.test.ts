// Seed 002's ULPM in the zoo and Example 3.1 (ulpm-saddle): the closed forms of the paper (with the spec's erratum
// for the gradient coefficient) against the kernels' loss, gradient and Hessian.
import { beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_31, ModelEvaluator, Runtime, runUlpmSaddle, summedLoss, ulpm, ulpmParts, ulpmTheta } from "../src/index.js";

let rt: Runtime;
beforeAll(async () => {
  rt = await Runtime.create();
});

describe("the ULPM as a deep linear network on one-hot inputs", () => {
  it("f_i = W h_i, the summed loss is N × the mean, θ packs and unpacks", () => {
    const u = ulpm(3, 2, 4);
    const W = Float64Array.from({ length: 12 }, (_, i) => Math.sin(i + 1));
    const H = Float64Array.from({ length: 24 }, (_, i) => Math.cos(3 * i));
    const th = ulpmTheta(u, W, H);
    const back = ulpmParts(u, th);
    expect(Array.from(back.W)).toEqual(Array.from(W));
    expect(Array.from(back.H)).toEqual(Array.from(H));
    const ev = new ModelEvaluator(rt, u.model);
    const f = ev.forward(th, u.data.X);
    let sum = 0;
    for (let i = 0; i < u.N; i++) {
      const z = Array.from({ length: 3 }, (_, k) => Array.from({ length: 4 }, (_, j) => W[k * 4 + j]! * H[j * u.N + i]!).reduce((a, b) => a + b, 0));
      z.forEach((v, k) => expect(f.data[i * 3 + k]).toBeCloseTo(v, 13));
      const y = u.data.labels[i]!;
      sum += Math.log(z.reduce((a, v) => a + Math.exp(v), 0)) - z[y]!;
    }
    expect(summedLoss(u, ev.loss("logistic", f, u.data.labels).logL)).toBeCloseTo(sum, 12);
    expect(() => ulpm(1, 2, 3)).toThrow(/ulpm\.K/);
  });
});

describe("Example 3.1 (closed forms to 1e-7)", () => {
  it("loss at B and at collapse, the gradient coefficient, f''(0), q/ρ², the saddle's spectrum", () => {
    const r = runUlpmSaddle(rt, { perturbations: [1], log10T: 6 });
    expect(Math.abs(r.atB.loss - 1.0154241)).toBeLessThan(1e-7);
    expect(Math.abs(r.atB.loss - EXAMPLE_31.lossAtB)).toBeLessThan(1e-12);
    expect(Math.abs(r.atCollapse.loss - 0.7573554)).toBeLessThan(1e-7);
    expect(Math.abs(r.atB.gradientCoefficient - -0.238406)).toBeLessThan(1e-6);
    expect(Math.abs(r.atB.gradientCoefficient - EXAMPLE_31.gradientCoefficient)).toBeLessThan(1e-12);
    expect(Math.abs(r.secondDerivative - 16 * (Math.exp(-2) - 1))).toBeLessThan(1e-7);
    expect(r.atB.qOverRho2).toBeCloseTo(1 / 8, 12);
    expect(r.atCollapse.qOverRho2).toBeCloseTo(1 / 6, 12);
    expect(r.atB.tangentEigenvalues[0]!).toBeLessThan(-0.1); // strict saddle
    expect(r.atCollapse.tangentEigenvalues[0]!).toBeGreaterThan(-1e-8);
    const fromB = r.escapes[0]!;
    expect(Math.max(...fromB.distance)).toBeLessThan(1e-12);
  });
});

describe("ulpm (seed 002's experiment (a)), a short run", () => {
  it("GD then the flow: metrics fall, the smoothed margin never decreases, the flow conserves WᵀW − HHᵀ and Σ w_k", async () => {
    const { runUlpm, ulpmExperiment } = await import("../src/index.js");
    const r = runUlpm(rt, { scale: 0.1, numClasses: 3, perClass: 4, dim: 6, epochs: 2000, log10T: 40 });
    expect(r.gammaStar).toBeCloseTo(1 / (2 * 2 * 2), 15);
    const s = ulpmExperiment.summary({ runs: [r] });
    for (const c of s.checks) expect(c.holds, `${c.claim}: ${c.measured}`).toBe(true);
  });
});

describe("ulpm bad input", () => {
  it("d < K is refused before any work, naming the theorem", async () => {
    const { ulpmExperiment, parseExperimentSpec } = await import("../src/index.js");
    expect(() => parseExperimentSpec(ulpmExperiment, { numClasses: 5, dim: 3 })).toThrow(/^dim: .*d ≥ K = 5 \(Theorem 3.4/);
    expect(() => parseExperimentSpec(ulpmExperiment, { numClasses: 1 })).toThrow(/numClasses/);
  });
});
