// Deterministic sin, cos, atan and atan2 (see detmath.ts for why): fdlibm's method as its documentation describes
// it, with its published minimax coefficients. sin and cos reduce x to y = x − n·π/2, |y| ≤ π/4, carried as a
// double-double y0 + y1, then evaluate an odd (sin) or even (cos) polynomial of y chosen by n mod 4. Moderate x
// (|x| < 2^19·π/2) is reduced with π/2 in three 33-bit pieces, as far as the cancellation needs; larger x by
// Payne–Hanek: x·(2/π) formed exactly in integers from enough bits of 2/π (computed once, with BigInt, by Machin's
// formula), whose fraction is then multiplied by π/2 in double-double. Error < 1 ulp.
import { fromWords, highWord, lowWord } from "./float-bits.js";

// ---- polynomials on |y| ≤ π/4 ----
// sin y ≈ y + y³·(S1 + y²·S(y²)) (Remez, error < 2^-58), with the tail y1 folded in
const S1 = -1.66666666666666324348e-1, S2 = 8.33333333332248946124e-3, S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6, S5 = -2.50507602534068634195e-8, S6 = 1.58969099521155010221e-10;
// cos y ≈ 1 − y²/2 + y⁴·C(y²) (Remez, error < 2^-58)
const C1 = 4.16666666666666019037e-2, C2 = -1.38888888888741095749e-3, C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7, C5 = 2.08757232129817482790e-9, C6 = -1.13596475577881948265e-11;

/** sin(x + y) for |x| ≤ π/4, |y| below x's last bit; tail = false when y is 0. */
function sinKernel(x: number, y: number, tail: boolean): number {
  if ((highWord(x) & 0x7fffffff) < 0x3e400000) return x; // |x| < 2^-27: sin x rounds to x
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  return tail ? x - ((z * (0.5 * y - v * r) - y) - v * S1) : x + v * (S1 + z * r);
}

/** cos(x + y) for |x| ≤ π/4, |y| below x's last bit. */
function cosKernel(x: number, y: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix < 0x3e400000) return 1; // |x| < 2^-27
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3fd33333) return 1 - (0.5 * z - (z * r - x * y)); // |x| < 0.3
  // 1 − z/2 loses bits for |x| ≥ 0.3: subtract qx ≈ z/8 (exactly representable) from 1 and from z/2 first
  const qx = ix > 0x3fe90000 ? 0.28125 : fromWords(ix - 0x00200000, 0);
  const hz = 0.5 * z - qx;
  const a = 1 - qx;
  return a - (hz - (z * r - x * y));
}

// ---- reduction by π/2 ----
const INV_PIO2 = 6.36619772367581382433e-1; // 2/π
const PIO2_1 = 1.57079632673412561417; // first 33 bits of π/2
const PIO2_1T = 6.07710050650619224932e-11; // π/2 − PIO2_1
const PIO2_2 = 6.07710050630396597660e-11; // second 33 bits
const PIO2_2T = 2.02226624879595063154e-21; // π/2 − (PIO2_1 + PIO2_2)
const PIO2_3 = 2.02226624871116645580e-21; // third 33 bits
const PIO2_3T = 8.47842766036889956997e-32; // π/2 − (PIO2_1 + PIO2_2 + PIO2_3)
/** The high words of n·π/2, n = 1…32: an x sharing one may lose many bits to cancellation. */
const NPIO2_HIGH = Int32Array.from({ length: 32 }, (_, i) => highWord((i + 1) * 1.5707963267948966));

/** The reduced argument, written by reduce(): x − n·π/2 = Y0 + Y1. */
let Y0 = 0, Y1 = 0;

/** n with x − n·π/2 = Y0 + Y1, |Y0| ≤ π/4 (x finite, |x| > π/4). */
function reduce(x: number): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix < 0x4002d97c) { // |x| < 3π/4: n = ±1
    const s = hx > 0 ? 1 : -1;
    let z = x - s * PIO2_1;
    if (ix !== 0x3ff921fb) { // 33 + 53 bits of π/2 suffice
      Y0 = z - s * PIO2_1T;
      Y1 = z - Y0 - s * PIO2_1T;
    } else { // x near π/2: 33 + 33 + 53 bits
      z -= s * PIO2_2;
      Y0 = z - s * PIO2_2T;
      Y1 = z - Y0 - s * PIO2_2T;
    }
    return s;
  }
  if (ix <= 0x413921fb) return reduceMedium(x, hx, ix); // |x| ≤ 2^19·π/2
  return reduceLarge(x, hx);
}

