// Certificates of seed 000: the hard-margin SVM (problem (P) with Λ = I), KKT residuals of (P) at any point and their
// ψ_α-invariance, the asymmetric max-margin solution of the unbalanced diagonal network (Theorem 4.1), the cascade of
// Conjecture 5.1, and the exact-ball limit against Lemma 5.1 (Fig. 4).
import { describe, expect, it } from "vitest";
import {
  Rng,
  asymmetricMaxMargin,
  ballCascade,
  ballLimit,
  ballRobustness,
  cascadedMaxMargin,
  diagonalNetwork,
  hardMarginSvm,
  kktResiduals,
  lemma51,
  matrix,
  type Matrix,
} from "../src/index.js";
import { ballSurfaceSample, expectThrowsArgument, FIG4_DEPTHS, FIG4_MU, norm, separableGaussians } from "./certify-helpers.js";

const maxResidual = (r: { primalInfeasibility: number; stationarity: number; complementarity: number; dualInfeasibility: number }) =>
  Math.max(r.primalInfeasibility, r.stationarity, r.complementarity, r.dualInfeasibility);
const MU = (() => {
  const n = norm(FIG4_MU);
  return Float64Array.from(FIG4_MU, (v) => v / n);
})();

function functionalMargins(X: Matrix, y: Float64Array, w: Float64Array, b: number): Float64Array {
  const { rows: n, cols: d } = X;
  return Float64Array.from({ length: n }, (_, i) => {
    let s = b;
    for (let j = 0; j < d; j++) s += w[j]! * X.data[i * d + j]!;
    return y[i]! * s;
  });
}

describe("hard-margin SVM: hand cases with known answers", () => {
  it("two points ±(1, 0): w = (1, 0), b = 0, margin 1, both support vectors (with and without bias)", () => {
    for (const bias of [true, false]) {
      const s = hardMarginSvm(matrix(2, 2, [1, 0, -1, 0]), Float64Array.of(1, -1), { bias });
      expect(Math.abs(s.w[0]! - 1) + Math.abs(s.w[1]!) + Math.abs(s.b)).toBeLessThan(1e-15);
      expect(s.margin).toBeCloseTo(1, 15);
      expect(Array.from(s.supportVectors)).toEqual([0, 1]);
    }
  });
  it("the bias is what separates (2, 0)+ from (0, 0)−: with bias w = (1, 0), b = −1; without bias not separable (ArgumentError X)", () => {
    const X = matrix(2, 2, [2, 0, 0, 0]), y = Float64Array.of(1, -1);
    const s = hardMarginSvm(X, y);
    expect(Math.abs(s.w[0]! - 1) + Math.abs(s.w[1]!) + Math.abs(s.b + 1)).toBeLessThan(1e-15);
    expectThrowsArgument(() => hardMarginSvm(X, y, { bias: false }), "X");
  });
  it("three points (1, 1)+, (−1, −1)−, (2, 0)+: w = (½, ½), b = 0, margin √2", () => {
    const s = hardMarginSvm(matrix(3, 2, [1, 1, -1, -1, 2, 0]), Float64Array.of(1, -1, 1));
    expect(Math.abs(s.w[0]! - 0.5) + Math.abs(s.w[1]! - 0.5) + Math.abs(s.b)).toBeLessThan(1e-15);
    expect(s.margin).toBeCloseTo(Math.SQRT2, 14);
  });
});

