// The special-function kernels (exp, log, log1p, expm1, logsumexp, softmax) against the double-double
// reference in src/reference/special.ts (~1e-31 relative): property tests over the full double range
// (random bit patterns, log-uniform magnitudes, both signs, thresholds, subnormals), special values, odd
// lengths and unaligned tails, plus a dense deterministic sweep per function. Normal results must be within
// 4e-16 relative error, subnormal results within 1 ulp (2^-1074).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { ArgumentError, Runtime, Special } from "../src/index.js";
import { special as ref } from "../src/reference/index.js";

type Fn = "exp" | "log" | "log1p" | "expm1";
const FNS: Fn[] = ["exp", "log", "log1p", "expm1"];
const REL = 4e-16;
const ULP = 1;

let rt: Runtime;
let sf: Special;
beforeAll(async () => {
  rt = await Runtime.create();
  sf = new Special(rt);
});

// Worst errors seen per function over the whole file (printed at the end).
const worst: Record<Fn, { rel: number; relAt: number; ulp: number; ulpAt: number; n: number }> = {
  exp: { rel: 0, relAt: 0, ulp: 0, ulpAt: 0, n: 0 },
  log: { rel: 0, relAt: 0, ulp: 0, ulpAt: 0, n: 0 },
  log1p: { rel: 0, relAt: 0, ulp: 0, ulpAt: 0, n: 0 },
  expm1: { rel: 0, relAt: 0, ulp: 0, ulpAt: 0, n: 0 },
};
afterAll(() => {
  for (const f of FNS) {
    const w = worst[f];
    console.info(`${f}: ${w.n} points, max rel error ${w.rel.toExponential(3)} (x = ${w.relAt}), max subnormal error ${w.ulp.toFixed(3)} ulp (x = ${w.ulpAt})`);
  }
});

/** Max errors of got[i] = f(xs[i]) against the reference (relative for normal, ulps for subnormal results). */
function measure(f: Fn, xs: ArrayLike<number>, got: Float64Array): { rel: number; relAt: number; ulp: number; ulpAt: number } {
  const m = { rel: 0, relAt: 0, ulp: 0, ulpAt: 0 };
  for (let i = 0; i < xs.length; i++) {
    const e = ref.error(got[i]!, ref[f](xs[i]!));
    if (e.rel > m.rel || Number.isNaN(e.rel)) (m.rel = Number.isNaN(e.rel) ? Infinity : e.rel), (m.relAt = xs[i]!);
    if (e.ulp > m.ulp || Number.isNaN(e.ulp)) (m.ulp = Number.isNaN(e.ulp) ? Infinity : e.ulp), (m.ulpAt = xs[i]!);
  }
  const w = worst[f];
  w.n += xs.length;
  if (m.rel > w.rel) (w.rel = m.rel), (w.relAt = m.relAt);
  if (m.ulp > w.ulp) (w.ulp = m.ulp), (w.ulpAt = m.ulpAt);
  return m;
}
function expectAccurate(f: Fn, xs: ArrayLike<number>, got: Float64Array): void {
  const m = measure(f, xs, got);
  expect(m.rel, `${f}: relative error at x = ${m.relAt}`).toBeLessThanOrEqual(REL);
  expect(m.ulp, `${f}: subnormal-result error (ulps) at x = ${m.ulpAt}`).toBeLessThanOrEqual(ULP);
}

// ---- input generators ----

const bits = new DataView(new ArrayBuffer(8));
function fromBits(hi: number, lo: number): number {
  bits.setUint32(0, hi >>> 0);
  bits.setUint32(4, lo >>> 0);
  return bits.getFloat64(0);
}
const MIN_NORMAL = 2 ** -1022;
const LN2 = Math.LN2;
// Points where the algorithms change regime (reduction k boundaries, clamps, fast/edge paths, domain ends).
const EDGES: Record<Fn, number[]> = {
  exp: [709.782712893384, -708.3964185322641, -745.1332191019411, -744.44, 708, -708, LN2 / 2, -LN2 / 2, 1.5 * LN2, 1, 0, 1e-300],
  log: [1, MIN_NORMAL, Math.SQRT2, Math.SQRT1_2, 2, 0.5, 1.7976931348623157e308, 5e-324, 1e-310, Math.E],
  log1p: [0, -1, Math.SQRT2 - 1, Math.SQRT1_2 - 1, 1, -0.5, 2 ** 53, 2 ** -54, -(2 ** -54), 1e300],
  expm1: [0, LN2 / 2, -LN2 / 2, 1.5 * LN2, -1.5 * LN2, 20 * LN2, 56 * LN2, -37.43, -40, 708, -708, 709.782712893384, 2 ** -54],
};

