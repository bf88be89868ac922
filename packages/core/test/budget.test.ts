// A flow never hangs and never stops silently: a property test over random small ReLU networks (widths, depths,
// biases, residual, losses, separable or not) with a short wall-clock budget — every run returns within its budget
// (plus a slack for the last step and the checkpoints), finite, and every stop other than the horizon has a note;
// the loss plateau of unseparated data ends in status "plateau" with a note that quotes it; progress reports arrive,
// and a progress callback that returns true interrupts the flow.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  Runtime, ballSurfaces, compileModel, gaussianPair, gradientFlow, Rng, type FlowProgress, type ModelSpec,
} from "../src/index.js";

let rt: Runtime;
beforeAll(async () => {
  rt = await Runtime.create();
});

/** Slack over budgetMs: the step in flight, the checkpoints' log L and the end point's monitors. */
const SLACK_MS = 1500;

describe("no flow runs past its budget, and every stop but the horizon says why", () => {
  it("random small ReLU networks, losses and data, budget 1.5 s", () => {
    fc.assert(
      fc.property(
        fc.record({
          widths: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 3 }),
          bias: fc.boolean(),
          residual: fc.boolean(),
          loss: fc.constantFrom("exp" as const, "logistic" as const),
          sigma: fc.constantFrom(0.2, 0.6, 1.5),
          n: fc.integer({ min: 4, max: 80 }),
          seed: fc.integer({ min: 0, max: 1000 }),
          scale: fc.constantFrom(0.1, 1, 3),
          log10T: fc.constantFrom(3, 100, 1000),
        }),
        (c) => {
          const spec: ModelSpec = { kind: "mlp", inputs: 2, hidden: c.widths, outputs: 1, bias: c.bias, residual: c.residual };
          const model = compileModel(spec);
          const data = gaussianPair({ mu: [1, 0], sigma: c.sigma, n: c.n, seed: c.seed });
          const theta0 = Rng.fromSeed(c.seed + 1).fillNormal(new Float64Array(model.size), 0, c.scale);
          const budgetMs = 1500;
          const t0 = performance.now();
          const r = gradientFlow(rt, model, data, c.loss, theta0, { rtol: 1e-8, atol: 1e-10, log10T: c.log10T, budgetMs });
          const ms = performance.now() - t0;
          expect(ms).toBeLessThan(budgetMs + SLACK_MS);
          expect(r.theta.every(Number.isFinite)).toBe(true);
          expect(Number.isNaN(r.logL)).toBe(false);
          if (r.status === "horizon") expect(r.log10t).toBeCloseTo(c.log10T, 6);
          else expect(r.note ?? "").toMatch(/\S{10}/);
        },
      ),
      { numRuns: 24, seed: 11 },
    );
  }, 120_000);

  it("a budget that runs out while kinks are crossed says so and what to try", () => {
    const model = compileModel({ kind: "mlp", inputs: 2, hidden: [32, 32, 32], outputs: 1, bias: true });
    const data = gaussianPair({ mu: [1, 0], sigma: 0.5, n: 400, seed: 1 });
    const theta0 = Rng.fromSeed(2).fillNormal(new Float64Array(model.size), 0, 0.5);
    const r = gradientFlow(rt, model, data, "exp", theta0, { rtol: 1e-8, atol: 1e-10, log10T: 100, budgetMs: 300 });
    expect(r.status).toBe("budget");
    expect(r.note).toMatch(/wall-clock budget \(0\.3 s\).*ReLU kinks crossed.*Try a larger budgetMs/);
  });
});

describe("the loss plateau of data a model cannot separate", () => {
  it("ballSurfaces r = 3, diagonal network: status 'plateau' with a note quoting log L (was: step-too-small, no note)", () => {
    const diag = compileModel({ kind: "diagonal", depths: [1, 5, 10] });
    const data = ballSurfaces({ mu: [0.8660254, 0.4330127, 0.25], r: 3, n: 2000, seed: 11 });
    const r = gradientFlow(rt, diag, data, "exp", new Float64Array(diag.size).fill(1), { rtol: 1e-8, atol: 1e-8, log10T: 100 });
    expect(r.status).toBe("plateau");
    expect(r.stop).toBe("failure");
    const last = r.checkpoints.at(-1)!;
    expect(r.note).toContain(`log L has stayed at ${r.logL.toPrecision(6)}`);
    expect(r.note).toMatch(/not separated.*stationary point/);
    expect(Math.abs(last.logL - r.logL)).toBeLessThan(1e-9);
    // plateauSigma: Infinity follows the flow further (it then ends otherwise, with a note)
    const on = gradientFlow(rt, diag, data, "exp", new Float64Array(diag.size).fill(1), { rtol: 1e-8, atol: 1e-8, log10T: 100, plateauSigma: Infinity, budgetMs: 3000 });
    expect(on.status).not.toBe("plateau");
    expect(on.log10t).toBeGreaterThan(r.log10t);
    expect(on.note ?? "").toMatch(/\S{10}/);
  });
});

describe("progress", () => {
  const model = compileModel({ kind: "mlp", inputs: 2, hidden: [16], outputs: 1, bias: true });
  const data = gaussianPair({ mu: [1, 0], sigma: 0.5, n: 200, seed: 1 });
  const theta0 = Rng.fromSeed(2).fillNormal(new Float64Array(model.size), 0, 0.5);

  it("reports log10 t, log L and steps as the flow runs; log10 t never goes back", () => {
    const seen: FlowProgress[] = [];
    const r = gradientFlow(rt, model, data, "exp", theta0, { rtol: 1e-8, atol: 1e-10, log10T: 100, progressMs: 1, onProgress: (p) => void seen.push({ ...p }) });
    expect(r.status).toBe("horizon");
    expect(seen.length).toBeGreaterThan(3);
    for (let k = 1; k < seen.length; k++) {
      expect(seen[k]!.log10t).toBeGreaterThanOrEqual(seen[k - 1]!.log10t - 1e-12);
      expect(seen[k]!.steps).toBeGreaterThanOrEqual(seen[k - 1]!.steps);
    }
    expect(seen.every((p) => Number.isFinite(p.logL))).toBe(true);
  });

  it("a callback that returns true interrupts the flow: status 'interrupted', a note, a finite state", () => {
    let calls = 0;
    const r = gradientFlow(rt, model, data, "exp", theta0, { rtol: 1e-8, atol: 1e-10, log10T: 100, progressMs: 1, onProgress: () => ++calls >= 3 });
    expect(r.status).toBe("interrupted");
    expect(r.note).toMatch(/interrupted by the progress callback/);
    expect(r.log10t).toBeLessThan(100);
    expect(r.theta.every(Number.isFinite)).toBe(true);
  });
});