describe("hard-margin SVM on random separable data", () => {
  it("KKT residuals ≤ 1e-10, every constraint y_i(w·x_i + b) ≥ 1, w = Σ μ_i y_i x_i, Σ μ_i y_i = 0 (d = 5, n = 300, 10 seeds)", () => {
    for (let seed = 1; seed <= 10; seed++) {
      const { X, y, w: wStar, b: bStar } = separableGaussians(300, 5, seed);
      const s = hardMarginSvm(X, y);
      expect(maxResidual(s.residuals)).toBeLessThan(1e-10);
      const q = functionalMargins(X, y, s.w, s.b);
      for (let i = 0; i < 300; i++) expect(q[i]!).toBeGreaterThanOrEqual(1 - 1e-12);
      for (const i of s.supportVectors) expect(Math.abs(q[i]! - 1)).toBeLessThan(1e-12);
      let sy = 0;
      const w = new Float64Array(5);
      for (let i = 0; i < 300; i++) {
        sy += s.multipliers[i]! * y[i]!;
        for (let j = 0; j < 5; j++) w[j]! += s.multipliers[i]! * y[i]! * X.data[i * 5 + j]!;
      }
      expect(Math.abs(sy)).toBeLessThan(1e-12);
      for (let j = 0; j < 5; j++) expect(Math.abs(w[j]! - s.w[j]!)).toBeLessThan(1e-12);
      // The planted separator's geometric margin cannot beat the optimum.
      const qStar = functionalMargins(X, y, wStar, bStar);
      expect(s.margin).toBeGreaterThanOrEqual(Math.min(...qStar) / norm(wStar) - 1e-12);
    }
  });
  it("with vs without bias: bias-free data agree; shifting the data moves only b (b' = b − w·shift)", () => {
    const { X, y } = separableGaussians(200, 4, 3, 0.1, false);
    const a = hardMarginSvm(X, y, { bias: false }), b = hardMarginSvm(X, y);
    expect(b.margin).toBeGreaterThanOrEqual(a.margin - 1e-12); // the bias only adds freedom
    const shift = Float64Array.of(3, -1, 2, 0.5);
    const Xs = matrix(200, 4, X.data.map((v, i) => v + shift[i % 4]!));
    const c = hardMarginSvm(Xs, y);
    for (let j = 0; j < 4; j++) expect(Math.abs(c.w[j]! - b.w[j]!)).toBeLessThan(1e-10);
    let ws = 0;
    for (let j = 0; j < 4; j++) ws += b.w[j]! * shift[j]!;
    expect(Math.abs(c.b - (b.b - ws))).toBeLessThan(1e-10);
  });
  it("larger problems are exact: d = 50, n = 2000 and d = 200, n = 5000 (~200 support vectors)", () => {
    for (const [n, d] of [[2000, 50], [5000, 200]] as const) {
      const { X, y } = separableGaussians(n, d, 11, 0.3);
      const t0 = performance.now();
      const s = hardMarginSvm(X, y);
      const ms = performance.now() - t0;
      console.log(`SVM n = ${n}, d = ${d}: ${ms.toFixed(0)} ms, ${s.supportVectors.length} support vectors, residuals ${JSON.stringify(s.residuals)}`);
      expect(ms).toBeLessThan(8000);
      expect(maxResidual(s.residuals)).toBeLessThan(1e-10);
      expect(s.minFunctionalMargin).toBeGreaterThanOrEqual(1 - 1e-12);
    }
  });
  it("bad inputs → ArgumentError naming X or y (not separable, labels, shapes, non-finite)", () => {
    const xor = matrix(4, 2, [1, 1, -1, -1, 1, -1, -1, 1]);
    expectThrowsArgument(() => hardMarginSvm(xor, Float64Array.of(1, 1, -1, -1)), "X");
    expect(() => hardMarginSvm(xor, Float64Array.of(1, 1, -1, -1))).toThrow(/linearly separable/);
    expectThrowsArgument(() => hardMarginSvm(xor, Float64Array.of(1, 0, -1, -1)), "y[1]");
    expectThrowsArgument(() => hardMarginSvm(xor, Float64Array.of(1, -1)), "y");
    expectThrowsArgument(() => hardMarginSvm(matrix(2, 2, [1, NaN, -1, 0]), Float64Array.of(1, -1)), "X[0][1]");
    expectThrowsArgument(() => hardMarginSvm(xor, Float64Array.of(1, 1, 1, 1)), "y");
  });
});

