// Geometry of Λ-quasi-homogeneous parameters (Kunin et al. 2023, §3–4) against closed forms: Λ-seminorms by
// scaled sums, the Λ-normalization root (homogeneous τ = log‖θ‖; a two-rate quadratic in √z), ψ_α-covariance of
// θ̄ and τ for α = ±600 with parameters out to 1e±300 (log domain beyond), ‖θ̄‖_Λ = 1, the angle between Λθ and
// a velocity, margins, and the (smoothed) normalized margin on quasi-homogeneous toy models.
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  ArgumentError, cosAngle, exponentialLoss, lambdaMaxSeminorm, lambdaNormalize, lambdaNormalizeLog, lambdaScale,
  lambdaScaleLog, lambdaSeminorm, logLambdaMaxSeminorm, logLambdaSeminorm, margins, matrix, minMargin,
  normalizedMargin, smoothedMargin, supportVectorCount, tangent,
} from "../src/index.js";

const EPS = Number.EPSILON;
const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE));
const worst: Record<string, number> = {};
const record = (key: string, err: number) => (worst[key] = Math.max(worst[key] ?? 0, err));
afterAll(() => {
  for (const [k, v] of Object.entries(worst)) console.info(`${k}: ${v.toExponential(2)}`);
});
function throwsArg(fn: () => unknown, argument: string) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ArgumentError);
    expect((e as ArgumentError).argument).toBe(argument);
    return;
  }
  throw new Error(`expected an ArgumentError naming ${argument}`);
}
const f64 = (...v: number[]) => Float64Array.from(v);

describe("Λ-seminorms by scaled sums (no overflow or underflow)", () => {
  it("‖θ‖_Λ equals the naive √Σλ_iθ_i² wherever that is representable (relative 4e-16)", () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.constantFrom(0, 0.1, 0.5, 1, 2)), { minLength: 1, maxLength: 12 }), (pairs) => {
      const th = f64(...pairs.map((p) => p[0])), la = f64(...pairs.map((p) => p[1]), 1);
      const t1 = f64(...th, 1);
      const naive = Math.sqrt(pairs.reduce((s, [t, l]) => s + l * t * t, 1));
      record("seminorm vs naive (rel)", rel(lambdaSeminorm(t1, la), naive));
      expect(rel(lambdaSeminorm(t1, la), naive)).toBeLessThanOrEqual(4 * EPS);
    }));
  });
  it("scaling θ by 2^±1000 (entries out to 1e±300) scales ‖θ‖_Λ by exactly 2^±1000; log‖θ‖_Λ by ±1000 ln 2", () => {
    const th = f64(3, -4e-5, 12, 0, 7e3), la = f64(1, 0.5, 0.1, 1, 1 / 3);
    const base = lambdaSeminorm(th, la);
    for (const k of [-1000, -900, 900, 1000]) {
      const big = th.map((t) => t * 2 ** k);
      if (Math.abs(k) < 1000) expect(lambdaSeminorm(big, la)).toBe(base * 2 ** k);
      expect(Math.abs(logLambdaSeminorm(big, la) - (Math.log(base) + k * Math.LN2))).toBeLessThanOrEqual(4 * EPS * 700);
    }
    expect(lambdaSeminorm(f64(1e300, 1e300), f64(1, 1))).toBe(1e300 * Math.SQRT2);
    expect(rel(lambdaSeminorm(f64(1e-300, -1e-300), f64(1, 1)), 1e-300 * Math.SQRT2)).toBeLessThanOrEqual(2 * EPS);
    expect(rel(lambdaSeminorm(f64(5e-324, 1e-320), f64(1, 1)), Math.hypot(5e-324, 1e-320))).toBeLessThan(1e-3); // subnormal: few bits
  });
  it("log-domain parameters give the same seminorms as doubles, and reach log|θ| = ±5000", () => {
    const th = f64(3, -4e-5, 12, 0, 7e3), la = f64(1, 0.5, 0.1, 1, 1 / 3);
    const lp = { logAbs: th.map((t) => Math.log(Math.abs(t))), sign: Array.from(th, Math.sign) };
    expect(rel(lambdaSeminorm(lp, la), lambdaSeminorm(th, la))).toBeLessThan(1e-14);
    expect(rel(logLambdaMaxSeminorm(lp, la), logLambdaMaxSeminorm(th, la))).toBeLessThan(1e-15);
    const far = { logAbs: f64(5000, 4990, -5000) };
    expect(rel(logLambdaSeminorm(far, f64(1, 1, 1)), 5000 + 0.5 * Math.log1p(Math.exp(-20)))).toBeLessThan(4 * EPS);
    expect(lambdaSeminorm(far, f64(1, 1, 1))).toBe(Infinity);
  });
  it("the Λmax-seminorm sums only λ_i = λmax (exact equality by default; rtol admits λ computed as 1/3 + rounding)", () => {
    const th = f64(3, 4, 100, 1000);
    expect(lambdaMaxSeminorm(th, f64(1, 1, 0.5, 0))).toBe(5);
    const l3 = f64(1 / 3, 1 - 2 / 3, 0.2, 0); // 1 − 2/3 = 0.33333333333333337 ≠ 1/3
    expect(rel(lambdaMaxSeminorm(th, l3), Math.sqrt(l3[1]!) * 4)).toBeLessThan(4 * EPS);
    expect(rel(lambdaMaxSeminorm(th, l3, { rtol: 1e-12 }), Math.sqrt(1 / 3) * 5)).toBeLessThan(4 * EPS);
    expect(logLambdaMaxSeminorm(f64(0, 5), f64(1, 0.5))).toBe(-Infinity);
  });
  it("invalid θ, λ or rtol → ArgumentError naming the argument", () => {
    throwsArg(() => lambdaSeminorm(f64(1, 2), f64(1)), "lambda");
    throwsArg(() => lambdaSeminorm(f64(1, 2), f64(1, -0.5)), "lambda[1]");
    throwsArg(() => lambdaSeminorm(f64(1, 2), f64(0, 0)), "lambda");
    throwsArg(() => lambdaSeminorm(f64(1, NaN), f64(1, 1)), "theta[1]");
    throwsArg(() => logLambdaSeminorm({ logAbs: f64(1, Infinity) }, f64(1, 1)), "theta.logAbs[1]");
    throwsArg(() => lambdaMaxSeminorm(f64(1, 2), f64(1, 1), { rtol: 1 }), "opts.rtol");
  });
});

