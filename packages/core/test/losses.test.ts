// Losses in log domain against naive formulas where those are representable (relative 1e-14) and against closed
// forms in the terminal phase where L underflows (margins 1e3 … 1e300): log L, the weights −∂ log L/∂q (sum to 1
// for the exponential loss) and ∂ log L/∂f; property tests over margins spanning many magnitudes; the multiclass
// cross-entropy of App. H against its definition evaluated naively; typed errors.
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { ArgumentError, crossEntropy, exponentialLoss, logisticLoss, loss, matrix, squareLoss, type Matrix } from "../src/index.js";

const EPS = Number.EPSILON;
const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE));
const f64 = (...v: number[]) => Float64Array.from(v);
const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);
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
/** Margins ±10^e, e uniform in [lo, hi]: both signs, many magnitudes. */
const wideMargins = (lo: number, hi: number, signs = true) =>
  fc.array(fc.tuple(fc.double({ min: lo, max: hi, noNaN: true }), fc.boolean()), { minLength: 1, maxLength: 24 })
    .map((a) => Float64Array.from(a, ([e, neg]) => (signs && neg ? -1 : 1) * 10 ** e));
const moderate = fc.array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: 1, maxLength: 30 }).map((a) => Float64Array.from(a));
const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

describe("exponential loss ℓ = e^{−q}: log L = logsumexp(−q) − log n, weights = softmax(−q)", () => {
  it("matches the naive (1/n)Σe^{−q_i} and e^{−q_i}/Σe^{−q_j} wherever those are representable (relative 1e-14)", () => {
    fc.assert(fc.property(moderate, (q) => {
      const r = exponentialLoss(q), e = Array.from(q, (v) => Math.exp(-v)), S = sum(e);
      record("exponential L vs naive (rel)", rel(loss(r)!, S / q.length));
      expect(rel(loss(r)!, S / q.length)).toBeLessThan(1e-14);
      r.weights.forEach((w, i) => expect(Math.abs(w - e[i]! / S)).toBeLessThan(1e-14 * Math.max(w, 1e-300) + 1e-300));
    }));
  });
  it("all q_i = Q ⇒ log L = −Q exactly and weights 1/n, for Q = 1e3 … 1e300 (where naive L underflows to 0)", () => {
    for (const Q of [1e3, 745.5, 1e5, 1e100, 1e300]) {
      for (const n of [1, 3, 10]) {
        const r = exponentialLoss(new Float64Array(n).fill(Q));
        expect(r.logL).toBe(-Q);
        expect(loss(r)).toBeUndefined();
        r.weights.forEach((w) => expect(rel(w, 1 / n)).toBeLessThanOrEqual(2 * EPS));
      }
    }
  });
  it("distinct margins Q + δ_i beyond the range: log L = −Q + log mean e^{−δ} (absolute 4ε·Q)", () => {
    for (const Q of [1e3, 1e5, 3e7]) {
      const q = Float64Array.from([0, 0.25, 1.5, 3, 7.25, 40], (d) => Q + d);
      const d = Array.from(q, (v) => v - Q); // exact
      const want = -Q + Math.log(sum(d.map((x) => Math.exp(-x))) / d.length);
      record("exponential terminal log L (abs/Q)", Math.abs(exponentialLoss(q).logL - want) / Q);
      expect(Math.abs(exponentialLoss(q).logL - want)).toBeLessThanOrEqual(4 * EPS * Q);
    }
  });
  it("margins at the end of the double range (±1.7e308): finite log L and weights for the exponential and logistic losses", () => {
    const q = f64(1.7e308, -1.7e308), e = exponentialLoss(q), l = logisticLoss(q);
    expect(e.logL).toBe(1.7e308); // −q_min − log 2, the log 2 below the resolution
    expect(Array.from(e.weights)).toEqual([0, 1]);
    expect(rel(l.logL, Math.log(1.7e308 / 2))).toBeLessThanOrEqual(2 * EPS);
    expect(l.weights[0]).toBe(0);
    expect(rel(l.weights[1]!, 1 / 1.7e308)).toBeLessThan(1e-12); // subnormal, reached through a log of size 710
  });
  it("property, margins ±1e-3…1e300: weights ≥ 0 sum to 1, and −q_min − log n ≤ log L ≤ −q_min", () => {
    fc.assert(fc.property(wideMargins(-3, 300), (q) => {
      const r = exponentialLoss(q), qmin = Math.min(...q), n = q.length;
      expect(Number.isFinite(r.logL)).toBe(true);
      expect(r.weights.every((w) => w >= 0 && w <= 1)).toBe(true);
      record("exponential |Σw − 1|", Math.abs(sum(r.weights) - 1));
      expect(Math.abs(sum(r.weights) - 1)).toBeLessThanOrEqual(n * EPS);
      const tol = 4 * EPS * Math.max(1, Math.abs(qmin));
      expect(r.logL).toBeLessThanOrEqual(-qmin + tol);
      expect(r.logL).toBeGreaterThanOrEqual(-qmin - Math.log(n) - tol);
    }), { numRuns: 300 });
  });
});

