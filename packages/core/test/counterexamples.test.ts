// Seed 004 §5: the Barron-space LP (HiGHS) and Lemma 5.8's limits, and bad input.
import { beforeAll, describe, expect, it } from "vitest";
import { ArgumentError, Runtime, counterexamples, runCounterexamples, solveLpHighs } from "../src/index.js";

let rt: Runtime;
beforeAll(async () => {
  rt = await Runtime.create();
});

describe("HiGHS", () => {
  it("solves a small LP and reports infeasible and unbounded problems in words, not numbers", async () => {
    const ok = await solveLpHighs({ sense: "max", objective: [1, 2], rows: [{ coefficients: [1, 1], lower: null, upper: 4 }, { coefficients: [1, -1], lower: -2, upper: null }], bounds: [{ lower: 0, upper: 10 }, { lower: 0, upper: 10 }] });
    expect(ok.status).toBe("optimal");
    expect(ok.objective).toBeCloseTo(7, 12);
    expect(Array.from(ok.x!)).toEqual([1, 3]);
    const inf = await solveLpHighs({ sense: "max", objective: [1], rows: [{ coefficients: [1], lower: 2, upper: null }], bounds: [{ lower: 0, upper: 1 }] });
    expect(inf.status).toMatch(/infeasible/);
    expect(inf.objective).toBeNull();
    const unb = await solveLpHighs({ sense: "max", objective: [1], rows: [], bounds: [{ lower: 0, upper: null }] });
    expect(unb.status).toMatch(/unbounded/);
    expect(unb.x).toBeNull();
  });
});

describe("counterexamples", () => {
  it("every check of the summary holds (the LP's margin ½, f_b, Lemma 5.8 to 1e-6)", async () => {
    const r = await runCounterexamples(rt, { neurons: 400, log10T: 10 });
    for (const c of counterexamples.summary(r).checks) expect(c.holds, `${c.claim}: ${c.measured}`).toBe(true);
  });
  it("bad input: class weights that are not positive integers, points without 1", async () => {
    await expect(runCounterexamples(rt, { weights: [[1, 0, 2]] })).rejects.toThrow(/weights/);
    await expect(runCounterexamples(rt, { points: [1.5, 2] })).rejects.toThrow(ArgumentError);
  });
});
