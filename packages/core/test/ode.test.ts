// Dormand–Prince 5(4) in WASM against ODEs with closed-form solutions: convergence order (fixed steps),
// global error vs tolerance (adaptive), dense output, events, non-finite right-hand sides, memory reuse.
import { beforeAll, describe, expect, it } from "vitest";
import { ArgumentError, Runtime, integrate, type OdeRhs } from "../src/index.js";
import { slope } from "./convergence-helpers.js";

let rt: Runtime;
beforeAll(async () => {
  rt = await Runtime.create();
});

const oscillator = (w = 1): OdeRhs => ({ kind: "linear", matrix: Float64Array.of(0, w, -w, 0) });
const y0 = () => Float64Array.of(1, 0);
const oscError = (y: ArrayLike<number>, t: number, w = 1) => Math.hypot(y[0]! - Math.cos(w * t), y[1]! + Math.sin(w * t));

describe("convergence order (closed form of the harmonic oscillator)", () => {
  const T = 10;
  const steps = [40, 80, 160, 320];
  it("the 5th-order solution: slope of log error vs log h is 5", () => {
    const err = steps.map((N) => oscError(integrate(rt, oscillator(), y0(), 0, T, { fixedStep: T / N }).y, T));
    const p = slope(steps.map((N) => T / N), err);
    expect(p).toBeGreaterThan(4.7);
    expect(p).toBeLessThan(5.4);
  });
  it("the dense output between steps: slope 4 (the continuous extension's order) or better", () => {
    const tOut = Array.from({ length: 97 }, (_, i) => (i + 0.37) * (T / 97.3));
    const err = steps.map((N) => {
      const s = integrate(rt, oscillator(), y0(), 0, T, { fixedStep: T / N, tOut });
      return Math.max(...s.yOut.map((y, i) => oscError(y, s.tOut[i]!)));
    });
    const p = slope(steps.map((N) => T / N), err);
    expect(p).toBeGreaterThan(3.7);
  });
});

describe("adaptive integration meets the closed forms", () => {
  it("harmonic oscillator over 100 periods at rtol = atol = 1e-10: global error ≤ 1e-8", () => {
    const T = 200 * Math.PI;
    const s = integrate(rt, oscillator(), y0(), 0, T, { rtol: 1e-10, atol: 1e-10 });
    expect(s.status).toBe("done");
    expect(s.t).toBe(T);
    expect(oscError(s.y, T)).toBeLessThanOrEqual(1e-8);
  });
  it("the global error shrinks as the tolerance does (1e-4 … 1e-12)", () => {
    const T = 20 * Math.PI;
    const errs = [1e-4, 1e-6, 1e-8, 1e-10, 1e-12].map((tol) => oscError(integrate(rt, oscillator(), y0(), 0, T, { rtol: tol, atol: tol }).y, T));
    for (let i = 1; i < errs.length; i++) expect(errs[i]!).toBeLessThan(errs[i - 1]! / 10);
  });
  it("exponential decay, backwards in time too", () => {
    const A = Float64Array.of(-0.5, 0, 0, -3);
    const f = integrate(rt, { kind: "linear", matrix: A }, Float64Array.of(1, 2), 0, 4, { rtol: 1e-12, atol: 1e-14 });
    expect(Math.abs(f.y[0]! - Math.exp(-2)) / Math.exp(-2)).toBeLessThan(1e-10);
    expect(Math.abs(f.y[1]! - 2 * Math.exp(-12)) / (2 * Math.exp(-12))).toBeLessThan(1e-9);
    const b = integrate(rt, { kind: "linear", matrix: A }, f.y, 4, 0, { rtol: 1e-12, atol: 1e-14 });
    expect(Math.abs(b.y[0]! - 1)).toBeLessThan(1e-9);
  });
  it("logistic growth matches y(t) = y0·e^{rt}/(1 − y0 + y0·e^{rt}) at every dense output time", () => {
    const tOut = Array.from({ length: 51 }, (_, i) => i * 0.1);
    const s = integrate(rt, { kind: "logistic", rate: 2 }, Float64Array.of(0.01), 0, 5, { rtol: 1e-10, atol: 1e-12, tOut });
    expect(s.yOut).toHaveLength(51);
    s.yOut.forEach((y, i) => {
      const e = Math.exp(2 * s.tOut[i]!);
      expect(Math.abs(y[0]! - (0.01 * e) / (0.99 + 0.01 * e))).toBeLessThan(1e-8);
    });
  });
});

