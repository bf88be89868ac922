// Plain-TS references for the special-function kernels, in double-double arithmetic (~106 bits): exp, log,
// log1p and expm1 accurate to ~1e-30 relative over the whole double range, plus logsumexp and softmax. Written
// for clarity, not speed; used by the tests (to measure the kernels' error) and benchmarks, never by the
// library itself.
//
// Results are scaled double-doubles `{ hi, lo, e }` meaning (hi + lo)·2^e, so that values beyond the double
// range (e^710, e^-745 with all its bits) are still represented exactly enough to measure errors against.

/** A double-double hi + lo with |lo| ≤ ulp(hi)/2. */
export interface DD {
  readonly hi: number;
  readonly lo: number;
}
/** A scaled double-double: the value (hi + lo)·2^e. Non-finite or zero values have e = 0. */
export interface Exact extends DD {
  readonly e: number;
}

// ---- error-free transformations and double-double arithmetic ----

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return { hi: s, lo: a - (s - bb) + (b - bb) };
}
function fastTwoSum(a: number, b: number): DD {
  const s = a + b;
  return { hi: s, lo: b - (s - a) };
}
const SPLIT = 134217729; // 2^27 + 1 (Veltkamp)
function twoProd(a: number, b: number): DD {
  const p = a * b;
  const ca = SPLIT * a, ah = ca - (ca - a), al = a - ah;
  const cb = SPLIT * b, bh = cb - (cb - b), bl = b - bh;
  return { hi: p, lo: ah * bh - p + ah * bl + al * bh + al * bl };
}
export function dd(hi: number, lo = 0): DD {
  return fastTwoSum(hi, lo);
}
export function add(a: DD, b: DD): DD {
  const s = twoSum(a.hi, b.hi);
  const t = twoSum(a.lo, b.lo);
  const u = fastTwoSum(s.hi, s.lo + t.hi);
  return fastTwoSum(u.hi, u.lo + t.lo);
}
export function neg(a: DD): DD {
  return { hi: -a.hi, lo: -a.lo };
}
export function sub(a: DD, b: DD): DD {
  return add(a, neg(b));
}
export function mul(a: DD, b: DD): DD {
  const p = twoProd(a.hi, b.hi);
  return fastTwoSum(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
}
export function div(a: DD, b: DD): DD {
  const q1 = a.hi / b.hi;
  let r = sub(a, mul(b, dd(q1)));
  const q2 = r.hi / b.hi;
  r = sub(r, mul(b, dd(q2)));
  const q3 = r.hi / b.hi;
  return add(fastTwoSum(q1, q2), dd(q3));
}
/** v·2^k exactly (when the result is representable), in steps that never overflow an intermediate 2^k. */
export function ldexp(v: number, k: number): number {
  while (k > 1000) (v *= 2 ** 1000), (k -= 1000);
  while (k < -1000) (v *= 2 ** -1000), (k += 1000);
  return v * 2 ** k;
}
/** x = m·2^e with m ∈ [√2/2, √2) (x finite and > 0; subnormals included). */
function frexpSqrt2(x: number): { m: number; e: number } {
  let e = Math.floor(Math.log2(x));
  let m = ldexp(x, -e);
  while (m >= Math.SQRT2) (m /= 2), e++;
  while (m < Math.SQRT1_2) (m *= 2), e--;
  return { m, e };
}

// ln 2 as a triple-double (≈ 160 bits).
const LN2_1 = 0.6931471805599453; // 0x1.62e42fefa39efp-1
const LN2_2 = 2.3190468138462996e-17; // 0x1.abc9e3b39803fp-56
const LN2_3 = 5.707708438416212e-34; // 0x1.7b57a079a1934p-111
/** k·ln 2 as a double-double (|k| < 2^20). */
function kLn2(k: number): DD {
  return add(add(twoProd(k, LN2_1), twoProd(k, LN2_2)), dd(k * LN2_3));
}

// Σ_{n ≥ n0} r^n/n! in double-double, for |r| ≤ 0.75 (terms decrease at least ×0.75/n).
function expTaylor(r: DD, n0: 0 | 1): DD {
  let term: DD = n0 === 0 ? dd(1) : r;
  let sum = term;
  for (let n = n0 + 1; n < 60 && Math.abs(term.hi) > 1e-40 * Math.abs(sum.hi); n++) {
    term = mul(term, r);
    term = div(term, dd(n));
    sum = add(sum, term);
  }
  return sum;
}

const NAN: Exact = { hi: NaN, lo: 0, e: 0 };
const exact = (v: DD, e = 0): Exact => ({ hi: v.hi, lo: v.lo, e });
const constant = (v: number): Exact => ({ hi: v, lo: 0, e: 0 });

/** e^x: k = round(x/ln2), r = x − k·ln2 (triple-double ln2), Taylor series of e^r; the result is e^r·2^k. */
export function exp(x: number): Exact {
  if (Number.isNaN(x)) return NAN;
  if (x > 1000) return constant(Infinity);
  if (x < -1000) return constant(0);
  return expDD(dd(x));
}
function expDD(x: DD): Exact {
  const k = Math.round(x.hi / LN2_1);
  // x − k·ln2 with the large cancellation done exactly first (x.hi − fl(k·LN2_1) is exact), so r keeps ~1e-32
  // absolute accuracy even for |k| ~ 1000.
  const p1 = twoProd(k, LN2_1);
  let r = add(add(twoSum(x.hi, -p1.hi), dd(x.lo)), dd(-p1.lo));
  r = sub(sub(r, twoProd(k, LN2_2)), dd(k * LN2_3));
  return exact(expTaylor(r, 0), k);
}

/** e^x − 1: Taylor series directly for |x| < 0.5 (no cancellation), e^x − 1 in double-double otherwise. */
export function expm1(x: number): Exact {
  if (Number.isNaN(x)) return NAN;
  if (x > 1000) return constant(Infinity);
  if (Math.abs(x) < 0.5) return exact(expTaylor(dd(x), 1));
  if (x < -1000) return constant(-1);
  const v = exp(x);
  if (x > 0) return exact(sub(v, dd(ldexp(1, -v.e))), v.e); // (e^x − 1)·2^-e in the same scale
  return exact(sub(dd(ldexp(v.hi, v.e), ldexp(v.lo, v.e)), dd(1)));
}

// log1p for |x| ≤ 0.5: one Newton step on expm1(y) = x from y0 = Math.log1p(x) (error ~1e-16 → ~1e-32).
function log1pSmall(x: number): DD {
  const y0 = Math.log1p(x);
  const E = expTaylor(dd(y0), 1);
  return sub(dd(y0), div(sub(E, dd(x)), add(dd(1), E)));
}

// log of a positive finite double: x = m·2^e, m ∈ [√2/2, √2), log x = log1p(m − 1) + e·ln2 (m − 1 exact).
function logPos(x: number): DD {
  const { m, e } = frexpSqrt2(x);
  return add(log1pSmall(m - 1), kLn2(e));
}

// log(h + l) for a positive double-double: log h + log1p(l/h), with log1p(t) = t − t²/2 (|t| ≤ 2^-53).
function logOfDD(v: DD): DD {
  // (Veltkamp splitting in div would overflow near the top of the range, where t as a double is plenty.)
  const t = Math.abs(v.hi) < 1e300 ? div(dd(v.lo), dd(v.hi)) : dd(v.lo / v.hi);
  return add(logPos(v.hi), sub(t, mul(dd(0.5), mul(t, t))));
}

/** Natural log: NaN for x < 0 or NaN, −inf at ±0, +inf at +inf. */
export function log(x: number): Exact {
  if (Number.isNaN(x) || x < 0) return NAN;
  if (x === 0) return constant(-Infinity);
  if (x === Infinity) return constant(Infinity);
  return exact(logPos(x));
}

/** log(1 + x): 1 + x is carried exactly as a double-double. */
export function log1p(x: number): Exact {
  if (Number.isNaN(x) || x < -1) return NAN;
  if (x === -1) return constant(-Infinity);
  if (x === Infinity) return constant(Infinity);
  if (Math.abs(x) <= 0.5) return exact(log1pSmall(x));
  return exact(logOfDD(twoSum(1, x)));
}

// ---- reductions ----

// Σ e^{x_i − m} in double-double for a finite m (x_i − m carried exactly as a double-double).
function sumExpShifted(x: ArrayLike<number>, m: number): { terms: DD[]; sum: DD } {
  const terms: DD[] = [];
  let sum = dd(0);
  for (let i = 0; i < x.length; i++) {
    const d = twoSum(x[i]!, -m);
    let t = dd(0);
    if (Number.isFinite(d.hi) && d.hi > -1000) {
      const v = expDD(d);
      t = dd(ldexp(v.hi, v.e), ldexp(v.lo, v.e));
    }
    terms.push(t);
    sum = add(sum, t);
  }
  return { terms, sum };
}

function maxNaN(x: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]!)) return NaN;
    m = Math.max(m, x[i]!);
  }
  return m;
}

