// Seed 001's dynamics on a small bias-free ReLU network (sq-flow): the normalized flow in (ρ, V_k) with its ReLU kinks
// followed as a Filippov system, Lemma 9, eq. 5, Lemma 10, Fig. 10, App. J.2's fixed point, the landscape; checks that
// fail when the flow does not get there; bad input.
import { beforeAll, describe, expect, it } from "vitest";
import {
  ArgumentError, NormalizedFlow, Runtime, balancedScaleRate, checkValue, compileModel, expScaleEquilibrium, gaussianPair, initialize, lambertW,
  normalizedFlow, parseExperimentSpec, runSqFlow, solveRk, sqFlow, type SqFlowResult,
} from "../src/index.js";

let rt: Runtime;
let defaults: SqFlowResult;
beforeAll(async () => {
  rt = await Runtime.create();
  defaults = runSqFlow(rt, {});
});

/** sq-flow's data for a seed: two Gaussian classes, ‖x‖ ≤ 1. */
function data(seed: number, n = 32) {
  const d = gaussianPair({ mu: [0.6, 0.8], sigma: 0.3, n, seed });
  let r = 0;
  for (let i = 0; i < n; i++) r = Math.max(r, Math.hypot(d.X.data[2 * i]!, d.X.data[2 * i + 1]!));
  return { X: { ...d.X, data: d.X.data.map((v) => v / r) }, labels: d.labels };
}