describe("Λ-normalization: z = e^{−2τ} is the positive root of Σ λ_i θ_i² z^{λ_i} = 1", () => {
  it("homogeneous (all λ_i = 1): τ = log‖θ‖ and θ̄ = θ/‖θ‖, for ‖θ‖ from 1e-300 to 1e300", () => {
    for (const s of [1e-300, 1e-150, 1e-3, 1, 7.5e40, 1e300]) {
      const th = f64(3 * s, -4 * s, 12 * s), r = lambdaNormalize(th, f64(1, 1, 1));
      const tau = Math.log(13) + Math.log(s);
      record("homogeneous tau (abs/max(1,|τ|))", Math.abs(r.tau - tau) / Math.max(1, Math.abs(tau)));
      expect(Math.abs(r.tau - tau)).toBeLessThanOrEqual(4 * EPS * Math.max(1, Math.abs(tau)));
      [3 / 13, -4 / 13, 12 / 13].forEach((v, i) => expect(rel(r.thetaBar[i]!, v)).toBeLessThanOrEqual(4 * EPS));
    }
  });
  it("two rates λ = (1, 1/2): s = √z solves θ1² s² + ½θ2² s − 1 = 0, s = 2/(b + √(b² + 4a))", () => {
    for (const [t1, t2] of [[3, 2], [1e-3, 5], [1e5, 1e-2], [-7e80, 3e60], [2e-90, -1e-60], [0.5, 1e-40]] as const) {
      const a = t1 * t1, b = 0.5 * t2 * t2;
      const s = 2 / (b + Math.sqrt(b * b + 4 * a));
      const r = lambdaNormalize(f64(t1, t2), f64(1, 0.5));
      record("two-rate tau (abs/max(1,|τ|))", Math.abs(r.tau + Math.log(s)) / Math.max(1, Math.abs(Math.log(s))));
      expect(Math.abs(r.tau + Math.log(s))).toBeLessThanOrEqual(8 * EPS * Math.max(1, Math.abs(Math.log(s))));
      expect(rel(r.thetaBar[0]!, t1 * s)).toBeLessThan(1e-14);
      expect(rel(r.thetaBar[1]!, t2 * Math.sqrt(s))).toBeLessThan(1e-14);
    }
  });
  it("‖θ̄‖_Λ = 1 (to 4e-16) and θ̄_i = e^{−τλ_i}θ_i, for random |θ_i| ∈ 1e-300…1e300 and λ_i ∈ {1, ½, ⅓, 0.2, 0.1, 0.001, 0}", () => {
    const coord = fc.tuple(fc.double({ min: -690, max: 690, noNaN: true }), fc.boolean(), fc.constantFrom(1, 0.5, 1 / 3, 0.2, 0.1, 0.001, 0));
    fc.assert(fc.property(fc.array(coord, { minLength: 1, maxLength: 10 }), fc.double({ min: -690, max: 690, noNaN: true }), (cs, l0) => {
      const th = f64(Math.exp(l0), ...cs.map(([l, neg]) => (neg ? -1 : 1) * Math.exp(l)));
      const la = f64(1, ...cs.map((c) => c[2]));
      const r = lambdaNormalize(th, la);
      record("‖θ̄‖_Λ − 1", Math.abs(lambdaSeminorm(r.thetaBar, la) - 1));
      expect(Math.abs(lambdaSeminorm(r.thetaBar, la) - 1)).toBeLessThanOrEqual(4 * EPS);
      expect(r.iterations).toBeLessThan(100);
      th.forEach((t, i) => {
        const b = r.thetaBar[i]!;
        if (Math.abs(b) < 1e-300) return; // underflowed coordinates carry no precision
        const err = Math.abs(Math.log(Math.abs(b)) - (Math.log(Math.abs(t)) - r.tau * la[i]!));
        record("log|θ̄_i| − (log|θ_i| − τλ_i)", err);
        expect(err).toBeLessThanOrEqual(8 * EPS * (1 + Math.abs(Math.log(Math.abs(t))) + Math.abs(r.tau * la[i]!)));
        expect(Math.sign(b)).toBe(Math.sign(t));
      });
    }), { numRuns: 300 });
  });
  it("ψ_α covariance: normalizing ψ_α(θ) gives the same θ̄ and τ + α, for α = ±600 (entries out to e^{±600}·θ)", () => {
    const th = f64(2.5, -1.5e-3, 4e2, 0.7, -3), la = f64(1, 0.5, 0.1, 0, 1 / 3);
    const r = lambdaNormalize(th, la);
    for (const alpha of [-600, -37.5, 37.5, 600]) {
      const ra = lambdaNormalize(lambdaScale(th, la, alpha), la);
      record("ψ covariance: τ(ψ_α θ) − τ − α (abs)", Math.abs(ra.tau - r.tau - alpha));
      expect(Math.abs(ra.tau - (r.tau + alpha))).toBeLessThanOrEqual(4 * EPS * 700);
      r.thetaBar.forEach((b, i) => {
        record("ψ covariance: θ̄ (rel)", rel(ra.thetaBar[i]!, b));
        expect(rel(ra.thetaBar[i]!, b)).toBeLessThan(1e-14);
      });
    }
  });
  it("ψ_α covariance in log domain: |θ_i| out to 1e±300 and α = ±600 (ψ_α(θ) out to e^{±1290}); λ = 0 entries unchanged", () => {
    const th = f64(1e300, -1e-300, 3e150, 2e-200, -7), la = f64(1, 0.1, 0.5, 0.2, 0);
    const r = lambdaNormalize(th, la);
    expect(Math.abs(lambdaSeminorm(r.thetaBar, la) - 1)).toBeLessThanOrEqual(4 * EPS);
    expect(r.thetaBar[4]).toBe(-7);
    const lp = { logAbs: th.map((t) => Math.log(Math.abs(t))), sign: Array.from(th, Math.sign) };
    for (const alpha of [-600, 0, 600]) {
      const ra = lambdaNormalizeLog(lambdaScaleLog(lp, la, alpha), la);
      expect(Math.abs(ra.tau - (r.tau + alpha))).toBeLessThanOrEqual(4 * EPS * 2000);
      r.thetaBar.forEach((b, i) => {
        if (Math.abs(b) < 1e-300) return;
        record("log-domain ψ covariance: θ̄ (rel)", rel(ra.thetaBar[i]!, b));
        expect(rel(ra.thetaBar[i]!, b)).toBeLessThan(1e-12);
        expect(Math.abs(ra.logAbsThetaBar[i]! - Math.log(Math.abs(b)))).toBeLessThan(1e-12);
      });
      expect(Math.abs(lambdaSeminorm(ra.thetaBar, la) - 1)).toBeLessThanOrEqual(4 * EPS);
    }
  });
  it("θ with no nonzero coordinate of positive rate cannot be normalized → ArgumentError(theta)", () => {
    throwsArg(() => lambdaNormalize(f64(0, 5), f64(1, 0)), "theta");
    throwsArg(() => lambdaNormalizeLog({ logAbs: f64(-Infinity, 3) }, f64(1, 0)), "theta");
    throwsArg(() => lambdaNormalize(f64(1, 5), f64(1)), "lambda");
  });
});