/** log Σ e^{x_i} (−inf for an empty or all −inf x; +inf if any +inf; NaN if any NaN). */
export function logsumexp(x: ArrayLike<number>): Exact {
  const m = maxNaN(x);
  if (!Number.isFinite(m)) return constant(m);
  return exact(add(dd(m), logOfDD(sumExpShifted(x, m).sum)));
}

/**
 * Softmax weights e^{x_i − lse(x)}, each correctly rounded from a double-double. Degenerate inputs follow the
 * kernel's conventions: any NaN → all NaN; +inf entries share the mass equally; all −inf → all NaN.
 */
export function softmax(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const m = maxNaN(x);
  if (Number.isNaN(m) || m === -Infinity) return new Float64Array(n).fill(NaN);
  if (m === Infinity) {
    let c = 0;
    for (let i = 0; i < n; i++) if (x[i] === Infinity) c++;
    return Float64Array.from({ length: n }, (_, i) => (x[i] === Infinity ? 1 / c : 0));
  }
  const { terms, sum } = sumExpShifted(x, m);
  return Float64Array.from(terms, (t) => {
    const w = div(t, sum);
    return w.hi + w.lo;
  });
}

// ---- measuring errors ----

/** The exact value rounded to a double (±inf beyond the range, gradual underflow below it). */
export function toNumber(v: Exact): number {
  if (!Number.isFinite(v.hi) || v.hi === 0) return v.hi;
  return ldexp(v.hi + v.lo, v.e);
}

