// Seed 004's closed forms (the spec's test values) and the simplex experiment's numerical optima.
import { describe, expect, it } from "vitest";
import { ArgumentError, lpSimplex, minimizeOnBall, projectLpBall, runSimplex, simplexRisk, simplex } from "../src/index.js";

describe("L*(k, R) and the ℓp optimum (seed 004 §3.2; values of the spec notes)", () => {
  it.each([[2, 1, 0.217621721582], [3, 1, 0.462264579753], [4, 2, 0.26079546355], [10, 1, 1.419868593327], [5, 1.5, 0.5582992812]])("L*(%d, %d) = %d", (k, R, want) => {
    expect(Math.abs(simplexRisk(k, R) - want)).toBeLessThan(1e-10);
  });
  it("L*(3, 10) to 6 digits", () => expect(simplexRisk(3, 10) / 9.594636e-6).toBeCloseTo(1, 6));
  it.each([[3, 1, 3, 0.83671927, -0.59164987, 0.3916359516], [3, 1, 1.5, 0.86177388, -0.21544347, 0.5194386079], [2, 1, 3, 0.79370053, -0.79370053, 0.1860282561]])("ℓp: k = %d, R = %d, p = %d", (k, R, p, a, b, phi) => {
    const c = lpSimplex(k, R, p);
    expect(Math.abs(c.alpha - a)).toBeLessThan(1e-8);
    expect(Math.abs(c.beta - b)).toBeLessThan(1e-8);
    expect(Math.abs(c.risk - phi)).toBeLessThan(1e-10);
    const n = minimizeOnBall(k, 0, R, p, [0.3, -0.2, 0.1].slice(0, k));
    expect(Math.abs(n.risk - c.risk)).toBeLessThan(1e-12);
  });
  it("the ℓp projection lands on the sphere and is the nearest point (checked against random points of the sphere)", () => {
    const v = [2, -1, 0.5], p = 3, x = projectLpBall(v, 1, p);
    expect(Math.abs(x.reduce((s, t) => s + Math.abs(t) ** p, 0) - 1)).toBeLessThan(1e-12);
    const d = (y: number[]) => Math.hypot(...y.map((t, i) => t - v[i]!));
    for (let t = 0; t < 200; t++) {
      const y = [Math.sin(t), Math.cos(3 * t), Math.sin(7 * t + 1)];
      const s = y.reduce((a, q) => a + Math.abs(q) ** p, 0) ** (1 / p);
      expect(d(Array.from(x))).toBeLessThanOrEqual(d(y.map((q) => q / s)) + 1e-12);
    }
  });
  it("bad input names the argument", () => {
    expect(() => simplexRisk(1, 1)).toThrow(ArgumentError);
    expect(() => simplexRisk(3, 0)).toThrow(/^R: /);
    expect(() => lpSimplex(3, 1, 1)).toThrow(/^p: .*1 < p < ∞/);
    expect(() => lpSimplex(3, 1, Infinity)).toThrow(/^p: /);
  });
});

describe("the simplex experiment", () => {
  it("every check holds on a small grid", () => {
    const r = runSimplex({ classes: [2, 3, 6], radii: [0.5, 3], exponents: [1.5, 3], trials: 50, penultimate: [[3, 5, 1]], iterations: 20_000 });
    const s = simplex.summary(r);
    for (const c of s.checks) expect(c.holds, `${c.claim}: ${c.measured}`).toBe(true);
  });
});