/** Cody–Waite reduction with π/2 in up to three 33-bit pieces (the later ones only when the first cancels). */
function reduceMedium(x: number, hx: number, ix: number): number {
  const t0 = Math.abs(x);
  const n = (t0 * INV_PIO2 + 0.5) | 0;
  let r = t0 - n * PIO2_1; // exact: n < 2^20 and PIO2_1 has 33 bits
  let w = n * PIO2_1T;
  Y0 = r - w;
  if (n >= 32 || ix === NPIO2_HIGH[n - 1]) { // maybe near a multiple of π/2: measure the cancellation
    const j = ix >> 20;
    if (j - ((highWord(Y0) >> 20) & 0x7ff) > 16) { // more than 16 bits cancelled: the second piece
      const t = r;
      w = n * PIO2_2;
      r = t - w;
      w = n * PIO2_2T - (t - r - w);
      Y0 = r - w;
      if (j - ((highWord(Y0) >> 20) & 0x7ff) > 49) { // more than 49: the third
        const t2 = r;
        w = n * PIO2_3;
        r = t2 - w;
        w = n * PIO2_3T - (t2 - r - w);
        Y0 = r - w;
      }
    }
  }
  Y1 = r - Y0 - w;
  if (hx < 0) {
    Y0 = -Y0;
    Y1 = -Y1;
    return -n;
  }
  return n;
}

// ---- Payne–Hanek for |x| > 2^19·π/2 ----
const BITS = 1200; // bits of 2/π after the point: x's exponent (≤ 971 over its integer significand) + 229
let twoOverPi: bigint | undefined; // ⌊(2/π)·2^BITS⌋

/** ⌊2^bits·atan(1/k)⌋ to within a few units: Σ (−1)^j / ((2j+1)·k^(2j+1)) in fixed point. */
function atanInverse(k: bigint, bits: bigint): bigint {
  const k2 = k * k;
  let power = (1n << bits) / k, sum = power, j = 1n;
  while (power !== 0n) {
    power /= k2;
    const term = power / (2n * j + 1n);
    sum += j % 2n === 1n ? -term : term;
    j++;
  }
  return sum;
}

/** (2/π)·2^BITS, from Machin's π = 16·atan(1/5) − 4·atan(1/239) with 64 guard bits. */
function twoOverPiBits(): bigint {
  if (twoOverPi === undefined) {
    const w = BigInt(BITS + 64);
    const pi = 16n * atanInverse(5n, w) - 4n * atanInverse(239n, w);
    twoOverPi = (1n << (BigInt(BITS + 1) + w)) / pi;
  }
  return twoOverPi;
}

const SPLIT = 134217729; // 2^27 + 1: Dekker's splitting constant
const PIO2_HI = 1.5707963267948966; // π/2 rounded
const PIO2_LO = 6.123233995736766e-17; // π/2 − PIO2_HI

/** x = M·2^e exactly; x·(2/π) = M·⌊(2/π)·2^BITS⌋·2^(e − BITS) in integers; its integer part mod 8 is n, its
 *  fraction (in [−1/2, 1/2), 128 bits) times π/2 in double-double is the reduced argument. */
function reduceLarge(x: number, hx: number): number {
  const e = ((hx >> 20) & 0x7ff) - 1075; // x = M·2^e, M the 53-bit integer significand
  const M = (BigInt((hx & 0xfffff) | 0x100000) << 32n) | BigInt(lowWord(x));
  const N = M * twoOverPiBits();
  const shift = BigInt(BITS - e); // N·2^-shift = |x|·2/π; shift ≥ 229
  let n = Number((N >> shift) & 7n);
  let frac = (N >> (shift - 128n)) & ((1n << 128n) - 1n);
  if (frac >= 1n << 127n) { // fraction ≥ 1/2: round n up
    frac -= 1n << 128n;
    n += 1;
  }
  const fh = Number(frac); // rounds to nearest; fh is an integer
  const fl = Number(frac - BigInt(fh));
  const a = fh * 2 ** -128, b = fl * 2 ** -128; // the fraction as a + b
  // (a + b)·(PIO2_HI + PIO2_LO): a·PIO2_HI exactly as p + err (Dekker), the rest in plain doubles
  const p = a * PIO2_HI;
  const ca = SPLIT * a, ah = ca - (ca - a), al = a - ah;
  const cp = SPLIT * PIO2_HI, ph = cp - (cp - PIO2_HI), pl = PIO2_HI - ph;
  const err = ((ah * ph - p) + ah * pl + al * ph) + al * pl;
  const lo = err + (a * PIO2_LO + b * PIO2_HI);
  Y0 = p + lo;
  Y1 = lo - (Y0 - p);
  if (hx < 0) {
    Y0 = -Y0;
    Y1 = -Y1;
    n = -n;
  }
  return n;
}

// ---- sin, cos ----
/** sin x (< 1 ulp). */
export function sin(x: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return sinKernel(x, 0, false); // |x| ≤ π/4
  if (ix >= 0x7ff00000) return NaN; // ±∞, NaN
  const n = reduce(x);
  switch (n & 3) {
    case 0: return sinKernel(Y0, Y1, true);
    case 1: return cosKernel(Y0, Y1);
    case 2: return -sinKernel(Y0, Y1, true);
    default: return -cosKernel(Y0, Y1);
  }
}

