// Exact references for detmath's trigonometry and pow, in BigInt fixed point (written for clarity, not speed):
// a double is an exact integer times a power of two, π comes from Machin's formula to as many bits as the
// argument needs, and every series runs to 2^-FRAC. Each reference returns the true value as a big integer V with
// an exponent s, value = V·2^s, far more precise than a double; ulpError measures a double against it.
import { highWord, lowWord } from "../src/runtime/float-bits.js";

const FRAC = 320n; // fixed-point fraction bits of the series
const ONE = 1n << FRAC;

/** x = M·2^e exactly (x finite, nonzero; M signed). */
function decompose(x: number): { M: bigint; e: number } {
  const hx = highWord(x), lx = lowWord(x);
  const biased = (hx >>> 20) & 0x7ff;
  const frac = (BigInt(hx & 0xfffff) << 32n) | BigInt(lx);
  const M = biased === 0 ? frac : frac | (1n << 52n);
  const e = (biased === 0 ? 1 : biased) - 1075;
  return { M: hx < 0 ? -M : M, e };
}

/** ⌊x·2^bits⌋ for a double x (towards −∞). */
function fixed(x: number, bits: bigint): bigint {
  const { M, e } = decompose(x);
  const s = BigInt(e) + bits;
  return s >= 0n ? M << s : M >> -s;
}

const mulF = (a: bigint, b: bigint) => (a * b) >> FRAC;
const divF = (a: bigint, b: bigint) => (a << FRAC) / b;

function atanInv(k: bigint, bits: bigint): bigint {
  const k2 = k * k;
  let p = (1n << bits) / k, sum = p, j = 1n;
  while (p !== 0n) {
    p /= k2;
    sum += (j % 2n ? -1n : 1n) * (p / (2n * j + 1n));
    j++;
  }
  return sum;
}
const piCache = new Map<bigint, bigint>();
/** π·2^bits (to a few units in the last place). */
function piBits(bits: bigint): bigint {
  let v = piCache.get(bits);
  if (v === undefined) {
    const g = bits + 32n;
    v = (16n * atanInv(5n, g) - 4n * atanInv(239n, g)) >> 32n;
    piCache.set(bits, v);
  }
  return v;
}

/** A reference value: V·2^s. */
export interface Ref {
  V: bigint;
  s: number;
}

/** The reference of a double-double value (hi + lo)·2^e (src/reference/special.ts's Exact). */
export function refOf(v: { hi: number; lo: number; e: number }): Ref {
  const a = decompose(v.hi);
  if (v.lo === 0) return { V: a.M, s: a.e + v.e };
  const b = decompose(v.lo);
  const s = Math.min(a.e, b.e);
  return { V: (a.M << BigInt(a.e - s)) + (b.M << BigInt(b.e - s)), s: s + v.e };
}

/** sin or cos of a double: x − q·π/2 with π to (exponent + 400) bits, then Taylor at 2^-FRAC. */
export function trigRef(x: number, which: "sin" | "cos"): Ref {
  const { e } = decompose(x);
  const W = BigInt(Math.max(e, 0) + 400); // bits of π/2: enough to leave 2^-FRAC after any cancellation
  const X = fixed(x, W), P = piBits(W) / 2n;
  let q = X / P;
  let R = X - q * P;
  if (2n * R > P) (q += 1n), (R -= P);
  else if (2n * R < -P) (q -= 1n), (R += P);
  const r = R >> (W - FRAC);
  const r2 = mulF(r, r);
  let sinR = r, cosR = ONE, term = r;
  for (let n = 1n; term !== 0n; n++) {
    term = -mulF(term, r2) / ((2n * n) * (2n * n + 1n));
    sinR += term;
  }
  term = ONE;
  for (let n = 1n; term !== 0n; n++) {
    term = -mulF(term, r2) / ((2n * n - 1n) * (2n * n));
    cosR += term;
  }
  const quadrant = Number(((q % 4n) + 4n) % 4n) + (which === "cos" ? 1 : 0);
  const V = [sinR, cosR, -sinR, -cosR][quadrant % 4]!;
  return { V, s: -Number(FRAC) };
}

