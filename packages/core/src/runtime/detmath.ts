// Deterministic elementary functions: the same double for the same argument on every JavaScript engine. ECMAScript
// leaves Math.exp, log, sin, cos, pow, atan2, hypot, … "implementation-approximated", and engines do differ in the
// last bit (Chromium 156 and Node 20, both V8, disagree on Math.sin(2.5)); +, −, ×, / and Math.sqrt are IEEE
// operations, identical everywhere. So these are written in those operations alone, with the exponent field read
// and written as integers (float-bits.ts). Core calls these instead of Math.* (scripts/check-architecture.mjs
// fails on a Math.exp, …, or a ** that is not x ** 2 or 2 ** k in core); the WASM kernels have their own
// (kernels/assembly/special.ts).
//
// The method is fdlibm's (Sun Microsystems, 1993), as its documentation describes it: Cody–Waite argument
// reduction by ln 2 (ln 2 split so that k·ln2_hi is exact), then a minimax polynomial or rational form on the
// reduced interval, with the published coefficients; error < 1 ulp. The order of operations follows that
// description step by step, so on engines whose Math.* is fdlibm (V8 through Node 20) the results agree with
// Math.* to the bit on almost every argument — a seeded stream did not change in Node when core moved to these.
// Two exceptions, for accuracy: log10 is split into high and low parts (a plain log(x)/ln 10, V8's, is 1.5 ulp
// off near 1), and pow's |y| > 2^31 branch near x = 1 is double-double (fdlibm's loses 480 ulp there).
// Trigonometry is in detmath-trig.ts, pow in detmath-pow.ts; both are re-exported here.
import { fromWords, highWord, lowWord, withHighWord, withLowWordZero } from "./float-bits.js";

export { atan, atan2, cos, sin } from "./detmath-trig.js";
export { pow } from "./detmath-pow.js";

// ln 2 = LN2_HI + LN2_LO: LN2_HI has 32 significant bits, so k·LN2_HI is exact for |k| < 2^21
const LN2_HI = 6.93147180369123816490e-1; // 0x3fe62e42 fee00000
const LN2_LO = 1.90821492927058770002e-10; // 0x3dea39ef 35793c76
const INV_LN2 = 1.44269504088896338700; // 0x3ff71547 652b82fe
const TWO54 = 18014398509481984; // 2^54: scales a subnormal into the normal range
const TWOM1000 = 9.33263618503218878990e-302; // 2^-1000

// ---- exp ----
// e^r = 1 + r + r·c/(2 − c), c = r − r²·P(r²) on |r| ≤ ln2/2 (P: Remez, error < 2^-59)
const P1 = 1.66666666666666019037e-1, P2 = -2.77777777770155933842e-3, P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6, P5 = 4.13813679705723846039e-8;
const EXP_OVER = 7.09782712893383973096e2; // above: +∞
const EXP_UNDER = -7.45133219101941108420e2; // below: +0

/** e^x (< 1 ulp): x = k·ln2 + r with |r| ≤ ln2/2, then 2^k·e^r. */
export function exp(x: number): number {
  const hx = highWord(x);
  const negative = hx < 0;
  const ax = hx & 0x7fffffff;
  if (ax >= 0x40862e42) { // |x| ≥ 709.78: overflow, underflow, ±∞, NaN
    if (ax >= 0x7ff00000) return x !== x ? x + x : negative ? 0 : x;
    if (x > EXP_OVER) return Infinity;
    if (x < EXP_UNDER) return 0;
  }
  let hi = 0, lo = 0, k = 0;
  if (ax > 0x3fd62e42) { // |x| > ln2/2: reduce
    if (ax < 0x3ff0a2b2) { // |x| < 1.5·ln2: k = ±1
      if (x === 1) return 2.718281828459045; // e, correctly rounded (the form below gives 1 ulp more; so does V8)
      hi = negative ? x + LN2_HI : x - LN2_HI;
      lo = negative ? -LN2_LO : LN2_LO;
      k = negative ? -1 : 1;
    } else {
      k = (INV_LN2 * x + (negative ? -0.5 : 0.5)) | 0; // round to nearest, ties away (C's truncating cast)
      hi = x - k * LN2_HI; // exact
      lo = k * LN2_LO;
    }
    x = hi - lo;
  } else if (ax < 0x3e300000) { // |x| < 2^-28: e^x rounds to 1 + x
    return 1 + x;
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2) - x);
  const y = 1 - ((lo - (x * c) / (2 - c)) - hi);
  // 2^k·y by the exponent field; below 2^-1021 in two steps, so a subnormal result rounds once
  if (k >= -1021) return withHighWord(y, highWord(y) + (k << 20));
  return withHighWord(y, highWord(y) + ((k + 1000) << 20)) * TWOM1000;
}