describe("the tangent vector Λθ of the ψ-orbit and its angle ω with a velocity", () => {
  it("tangent = Λθ; ω = 0 and cos ω = 1 for a velocity along Λθ, at any scale (1e-300 … 1e300)", () => {
    const th = f64(3, -4, 5, 9), la = f64(1, 0.5, 0, 0.25);
    expect(Array.from(tangent(th, la))).toEqual([3, -2, 0, 2.25]);
    for (const [s, v] of [[1, 1], [1e300, 1e-300], [1e-300, 1e300]] as const) {
      const a = cosAngle(th.map((t) => t * s), la, tangent(th, la).map((t) => t * v));
      expect(a.degenerate).toBe(false);
      expect(Math.abs(a.cos - 1)).toBeLessThanOrEqual(2 * EPS);
      expect(a.omega).toBeLessThan(1e-15);
      expect(cosAngle(th.map((t) => t * s), la, tangent(th, la).map((t) => -t * v)).omega).toBeCloseTo(Math.PI, 15);
    }
  });
  it("ω equals a known angle φ from 1e-12 to π (Kahan's formula), with cos ω = cos φ", () => {
    for (const phi of [1e-12, 1e-6, 0.3, Math.PI / 2, 2, Math.PI - 1e-9]) {
      const a = cosAngle(f64(2, 7), f64(0.5, 0), f64(Math.cos(phi), Math.sin(phi)));
      record("angle ω (rel)", rel(a.omega, phi));
      expect(rel(a.omega, phi)).toBeLessThan(1e-14);
      expect(Math.abs(a.cos - Math.cos(phi))).toBeLessThanOrEqual(2 * EPS);
    }
  });
  it("degenerate convention: velocity 0 or Λθ = 0 → cos ω = 0, ω = π/2, degenerate = true", () => {
    for (const a of [cosAngle(f64(1, 2), f64(1, 1), f64(0, 0)), cosAngle(f64(0, 2), f64(1, 0), f64(1, 1))]) {
      expect(a).toEqual({ cos: 0, omega: Math.PI / 2, degenerate: true });
    }
    throwsArg(() => cosAngle(f64(1, 2), f64(1, 1), f64(1)), "velocity");
  });
});