function sqrtF(a: bigint): bigint { // √(a·2^-FRAC)·2^FRAC
  const n = a << FRAC;
  if (n === 0n) return 0n;
  let x = 1n << BigInt((n.toString(2).length >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** atan of a fixed-point t (any magnitude): |t| > 1 by π/2 − atan(1/t), then two halvings of the angle
 *  (t → t/(1 + √(1 + t²))), then the Taylor series at |t| ≤ tan(π/16). */
function atanF(t: bigint): bigint {
  if (t < 0n) return -atanF(-t);
  if (t > ONE) return piBits(FRAC) / 2n - atanF(divF(ONE, t));
  for (let i = 0; i < 2; i++) t = divF(t, ONE + sqrtF(ONE + mulF(t, t)));
  const t2 = mulF(t, t);
  let sum = t, pw = t;
  for (let n = 1n; pw !== 0n; n++) {
    pw = -mulF(pw, t2);
    sum += pw / (2n * n + 1n);
  }
  return 4n * sum;
}

/** atan of a double (|x| ≥ 2^-200, so that 2^-FRAC is far below its last place). */
export function atanRef(x: number): Ref {
  return { V: atanF(fixed(x, FRAC)), s: -Number(FRAC) };
}

/** atan2(y, x) for finite nonzero x, y: the angle of (x, y) from atan of the exact ratio. */
export function atan2Ref(y: number, x: number): Ref {
  const a = decompose(y), b = decompose(x);
  // y/x = (My/Mx)·2^(ey−ex), as a fixed-point number
  const shift = BigInt(a.e - b.e) + FRAC;
  const num = a.M < 0n ? -a.M : a.M, den = b.M < 0n ? -b.M : b.M;
  const t = shift >= 0n ? (num << shift) / den : num / (den << -shift);
  let v = atanF(t);
  const pi = piBits(FRAC);
  if (b.M < 0n) v = pi - v;
  return { V: a.M < 0n ? -v : v, s: -Number(FRAC) };
}

/** ln of a positive fixed-point number m·2^k given as M·2^e: k·ln2 + 2·atanh((m−1)/(m+1)) with m ∈ [1, 2). */
function lnF(M: bigint, e: number): bigint {
  const bits = M.toString(2).length;
  const k = BigInt(e + bits - 1);
  const m = (M << (FRAC - BigInt(bits - 1))); // M/2^(bits−1) ∈ [1, 2) in fixed point
  const s = divF(m - ONE, m + ONE), s2 = mulF(s, s);
  let sum = s, pw = s;
  for (let n = 1n; pw !== 0n; n++) {
    pw = mulF(pw, s2);
    sum += pw / (2n * n + 1n);
  }
  const ln2 = 2n * atanhInv3();
  return k * ln2 + 2n * sum;
}
let ln2Cache: bigint | undefined;
function atanhInv3(): bigint { // atanh(1/3) = ln(2)/2
  if (ln2Cache === undefined) {
    let p = ONE / 3n, sum = p;
    for (let n = 1n; p !== 0n; n++) {
      p /= 9n;
      sum += p / (2n * n + 1n);
    }
    ln2Cache = sum;
  }
  return ln2Cache;
}

/** x^y for x > 0 (finite, nonzero), y finite: e^{y·ln x} with t = y·ln x = k·ln2 + r, e^r by Taylor. */
export function powRef(x: number, y: number): Ref {
  const a = decompose(x), b = decompose(y);
  const yl = b.M * lnF(a.M, a.e); // y·ln x = My·ln x·2^ey
  const t = b.e >= 0 ? yl << BigInt(b.e) : yl >> BigInt(-b.e);
  const ln2 = 2n * atanhInv3();
  const k = t >= 0n ? (t + ln2 / 2n) / ln2 : -((-t + ln2 / 2n) / ln2);
  const r = t - k * ln2;
  let sum = ONE, term = ONE;
  for (let n = 1n; term !== 0n; n++) {
    term = mulF(term, r) / n;
    sum += term;
  }
  return { V: sum, s: Number(k) - Number(FRAC) };
}

/** |got − V·2^s| in units of got's last place (got finite and nonzero). */
export function ulpError(got: number, ref: Ref): number {
  const { M, e } = decompose(got); // got = M·2^e, and its last place is 2^e
  const base = Math.min(e, ref.s);
  const G = M << BigInt(e - base);
  const R = ref.s >= base ? ref.V << BigInt(ref.s - base) : ref.V >> BigInt(base - ref.s);
  const d = G > R ? G - R : R - G;
  return Number((d << 32n) >> BigInt(e - base)) / 2 ** 32;
}

/** log10 of a positive finite double: ln x / ln 10 in fixed point. */
export function log10Ref(x: number): Ref {
  const a = decompose(x);
  return { V: divF(lnF(a.M, a.e), lnF(10n, 0)), s: -Number(FRAC) };
}