// ---- expm1 ----
// e^r − 1 on |r| ≤ ln2/2 from a rational form in r²/2 (Q: Remez, error < 2^-61), with the rounding of the
// reduction carried as a correction term
const Q1 = -3.33333333333331316428e-2, Q2 = 1.58730158725481460165e-3, Q3 = -7.93650757867487942473e-5;
const Q4 = 4.00821782732936239552e-6, Q5 = -2.01099218183624371326e-7;

/** e^x − 1 (< 1 ulp), accurate near 0 where exp(x) − 1 cancels. */
export function expm1(x: number): number {
  const hx = highWord(x);
  const negative = hx < 0;
  const ax = hx & 0x7fffffff;
  if (ax >= 0x4043687a) { // |x| ≥ 56·ln2
    if (ax >= 0x40862e42) { // |x| ≥ 709.78
      if (ax >= 0x7ff00000) return x !== x ? x + x : negative ? -1 : x;
      if (x > EXP_OVER) return Infinity;
    }
    if (negative) return -1; // e^x < 2^-56: −1 + e^x rounds to −1
  }
  let hi = 0, lo = 0, k = 0, c = 0;
  if (ax > 0x3fd62e42) { // |x| > ln2/2: reduce
    if (ax < 0x3ff0a2b2) { // |x| < 1.5·ln2
      hi = negative ? x + LN2_HI : x - LN2_HI;
      lo = negative ? -LN2_LO : LN2_LO;
      k = negative ? -1 : 1;
    } else {
      k = (INV_LN2 * x + (negative ? -0.5 : 0.5)) | 0;
      hi = x - k * LN2_HI; // exact
      lo = k * LN2_LO;
    }
    x = hi - lo;
    c = hi - x - lo; // what the rounding of hi − lo lost
  } else if (ax < 0x3c900000) { // |x| < 2^-54: e^x − 1 rounds to x
    return x;
  }
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
  const t = 3 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6 - x * t));
  if (k === 0) return x - (x * e - hxs);
  e = x * (e - c) - c;
  e -= hxs;
  if (k === -1) return 0.5 * (x - e) - 0.5;
  if (k === 1) return x < -0.25 ? -2 * (e - (x + 0.5)) : 1 + 2 * (x - e);
  if (k <= -2 || k > 56) { // 1 is negligible beside 2^k·e^r (or the other way round): e^x, then − 1
    const y = 1 - (e - x);
    return withHighWord(y, highWord(y) + (k << 20)) - 1;
  }
  if (k < 20) {
    const y = fromWords(0x3ff00000 - (0x200000 >> k), 0) - (e - x); // (1 − 2^-k) + expm1(r)
    return withHighWord(y, highWord(y) + (k << 20));
  }
  const y = x - (e + fromWords((0x3ff - k) << 20, 0)) + 1; // expm1(r) − 2^-k, then + 1
  return withHighWord(y, highWord(y) + (k << 20));
}