describe("margins and the number of support vectors", () => {
  it("binary q_i = y_i f_i; multiclass q_i = f_{y_i} − max_{c≠y_i} f_c (against a naive loop)", () => {
    expect(Array.from(margins(f64(2, -3, 1e300), [1, 1, -1]))).toEqual([2, -3, -1e300]);
    const F = matrix(3, 4, [1, 5, 2, 0, -1, -2, -3, 7, 1e300, -1e300 / 2, 0, 3]);
    expect(Array.from(margins(F, Int32Array.of(1, 0, 0)))).toEqual([3, -8, 1e300 - 3]);
    expect(minMargin(f64(3, -8, 1e300))).toBe(-8);
  });
  it("n_supp_k counts margins within k·ln 10 of the minimum (loss terms within a factor 10^k of the largest)", () => {
    const q = f64(1, 1 + 0.5 * Math.LN10, 1 + 2 * Math.LN10, 5, 1);
    expect([0, 1, 2.0000001, 10].map((k) => supportVectorCount(q, k))).toEqual([2, 3, 5, 5]);
  });
  it("shape mismatches, labels out of range, non-finite outputs → ArgumentError naming the argument", () => {
    throwsArg(() => margins(f64(1, 2), [1]), "y");
    throwsArg(() => margins(f64(1, 2), [1, 0]), "y[1]");
    throwsArg(() => margins(f64(1, NaN), [1, 1]), "f[1]");
    throwsArg(() => margins(matrix(2, 3, [1, 2, 3, 4, 5, 6]), [0, 3]), "y[1]");
    throwsArg(() => margins(matrix(2, 3, [1, 2, 3, 4, 5, 6]), [0, 1.5]), "y[1]");
    throwsArg(() => margins(matrix(2, 1, [1, 2]), [0, 0]), "f");
    throwsArg(() => margins(matrix(1, 2, [1.7e308, -1.7e308]), [0]), "f (row 0)");
    throwsArg(() => minMargin(f64()), "q");
    throwsArg(() => supportVectorCount(f64(1), -1), "k");
    throwsArg(() => normalizedMargin(1, f64(0, 3), f64(1, 0)), "theta");
  });
});