const anyBits = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff })).map(([h, l]) => fromBits(h, l));
const logMagnitude = fc.tuple(fc.double({ min: -323.3, max: 308.2, noNaN: true }), fc.boolean()).map(([e, neg]) => (neg ? -1 : 1) * 10 ** e);
const subnormal = fc.tuple(fc.integer({ min: 0, max: 0xfffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.boolean()).map(([h, l, neg]) => fromBits(h | (neg ? 0x80000000 : 0), l));
const near = (f: Fn) =>
  fc.tuple(fc.constantFrom(...EDGES[f]), fc.double({ min: -1, max: 1, noNaN: true }), fc.integer({ min: 1, max: 60 })).map(([t, u, p]) => (t === 0 ? u * 2 ** -p * 1e-3 : t * (1 + u * 2 ** -p)));
const specials = fc.constantFrom(0, -0, Infinity, -Infinity, NaN, 5e-324, -5e-324, -1, 1, 710, -746, 1e308, -1e308);
const plain: Record<Fn, fc.Arbitrary<number>> = {
  exp: fc.double({ min: -745.2, max: 709.8, noNaN: true }),
  log: fc.double({ min: 0, max: 1e10, noNaN: true }),
  log1p: fc.double({ min: -1, max: 10, noNaN: true }),
  expm1: fc.double({ min: -50, max: 709.8, noNaN: true }),
};
const element = (f: Fn) => fc.oneof(anyBits, logMagnitude, subnormal, near(f), specials, plain[f]);
const arrays = (f: Fn) => fc.array(element(f), { minLength: 0, maxLength: 37 }).map((a) => Float64Array.from(a));

describe.each(FNS)("%s over the full double range: max relative error ≤ 4e-16 vs the double-double reference (src/reference/special.ts)", (f) => {
  it("random arrays (bit patterns, log-uniform magnitudes, thresholds, subnormals, specials; lengths 0…37)", () => {
    fc.assert(
      fc.property(arrays(f), (x) => {
        const y = sf[f](x);
        expect(y.length).toBe(x.length);
        expectAccurate(f, x, y);
      }),
      { numRuns: 300 },
    );
  });

  it("unaligned pointers, in place and out of place, lengths 0, 1, 3, 17, 64, 101", () => {
    const e = rt.exports;
    for (const n of [0, 1, 2, 3, 5, 17, 64, 101]) {
      rt.arena.scope((a) => {
        const x = Float64Array.from({ length: n }, (_, i) => [7.5, -3.25, 0.125, 700.1, -0.7][i % 5]! * (1 + i / 7));
        const xs = f === "log" ? x.map(Math.abs) : f === "log1p" ? x.map((v) => Math.abs(v) - 0.5) : x;
        const base = a.allocBytes(16 * n + 64) + 8; // 8 mod 16: every v128 access is unaligned
        const xv = new Float64Array(rt.exports.memory.buffer, base, n);
        xv.set(xs);
        const kernel = e[`${f}_f64` as "exp_f64"];
        kernel(n, base, base + 8 * n + 8);
        const out = new Float64Array(rt.exports.memory.buffer, base + 8 * n + 8, n).slice();
        expectAccurate(f, xs, out);
        kernel(n, base, base); // y == x
        expect([...new Float64Array(rt.exports.memory.buffer, base, n)]).toEqual([...out]);
      });
    }
  });

  it(`dense deterministic sweep (1.2e5 points, regions interleaved so vector lanes mix regimes)`, () => {
    const xs = sweep(f, 120_000);
    expectAccurate(f, xs, sf[f](xs));
  });
});

// Deterministic low-discrepancy sweep: point i picks a region by one Weyl sequence and a position inside it
// by another, so neighbouring points (the two lanes of a vector) usually come from different regions.
function sweep(f: Fn, n: number): Float64Array {
  const out = new Float64Array(n);
  const phi1 = 0.6180339887498949, phi2 = 0.7548776662466927;
  const lin = (a: number, b: number) => (u: number) => a + (b - a) * u;
  const logu = (lo: number, hi: number, sign = 1) => (u: number) => sign * 10 ** (lo + (hi - lo) * u);
  const regions: Record<Fn, ((u: number) => number)[]> = {
    exp: [lin(-745.2, 709.79), lin(-745.2, 709.79), logu(-20, 0), logu(-20, 0, -1), lin(-745.2, -708), lin(700, 709.79), lin(-2, 2)],
    log: [bitPattern, near1, lin(0.5, 2), lin(1e-310, MIN_NORMAL), logu(-300, 300)],
    log1p: [logu(-300, 308), logu(-300, 0, -1), (u) => -1 + 10 ** (-16 + 16 * u), logu(-20, 0), logu(-20, 0, -1), lin(-0.5, 1.5)],
    expm1: [lin(-50, 709.78), logu(-20, 0), logu(-20, 0, -1), lin(-1, 1), lin(-745, -30), lin(-2, 45)],
  };
  const rs = regions[f];
  function bitPattern(u: number): number {
    return fromBits(Math.floor(u * 0x7ff00000), Math.floor(((u * 1e6) % 1) * 2 ** 32)); // any positive finite
  }
  function near1(u: number): number {
    const d = 10 ** (-16 + 15.7 * ((u * 2) % 1));
    return u < 0.5 ? 1 + d : 1 - d;
  }
  for (let i = 0; i < n; i++) {
    const r = rs[Math.floor(((i * phi1) % 1) * rs.length)]!;
    out[i] = r((0.5 + i * phi2) % 1);
  }
  return out;
}

describe("special values are exact", () => {
  const is = (got: number, want: number) => expect(Object.is(got, want), `got ${got}, want ${want}`).toBe(true);
  const one = (f: Fn, x: number) => sf[f](Float64Array.of(x, 1.5, x))[2]!; // also through the scalar tail
  it("exp: ±0 → 1, subnormals → 1, overflow → +inf, underflow → +0, ±inf, NaN", () => {
    for (const x of [0, -0, 5e-324, -5e-324, 1e-310, -1e-310]) is(one("exp", x), 1);
    for (const x of [709.7827128933841, 710, 1e5, 1e308, Infinity]) is(one("exp", x), Infinity);
    for (const x of [-745.1332191019412, -746, -1e5, -1e308, -Infinity]) is(one("exp", x), 0);
    is(one("exp", -745.1332191019411), 5e-324);
    is(one("exp", 709.782712893384), 1.7976931348622732e308);
    is(one("exp", NaN), NaN);
  });
  it("log: 1 → 0, ±0 → −inf, negatives → NaN, +inf → +inf, NaN; subnormals are accurate", () => {
    is(one("log", 1), 0);
    for (const x of [0, -0]) is(one("log", x), -Infinity);
    for (const x of [-5e-324, -1, -1e308, -Infinity, NaN]) is(one("log", x), NaN);
    is(one("log", Infinity), Infinity);
    is(one("log", 5e-324), ref.toNumber(ref.log(5e-324))); // −744.44007192138…
    is(one("log", 2), Math.LN2);
  });
  it("log1p: ±0 and tiny x → x (sign kept), −1 → −inf, below −1 → NaN, +inf → +inf, NaN", () => {
    for (const x of [0, -0, 5e-324, -5e-324, 1e-300, -1e-300, 2 ** -60, -(2 ** -60)]) is(one("log1p", x), x);
    is(one("log1p", -1), -Infinity);
    for (const x of [-1 - 2 ** -52, -2, -Infinity, NaN]) is(one("log1p", x), NaN);
    is(one("log1p", Infinity), Infinity);
    is(one("log1p", 1.7976931348623157e308), ref.toNumber(ref.log1p(1.7976931348623157e308)));
  });
  it("expm1: ±0 and tiny x → x (sign kept), large → +inf, very negative → −1, ±inf, NaN", () => {
    for (const x of [0, -0, 5e-324, -5e-324, 1e-300, -1e-300, 2 ** -60, -(2 ** -60)]) is(one("expm1", x), x);
    for (const x of [709.7827128933841, 710, 1e308, Infinity]) is(one("expm1", x), Infinity);
    for (const x of [-38, -40, -746, -1e308, -Infinity]) is(one("expm1", x), -1);
    is(one("expm1", NaN), NaN);
    is(one("expm1", 709.782712893384), 1.7976931348622732e308);
  });
  it("NaN propagates lane by lane without disturbing its neighbours", () => {
    for (const f of FNS) {
      const x = Float64Array.of(NaN, 0.75, 0.5, NaN, NaN, 0.25, 0.125);
      const y = sf[f](x);
      for (const i of [0, 3, 4]) is(y[i]!, NaN);
      expectAccurate(f, [0.75, 0.5, 0.25, 0.125], Float64Array.of(y[1]!, y[2]!, y[5]!, y[6]!));
    }
  });
});

// ---- logsumexp and softmax ----

const EPS = Number.EPSILON;
describe("logsumexp and softmax match the double-double reference (src/reference/special.ts)", () => {
  const scales = fc.constantFrom(1, 30, 1e3, 1e10, 1e300, 1e308);
  const logits = fc
    .tuple(fc.integer({ min: 1, max: 41 }), scales)
    .chain(([n, s]) =>
      fc.tuple(
        fc.array(fc.oneof({ arbitrary: fc.double({ min: -1, max: 1, noNaN: true }), weight: 9 }, { arbitrary: fc.constant(-Infinity), weight: 1 }), { minLength: n, maxLength: n }),
        fc.constant(s),
      ),
    )
    .map(([a, s]) => Float64Array.from(a, (v) => v * s));

  it("random logits of magnitude up to 1.8e308, with −inf entries", () => {
    fc.assert(
      fc.property(logits, (x) => {
        const n = x.length;
        const lse = sf.logsumexp(x);
        const want = ref.toNumber(ref.logsumexp(x));
        if (!Number.isFinite(want)) expect(lse).toBe(want);
        else expect(Math.abs(lse - want)).toBeLessThanOrEqual(4 * EPS * Math.abs(want) + (2 * n + 4) * EPS);
        const w = sf.softmax(x);
        const rw = ref.softmax(x);
        const m = Math.max(...x);
        if (m === -Infinity) return void expect(w.every(Number.isNaN)).toBe(true);
        let sum = 0;
        for (let i = 0; i < n; i++) {
          // e^{x_i − m}: the rounding of x_i − m (condition number |x_i − m|) dominates for far-out logits.
          const d = Math.abs(x[i]! - m);
          const tol = ((Number.isFinite(d) ? d / 2 : 0) + n + 4) * EPS * rw[i]! + 2 * 2 ** -1074;
          expect(Math.abs(w[i]! - rw[i]!), `w[${i}]`).toBeLessThanOrEqual(tol);
          expect(w[i]!).toBeGreaterThanOrEqual(0);
          sum += w[i]!;
        }
        expect(Math.abs(sum - 1)).toBeLessThanOrEqual((n + 2) * EPS);
      }),
      { numRuns: 300 },
    );
  });

  it("huge, tiny and infinite logits", () => {
    expect([...sf.softmax(Float64Array.of(1e308, -1e308, 1e308))]).toEqual([0.5, 0, 0.5]);
    expect(sf.logsumexp(Float64Array.of(1e308, -1e308, 1e308))).toBe(1e308); // 1e308 + ln 2 rounds to 1e308
    expect([...sf.softmax(Float64Array.of(-1e308, -1e308))]).toEqual([0.5, 0.5]);
    expect(sf.logsumexp(Float64Array.of(-1.7976931348623157e308, -1.7976931348623157e308))).toBe(-1.7976931348623157e308);
    const tiny = Float64Array.of(1e-300, 2e-300, 5e-324);
    expect(sf.logsumexp(tiny)).toBeCloseTo(Math.log(3), 15);
    for (const v of sf.softmax(tiny)) expect(Math.abs(v - 1 / 3)).toBeLessThanOrEqual(EPS);
    const w = sf.softmax(Float64Array.of(0, -800, -Infinity, -746, -700));
    expect(w[0]).toBe(1);
    expect([w[1], w[2], w[3]]).toEqual([0, 0, 0]);
    expect(Math.abs(w[4]! - Math.exp(-700)) / Math.exp(-700)).toBeLessThanOrEqual(4 * EPS);
    expect(sf.logsumexp(Float64Array.of(1000, 1000))).toBe(1000 + Math.LN2);
    expect(sf.logsumexp(Float64Array.of(0, -Infinity))).toBe(0);
  });

  it("degenerate inputs: empty, all −inf, +inf, NaN", () => {
    expect(sf.logsumexp(new Float64Array(0))).toBe(-Infinity);
    expect(sf.softmax(new Float64Array(0)).length).toBe(0);
    expect(sf.logsumexp(Float64Array.of(-Infinity, -Infinity))).toBe(-Infinity);
    expect(sf.softmax(Float64Array.of(-Infinity, -Infinity, -Infinity)).every(Number.isNaN)).toBe(true);
    expect(sf.logsumexp(Float64Array.of(1, Infinity, 3))).toBe(Infinity);
    expect([...sf.softmax(Float64Array.of(Infinity, 1, Infinity, -Infinity, 2))]).toEqual([0.5, 0, 0.5, 0, 0]);
    expect(sf.logsumexp(Float64Array.of(1, NaN, Infinity))).toBeNaN();
    expect(sf.softmax(Float64Array.of(1, 2, NaN)).every(Number.isNaN)).toBe(true);
  });

  it("odd lengths: the weights sum to 1 and match the reference", () => {
    for (const n of [1, 2, 3, 5, 17, 33, 100]) {
      const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 1.3) * 50);
      const w = sf.softmax(x);
      const rw = ref.softmax(x);
      for (let i = 0; i < n; i++) expect(Math.abs(w[i]! - rw[i]!)).toBeLessThanOrEqual((50 + n) * EPS * rw[i]! + 1e-320);
      expect(Math.abs(w.reduce((s, v) => s + v, 0) - 1)).toBeLessThanOrEqual((n + 2) * EPS);
      expect(Math.abs(sf.logsumexp(x) - ref.toNumber(ref.logsumexp(x)))).toBeLessThanOrEqual(8 * (n + 4) * EPS);
    }
  });
});