/** cos x (< 1 ulp). */
export function cos(x: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return cosKernel(x, 0);
  if (ix >= 0x7ff00000) return NaN;
  const n = reduce(x);
  switch (n & 3) {
    case 0: return cosKernel(Y0, Y1);
    case 1: return -sinKernel(Y0, Y1, true);
    case 2: return -cosKernel(Y0, Y1);
    default: return sinKernel(Y0, Y1, true);
  }
}

// ---- atan, atan2 ----
// atan x = atan(c) + atan((x − c)/(1 + c·x)) for c ∈ {1/2, 1, 3/2, ∞} by |x|'s range, then an odd polynomial on
// |t| ≤ 7/16 (Remez, error < 2^-56.5); atan(c) is carried as hi + lo
const ATAN_HI = [4.63647609000806093515e-1, 7.85398163397448278999e-1, 9.82793723247329054082e-1, 1.57079632679489655800];
const ATAN_LO = [2.26987774529616870924e-17, 3.06161699786838301793e-17, 1.39033110312309984516e-17, 6.12323399573676603587e-17];
const AT0 = 3.33333333333329318027e-1, AT1 = -1.99999999998764832476e-1, AT2 = 1.42857142725034663711e-1;
const AT3 = -1.11111104054623557880e-1, AT4 = 9.09088713343650656196e-2, AT5 = -7.69187620504482999495e-2;
const AT6 = 6.66107313738753120669e-2, AT7 = -5.83357013379057348645e-2, AT8 = 4.97687799461593236017e-2;
const AT9 = -3.65315727442169155270e-2, AT10 = 1.62858201153657823623e-2;

/** atan x (< 1 ulp). */
export function atan(x: number): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix >= 0x44100000) { // |x| ≥ 2^66: ±π/2 (or NaN)
    if (x !== x) return x + x;
    return hx > 0 ? ATAN_HI[3]! + ATAN_LO[3]! : -ATAN_HI[3]! - ATAN_LO[3]!;
  }
  let id = -1;
  if (ix < 0x3fdc0000) { // |x| < 7/16
    if (ix < 0x3e400000) return x; // |x| < 2^-27: atan x rounds to x
  } else {
    x = Math.abs(x);
    if (ix < 0x3ff30000) { // |x| < 19/16
      if (ix < 0x3fe60000) { id = 0; x = (2 * x - 1) / (2 + x); } // 7/16 ≤ |x| < 11/16
      else { id = 1; x = (x - 1) / (x + 1); } // 11/16 ≤ |x| < 19/16
    } else if (ix < 0x40038000) { id = 2; x = (x - 1.5) / (1 + 1.5 * x); } // 19/16 ≤ |x| < 39/16
    else { id = 3; x = -1 / x; } // 39/16 ≤ |x| < 2^66
  }
  const z = x * x;
  const w = z * z;
  const s1 = z * (AT0 + w * (AT2 + w * (AT4 + w * (AT6 + w * (AT8 + w * AT10)))));
  const s2 = w * (AT1 + w * (AT3 + w * (AT5 + w * (AT7 + w * AT9))));
  if (id < 0) return x - x * (s1 + s2);
  const r = ATAN_HI[id]! - ((x * (s1 + s2) - ATAN_LO[id]!) - x);
  return hx < 0 ? -r : r;
}

const PI = 3.1415926535897931160, PI_LO = 1.2246467991473531772e-16; // π = PI + PI_LO
const PI_O_2 = 1.5707963267948965580, PI_O_4 = 7.8539816339744827900e-1;

/** The angle of the point (x, y) in (−π, π] (< 1 ulp), with IEEE 754's signed zeros and infinities. */
export function atan2(y: number, x: number): number {
  if (x !== x || y !== y) return x + y;
  if (x === 1) return atan(y);
  const hx = highWord(x), hy = highWord(y);
  const ix = hx & 0x7fffffff, iy = hy & 0x7fffffff;
  const m = ((hy >>> 31) & 1) | ((hx >>> 30) & 2); // 2·sign(x) + sign(y)
  if (y === 0) return m < 2 ? y : m === 2 ? PI : -PI;
  if (x === 0) return hy < 0 ? -PI_O_2 : PI_O_2;
  if (ix === 0x7ff00000) { // x = ±∞
    if (iy === 0x7ff00000) return m === 0 ? PI_O_4 : m === 1 ? -PI_O_4 : m === 2 ? 3 * PI_O_4 : -3 * PI_O_4;
    return m === 0 ? 0 : m === 1 ? -0 : m === 2 ? PI : -PI;
  }
  if (iy === 0x7ff00000) return hy < 0 ? -PI_O_2 : PI_O_2;
  const k = (iy - ix) >> 20; // about log2 |y/x|
  let z: number, mm = m;
  if (k > 60) { // |y/x| > 2^60: π/2 whatever x's sign
    z = PI_O_2 + 0.5 * PI_LO;
    mm &= 1;
  } else if (hx < 0 && k < -60) z = 0; // |y/x| < 2^-60 with x < 0: ±π
  else z = atan(Math.abs(y / x));
  switch (mm) {
    case 0: return z;
    case 1: return -z;
    case 2: return PI - (z - PI_LO);
    default: return z - PI_LO - PI;
  }
}
