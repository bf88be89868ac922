// Seed 001's toy ρ dynamics (sq-toy): the kernels' flow against the closed form, Lemmas 2 and 9, GD against the
// modified equation; bad input.
import { beforeAll, describe, expect, it } from "vitest";
import { Runtime, parseExperimentSpec, runSqToy, sqToy } from "../src/index.js";

let rt: Runtime;
beforeAll(async () => {
  rt = await Runtime.create();
});

describe("sq-toy", () => {
  it("every check holds with the defaults", () => {
    const r = runSqToy(rt, {});
    for (const c of sqToy.summary(r).checks) expect(c.holds, `${c.claim}: ${c.measured}`).toBe(true);
    expect(r.flows[0]!.maxError).toBeLessThan(1e-9);
  });
  it("GD's rate at small η is the modified equation's to O(η²), and GD alternates only beyond ηc = 1", () => {
    const r = runSqToy(rt, { etas: [0.01, 0.5, 0.99, 1.01, 1.5] });
    const [a, , b, c, d] = r.gd;
    expect(Math.abs(a!.gdRate - a!.meRate) / a!.gdRate).toBeLessThan(1e-4);
    expect(b!.gdAlternates).toBe(false);
    expect(c!.gdAlternates).toBe(true);
    expect(d!.gdAlternates).toBe(true);
  });
  it("bad input: a negative weight decay or a non-positive margin is refused, naming the field", () => {
    expect(() => parseExperimentSpec(sqToy, { cases: [{ mu: 0.5, M: 0.5, lambda: -0.1, rho0: 1 }] })).toThrow(/cases\[0\]\.lambda/);
    expect(() => parseExperimentSpec(sqToy, { cases: [{ mu: 0, M: 0.5, lambda: 0, rho0: 1 }] })).toThrow(/cases\[0\]\.mu/);
    expect(() => parseExperimentSpec(sqToy, { cases: [{ mu: 0.9, M: 0.5, lambda: 0, rho0: 1 }] })).toThrow(/cases\[0\]\.M: .*M ≥ μ²/);
  });
});