describe("logistic loss ℓ = log(1 + e^{−q}) (binary cross-entropy on y ∈ {±1})", () => {
  it("matches the naive mean log1p(e^{−q}) and weights σ(−q_i)/Σℓ wherever representable (relative 1e-14)", () => {
    fc.assert(fc.property(moderate, (q) => {
      const r = logisticLoss(q), l = Array.from(q, (v) => softplus(-v)), S = sum(l);
      record("logistic L vs naive (rel)", rel(loss(r)!, S / q.length));
      expect(rel(loss(r)!, S / q.length)).toBeLessThan(1e-14);
      r.weights.forEach((w, i) => {
        record("logistic weights vs naive (rel)", rel(w, 1 / (1 + Math.exp(q[i]!)) / S));
        expect(rel(w, 1 / (1 + Math.exp(q[i]!)) / S)).toBeLessThan(1e-14);
      });
    }));
  });
  it("log ℓ(q) = log log1p(e^{−q}) for q ≤ 700, = −q exactly for q = 1e3…1e300, = log(−q) for q = −40…−1e300", () => {
    for (const q of [-5, -1, 0, 0.5, 1, 1.0000001, 5, 36, 37, 50, 300, 700]) {
      const want = Math.log(Math.log1p(Math.exp(-q)));
      record("logistic log ℓ vs closed form (rel)", rel(logisticLoss(f64(q)).logL, want));
      expect(rel(logisticLoss(f64(q)).logL, want)).toBeLessThanOrEqual(4 * EPS);
    }
    for (const Q of [1e3, 1e10, 1e100, 1e300]) expect(logisticLoss(f64(Q, Q)).logL).toBe(-Q);
    for (const Q of [40, 1e3, 1e100, 1e300]) expect(rel(logisticLoss(f64(-Q)).logL, Math.log(Q))).toBeLessThanOrEqual(2 * EPS);
  });
  it("weights ≥ 0 with Σw ≤ 1, → 1 as the margins grow; property over margins ±1e-3…1e300, and L_logistic ≤ L_exp", () => {
    fc.assert(fc.property(wideMargins(-3, 300), (q) => {
      const r = logisticLoss(q), e = exponentialLoss(q);
      expect(r.weights.every((w) => w >= 0)).toBe(true);
      expect(sum(r.weights)).toBeLessThanOrEqual(1 + q.length * EPS);
      expect(r.logL).toBeLessThanOrEqual(e.logL + 4 * EPS * Math.abs(e.logL));
      if (Math.min(...q) > 40) expect(Math.abs(sum(r.weights) - 1)).toBeLessThanOrEqual(q.length * EPS);
    }), { numRuns: 300 });
  });
  it("binary cross-entropy of outputs f with y ∈ {±1} is the logistic loss of q = y·f, with grad = ∂log L/∂f = −y·weights", () => {
    const f = f64(2, -1e3, 0.5, 1e300), y = [1, -1, -1, 1];
    const r = crossEntropy(f, y), l = logisticLoss(f64(2, 1e3, -0.5, 1e300));
    expect(r.logL).toBe(l.logL);
    expect(Array.from(r.weights)).toEqual(Array.from(l.weights));
    expect(Array.from(r.grad)).toEqual(Array.from(l.weights, (w, i) => -y[i]! * w));
  });
});