// ---- log, log1p, log10 ----
// log(1+f) = 2s + 2s³/3 + … = f − f²/2 + s·(f²/2 + R(s²)), s = f/(2+f), with 1+f ∈ [√2/2, √2), |s| ≤ 0.1716
// (R: Remez in s², error < 2^-58.45)
const LG1 = 6.666666666666735130e-1, LG2 = 3.999999999940941908e-1, LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1, LG5 = 1.818357216161805012e-1, LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;

/** Result K and significand bits SIG of reduceLog. */
let K = 0, SIG = 0;

/** f with x = 2^K·(1 + f), 1 + f ∈ [√2/2, √2), for a positive finite x (subnormals scaled by 2^54 first); SIG gets
 *  x's top 20 significand bits, which choose log's evaluation below. */
function reduceLog(x: number): number {
  let hx = highWord(x), k = 0;
  if (hx < 0x00100000) { // subnormal
    k = -54;
    x *= TWO54;
    hx = highWord(x);
  }
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i = (hx + 0x95f64) & 0x100000; // whether the significand is ≥ √2 (then use x/2, k + 1)
  K = k + (i >> 20);
  SIG = hx;
  return withHighWord(x, hx | (i ^ 0x3ff00000)) - 1;
}

/** log at 0, negative numbers, ∞ and NaN (also log10's). */
const logSpecial = (x: number) => (x === 0 ? -Infinity : x === Infinity ? x : NaN);

