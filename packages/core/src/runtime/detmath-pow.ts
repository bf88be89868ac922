// Deterministic pow (see detmath.ts for why), by fdlibm's method as its documentation describes it: log2|x| is
// computed as t1 + t2 with ~20 extra bits (|x| = 2^n·(1.5^k)·(1+f) reduced about 1 or 1.5, log2 from an odd
// series in s = (m − b)/(m + b) with the leading parts split into high halves whose products are exact), the
// product y·log2|x| as p_h + p_l the same way (y split into y1 + y2), then 2^(p_h + p_l) = 2^n·e^z with exp's
// rational form. The result is "nearly rounded" (< 1 ulp), and exact when x^y is a representable integer
// (10 ** 22). Special values follow ECMAScript's Number::exponentiate (which differs from C's pow: 1 ** ∞ is NaN).
import { fromWords, highWord, lowWord, withHighWord, withLowWordZero } from "./float-bits.js";

const BP = [1, 1.5];
const DP_H = [0, 5.84962487220764160156e-1]; // log2(1.5), high part
const DP_L = [0, 1.35003920212974897128e-8]; // its low part
const TWO53 = 9007199254740992;
// log2 series in s²: Remez, the first term 3/5 (the 3 + s² + … form below)
const L1 = 5.99999999999994648725e-1, L2 = 4.28571428578550184252e-1, L3 = 3.33333329818377432918e-1;
const L4 = 2.72728123808534006489e-1, L5 = 2.30660745775561754067e-1, L6 = 2.06975017800338417784e-1;
// e^r's rational form (as in exp)
const P1 = 1.66666666666666019037e-1, P2 = -2.77777777770155933842e-3, P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6, P5 = 4.13813679705723846039e-8;
const LG2 = 6.93147180559945286227e-1, LG2_H = 6.93147182464599609375e-1, LG2_L = -1.90465429995776804525e-9;
const OVT = 8.0085662595372944372e-17; // −(1024 − log2(ovfl + .5ulp))
const CP = 9.61796693925975554329e-1, CP_H = 9.61796700954437255859e-1, CP_L = -7.02846165095275826516e-9; // 2/(3 ln 2)
const IVLN2 = 1.44269504088896338700, IVLN2_LO = 2.0355273740931033e-17; // 1/ln 2 = IVLN2 + IVLN2_LO

