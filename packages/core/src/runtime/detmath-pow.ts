// Deterministic pow (see detmath.ts for why): x^y = e^{y·ln|x|} with ln|x|, the product and the exponential all
// carried in double-double (a value as an unevaluated sum hi + lo, ~106 bits), so the one rounding that matters is
// the last; the relative error before it is below 2^-90, so the result is the correctly rounded x^y except on
// arguments within 2^-90 of a rounding boundary — and exact whenever x^y is a double (10 ** 22, 2 ** -1074, …).
// Special values follow ECMAScript's Number::exponentiate (which differs from C's pow: 1 ** ∞ is NaN).
import { fromWords, highWord, withHighWord } from "./float-bits.js";

// ---- double-double arithmetic: results in (H, L), |L| ≤ ulp(H)/2 ----
let H = 0, L = 0;
const SPLIT = 134217729; // 2^27 + 1 (Dekker)

/** a·b exactly as H + L (|a|, |b| < 2^996). */
function twoProd(a: number, b: number): void {
  H = a * b;
  const ca = SPLIT * a, ah = ca - (ca - a), al = a - ah;
  const cb = SPLIT * b, bh = cb - (cb - b), bl = b - bh;
  L = ((ah * bh - H) + ah * bl + al * bh) + al * bl;
}
/** (ah + al)·(bh + bl) to ~2^-104 relative. */
function mulDD(ah: number, al: number, bh: number, bl: number): void {
  twoProd(ah, bh);
  const e = L + (ah * bl + al * bh);
  const s = H + e;
  L = e - (s - H);
  H = s;
}
/** (ah + al) + (bh + bl), for operands that do not cancel (same sign, or one much larger). */
function addDD(ah: number, al: number, bh: number, bl: number): void {
  const s = ah + bh, bb = s - ah;
  const e = (ah - (s - bb)) + (bh - bb) + (al + bl);
  H = s + e;
  L = e - (H - s);
}

/** 1/d as hi + lo (for the series' coefficients). */
function reciprocal(d: number): [number, number] {
  const hi = 1 / d;
  twoProd(hi, d);
  return [hi, ((1 - H) - L) / d];
}

const LN2_HI = 0.6931471805599453, LN2_LO = 2.3190468138462996e-17; // ln 2 = LN2_HI + LN2_LO + 5.7e-34
const INV_LN2 = 1.4426950408889634;

// ln m for m ∈ [√2/2, √2): 2·atanh(s) = 2s·Σ s^{2j}/(2j+1), s = (m−1)/(m+1), |s| ≤ 0.1716: terms j ≤ 7 in
// double-double, j = 8…20 in double (each below 2^-40 of the sum, so their rounding stays below 2^-93)
const ATANH_DD = Array.from({ length: 8 }, (_, j) => reciprocal(2 * j + 1));
const ATANH_TAIL = Array.from({ length: 13 }, (_, j) => 1 / (2 * (j + 8) + 1));

/** ln a for a positive finite double a, in (H, L). */
function logDD(a: number): void {
  let hx = highWord(a), k = 0;
  if (hx < 0x00100000) { // subnormal
    a *= 18014398509481984; // 2^54
    k = -54;
    hx = highWord(a);
  }
  k += (hx >> 20) - 1023;
  const mant = hx & 0x000fffff;
  let m: number;
  if (mant >= 0x6a09e) { // significand ≥ √2: m = significand/2
    m = withHighWord(a, mant | 0x3fe00000);
    k += 1;
  } else m = withHighWord(a, mant | 0x3ff00000);
  const f = m - 1; // exact
  // s = f/(2 + f): 2 + f = dh + dl exactly, then a quotient with its remainder
  const dh = 2 + f, dl = f - (dh - 2);
  const sh = f / dh;
  twoProd(sh, dh);
  const sl = (f - H - L - sh * dl) / dh;
  // z = s², then Σ z^j/(2j+1) by Horner, the tail in double
  mulDD(sh, sl, sh, sl);
  const zh = H, zl = L;
  let t = 0;
  for (let j = ATANH_TAIL.length - 1; j >= 0; j--) t = ATANH_TAIL[j]! + zh * t;
  let ah = t, al = 0;
  for (let j = ATANH_DD.length - 1; j >= 0; j--) {
    mulDD(zh, zl, ah, al);
    addDD(ATANH_DD[j]![0], ATANH_DD[j]![1], H, L);
    ah = H;
    al = L;
  }
  mulDD(2 * sh, 2 * sl, ah, al); // ln m
  const lh = H, ll = L;
  twoProd(k, LN2_HI);
  addDD(H, L + k * LN2_LO, lh, ll); // k·ln2 + ln m
}