/** The natural logarithm (< 1 ulp): x = 2^k·(1+f), log x = k·ln2 + log(1+f). */
export function log(x: number): number {
  if (!(x > 0 && x < Infinity)) return logSpecial(x);
  const f = reduceLog(x), k = K, hx = SIG;
  if ((0x000fffff & (2 + hx)) < 3) { // |f| < 2^-20
    if (f === 0) return k === 0 ? 0 : k * LN2_HI + k * LN2_LO;
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    return k === 0 ? f - R : k * LN2_HI - ((R - k * LN2_LO) - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) { // x's significand in [1.38, 1.42]: f near its extremes, f²/2 kept apart
    const hfsq = 0.5 * f * f;
    return k === 0 ? f - (hfsq - s * (hfsq + R)) : k * LN2_HI - ((hfsq - (s * (hfsq + R) + k * LN2_LO)) - f);
  }
  return k === 0 ? f - s * (f - R) : k * LN2_HI - ((s * (f - R) - k * LN2_LO) - f);
}

/** log(1 + x) (< 1 ulp), accurate near 0 where log(1 + x) loses x's low bits; the rounding of 1 + x is corrected. */
export function log1p(x: number): number {
  const hx = highWord(x);
  const ax = hx & 0x7fffffff;
  let k = 1, f = 0, hu = 0, c = 0;
  if (hx < 0x3fda827a) { // 1 + x < √2 (or x negative)
    if (ax >= 0x3ff00000) return x === -1 ? -Infinity : NaN; // x ≤ −1, −∞, a negative NaN
    if (ax < 0x3e200000) { // |x| < 2^-29
      if (ax < 0x3c900000) return x; // |x| < 2^-54
      return x - x * x * 0.5;
    }
    if (hx > 0 || hx <= (0xbfd2bec4 | 0)) { // √2/2 ≤ 1 + x < √2: f = x, no reduction
      k = 0;
      f = x;
      hu = 1;
    }
  }
  if (hx >= 0x7ff00000) return x + x; // +∞, NaN
  if (k !== 0) {
    let u = 0;
    if (hx < 0x43400000) { // x < 2^53: u = 1 + x rounds; c is what it lost, relative to u
      u = 1 + x;
      hu = highWord(u);
      k = (hu >> 20) - 1023;
      c = (k > 0 ? 1 - (u - x) : x - (u - 1)) / u;
    } else { // 1 is below x's last bit
      u = x;
      hu = highWord(u);
      k = (hu >> 20) - 1023;
      c = 0;
    }
    hu &= 0x000fffff;
    if (hu < 0x6a09e) { // significand < √2
      u = withHighWord(u, hu | 0x3ff00000);
    } else {
      k += 1;
      u = withHighWord(u, hu | 0x3fe00000);
      hu = (0x00100000 - hu) >> 2;
    }
    f = u - 1;
  }
  const hfsq = 0.5 * f * f;
  if (hu === 0) { // |f| < 2^-20
    if (f === 0) return k === 0 ? 0 : k * LN2_HI + (c + k * LN2_LO);
    const R = hfsq * (1 - 0.66666666666666666 * f);
    return k === 0 ? f - R : k * LN2_HI - ((R - (k * LN2_LO + c)) - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  const R = z * (LG1 + z * (LG2 + z * (LG3 + z * (LG4 + z * (LG5 + z * (LG6 + z * LG7))))));
  return k === 0 ? f - (hfsq - s * (hfsq + R)) : k * LN2_HI - ((hfsq - (s * (hfsq + R) + (k * LN2_LO + c))) - f);
}

// log10 x = k·log10(2) + log(1+f)/ln 10 with log(1+f) = f − f²/2 + s·(f²/2 + R) as above, split as hi + lo
// (hi: f − f²/2 with its low word cleared, so hi·IVLN10_HI is exact) and 1/ln 10 and log10(2) as hi + lo pairs:
// the rounding of the two large products is avoided, and the result is < 1 ulp (a plain log(x)/ln 10 reaches
// 1.5 ulp near x = 1)
const IVLN10_HI = 4.34294481878168880939e-1; // 0x3fdbcb7b 15200000
const IVLN10_LO = 2.50829467116452752298e-11; // 1/ln 10 − IVLN10_HI
const LOG10_2HI = 3.01029995663611771306e-1; // 0x3fd34413 509f6000: k·LOG10_2HI is exact
const LOG10_2LO = 3.69423907715893078616e-13; // log10(2) − LOG10_2HI

/** log10 x (< 1 ulp; exact at the powers of ten a double holds, e.g. log10(1e100) = 100). */
export function log10(x: number): number {
  if (!(x > 0 && x < Infinity)) return logSpecial(x);
  if (x === 1) return 0;
  const f = reduceLog(x), k = K;
  const hfsq = 0.5 * f * f;
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const r = s * (hfsq + (z * (LG1 + w * (LG3 + w * (LG5 + w * LG7))) + w * (LG2 + w * (LG4 + w * LG6))));
  const hi = withLowWordZero(f - hfsq);
  const lo = f - hi - hfsq + r; // log(1+f) = hi + lo
  const y2 = k * LOG10_2HI; // exact
  const valHi = hi * IVLN10_HI; // exact
  let valLo = k * LOG10_2LO + (lo + hi) * IVLN10_LO + lo * IVLN10_HI;
  const sum = y2 + valHi;
  valLo += y2 - sum + valHi;
  return valLo + sum;
}

// ---- hypot ----
/** √(Σ xᵢ²) without overflow or underflow: each |xᵢ| divided by the largest, the squares summed with Kahan's
 *  compensation, the root scaled back (V8's Math.hypot does the same, so in V8 the two agree to the bit). ±∞
 *  anywhere gives +∞, else NaN anywhere gives NaN; no arguments give 0. */
export function hypot(...values: number[]): number {
  return hypotOf(values);
}

/** hypot over an array (no spread: for long vectors). */
export function hypotOf(values: ArrayLike<number>): number {
  let max = 0, nan = false;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]!);
    if (a !== a) nan = true;
    else if (a > max) max = a;
  }
  if (max === Infinity) return Infinity;
  if (nan) return NaN;
  if (max === 0) return 0;
  let sum = 0, compensation = 0;
  for (let i = 0; i < values.length; i++) {
    const n = Math.abs(values[i]!) / max;
    const summand = n * n - compensation;
    const next = sum + summand;
    compensation = next - sum - summand;
    sum = next;
  }
  return Math.sqrt(sum) * max;
}