const SPLIT = 134217729; // 2^27 + 1 (Dekker)
/** a·b − p exactly, for p = fl(a·b). */
function twoProdError(a: number, b: number, p: number): number {
  const ca = SPLIT * a, ah = ca - (ca - a), al = a - ah;
  const cb = SPLIT * b, bh = cb - (cb - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/** 0: y is not an integer, 1: an odd integer, 2: an even integer (y finite). */
function integerKind(y: number): 0 | 1 | 2 {
  if (Math.floor(y) !== y) return 0;
  if (Math.abs(y) >= TWO53) return 2;
  return Math.floor(y / 2) * 2 === y ? 2 : 1;
}

/** z·2^n for z ∈ [0.5, 2] and any n ≥ −1100, rounded once (subnormal results included). */
function scale(z: number, n: number): number {
  const n1 = n >> 1;
  return z * fromWords((n1 + 1023) << 20, 0) * fromWords((n - n1 + 1023) << 20, 0);
}

/** x^y (ECMAScript's Number::exponentiate; < 1 ulp, exact when x^y is a representable integer). */
export function pow(x: number, y: number): number {
  if (y !== y) return NaN;
  if (y === 0) return 1;
  if (x !== x) return NaN;
  const ax0 = Math.abs(x);
  if (y === Infinity || y === -Infinity) {
    if (ax0 === 1) return NaN;
    return (ax0 > 1) === (y > 0) ? Infinity : 0;
  }
  const kind = integerKind(y);
  const hx = highWord(x);
  if (ax0 === Infinity || ax0 === 0 || ax0 === 1) { // |x|^y is ∞, 0 or 1; the sign from a negative x and odd y
    const z = y < 0 ? 1 / ax0 : ax0;
    if (hx < 0) return kind === 0 ? (ax0 === 1 ? NaN : z) : kind === 1 ? -z : z;
    return z;
  }
  if (hx < 0 && kind === 0) return NaN; // a negative base takes only integer exponents
  if (y === 1) return x;
  if (y === 2) return x * x;
  if (y === 0.5 && hx >= 0) return Math.sqrt(x);
  const s = hx < 0 && kind === 1 ? -1 : 1; // the sign of the result
  const hy = highWord(y);
  const iy = hy & 0x7fffffff;
  let ix = hx & 0x7fffffff;
  let t1: number, t2: number;
  if (iy > 0x41e00000) { // |y| > 2^31
    if (iy > 0x43f00000) { // |y| > 2^64: overflow or underflow whatever |x| ≠ 1
      return (ix < 0x3ff00000) === (hy < 0) ? s * Infinity : s * 0;
    }
    if (ix < 0x3fefffff) return hy < 0 ? s * Infinity : s * 0;
    if (ix > 0x3ff00000) return hy > 0 ? s * Infinity : s * 0;
    // |1 − x| < 2^-20, t = |x| − 1 exact: log2 x in double-double (here fdlibm's single-double series loses up to
    // 500 ulp to y's size — V8's Math.pow too): ln(1+t) = t − t²/2 + (t³/3 − t⁴/4 + t⁵/5), then × 1/ln 2
    const t = ax0 - 1;
    const c = t * t * t * (1 / 3 - t * (0.25 - t * 0.2));
    const sq = t * t, sqErr = twoProdError(t, t, sq); // t² = sq + sqErr exactly
    const a = t - 0.5 * sq, aErr = t - a - 0.5 * sq; // fast two-sum: |t| ≫ t²/2
    const lnH = a, lnL = aErr - 0.5 * sqErr + c;
    const h = lnH * IVLN2, hErr = twoProdError(lnH, IVLN2, h);
    const l = hErr + lnL * IVLN2 + lnH * IVLN2_LO;
    t1 = withLowWordZero(h + l);
    t2 = h - t1 + l;
  } else {
    let ax = ax0, n = 0;
    if (ix < 0x00100000) { // subnormal
      ax *= TWO53;
      n -= 53;
      ix = highWord(ax);
    }
    n += (ix >> 20) - 0x3ff;
    const j = ix & 0x000fffff;
    ix = j | 0x3ff00000; // m ∈ [1, 2), then about 1 (k = 0) or about 1.5 (k = 1)
    let k: number;
    if (j <= 0x3988e) k = 0; // m < √(3/2)
    else if (j < 0xbb67a) k = 1; // m < √3
    else {
      k = 0;
      n += 1;
      ix -= 0x00100000;
    }
    ax = withHighWord(ax, ix);
    // ss = s_h + s_l = (m − b)/(m + b), s_h with its low word cleared
    const u0 = ax - BP[k]!;
    const v0 = 1 / (ax + BP[k]!);
    const ss = u0 * v0;
    const sH = withLowWordZero(ss);
    const tH0 = fromWords(((ix >> 1) | 0x20000000) + 0x00080000 + (k << 18), 0); // m + b, high part
    const tL0 = ax - (tH0 - BP[k]!);
    const sL = v0 * ((u0 - sH * tH0) - sH * tL0);
    // log2 m = (2/(3 ln 2))·ss·(3 + ss² + r) + log2 b
    let s2 = ss * ss;
    let r = s2 * s2 * (L1 + s2 * (L2 + s2 * (L3 + s2 * (L4 + s2 * (L5 + s2 * L6)))));
    r += sL * (sH + ss);
    s2 = sH * sH;
    const tH = withLowWordZero(3 + s2 + r);
    const tL = r - ((tH - 3) - s2);
    const u = sH * tH;
    const v = sL * tH + tL * ss;
    const pH = withLowWordZero(u + v);
    const pL = v - (pH - u);
    const zH = CP_H * pH;
    const zL = CP_L * pH + pL * CP + DP_L[k]!;
    const tn = n;
    t1 = withLowWordZero(zH + zL + DP_H[k]! + tn);
    t2 = zL - (((t1 - tn) - DP_H[k]!) - zH);
  }
  // y·log2|x| = p_h + p_l, y split as y1 + (y − y1)
  const y1 = withLowWordZero(y);
  const pL = (y - y1) * t1 + y * t2;
  let pH = y1 * t1;
  const z0 = pL + pH;
  const j = highWord(z0), i = lowWord(z0);
  if (j >= 0x40900000) { // z ≥ 1024
    if (((j - 0x40900000) | i) !== 0 || pL + OVT > z0 - pH) return s * Infinity;
  } else if ((j & 0x7fffffff) >= 0x4090cc00) { // z ≤ −1075
    if (((j - 0xc090cc00) | i) !== 0 || pL <= z0 - pH) return s * 0;
  }
  // 2^(p_h + p_l) = 2^n·2^(rest), n = round(z)
  const ia = j & 0x7fffffff;
  let k = (ia >> 20) - 0x3ff;
  let n = 0;
  if (ia > 0x3fe00000) { // |z| > 1/2
    n = j + (0x00100000 >> (k + 1));
    k = ((n & 0x7fffffff) >> 20) - 0x3ff;
    const t = fromWords(n & ~(0x000fffff >> k), 0);
    n = ((n & 0x000fffff) | 0x00100000) >> (20 - k);
    if (j < 0) n = -n;
    pH -= t;
  }
  const t = withLowWordZero(pL + pH);
  const u = t * LG2_H;
  const v = (pL - (t - pH)) * LG2 + t * LG2_L;
  const zz = u + v;
  const w = v - (zz - u);
  const tt = zz * zz;
  const t3 = zz - tt * (P1 + tt * (P2 + tt * (P3 + tt * (P4 + tt * P5))));
  const rr = (zz * t3) / (t3 - 2) - (w + zz * w);
  const z = 1 - (rr - zz);
  const jz = highWord(z) + (n << 20);
  return s * ((jz >> 20) <= 0 ? scale(z, n) : withHighWord(z, jz));
}