describe("sq-flow", () => {
  it("every check holds with the defaults, and the result passes its own schema", () => {
    for (const c of sqFlow.summary(defaults).checks) expect(c.holds, `${c.claim}: ${c.measured}`).toBe(true);
    expect(checkValue(sqFlow.itemResult, defaults)).toBeUndefined();
    expect(sqFlow.figures(defaults).map((f) => f.name)).toEqual(["sq-flow-normalized", "sq-flow-lemma10", "sq-flow-fig10", "sq-flow-exp", "sq-flow-landscape-rho", "sq-flow-landscape-slice"]);
  });

  it("eq. 11 at the end: ρ = μ/(M + λ) of the final margins, the same ρ from ρ(0) = 0.5 and 3 with weight decay", () => {
    const [a, b, c] = defaults.flows;
    expect(Math.abs(a!.final.rho - a!.final.rhoEq) / a!.final.rhoEq).toBeLessThan(1e-8);
    expect(Math.abs(a!.final.rho - b!.final.rho) / a!.final.rho).toBeLessThan(1e-6);
    // without weight decay ρ_eq is ρ_0 = μ/M, and the loss is not the λ = 0.01 one
    expect(c!.final.rhoEq).toBeCloseTo(c!.final.rhoZero, 12);
    expect(c!.final.loss).toBeLessThan(a!.final.loss);
  });

  it("a flow stopped short (a step limit) fails the checks that need its end point, with a finite result", () => {
    const r = runSqFlow(rt, { maxSteps: 300, starts: [{ lambda: 0.01, rho0: 0.5 }, { lambda: 0.01, rho0: 3 }] });
    expect(checkValue(sqFlow.itemResult, r)).toBeUndefined();
    expect(r.flows.map((f) => f.status)).toEqual(["max-steps", "max-steps"]);
    const checks = sqFlow.summary(r).checks;
    const holds = (prefix: string) => checks.find((c) => c.claim.startsWith(prefix))!.holds;
    expect(holds("the normalized flows reach their horizon")).toBe(false);
    expect(holds("ρ ends at ρ_eq")).toBe(false);
    // the pointwise identities hold wherever the flow got to
    expect(holds("Lemma 9")).toBe(true);
    expect(holds("eq. 5")).toBe(true);
  });

  it("the Filippov flow through the kinks agrees with naive fixed-step time stepping (first order there) to 5e-6", () => {
    // seed 2: units slide on their kinks from t ≈ 2.8 on (an error-controlled step alone creeps to a halt there)
    const d = data(2), model = compileModel({ kind: "mlp", inputs: 2, hidden: [8, 8], outputs: 1, bias: false });
    const V0 = initialize(model, { kind: "frobenius", norm: 1, seed: 2 });
    const flow = new NormalizedFlow(rt, model, d, 0.01), T = 6;
    const ref = normalizedFlow(flow, { rho0: 0.5, V0, horizon: T, tOut: [T], rtol: 1e-12, atol: 1e-14, maxSteps: 100_000 });
    expect(ref.status).toBe("done");
    expect(ref.kinks.entered).toBeGreaterThan(0);
    const y0 = new Float64Array(1 + model.size);
    y0[0] = 0.5;
    y0.set(flow.normalize(V0), 1);
    const naive = flow.use((sys) => solveRk((_t, y, dy) => sys.rhs(y, dy), y0, 0, T, { fixedStep: 4e-4 }).y);
    const end = Float64Array.of(ref.points.at(-1)!.rho, ...ref.V);
    expect(Math.max(...naive.map((v, j) => Math.abs(v - end[j]!)))).toBeLessThan(5e-6);
  });

  it("the normalized flow refuses networks whose layers are not homogeneous, and a negative λ", () => {
    const d = data(1);
    expect(() => new NormalizedFlow(rt, compileModel({ kind: "mlp", inputs: 2, hidden: [4], outputs: 1, bias: true }), d, 0.01)).toThrow(/^model: expected a one-output "mlp" or "deepLinear" with bias: false/);
    expect(() => new NormalizedFlow(rt, compileModel({ kind: "mlp", inputs: 2, hidden: [4], outputs: 1, bias: false }), d, -1)).toThrow(/^lambda: expected a weight decay λ ≥ 0/);
  });

  it("bad input is refused before any work, naming the field", () => {
    const bad = (spec: unknown) => () => parseExperimentSpec(sqFlow, spec);
    expect(bad({ starts: [{ lambda: 0, rho0: 1 }] })).toThrow(/^starts\[0\]\.lambda: expected λ > 0/);
    expect(bad({ starts: [{ lambda: 0.01, rho0: 1 }, { lambda: -0.1, rho0: 1 }] })).toThrow(/starts\[1\]\.lambda/);
    expect(bad({ starts: [{ lambda: 0.01, rho0: 0 }] })).toThrow(/starts\[0\]\.rho0/);
    expect(bad({ layerNorms: [1, 1] })).toThrow(/^layerNorms: expected one norm per layer \(3/);
    expect(bad({ dataSize: 31 })).toThrow(/^dataSize: expected an even N/);
    expect(bad({ hidden: [8, 0] })).toThrow(/hidden\[1\]/);
    expect(bad({ horizon: -1 })).toThrow(/horizon/);
    expect(() => runSqFlow(rt, { starts: [{ lambda: 0, rho0: 1 }] })).toThrow(ArgumentError);
  });
});

describe("the scale equations with the margins fixed (dynamics/scale-flow.ts)", () => {
  it("App. J.2's root by bisection, and Lambert's W for equal margins", () => {
    for (const z of [1e-8, 0.3, 1, Math.E, 50, 1e6]) {
      const w = lambertW(z);
      expect(Math.abs(w * Math.exp(w) - z) / z).toBeLessThan(1e-14);
    }
    const f = 0.25, lam = 0.01;
    expect(expScaleEquilibrium([f, f, f], lam).rho).toBeCloseTo(lambertW((f * f) / lam) / f, 12);
    expect(() => expScaleEquilibrium([0.1, -0.3], lam)).toThrow(/^fbar: expected margins with a positive mean/);
    expect(() => expScaleEquilibrium([0.1], 0)).toThrow(/^lambda: /);
  });

  it("Fig. 10 with two layers is the logistic equation: ρ(t) = ρ_0/(1 + (ρ_0/ρ(0) − 1)e^{−4Σf̄ t})", () => {
    const sumF = 3, sumF2 = 0.8, r0 = 0.05, rho0 = sumF / sumF2, T = 2;
    const s = solveRk((_t, y, dy) => void (dy[0] = balancedScaleRate(2, y[0]!, sumF, sumF2)), Float64Array.of(r0), 0, T, { rtol: 1e-12, atol: 1e-14 });
    expect(s.y[0]).toBeCloseTo(rho0 / (1 + (rho0 / r0 - 1) * Math.exp(-4 * sumF * T)), 9);
  });
});