describe("events located on the dense output", () => {
  it("a terminal event at a closed-form time: y' = −y reaches 1/2 at t = ln 2", () => {
    const s = integrate(rt, { kind: "linear", matrix: Float64Array.of(-1) }, Float64Array.of(1), 0, 10, {
      rtol: 1e-10, atol: 1e-12, events: [{ kind: "linear", coefficients: Float64Array.of(1), level: 0.5, terminal: true }],
    });
    expect(s.status).toBe("event");
    expect(Math.abs(s.t - Math.LN2)).toBeLessThan(1e-9);
    expect(Math.abs(s.y[0]! - 0.5)).toBeLessThan(1e-12);
    expect(s.events).toHaveLength(1);
  });
  it("non-terminal crossings with a direction: cos t falls through 0 at π/2 + 2kπ and rises at 3π/2 + 2kπ", () => {
    const T = 20;
    const c = Float64Array.of(1, 0);
    const s = integrate(rt, oscillator(), y0(), 0, T, {
      rtol: 1e-10, atol: 1e-12,
      events: [{ kind: "linear", coefficients: c, direction: -1 }, { kind: "linear", coefficients: c, direction: 1 }],
    });
    expect(s.status).toBe("done");
    const falling = s.events.filter((e) => e.index === 0).map((e) => e.t);
    const rising = s.events.filter((e) => e.index === 1).map((e) => e.t);
    const want = (phase: number) => Array.from({ length: 4 }, (_, k) => phase + 2 * Math.PI * k).filter((t) => t < T);
    expect(falling).toHaveLength(want(Math.PI / 2).length);
    expect(rising).toHaveLength(want(1.5 * Math.PI).length);
    falling.forEach((t, k) => expect(Math.abs(t - want(Math.PI / 2)[k]!)).toBeLessThan(1e-8));
    rising.forEach((t, k) => expect(Math.abs(t - want(1.5 * Math.PI)[k]!)).toBeLessThan(1e-8));
    // events are recorded in time order across both functions
    const all = s.events.map((e) => e.t);
    expect([...all].sort((a, b) => a - b)).toEqual(all);
  });
  it("a time event stops exactly at its time", () => {
    const s = integrate(rt, oscillator(), y0(), 0, 10, { rtol: 1e-9, atol: 1e-9, events: [{ kind: "time", at: 2.5, terminal: true }] });
    expect(s.status).toBe("event");
    expect(Math.abs(s.t - 2.5)).toBeLessThan(1e-12);
  });
});

describe("failures end with a status that says so", () => {
  it("a non-finite right-hand side at the start: status nonfinite, no hang", () => {
    const s = integrate(rt, { kind: "quadratic" }, Float64Array.of(1e155), 0, 1, { rtol: 1e-8, atol: 1e-8 });
    expect(s.status).toBe("nonfinite");
    expect(s.t).toBe(0);
  });
  it("a finite-time blow-up (y' = y², y(0) = 1, singular at t = 1) stops at the singularity", () => {
    const s = integrate(rt, { kind: "quadratic" }, Float64Array.of(1), 0, 2, { rtol: 1e-8, atol: 1e-8 });
    expect(["nonfinite", "step-too-small"]).toContain(s.status);
    expect(Math.abs(s.t - 1)).toBeLessThan(1e-6);
  });
  it("max-steps", () => {
    const s = integrate(rt, oscillator(), y0(), 0, 1000, { rtol: 1e-10, atol: 1e-10, maxSteps: 50 });
    expect(s.status).toBe("max-steps");
    expect(s.t).toBeLessThan(1000);
  });
});

describe("memory", () => {
  it("10 000 consecutive integrations: WASM memory does not grow after the first", () => {
    const tOut = [0.5, 1, 1.5];
    const opts = { rtol: 1e-8, atol: 1e-10, tOut, events: [{ kind: "time" as const, at: 1.2 }] };
    integrate(rt, oscillator(), y0(), 0, 2, opts);
    const bytes = rt.memoryBytes;
    const first = rt.arena.peak;
    for (let i = 0; i < 10_000; i++) integrate(rt, oscillator(1 + i * 1e-4), y0(), 0, 2, opts);
    expect(rt.memoryBytes).toBe(bytes);
    expect(rt.arena.peak).toBe(first);
    expect(rt.arena.used).toBe(0);
  });
});

describe("bad input: typed errors naming the argument", () => {
  const rhs = oscillator();
  it.each([
    [() => integrate(rt, rhs, y0(), 0, 1, {} as never), /^options: expected tolerances, e\.g\. integrate\(rt, rhs, y0, t0, t1, \{ rtol: 1e-8, atol: 1e-10 \}\)/],
    [() => integrate(rt, rhs, y0(), 0, 1, { rtol: -1, atol: 1 }), /^options\.rtol: expected a finite number > 0, got -1/],
    [() => integrate(rt, rhs, Float64Array.of(1, NaN), 0, 1, { rtol: 1e-6, atol: 1e-6 }), /^y0\[1\]: expected a finite number, got NaN/],
    [() => integrate(rt, { kind: "linear", matrix: new Float64Array(3) }, y0(), 0, 1, { rtol: 1e-6, atol: 1e-6 }), /^rhs\.matrix: expected a Float64Array of length 4/],
    [() => integrate(rt, { kind: "nope" } as never, y0(), 0, 1, { rtol: 1e-6, atol: 1e-6 }), /^rhs\.kind: expected "linear", "logistic" or "quadratic", got "nope"/],
    [() => integrate(rt, rhs, y0(), 0, 1, { rtol: 1e-6, atol: 1e-6, tOut: [0.5, 0.2] }), /^options\.tOut\[1\]: expected times sorted/],
    [() => integrate(rt, rhs, y0(), 0, 1, { rtol: 1e-6, atol: 1e-6, tOut: [2] }), /^options\.tOut\[0\]: expected a time in \[0, 1\]/],
    [() => integrate(rt, rhs, y0(), 0, 1, { rtol: 1e-6, atol: 1e-6, events: [{ kind: "time", at: 1, direction: 2 as 1 }] }), /^options\.events\[0\]\.direction: expected -1, 0 or 1, got 2/],
    [() => integrate(rt, rhs, y0(), 0, Infinity, { rtol: 1e-6, atol: 1e-6 }), /^t1: expected a finite number, got Infinity/],
  ])("case %#", (call, message) => {
    expect(call).toThrow(ArgumentError);
    expect(call).toThrow(message);
  });
  it("a failed call leaves the arena empty", () => {
    expect(() => integrate(rt, rhs, y0(), 0, 1, { rtol: 1e-6, atol: 1e-6, tOut: [2] })).toThrow();
    expect(rt.arena.used).toBe(0);
  });
});
