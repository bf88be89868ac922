// The host's Dormand–Prince 5(4) (dynamics/explicit-rk.ts) against ODEs with closed-form solutions: convergence order
// with fixed steps (the project standard for every integrator), the global error against the tolerance, output times
// hit exactly, the forced smallest step on a discontinuous right-hand side, and its argument errors.
import { describe, expect, it } from "vitest";
import { ArgumentError } from "../src/index.js";
import { DOPRI5, solveRk, type RkRhs } from "../src/dynamics/explicit-rk.js";
import { slope } from "./convergence-helpers.js";

const oscillator: RkRhs = (_t, y, dy) => {
  dy[0] = y[1]!;
  dy[1] = -y[0]!;
};
const oscError = (y: ArrayLike<number>, t: number) => Math.hypot(y[0]! - Math.cos(t), y[1]! + Math.sin(t));

describe("solveRk (host Dormand–Prince 5(4))", () => {
  it("the tableau is consistent: rows of a sum to c, b and the embedded weights each sum to 1", () => {
    DOPRI5.a.forEach((row, i) => expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(DOPRI5.c[i]!, 14));
    expect(DOPRI5.b.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 14);
    expect(DOPRI5.e.reduce((s, v) => s + v, 0)).toBeCloseTo(0, 14);
  });

  it("convergence order with fixed steps on the harmonic oscillator: slope of log error vs log h is 5", () => {
    const T = 10, steps = [20, 40, 80, 160];
    const err = steps.map((N) => oscError(solveRk(oscillator, Float64Array.of(1, 0), 0, T, { fixedStep: T / N }).y, T));
    const p = slope(steps.map((N) => T / N), err);
    expect(p).toBeGreaterThan(4.7);
    expect(p).toBeLessThan(5.4);
  });

  it("convergence order on a nonlinear, time-dependent ODE (y' = −2ty², y = 1/(1 + t²)): slope 5", () => {
    const f: RkRhs = (t, y, dy) => {
      dy[0] = -2 * t * y[0]! * y[0]!;
    };
    const T = 3, steps = [15, 30, 60, 120];
    const err = steps.map((N) => Math.abs(solveRk(f, Float64Array.of(1), 0, T, { fixedStep: T / N }).y[0]! - 1 / (1 + T * T)));
    expect(slope(steps.map((N) => T / N), err)).toBeGreaterThan(4.6);
  });

  it("adaptive: the global error follows the tolerance (1e-4 … 1e-12) and output times are hit exactly", () => {
    const T = 20 * Math.PI, tOut = [1, 2.5, Math.PI, 30, T];
    const errs = [1e-4, 1e-6, 1e-8, 1e-10, 1e-12].map((tol) => {
      const s = solveRk(oscillator, Float64Array.of(1, 0), 0, T, { rtol: tol, atol: tol, tOut });
      expect(s.status).toBe("done");
      expect(s.tOut).toEqual(tOut);
      return Math.max(...s.yOut.map((y, i) => oscError(y, tOut[i]!)));
    });
    for (let i = 1; i < errs.length; i++) expect(errs[i]!).toBeLessThan(errs[i - 1]! / 10);
    expect(errs.at(-1)!).toBeLessThan(1e-9);
  });

  it("a discontinuous right-hand side that the solution slides along (y' = −sign(y)) needs the forced smallest step", () => {
    const f: RkRhs = (_t, y, dy) => {
      dy[0] = y[0]! > 0 ? -1 : 1;
    };
    // without hmin the error control creeps up to y = 0 and never gets past t ≈ 1
    const stuck = solveRk(f, Float64Array.of(1), 0, 3, { rtol: 1e-10, atol: 1e-12, maxSteps: 5000 });
    expect(stuck.status).not.toBe("done");
    expect(stuck.t).toBeLessThan(1.01);
    // with it, the solution chatters within O(hmin) of 0 to the end
    const s = solveRk(f, Float64Array.of(1), 0, 3, { rtol: 1e-10, atol: 1e-12, hmin: 1e-3, maxSteps: 50_000 });
    expect(s.status).toBe("done");
    expect(s.stats.forced).toBeGreaterThan(0);
    expect(Math.abs(s.y[0]!)).toBeLessThanOrEqual(2e-3);
  });

  it("onStep can stop the integration; a non-finite right-hand side is a status", () => {
    const s = solveRk(oscillator, Float64Array.of(1, 0), 0, 10, { rtol: 1e-8, atol: 1e-10, onStep: (t) => t > 2 });
    expect(s.status).toBe("interrupted");
    expect(s.t).toBeGreaterThan(2);
    const bad = solveRk((_t, _y, dy) => void (dy[0] = NaN), Float64Array.of(1), 0, 1, { fixedStep: 0.1 });
    expect(bad.status).toBe("nonfinite");
  });

  it("bad arguments are ArgumentErrors naming them", () => {
    const y0 = Float64Array.of(1, 0);
    expect(() => solveRk(oscillator, y0, 0, 1, {})).toThrow(/options: expected tolerances/);
    expect(() => solveRk(oscillator, y0, 1, 1, { rtol: 1e-6, atol: 1e-8 })).toThrow(ArgumentError);
    expect(() => solveRk(oscillator, y0, 0, 1, { rtol: -1, atol: 1e-8 })).toThrow(/options\.rtol/);
    expect(() => solveRk(oscillator, y0, 0, 1, { rtol: 1e-6, atol: 1e-8, tOut: [0.5, 0.2] })).toThrow(/options\.tOut\[1\]/);
    expect(() => solveRk(oscillator, Float64Array.of(1, NaN), 0, 1, { fixedStep: 0.1 })).toThrow(/y0\[1\]/);
  });
});