describe("normalized margin γ = q_min/‖θ‖_Λ^{1/λmax} on quasi-homogeneous toy models", () => {
  const x = f64(0.7, -1.3, 2.1, -0.4, 1.9), y = [1, -1, 1, -1, 1];
  it("f = θ1θ2²x with λ = (⅓, ⅓) (homogeneous of degree 3): γ(ψ_α θ) = γ(θ) for α from −600 to 600", () => {
    const th = f64(1.3, -0.8), la = f64(1 / 3, 1 / 3);
    const gamma = (t: Float64Array) => normalizedMargin(minMargin(margins(x.map((xi) => t[0]! * t[1]! ** 2 * xi), y)), t, la);
    const g0 = gamma(th);
    expect(rel(g0, (1.3 * 0.64 * 0.4) / ((1.3 ** 2 + 0.64) / 3) ** 1.5)).toBeLessThan(1e-14);
    for (const alpha of [-600, -50, 3, 50, 600]) {
      record("γ ψ-invariance (rel)", rel(gamma(lambdaScale(th, la, alpha)), g0));
      expect(rel(gamma(lambdaScale(th, la, alpha)), g0)).toBeLessThan(1e-13);
    }
  });
  it("diagonal net β_i = Π_j θ_ij, λ_ij = 1/D_i, D = (1, 2, 3): f(ψ_α θ) = e^α f(θ) and γ(ψ_α θ) → q_min/‖θ‖_{Λmax}^{1/λmax} (equal at α = 600)", () => {
    const th = f64(0.9, 1.2, -0.7, 0.5, 1.1, -1.4), la = f64(1, 0.5, 0.5, 1 / 3, 1 / 3, 1 / 3);
    const X = [f64(1, 0.5, -2), f64(-1, 2, 0.3), f64(0.2, -0.4, 1.5)], Y = [1, -1, 1];
    const f = (t: Float64Array) => X.map((xi) => t[0]! * xi[0]! + t[1]! * t[2]! * xi[1]! + t[3]! * t[4]! * t[5]! * xi[2]!);
    const q = (t: Float64Array) => margins(f64(...f(t)), Y);
    for (const alpha of [-600, 5, 600]) f(lambdaScale(th, la, alpha)).forEach((v, i) => expect(rel(v, Math.exp(alpha) * f(th)[i]!)).toBeLessThan(1e-13));
    const limit = minMargin(q(th)) / lambdaMaxSeminorm(th, la);
    const gaps = [0, 2, 8, 30].map((a) => Math.abs(normalizedMargin(minMargin(q(lambdaScale(th, la, a))), lambdaScale(th, la, a), la) - limit));
    for (let k = 1; k < gaps.length; k++) expect(gaps[k]!).toBeLessThan(gaps[k - 1]!);
    const big = lambdaScale(th, la, 600);
    expect(rel(normalizedMargin(minMargin(q(big)), big, la), limit)).toBeLessThan(1e-13);
    const lp = { logAbs: big.map((t) => Math.log(Math.abs(t))) };
    expect(rel(normalizedMargin(minMargin(q(big)), lp, la), limit)).toBeLessThan(1e-12);
  });
  it("smoothed margin γ̃ ≤ γ, gap ≤ log(n)/‖θ‖_Λ^{1/λmax} → 0 as the scale grows; at α = 600, where L underflows, γ̃ = γ", () => {
    const th = f64(1.3, -0.8), la = f64(1 / 3, 1 / 3);
    const qs = (t: Float64Array) => margins(x.map((xi) => t[0]! * t[1]! ** 2 * xi), y);
    let prev = Infinity;
    for (const alpha of [0, 1, 2, 4, 8, 600]) {
      const t = lambdaScale(th, la, alpha), q = qs(t);
      const { logL } = exponentialLoss(q);
      const g = normalizedMargin(minMargin(q), t, la), gs = smoothedMargin(logL, q.length, t, la);
      const bound = Math.log(q.length) / lambdaSeminorm(t, la) ** 3;
      expect(gs).toBeLessThanOrEqual(g + 4 * EPS * g);
      expect(g - gs).toBeLessThanOrEqual(bound * (1 + 1e-12) + 4 * EPS * g);
      expect(g - gs).toBeLessThanOrEqual(prev);
      prev = g - gs;
      if (alpha === 600) expect(rel(gs, g)).toBeLessThan(4 * EPS);
    }
    throwsArg(() => smoothedMargin(NaN, 3, th, la), "logL");
    throwsArg(() => smoothedMargin(-1, 0, th, la), "n");
  });
});