describe("bad input gets a typed error naming the argument", () => {
  it("non-Float64Array arguments", () => {
    for (const f of [...FNS, "softmax", "logsumexp"] as const) {
      expect(() => sf[f]([1, 2] as unknown as Float64Array)).toThrow(ArgumentError);
      expect(() => sf[f](new Float32Array(2) as unknown as Float64Array)).toThrow(/^x: expected a Float64Array, got Float32Array/);
    }
  });
});

describe("expWeights (the losses' softmax-weight exp, table-driven): within 2 ulp of the double-double reference on [−708, 708], 0 below", () => {
  it("dense sweep of [−708, 0] (where the losses call it), random points of [−708, 708], and the cut", () => {
    const xs = Float64Array.from({ length: 100_001 }, (_, i) => -708 * ((i * 0.6180339887498949) % 1));
    const wide = Float64Array.from({ length: 20_001 }, (_, i) => -708 + 1416 * ((i * 0.7548776662466927) % 1));
    const edges = Float64Array.of(0, -0, -708, 708, -1e-300, LN2 / 128, -LN2 / 128, -LN2 / 64, -LN2 * 7.5);
    for (const x of [xs, wide, edges]) {
      const y = sf.expWeights(x);
      let worstRel = 0;
      for (let i = 0; i < x.length; i++) worstRel = Math.max(worstRel, ref.error(y[i]!, ref.exp(x[i]!)).rel);
      expect(worstRel).toBeLessThanOrEqual(4.5e-16);
    }
    expect([...sf.expWeights(Float64Array.of(-708.0000001, -745, -1e6, -Infinity))]).toEqual([0, 0, 0, 0]);
    expect(sf.expWeights(Float64Array.of(0))[0]).toBe(1);
  });
  it("rejects NaN and arguments above 708 with a typed error naming the entry", () => {
    expect(() => sf.expWeights(Float64Array.of(-1, NaN))).toThrow(ArgumentError);
    expect(() => sf.expWeights(Float64Array.of(709))).toThrow(/x\[0\]/);
  });
});
