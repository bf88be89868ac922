// Radau IIA(5) in WASM: convergence order 5 on the harmonic oscillator (fixed steps), accuracy against
// closed forms with adaptive steps, a stiff linear system where the explicit method cannot compete, events
// and dense output on its collocation polynomial.
import { beforeAll, describe, expect, it } from "vitest";
import { Runtime, integrate } from "../src/index.js";
import { runSolver } from "../src/internals.js";

let rt: Runtime;
beforeAll(async () => {
  rt = await Runtime.create();
});

const osc = { kind: "linear" as const, matrix: Float64Array.of(0, 1, -1, 0) };
const oscErr = (y: ArrayLike<number>, t: number) => Math.hypot(y[0]! - Math.cos(t), y[1]! + Math.sin(t));

describe("Radau IIA(5)", () => {
  it.each(["dense", "krylov"] as const)("convergence order (%s linear algebra): the slope of log error vs log h is 5 (fixed steps, closed form of the oscillator)", (linearSolver) => {
    const T = 10, Ns = [20, 40, 80, 160];
    const err = Ns.map((N) => oscErr(integrate(rt, osc, Float64Array.of(1, 0), 0, T, { method: "radau5", fixedStep: T / N, linearSolver }).y, T));
    const slopes = err.slice(1).map((e, i) => Math.log(err[i]! / e) / Math.LN2);
    for (const p of slopes) {
      expect(p).toBeGreaterThan(4.7);
      expect(p).toBeLessThan(5.3);
    }
  });
  it("the collocation dense output is 3rd order or better between steps", () => {
    const T = 10, Ns = [40, 80, 160];
    const tOut = Array.from({ length: 50 }, (_, i) => (i + 0.41) * (T / 50.2));
    const err = Ns.map((N) => {
      const s = integrate(rt, osc, Float64Array.of(1, 0), 0, T, { method: "radau5", fixedStep: T / N, tOut });
      return Math.max(...s.yOut.map((y, i) => oscErr(y, s.tOut[i]!)));
    });
    expect(Math.log(err[0]! / err[2]!) / Math.log(4)).toBeGreaterThan(2.8);
  });
  it("adaptive: the global error shrinks with the tolerance (closed form of the oscillator)", () => {
    const T = 20 * Math.PI;
    const errs = [1e-5, 1e-7, 1e-9].map((tol) => oscErr(integrate(rt, osc, Float64Array.of(1, 0), 0, T, { method: "radau5", rtol: tol, atol: tol }).y, T));
    expect(errs[1]!).toBeLessThan(errs[0]! / 10);
    expect(errs[2]!).toBeLessThan(errs[1]! / 10);
    expect(errs[2]!).toBeLessThan(1e-7);
  });
  it.each(["dense", "krylov"] as const)("stiff decay (eigenvalues −1 and −1e6, %s): accurate in ≤ 2e4 evaluations where DOPRI5 runs out of 1e5 steps", (linearSolver) => {
    const A = { kind: "linear" as const, matrix: Float64Array.of(-1, 0, 0, -1e6) };
    const r = integrate(rt, A, Float64Array.of(1, 1), 0, 10, { method: "radau5", rtol: 1e-8, atol: 1e-12, linearSolver });
    expect(r.status).toBe("done");
    expect(Math.abs(r.y[0]! - Math.exp(-10)) / Math.exp(-10)).toBeLessThan(1e-6);
    expect(Math.abs(r.y[1]!)).toBeLessThan(1e-12);
    // matrix-free: every GMRES product is one more evaluation (up to n per real solve, 2n per complex one)
    expect(r.stats.nfev + r.stats.nfevJacobian).toBeLessThan(linearSolver === "dense" ? 10_000 : 20_000);
    const d = integrate(rt, A, Float64Array.of(1, 1), 0, 10, { method: "dopri5", rtol: 1e-8, atol: 1e-12, maxSteps: 100_000 });
    expect(d.status).toBe("max-steps");
  });
  it("a terminal event at t = ln 2 and dense output at requested times, both on the collocation polynomial", () => {
    const r = integrate(rt, { kind: "linear", matrix: Float64Array.of(-1) }, Float64Array.of(1), 0, 10, {
      method: "radau5", rtol: 1e-10, atol: 1e-12, tOut: [0.1, 0.3, 0.5],
      events: [{ kind: "linear", coefficients: Float64Array.of(1), level: 0.5, terminal: true }],
    });
    expect(r.status).toBe("event");
    expect(Math.abs(r.t - Math.LN2)).toBeLessThan(1e-9);
    r.yOut.forEach((y, i) => expect(Math.abs(y[0]! - Math.exp(-r.tOut[i]!))).toBeLessThan(1e-10));
    expect(r.stats.jacobians).toBeGreaterThanOrEqual(1);
  });
});

describe("DOPRI5's stiffness test (the stop that hands a terminal phase over to Radau)", () => {
  const solve = (matrix: Float64Array, stiffStop: boolean) =>
    rt.arena.scope((a) => {
      const params = a.f64(matrix.length, matrix);
      return runSolver(rt, a, {
        method: "dopri5", n: 2, rhs: rt.constant("RHS_LINEAR"), paramsPtr: params.ptr, t0: 0, t1: 10, y0: Float64Array.of(1, 1),
        rtol: 1e-6, atol: 1e-8, h0: 0, hmax: 0, maxSteps: 100_000, tOut: new Float64Array(0), events: new Float64Array(0), nEvents: 0,
        evCap: 0, deadline: 0, fixed: false, stiffStop,
      });
    });
  it("fires on y' = diag(−1000, −0.5)·y once the fast mode has decayed (h·|λ| at the stability edge), not on the oscillator", () => {
    const stiff = Float64Array.of(-1000, 0, 0, -0.5);
    const r = solve(stiff, true);
    expect(r.status).toBe("stiff");
    expect(r.t).toBeGreaterThan(0.005); // the fast transient (1/1000) is resolved first: accuracy, not stability, limits h there
    expect(r.t).toBeLessThan(1);
    expect(r.stats.lastStep * 1000).toBeGreaterThan(2); // h·|λ| near DOPRI5's stability boundary (≈ 3.3)
    expect(solve(stiff, false).status).toBe("done");
    expect(solve(Float64Array.of(0, 1, -1, 0), true).status).toBe("done");
  });
});