describe("multiclass cross-entropy (App. H): ℓ_j = log(1 + Σ_{c≠y_j} e^{−(f_{y_j} − f_c)})", () => {
  /** The definition, evaluated directly in doubles (fine for |f| ≤ 20, underflows in the terminal phase). */
  const naive = (F: Matrix, y: number[]) => {
    const { rows: n, cols: C, data } = F;
    const E = Array.from({ length: n }, (_, j) => Array.from({ length: C }, (_, c) => (c === y[j] ? 0 : Math.exp(data[j * C + c]! - data[j * C + y[j]!]!))));
    const l = E.map((e) => Math.log1p(sum(e))), S = sum(l);
    return { L: S / n, grad: E.flatMap((e, j) => e.map((v, c) => (c === y[j] ? -sum(e) : v) / (1 + sum(e)) / S)) };
  };
  it("matches the definition evaluated naively (softmax probabilities p_c = e^{f_c−f_y}/(1+Σ)) for logits |f| ≤ 20 (L relative 1e-14, grad 1e-14·max|grad|)", () => {
    const arb = fc.integer({ min: 2, max: 6 }).chain((C) => fc.tuple(
      fc.constant(C),
      fc.array(fc.tuple(fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: C, maxLength: C }), fc.integer({ min: 0, max: C - 1 })), { minLength: 1, maxLength: 12 }),
    ));
    fc.assert(fc.property(arb, ([C, rows]) => {
      const F = matrix(rows.length, C, rows.flatMap((r) => r[0])), y = rows.map((r) => r[1]);
      const r = crossEntropy(F, y), want = naive(F, y);
      record("multiclass CE L vs naive (rel)", rel(loss(r)!, want.L));
      expect(rel(loss(r)!, want.L)).toBeLessThan(1e-14);
      const gmax = Math.max(...want.grad.map(Math.abs));
      r.grad.data.forEach((g, k) => expect(Math.abs(g - want.grad[k]!)).toBeLessThan(1e-14 * gmax));
      y.forEach((c, j) => expect(r.weights[j]).toBe(-r.grad.data[j * C + c]!));
    }), { numRuns: 200 });
  });
  it("C = 2 is the logistic loss of the margin f_y − f_other (log L and weights to 2ε)", () => {
    const F = matrix(4, 2, [3, 1, -2, 5, 1e3, 0, 0.25, 0.5]), y = [0, 1, 0, 1];
    const r = crossEntropy(F, y), l = logisticLoss(f64(2, 7, 1e3, 0.25));
    expect(rel(r.logL, l.logL)).toBeLessThanOrEqual(2 * EPS);
    r.weights.forEach((w, j) => expect(rel(w, l.weights[j]!)).toBeLessThanOrEqual(4 * EPS));
  });
  it("terminal phase: rows (Q, 0, 0), label 0 ⇒ log L = −Q + log 2 for Q = 1e3 … 1e300; weights sum to 1, grad rows to 0", () => {
    for (const Q of [1e3, 1e5, 1e100, 1e300]) {
      const r = crossEntropy(matrix(3, 3, [Q, 0, 0, 0, Q, 0, 0, 0, Q]), [0, 1, 2]);
      expect(Math.abs(r.logL - (-Q + Math.LN2))).toBeLessThanOrEqual(2 * EPS * Q);
      expect(Math.abs(sum(r.weights) - 1)).toBeLessThanOrEqual(4 * EPS);
      for (let j = 0; j < 3; j++) expect(Math.abs(sum(r.grad.data.subarray(3 * j, 3 * j + 3)))).toBeLessThanOrEqual(EPS);
    }
  });
  it("logits out to ±1e307: correct to the end of the range (log L = −1e307; misclassified: log L = log(2e307))", () => {
    expect(crossEntropy(matrix(1, 3, [1e307, -1e307, 0]), [0]).logL).toBe(-1e307);
    expect(rel(crossEntropy(matrix(1, 3, [1e307, -1e307, 0]), [1]).logL, Math.log(2e307))).toBeLessThanOrEqual(2 * EPS);
  });
  it("labels out of range, shape mismatches, non-finite or overflowing logits → ArgumentError naming the argument", () => {
    throwsArg(() => crossEntropy(matrix(2, 3, [1, 2, 3, 4, 5, 6]), [0, 3]), "y[1]");
    throwsArg(() => crossEntropy(matrix(2, 3, [1, 2, 3, 4, 5, 6]), [0]), "y");
    throwsArg(() => crossEntropy(matrix(1, 3, [1, NaN, 3]), [0]), "f.data[1]");
    throwsArg(() => crossEntropy(matrix(1, 2, [1.7e308, -1.7e308]), [1]), "f (row 0)");
    throwsArg(() => crossEntropy({ rows: 2, cols: 2, data: f64(1, 2, 3) }, [0, 0]), "f");
    throwsArg(() => crossEntropy(f64(1, 2), [1, 2]), "y[1]");
  });
});