// e^r for |r| ≤ ln2/2 as (e^{r/16})^16: Taylor to degree 12 at r/16 (degrees ≥ 6 in double), then four
// squarings kept as E ← E·(2 + E) on E = e^x − 1, so the small part never cancels against 1
const EXP_DD = [2, 6, 24, 120].map(reciprocal); // 1/2!, …, 1/5!
const EXP_TAIL = [720, 5040, 40320, 362880, 3628800, 39916800, 479001600].map((d) => 1 / d); // 1/6!, …, 1/12!

/** e^(th + tl) with 2^k split in two factors (so a subnormal result rounds once); |th| < 746. */
function expDD(th: number, tl: number): number {
  const k = Math.round(th * INV_LN2);
  twoProd(k, LN2_HI);
  const rh0 = th - H; // exact: th and k·ln2 are within a factor of 2 of each other
  const rl0 = tl - L - k * LN2_LO;
  const rh = (rh0 + rl0) / 16, rl = (rl0 - ((rh0 + rl0) - rh0)) / 16;
  let t = 0;
  for (let j = EXP_TAIL.length - 1; j >= 0; j--) t = EXP_TAIL[j]! + rh * t;
  let ah = t, al = 0;
  for (let j = EXP_DD.length - 1; j >= -1; j--) { // coefficients 1/5! … 1/2!, then 1
    mulDD(rh, rl, ah, al);
    if (j >= 0) addDD(EXP_DD[j]![0], EXP_DD[j]![1], H, L);
    else addDD(1, 0, H, L);
    ah = H;
    al = L;
  }
  mulDD(rh, rl, ah, al); // E = e^{r/16} − 1
  let eh = H, el = L;
  for (let i = 0; i < 4; i++) {
    mulDD(eh, el, eh, el);
    addDD(2 * eh, 2 * el, H, L);
    eh = H;
    el = L;
  }
  const s = 1 + eh, e = el + (eh - (s - 1)); // 1 + E, rounded once below
  const y = s + e;
  const k1 = k >> 1, k2 = k - k1; // each in [−539, 513]: 2^k1 and 2^k2 are normal
  return y * fromWords((k1 + 1023) << 20, 0) * fromWords((k2 + 1023) << 20, 0);
}

/** Whether y is an odd integer (y finite). */
const isOddInteger = (y: number) => Math.abs(y) < 9007199254740992 && Math.floor(y) === y && Math.floor(y / 2) * 2 !== y;

/** x^y (ECMAScript's Number::exponentiate, correctly rounded but for arguments within 2^-90 of a rounding
 *  boundary; exact when x^y is a double). */
export function pow(x: number, y: number): number {
  if (y !== y) return NaN;
  if (y === 0) return 1;
  if (x !== x) return NaN;
  const ax = Math.abs(x);
  if (y === Infinity || y === -Infinity) {
    if (ax === 1) return NaN;
    return (ax > 1) === (y > 0) ? Infinity : 0;
  }
  const odd = isOddInteger(y);
  if (ax === Infinity || ax === 0) { // ±∞, ±0: the magnitude from the sign of y (and of 1/x), the sign from x
    const big = (ax === Infinity) === (y > 0);
    const negative = odd && (x < 0 || Object.is(x, -0));
    return negative ? (big ? -Infinity : -0) : big ? Infinity : 0;
  }
  if (x < 0 && Math.floor(y) !== y) return NaN; // a negative base takes only integer exponents
  if (ax === 1) return x < 0 && odd ? -1 : 1;
  if (y === 1) return x;
  let r: number;
  if (Math.abs(y) >= 18446744073709551616) { // |y| ≥ 2^64 and |x| ≠ 1: |y·ln|x|| > 2000
    r = (ax > 1) === (y > 0) ? Infinity : 0;
  } else {
    logDD(ax);
    const lh = H, ll = L;
    twoProd(y, lh);
    const th = H + (L + y * ll), tl = (L + y * ll) - (th - H);
    r = th > 710 ? Infinity : th < -746 ? 0 : expDD(th, tl);
  }
  return x < 0 && odd ? -r : r;
}