describe("KKT residuals of (P) at trajectory points (kkt.ts)", () => {
  const { X, y } = separableGaussians(200, 6, 21, 0.1, false);
  const svm = hardMarginSvm(X, y, { bias: false });
  const linearPoint = (w: Float64Array) => {
    const G = matrix(200, 6);
    for (let i = 0; i < 200; i++) for (let j = 0; j < 6; j++) G.data[i * 6 + j] = y[i]! * X.data[i * 6 + j]!;
    return { theta: w, lambda: new Float64Array(6).fill(1), q: functionalMargins(X, y, w, 0), G };
  };
  it("at the exact SVM solution of a linear model (G_i = y_i x_i, λ = 1) the residuals are ~1e-12 and μ is the SVM's dual", () => {
    const p = linearPoint(svm.w);
    const k = kktResiduals(p.theta, p.lambda, p.q, p.G);
    expect(k.stationarity).toBeLessThan(1e-12);
    expect(k.complementarity).toBeLessThan(1e-12);
    expect(k.primalInfeasibility).toBe(0);
    for (let i = 0; i < 200; i++) expect(Math.abs(k.multipliers[i]! - svm.multipliers[i]!)).toBeLessThan(1e-9);
  });
  it("the residuals are scale-free: at 7.3·w (q_min = 7.3) they are unchanged", () => {
    const a = kktResiduals(...Object.values(linearPoint(svm.w)) as [Float64Array, Float64Array, Float64Array, Matrix]);
    const p = linearPoint(svm.w.map((v) => 7.3 * v));
    const b = kktResiduals(p.theta, p.lambda, p.q, p.G);
    expect(b.stationarity).toBeLessThan(1e-12);
    expect(Math.abs(b.alpha + Math.log(7.3))).toBeLessThan(1e-12);
    expect(Math.abs(a.complementarity - b.complementarity)).toBeLessThan(1e-12);
  });
  it("at a perturbed point (w + 1e-3 noise) they are clearly larger (> 1e-5)", () => {
    const rng = Rng.fromSeed(4);
    const p = linearPoint(svm.w.map((v) => v + 1e-3 * rng.normal()));
    const k = kktResiduals(p.theta, p.lambda, p.q, p.G);
    expect(Math.max(k.stationarity, k.complementarity)).toBeGreaterThan(1e-5);
  });
  it("ψ_α-invariance in the log domain: Fig. 4 points (the exact KKT point and a perturbed one) rescaled by α = ±600 keep their residuals", () => {
    const { X: Xb, y: yb } = ballSurfaceSample(FIG4_MU, 0.75, 2000, 3);
    const sol = asymmetricMaxMargin(Xb, yb, FIG4_DEPTHS);
    const rng = Rng.fromSeed(8);
    const perturbed = sol.theta.map((t) => t * (1 + 1e-4 * rng.normal()));
    for (const [theta0, exact] of [[sol.theta, true], [perturbed, false]] as const) {
      const { q, G } = diagonalNetwork(Xb, yb, FIG4_DEPTHS, theta0);
      const base = kktResiduals(theta0, sol.lambda, q, G);
      if (exact) {
        expect(base.stationarity).toBeLessThan(1e-12);
        expect(base.complementarity).toBeLessThan(1e-12);
      } else {
        expect(base.complementarity).toBeGreaterThan(1e-7);
      }
      const m = theta0.length;
      for (const alpha of [600, -600]) {
        const theta = theta0.map((t, j) => Math.sign(t) * Math.exp(Math.log(Math.abs(t)) + alpha * sol.lambda[j]!));
        const qa = q.map((v) => Math.exp(Math.log(v) + alpha));
        const Ga = matrix(G.rows, m, G.data.map((v, idx) => (v === 0 ? 0 : Math.sign(v) * Math.exp(Math.log(Math.abs(v)) + alpha * (1 - sol.lambda[idx % m]!)))));
        expect(Math.max(...qa)).toBeGreaterThan(alpha > 0 ? 1e250 : 0);
        expect(Math.max(...qa)).toBeLessThan(alpha > 0 ? Infinity : 1e-250);
        const k = kktResiduals(theta, sol.lambda, qa, Ga);
        expect(Math.abs(k.alpha - (base.alpha - alpha))).toBeLessThan(1e-9);
        if (exact) {
          expect(k.stationarity).toBeLessThan(1e-12);
          expect(k.complementarity).toBeLessThan(1e-12);
        } else {
          expect(Math.abs(k.stationarity - base.stationarity)).toBeLessThan(1e-5 * base.stationarity);
          expect(Math.abs(k.complementarity - base.complementarity)).toBeLessThan(1e-5 * base.complementarity);
        }
        const muMax = Math.max(...base.multipliers);
        for (let i = 0; i < qa.length; i++) expect(Math.abs(k.multipliers[i]! - base.multipliers[i]!)).toBeLessThan(1e-6 * muMax);
      }
    }
  });
  it("bad inputs → ArgumentError naming the argument; q_min ≤ 0 is 'not separating'", () => {
    const p = linearPoint(svm.w);
    const q = Float64Array.from(p.q);
    q[5] = -0.1;
    expectThrowsArgument(() => kktResiduals(p.theta, p.lambda, q, p.G), "q");
    expect(() => kktResiduals(p.theta, p.lambda, q, p.G)).toThrow(/separability-dependent/);
    expectThrowsArgument(() => kktResiduals(p.theta, p.lambda, p.q, matrix(200, 5)), "G");
    expectThrowsArgument(() => kktResiduals(p.theta, Float64Array.of(1, -1, 1, 1, 1, 1), p.q, p.G), "lambda[1]");
    expectThrowsArgument(() => kktResiduals(p.theta, new Float64Array(6), p.q, p.G), "lambda");
  });
});