describe("square loss ½(f − y)² / ½‖f − onehot‖² (same interface)", () => {
  it("binary and multiclass match the naive formulas (relative 1e-14); weights = (1 − q)/Σℓ may be negative", () => {
    const f = f64(0.3, -2, 1.5, 0.9), y = [1, -1, -1, 1];
    const l = Array.from(f, (v, i) => 0.5 * (v - y[i]!) ** 2), S = sum(l);
    const r = squareLoss(f, y);
    expect(rel(loss(r)!, S / 4)).toBeLessThan(1e-14);
    r.grad.forEach((g, i) => expect(rel(g, (f[i]! - y[i]!) / S)).toBeLessThan(1e-14));
    r.weights.forEach((w, i) => expect(rel(w, (1 - y[i]! * f[i]!) / S)).toBeLessThan(1e-14));
    expect(r.weights[3]).toBeGreaterThan(0);
    expect(r.weights[1]).toBeLessThan(0); // q = 2 > 1 is pushed back
    const F = matrix(2, 3, [0.2, 0.9, -0.1, 1.5, 0, 0.3]), c = [1, 0];
    const d = Array.from(F.data, (v, k) => v - (k % 3 === c[Math.floor(k / 3)]! ? 1 : 0));
    const Sm = 0.5 * sum(d.map((v) => v * v)), rm = squareLoss(F, c);
    expect(rel(loss(rm)!, Sm / 2)).toBeLessThan(1e-14);
    rm.grad.data.forEach((g, k) => expect(Math.abs(g - d[k]! / Sm)).toBeLessThan(1e-14 * Math.max(...d.map(Math.abs)) / Sm));
  });
  it("outputs 1e200 (naive (f − y)² overflows): log L = log(½·1e400) exactly to 4ε; an exact fit gives log L = −∞, L = 0, grad = 0", () => {
    const r = squareLoss(f64(1e200, -1e200), [1, -1]);
    expect(rel(r.logL, 400 * Math.LN10 - Math.LN2)).toBeLessThanOrEqual(4 * EPS);
    expect(rel(r.grad[0]!, 1e-200)).toBeLessThan(1e-14);
    const z = squareLoss(f64(1, -1), [1, -1]);
    expect(z.logL).toBe(-Infinity);
    expect(loss(z)).toBe(0);
    expect(Array.from(z.grad)).toEqual([0, 0]);
  });
});

describe("loss(): L when it is a normal double, never 0 for a positive loss", () => {
  it("e^{log L} in range; undefined beyond (underflow or overflow); 0 only for log L = −∞", () => {
    expect(loss({ logL: -3 })).toBe(Math.exp(-3));
    for (const logL of [-708.5, -745.2, -1e300, 710, 1e300]) expect(loss({ logL })).toBeUndefined();
    expect(loss({ logL: -Infinity })).toBe(0);
    expect(loss(exponentialLoss(f64(1e4)))).toBeUndefined();
  });
  it("bad margins → ArgumentError naming q", () => {
    throwsArg(() => exponentialLoss(f64()), "q");
    throwsArg(() => logisticLoss(f64(1, NaN)), "q[1]");
    throwsArg(() => exponentialLoss([1, 2] as unknown as Float64Array), "q");
    throwsArg(() => squareLoss(f64(1, Infinity), [1, 1]), "f[1]");
  });
});