/** Whether the exact value is nonzero and below the smallest normal double in magnitude (a subnormal result). */
export function isSubnormal(v: Exact): boolean {
  if (!Number.isFinite(v.hi) || v.hi === 0) return false;
  return Math.abs(ldexp(v.hi + v.lo, v.e)) < 2 ** -1022; // (a value rounding up to 2^-1022 counts as normal)
}

// got·2^-e − (hi + lo) as a double-double (got·2^-e is exact for the finite got being measured).
function scaledDiff(got: number, v: Exact): DD {
  return sub(dd(ldexp(got, -v.e)), v);
}

// Exact non-finite/zero values and NaN: 0 when got matches (same NaN-ness, same value), else Infinity.
function degenerate(got: number, v: Exact): number | undefined {
  if (Number.isNaN(v.hi)) return Number.isNaN(got) ? 0 : Infinity;
  if (!Number.isFinite(v.hi) || v.hi === 0) return got === v.hi ? 0 : Infinity;
  if (Number.isNaN(got)) return Infinity;
  return undefined;
}

/**
 * |got − exact| / |exact|, computed in double-double. When the exact value rounds to ±inf (≥ 2^1024·(1 −
 * 2^-54)), got = ±inf counts as exact; otherwise an infinite got is an infinite error.
 */
export function relError(got: number, v: Exact): number {
  const d = degenerate(got, v);
  if (d !== undefined) return d;
  if (!Number.isFinite(got)) {
    // |exact|·2^-1023 ≥ 2 − 2^-53 ⇔ |exact| ≥ 2^1024 − 2^970 (the rounding threshold of MAX_VALUE).
    const w = dd(Math.abs(ldexp(v.hi, v.e - 1023)), Math.sign(v.hi) * ldexp(v.lo, v.e - 1023));
    const over = sub(w, { hi: 2, lo: -(2 ** -53) }).hi >= 0;
    return Math.sign(got) === Math.sign(v.hi) && over ? 0 : Infinity;
  }
  const diff = scaledDiff(got, v);
  return Math.abs(diff.hi + diff.lo) / Math.abs(v.hi + v.lo);
}

/** |got − exact| in units of the smallest subnormal 2^-1074 (the ulp of every subnormal result). */
export function ulpError(got: number, v: Exact): number {
  const d = degenerate(got, v);
  if (d !== undefined) return d;
  if (!Number.isFinite(got)) return Infinity;
  const diff = scaledDiff(got, v);
  return Math.abs(ldexp(diff.hi + diff.lo, v.e + 1074));
}

/** The error measure the kernels are held to: relative error for normal results, ulps (2^-1074) for subnormal. */
export function error(got: number, v: Exact): { rel: number; ulp: number; subnormal: boolean } {
  const subnormal = isSubnormal(v);
  return { rel: subnormal ? 0 : relError(got, v), ulp: subnormal ? ulpError(got, v) : 0, subnormal };
}