describe("asymmetric max-margin of the unbalanced diagonal network (Theorem 4.1)", () => {
  it("homogeneous case (all depths 1): the ordinary bias-free SVM", () => {
    const { X, y } = separableGaussians(150, 4, 8, 0.1, false);
    const a = asymmetricMaxMargin(X, y, [1, 1, 1, 1]), s = hardMarginSvm(X, y, { bias: false });
    for (let j = 0; j < 4; j++) expect(Math.abs(a.beta[j]! - s.w[j]!)).toBeLessThan(1e-12);
    expect(a.program).toBe("qp");
    expect(a.roles).toEqual(["penalized", "penalized", "penalized", "penalized"]);
  });
  it("equal depths 1 on the Fig. 4 balls: direction → µ, robustness → 1 − r", () => {
    const { X, y } = ballSurfaceSample(FIG4_MU, 0.75, 10000, 5);
    const a = asymmetricMaxMargin(X, y, [1, 1, 1]);
    const dir = a.beta.map((v) => v / norm(a.beta));
    expect(norm(dir.map((v, i) => v - MU[i]!))).toBeLessThan(0.02);
    expect(Math.abs(ballRobustness(a.beta, MU, 0.75) - 0.25)).toBeLessThan(2e-3);
  });
  it("depth 2 everywhere is the ℓ1 problem (an LP): exact KKT in β and in θ", () => {
    const { X, y } = separableGaussians(200, 6, 12, 0.1, false);
    const a = asymmetricMaxMargin(X, y, [2, 2, 2, 2, 2, 2]);
    expect(a.program).toBe("lp");
    expect(maxResidual(a.residuals)).toBeLessThan(1e-10);
    expect(a.thetaKkt.stationarity).toBeLessThan(1e-10);
    expect(a.thetaKkt.complementarity).toBeLessThan(1e-10);
    let l1 = 0;
    for (const v of a.beta) l1 += Math.abs(v);
    expect(Math.abs(a.objective - 0.5 * l1)).toBeLessThan(1e-12);
  });
  it("Fig. 4 (µ = [0.866, 0.433, 0.25], D = (1, 5, 10)): on 1e3 → 1e4 surface samples the robustness approaches Lemma 5.1 at rate ~n^{-1/2} (mean gap over 8 seeds)", () => {
    for (const r of [0.6, 0.75, 0.9]) {
      const L = lemma51(FIG4_MU, r, 1).quasiHomogeneous.robustness;
      const gaps = [1000, 10000].map((n) => {
        let sum = 0;
        for (let seed = 1; seed <= 8; seed++) {
          const { X, y } = ballSurfaceSample(FIG4_MU, r, n, seed);
          const a = asymmetricMaxMargin(X, y, FIG4_DEPTHS);
          expect(a.roles).toEqual(["penalized", "free", "free"]);
          expect(maxResidual(a.residuals)).toBeLessThan(1e-10);
          expect(Math.max(a.thetaKkt.stationarity, a.thetaKkt.complementarity)).toBeLessThan(1e-10);
          sum += Math.abs(ballRobustness(a.beta, MU, r) - L);
        }
        return sum / 8;
      });
      console.log(`Fig. 4 r = ${r}: mean |robustness − Lemma 5.1| over 8 seeds: n = 1e3 ${gaps[0]!.toExponential(2)}, n = 1e4 ${gaps[1]!.toExponential(2)}`);
      // The free coordinates make the sampled optimum move by ~sqrt(cap depth) ~ n^{-1/2}: a 10× denser sample
      // should shrink the gap by ~sqrt(10) ≈ 3 (measured 2.7 at r = 0.6); at 1e4 it is a few 1e-3.
      expect(gaps[1]!).toBeLessThan(gaps[0]! / 1.5);
      expect(gaps[1]!).toBeLessThan(1e-2);
    }
  });
  it("without conditional separability (r = 0.3 < ρ = 0.5) the λmax problem is an ArgumentError naming X (A7)", () => {
    const { X, y } = ballSurfaceSample(FIG4_MU, 0.3, 1000, 1);
    expectThrowsArgument(() => asymmetricMaxMargin(X, y, FIG4_DEPTHS), "X");
  });
  it("several penalized coordinates of equal depth ≥ 3 (a concave penalty) → ArgumentError naming depths", () => {
    const { X, y } = ballSurfaceSample(FIG4_MU, 0.75, 500, 1);
    expectThrowsArgument(() => asymmetricMaxMargin(X, y, [3, 3, 5]), "depths");
    expectThrowsArgument(() => asymmetricMaxMargin(X, y, [1, 0, 5]), "depths[1]");
  });
});

describe("cascading minimization (Conjecture 5.1) on the Fig. 4 balls", () => {
  it("r ∈ (0.25, 0.5): coordinate 1 is zeroed, coordinate 2 penalized, 3 free; the robustness approaches the exact-ball cascade", () => {
    for (const r of [0.3, 0.4, 0.45]) {
      const exact = ballCascade(MU, r, FIG4_DEPTHS);
      expect(exact.level).toBe(1);
      let gap = 0;
      for (let seed = 1; seed <= 3; seed++) {
        const { X, y } = ballSurfaceSample(FIG4_MU, r, 10000, seed);
        const c = cascadedMaxMargin(X, y, FIG4_DEPTHS);
        expect(c.level).toBe(1);
        expect(c.roles).toEqual(["zeroed", "penalized", "free"]);
        expect(c.beta[0]).toBe(0);
        expect(c.skipped).toEqual([{ level: 0, rate: 1 }]);
        expect(Math.max(c.thetaKkt.stationarity, c.thetaKkt.complementarity)).toBeLessThan(1e-10);
        gap += Math.abs(ballRobustness(c.beta, MU, r) - exact.robustness) / 3;
      }
      expect(gap).toBeLessThan(5e-3);
    }
  });
  it("r < 0.25: only coordinate 3 remains, with robustness 0.25 − r", () => {
    for (const r of [0.1, 0.2]) {
      const { X, y } = ballSurfaceSample(FIG4_MU, r, 2000, 2);
      const c = cascadedMaxMargin(X, y, FIG4_DEPTHS);
      expect(c.level).toBe(2);
      expect(c.roles).toEqual(["zeroed", "zeroed", "penalized"]);
      expect(ballRobustness(c.beta, MU, r)).toBeCloseTo(MU[2]! - r, 12); // MU[2] = 0.25/‖µ‖ = 0.25 + 1e-9
      expect(ballCascade(MU, r, FIG4_DEPTHS).robustness).toBeCloseTo(MU[2]! - r, 12);
    }
  });
  it("r > 0.5: the cascade stops at λmax and equals the λmax problem", () => {
    const { X, y } = ballSurfaceSample(FIG4_MU, 0.8, 3000, 4);
    const c = cascadedMaxMargin(X, y, FIG4_DEPTHS), a = asymmetricMaxMargin(X, y, FIG4_DEPTHS);
    expect(c.level).toBe(0);
    for (let j = 0; j < 3; j++) expect(c.beta[j]).toBe(a.beta[j]);
  });
});

describe("the exact-ball limit (ballLimit) against Lemma 5.1", () => {
  it("matches Lemma 5.1's direction and robustness within 1e-9 for r ∈ (0.5, 1)", () => {
    for (const r of [0.501, 0.52, 0.55, 0.6, 0.7, 0.75, 0.8, 0.9, 0.95, 0.999]) {
      const b = ballLimit(MU, r, 1), L = lemma51(MU, r, 1);
      expect(Math.abs(b.robustness - L.quasiHomogeneous.robustness)).toBeLessThan(1e-9);
      expect(norm(b.direction.map((v, i) => v - L.quasiHomogeneous.w[i]!))).toBeLessThan(1e-9);
      expect(Math.abs(b.w[0]! * MU[0]! + b.w[1]! * MU[1]! + b.w[2]! * MU[2]! - r * norm(b.w) - 1)).toBeLessThan(1e-12);
    }
  });
  it("homogeneous (all coordinates λmax): w ∝ µ, robustness 1 − r", () => {
    for (const r of [0.1, 0.5, 0.9]) {
      const b = ballLimit(MU, r, 3);
      expect(Math.abs(b.robustness - (1 - r))).toBeLessThan(1e-12);
      expect(norm(b.direction.map((v, i) => v - MU[i]!))).toBeLessThan(1e-12);
    }
  });
  it("outside ρ < r < ‖µ‖ → ArgumentError naming r", () => {
    expectThrowsArgument(() => ballLimit(MU, 0.4, 1), "r");
    expectThrowsArgument(() => ballLimit(MU, 1.01, 1), "r");
    expectThrowsArgument(() => ballLimit(MU, 0.7, 0), "lambdaMaxCoords");
  });
});
