// Elementwise special functions over f64 vectors: exp, log, log1p, expm1, and the reductions logsumexp and
// softmax built on them. The algorithms are the classical fdlibm ones (Cody–Waite argument reduction plus
// minimax rational/odd polynomials, < 1 ulp), evaluated on both f64x2 lanes branch-free: 2^k is built by
// integer ops on the exponent field, and lanes that need different formulas are merged with bitselect masks.
// Each function has an inlined fast path for the common range and an out-of-line edge path (overflow,
// underflow, subnormals, ±0, ±inf, NaN, domain errors) taken only when a vector holds such a lane. The array
// kernels run two vectors per iteration, then one, then a scalar tail that applies the same lane algorithm
// to a splat. Nothing is allocated: constants live in static data.
// Over 400 lines on purpose: six functions of one family share the lane helpers and the reduction constants
// above, and splitting them would spread one algorithm's fast and edge paths over files.

// ---- lane helpers (all inlined) ----

// @ts-ignore: decorator
@inline function add(a: v128, b: v128): v128 { return f64x2.add(a, b); }
// @ts-ignore: decorator
@inline function sub(a: v128, b: v128): v128 { return f64x2.sub(a, b); }
// @ts-ignore: decorator
@inline function mul(a: v128, b: v128): v128 { return f64x2.mul(a, b); }
// @ts-ignore: decorator
@inline function div(a: v128, b: v128): v128 { return f64x2.div(a, b); }
// @ts-ignore: decorator
@inline function sel(ifTrue: v128, ifFalse: v128, mask: v128): v128 { return v128.bitselect(ifTrue, ifFalse, mask); }

// ---- constants ----
// Kept in static data and read with v128.load64_splat (one movddup from memory per use) rather than as
// v128.const immediates, which V8 materializes inside the loop through general-purpose registers. The slot
// indices below must follow the order of the data.
const F64S: usize = memory.data<f64>([
  // Cody–Waite split of ln 2: LN2_HI has 32 significant bits, so k·LN2_HI is exact for |k| < 2^21.
  6.93147180369123816490e-1, // LN2_HI  0x3fe62e42fee00000
  1.90821492927058770002e-10, // LN2_LO 0x3dea39ef35793c76
  1.44269504088896338700e0, // INV_LN2
  // Adding then subtracting 1.5·2^52 rounds a double of magnitude < 2^51 to the nearest integer; that
  // integer also sits in the low bits of the sum, so bits(sum) − bits(1.5·2^52) is it as an i64.
  6755399441055744.0, // MAGIC = 0x1.8p52
  // exp: e^r = 1 + r + r·c/(2 − c), c = r − r²·P(r²), |r| ≤ ln2/2 (Remez coefficients, error < 2^-59).
  1.66666666666666019037e-1, -2.77777777770155933842e-3, 6.61375632143793436117e-5, // P1 P2 P3
  -1.65339022054652515390e-6, 4.13813679705723846039e-8, // P4 P5
  // log: log(1+f) = f − f²/2 + s·(f²/2 + R(s²)), s = f/(2+f), |s| ≤ 0.1716 (error < 2^-58.45).
  6.666666666666735130e-1, 3.999999999940941908e-1, 2.857142874366239149e-1, 2.222219843214978396e-1, // LG1-4
  1.818357216161805012e-1, 1.531383769920937332e-1, 1.479819860511658591e-1, // LG5-7
  // expm1: rational form in hxs = r²/2 (fdlibm's Q1..Q5, error < 2^-61).
  -3.33333333333331316428e-2, 1.58730158725481460165e-3, -7.93650757867487942473e-5, // Q1 Q2 Q3
  4.00821782732936239552e-6, -2.01099218183624371326e-7, // Q4 Q5
  1.0, 2.0, 0.5, 3.0, 6.0, -1.0, // ONE TWO HALF THREE SIX NEG_ONE
  -746.0, 710.0, -40.0, 1000.0, // EXP_MIN EXP_MAX EXPM1_MIN K_BIG
  2.2250738585072014e-308, 18014398509481984.0, 5.551115123125783e-17, // MIN_NORMAL 2^54 2^-54
  Infinity, -Infinity, NaN, // INF NEG_INF NAN
  708.0, 54.0, 6755399441057792.0, // EXP_SAFE F54 MAGIC_2048 = MAGIC + 2048
], 16);
const LN2_HI = 0, LN2_LO = 1, INV_LN2 = 2, MAGIC = 3, P1 = 4, P2 = 5, P3 = 6, P4 = 7, P5 = 8;
const LG1 = 9, LG2 = 10, LG3 = 11, LG4 = 12, LG5 = 13, LG6 = 14, LG7 = 15;
const Q1 = 16, Q2 = 17, Q3 = 18, Q4 = 19, Q5 = 20;
const ONE = 21, TWO = 22, HALF = 23, THREE = 24, SIX = 25, NEG_ONE = 26;
const EXP_MIN = 27, EXP_MAX = 28, EXPM1_MIN = 29, K_BIG = 30, MIN_NORMAL = 31, TWO54 = 32, TWOM54 = 33;
const INF = 34, NEG_INF = 35, NAN = 36, EXP_SAFE = 37, F54 = 38, MAGIC_2048 = 39;

const I64S: usize = memory.data<i64>([
  0x4338000000000000, // MAGIC_BITS: bits(0x1.8p52)
  0x3ff0000000000000, // EXP_ONE: bits(1.0), the exponent bias at bit 52
  0x3fe6a09e667f3bcd, // SQRTH_BITS: bits(√2/2), the cut that maps mantissas to [√2/2, √2)
  -1, // I_NEG_ONE
  0xfff0000000000000, // TOP12: sign and exponent field
  0x8000000000000000, // SIGN
], 16);
const MAGIC_BITS = 0, EXP_ONE = 1, SQRTH_BITS = 2, I_NEG_ONE = 3, TOP12 = 4, SIGN = 5;

/** The f64 constant in slot i, on both lanes. */
// @ts-ignore: decorator
@inline function sp(i: i32): v128 { return v128.load64_splat(F64S + (<usize>i << 3)); }
/** The i64 constant in slot i, on both lanes. */
// @ts-ignore: decorator
@inline function si(i: i32): v128 { return v128.load64_splat(I64S + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function zero(): v128 { return f64x2.splat(0.0); }

// 2^k for an i64 k in [-1022, 1023] (per lane).
// @ts-ignore: decorator
@inline function pow2(k: v128): v128 {
  return i64x2.add(i64x2.shl(k, 52), si(EXP_ONE));
}

// Whether both lanes of a mask are set (one movmskpd).
// @ts-ignore: decorator
@inline function both(mask: v128): bool {
  return i64x2.bitmask(mask) == 3;
}

// e^r = 1 + r + r·c/(2 − c) for the reduced argument of x, t = x/ln2 + MAGIC (k in its low bits):
// y ∈ [√2/2, √2] with e^x = y·2^k.
// @ts-ignore: decorator
@inline function expReduced(x: v128, t: v128): v128 {
  const kf = sub(t, sp(MAGIC));
  const hi = sub(x, mul(kf, sp(LN2_HI))); // exact
  const lo = mul(kf, sp(LN2_LO));
  const r = sub(hi, lo);
  const rr = mul(r, r);
  const p = add(sp(P4), mul(rr, sp(P5)));
  const q = add(sp(P2), mul(rr, sp(P3)));
  const c = sub(r, mul(rr, add(sp(P1), mul(rr, add(q, mul(mul(rr, rr), p))))));
  return sub(sp(ONE), sub(sub(lo, div(mul(r, c), sub(sp(TWO), c))), hi));
}

// exp on lanes that may overflow, underflow or be NaN/±inf.
function expEdge(x0: v128): v128 {
  // Clamp so that k stays in [-1077, 1024]: beyond the clamp the result is 0 or +inf either way.
  // pmax/pmin keep the first operand when the comparison is false, so NaN passes through.
  const x = f64x2.pmin(f64x2.pmax(x0, sp(EXP_MIN)), sp(EXP_MAX));
  const t = add(mul(x, sp(INV_LN2)), sp(MAGIC));
  const y = expReduced(x, t);
  // y·2^k with 2^k split into two normal factors 2^k1·2^k2, k1 = round(k/2): the first product is exact,
  // the second rounds once, so overflow and subnormal results come out correctly rounded from y.
  const t1 = add(mul(sub(t, sp(MAGIC)), sp(HALF)), sp(MAGIC));
  return mul(mul(y, pow2(t1)), pow2(i64x2.sub(t, t1)));
}

/** e^x on both lanes; NaN propagates, exp(±0) = 1, overflow → +inf, gradual underflow to 0. */
// @ts-ignore: decorator
@inline function expv(x: v128): v128 {
  // Common case |x| ≤ 708 (so k ∈ [-1021, 1021] and y·2^k is normal): add k to the exponent field.
  if (!both(f64x2.le(f64x2.abs(x), sp(EXP_SAFE)))) return expEdge(x);
  const t = add(mul(x, sp(INV_LN2)), sp(MAGIC));
  return i64x2.add(expReduced(x, t), i64x2.shl(t, 52)); // low 12 bits of t's bits are k mod 2^12
}

// ---- softmax weights: e^x for −∞ ≤ x ≤ 708, table-driven ----
// The losses need e^{z_i − max z} for every sample at every evaluation: arguments ≤ 0, never NaN (the caller
// returns before), and a weight below e^−708 ≈ 3e-308 of the largest (which is 1) is below the rounding of any
// sum it enters. So this exp drops expv's edge cases and its division: x = (64k + j)·ln2/64 + r, |r| ≤ ln2/128,
// e^x = 2^k · 2^{j/64} · P5(r), P5 the degree-5 Taylor polynomial (truncation < 4e-17), 2^{j/64} from a table
// of correctly rounded values (two lane loads: wasm SIMD has no gather). Error < 2 ulp; x < −708 gives 0.
// About twice as fast as expv. A kernel loads the constants into locals once (expNPConst) and passes them in:
// V8 otherwise rebuilds a v128.const through a general-purpose register at every use, or reloads it.
const EXP2_64: usize = memory.data<f64>([
  1.0, 1.0108892860517005, 1.0218971486541166, 1.0330248790212284, 1.0442737824274138, 1.0556451783605572, 1.0671404006768237, 1.0787607977571199, 1.0905077326652577, 1.102382583307841, 1.1143867425958924, 1.1265216186082418, 1.1387886347566916, 1.1511892299529827, 1.1637248587775775, 1.1763969916502812, 1.189207115002721, 1.202156731452703, 1.215247359980469, 1.22848053610687, 1.241857812073484, 1.255380757024691, 1.2690509571917332, 1.2828700160787783, 1.2968395546510096, 1.3109612115247644, 1.3252366431597413, 1.339667524053303, 1.3542555469368927, 1.3690024229745905, 1.383909881963832, 1.3989796725383112, 1.4142135623730951, 1.42961333839197, 1.4451808069770467, 1.460917794180647, 1.4768261459394993, 1.4929077282912648, 1.5091644275934228, 1.5255981507445384, 1.5422108254079407, 1.559004400237837, 1.5759808451078865, 1.593142151342267, 1.6104903319492543, 1.6280274218573478, 1.645755478153965, 1.6636765803267364, 1.681792830507429, 1.7001063537185235, 1.718619298122478, 1.7373338352737062, 1.7562521603732995, 1.7753764925265212, 1.7947090750031072, 1.8142521755003989, 1.8340080864093424, 1.8539791250833855, 1.8741676341103, 1.8945759815869656, 1.9152065613971474, 1.9360617934922943, 1.9571441241754002, 1.978456026387951,
], 16);
const NPF: usize = memory.data<f64>([
  92.33248261689366, // 64/ln2
  6755399441055744.0, // MAGIC
  0.01083042469326756, 2.9815858269852933e-12, // ln2/64 as LN2_HI/64 + LN2_LO/64 (exact divisions)
  1.0, 0.5, 0.16666666666666666, 0.041666666666666664, 0.008333333333333333, // 1, 1/2!, 1/3!, 1/4!, 1/5!
  -708.0,
], 16);
const NPI: usize = memory.data<i64>([63, 0xfff0000000000000], 16);
/** Constant i of expNP (0–9: f64s, 10–11: the index mask and the exponent-field mask), on both lanes. */
// @ts-ignore: decorator
@inline export function expNPConst(i: i32): v128 {
  return i < 10 ? v128.load64_splat(NPF + (<usize>i << 3)) : v128.load64_splat(NPI + (<usize>(i - 10) << 3));
}

/** e^x on both lanes for x ≤ 708, not NaN (x < −708 → 0); k0…k11 = expNPConst(0…11), loaded before the loop. */
// @ts-ignore: decorator
@inline export function expNP(x: v128, k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, k10: v128, k11: v128): v128 {
  const t = add(mul(x, k0), k1); // round(64x/ln2) in the low bits
  const kf = sub(t, k1);
  const r = sub(sub(x, mul(kf, k2)), mul(kf, k3));
  const r2 = mul(r, r);
  const p = add(add(k4, r), mul(r2, add(add(k5, mul(r, k6)), mul(r2, add(k7, mul(r, k8))))));
  const j = v128.and(t, k10);
  let tb = v128.load64_zero(EXP2_64 + (<usize>i64x2.extract_lane(j, 0) << 3));
  tb = v128.load64_lane(EXP2_64 + (<usize>i64x2.extract_lane(j, 1) << 3), tb, 1);
  // k >> 6 into the exponent field: bits 6… of t's low bits, shifted to bit 52 (wrapping like expv's 2^k)
  const y = i64x2.add(mul(p, tb), v128.and(i64x2.shl(t, 46), k11));
  return v128.andnot(y, f64x2.lt(x, k9));
}

/** y_i ← e^{x_i} by expNP (x_i ≤ 708, not NaN; x_i < −708 → 0): the softmax-weight exp, for tests and benchmarks. */
export function exp_np_f64(n: i32, x: usize, y: usize): void {
  const k0 = expNPConst(0), k1 = expNPConst(1), k2 = expNPConst(2), k3 = expNPConst(3), k4 = expNPConst(4), k5 = expNPConst(5);
  const k6 = expNPConst(6), k7 = expNPConst(7), k8 = expNPConst(8), k9 = expNPConst(9), k10 = expNPConst(10), k11 = expNPConst(11);
  let i = 0;
  for (; i + 2 <= n; i += 2) st(y, i, expNP(ld(x, i), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11));
  if (i < n) stLane0(y, i, expNP(splatAt(x, i), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11));
}

// log(1+f) − f for f ∈ [√2/2 − 1, √2 − 1], as the pieces hfsq = f²/2 and s·(hfsq + R).
// @ts-ignore: decorator
@inline function log1pPoly(f: v128, hfsq: v128): v128 {
  const s = div(f, add(sp(TWO), f));
  const z = mul(s, s);
  const w = mul(z, z);
  const t1 = mul(w, add(sp(LG2), mul(w, add(sp(LG4), mul(w, sp(LG6))))));
  const t2 = mul(z, add(sp(LG1), mul(w, add(sp(LG3), mul(w, add(sp(LG5), mul(w, sp(LG7))))))));
  return mul(s, add(hfsq, add(t1, t2)));
}

// For v = bits of a positive normal double: d = bits(v) − bits(√2/2) has k = d >> 52 (arithmetic) with
// v = 2^k·z, z ∈ [√2/2, √2). z = v − (d & top 12 bits); k + 2048 = (d ^ sign) >>> 52 avoids the 64-bit
// arithmetic shift that SSE lacks. Returns z; k as a double is kOf(d).
// @ts-ignore: decorator
@inline function mantissaOf(v: v128, d: v128): v128 {
  return i64x2.sub(v, v128.and(d, si(TOP12)));
}
// @ts-ignore: decorator
@inline function kOf(d: v128): v128 {
  return sub(i64x2.add(i64x2.shr_u(v128.xor(d, si(SIGN)), 52), si(MAGIC_BITS)), sp(MAGIC_2048));
}

// log of a positive normal x (both lanes).
// @ts-ignore: decorator
@inline function logNormal(x: v128, dkAdjust: v128): v128 {
  const d = i64x2.sub(x, si(SQRTH_BITS));
  const f = sub(mantissaOf(x, d), sp(ONE));
  const dk = sub(kOf(d), dkAdjust);
  const hfsq = mul(mul(sp(HALF), f), f);
  return add(add(sub(add(log1pPoly(f, hfsq), mul(dk, sp(LN2_LO))), hfsq), f), mul(dk, sp(LN2_HI)));
}

// log on lanes that may be subnormal, ≤ 0, +inf or NaN.
function logEdge(x: v128): v128 {
  // Subnormals (and, harmlessly, x ≤ 0) are scaled by 2^54 so the exponent field is meaningful.
  const tiny = f64x2.lt(x, sp(MIN_NORMAL));
  const r = logNormal(sel(mul(x, sp(TWO54)), x, tiny), v128.and(tiny, sp(F54)));
  // Lanes outside (0, +inf): log(±0) = −inf, log(<0) = NaN, log(+inf) = +inf, NaN stays NaN.
  const ok = v128.and(f64x2.gt(x, zero()), f64x2.lt(x, sp(INF)));
  const special = sel(sp(NEG_INF), sel(sp(NAN), x, f64x2.lt(x, zero())), f64x2.eq(x, zero()));
  return sel(r, special, ok);
}

/** log x on both lanes: NaN for x < 0 or NaN, −inf at ±0, +inf at +inf; subnormal x is exact-scaled first. */
// @ts-ignore: decorator
@inline function logv(x: v128): v128 {
  if (!both(v128.and(f64x2.ge(x, sp(MIN_NORMAL)), f64x2.lt(x, sp(INF))))) return logEdge(x);
  return logNormal(x, zero());
}

/** log(1 + x) on both lanes with fdlibm's correction term for the rounding of 1 + x. */
// @ts-ignore: decorator
@inline function log1pv(x0: v128): v128 {
  // |x| < 2^-54: log1p(x) rounds to x (kept at the end, with the sign of −0). Those lanes compute on 0
  // instead, so no intermediate goes subnormal (subnormal arithmetic is very slow on x86).
  const tiny = f64x2.lt(f64x2.abs(x0), sp(TWOM54));
  const x = v128.andnot(x0, tiny);
  const u = add(sp(ONE), x);
  const d = i64x2.sub(u, si(SQRTH_BITS));
  const dk = kOf(d);
  const k0 = f64x2.eq(dk, zero());
  // log(1+x) = log u + log(1 + c/u) with c = (1 + x) − u, the exact rounding error of u (two-sum);
  // for k = 0 use f = x directly (and c = 0).
  const bb = sub(u, sp(ONE));
  const c = v128.andnot(div(add(sub(sp(ONE), sub(u, bb)), sub(x, bb)), u), k0);
  const f = sel(x, sub(mantissaOf(u, d), sp(ONE)), k0);
  const hfsq = mul(mul(sp(HALF), f), f);
  const lo = add(mul(dk, sp(LN2_LO)), c);
  const r = sel(x0, sub(mul(dk, sp(LN2_HI)), sub(sub(hfsq, add(log1pPoly(f, hfsq), lo)), f)), tiny);
  // Lanes outside (−1, +inf): log1p(−1) = −inf, below → NaN, +inf → +inf, NaN stays NaN.
  const ok = v128.and(f64x2.gt(x0, sp(NEG_ONE)), f64x2.lt(x0, sp(INF)));
  if (both(ok)) return r;
  const special = sel(sp(NEG_INF), sel(sp(NAN), x0, f64x2.lt(x0, sp(NEG_ONE))), f64x2.eq(x0, sp(NEG_ONE)));
  return sel(r, special, ok);
}

// expm1 of the reduced argument: with t = x/ln2 + MAGIC (k in its low bits) and twomk = 2^-k, returns y with
// expm1(x) = y·2^k (fdlibm's expm1 and its correction term, with one formula for every k).
// @ts-ignore: decorator
@inline function expm1Reduced(x: v128, t: v128, twomk: v128): v128 {
  const kf = sub(t, sp(MAGIC));
  const hi = sub(x, mul(kf, sp(LN2_HI)));
  const lo = mul(kf, sp(LN2_LO));
  const r = sub(hi, lo);
  const c = sub(sub(hi, r), lo); // the rounding error of hi − lo
  const hfx = mul(sp(HALF), r);
  const hxs = mul(r, hfx);
  const h2 = mul(hxs, hxs);
  const r1 = add(
    add(sp(ONE), mul(hxs, sp(Q1))),
    mul(h2, add(add(sp(Q2), mul(hxs, sp(Q3))), mul(h2, add(sp(Q4), mul(hxs, sp(Q5)))))),
  );
  const tt = sub(sp(THREE), mul(r1, hfx));
  const e = mul(hxs, div(sub(r1, tt), sub(sp(SIX), mul(r, tt))));
  // expm1(x) = 2^k·(1 − 2^-k + r − e2) with e2 the correction (for k = 0 this is fdlibm's r − (r·e − hxs)).
  // T = 1 − 2^-k is exact for |k| ≤ 53; Tlo = (1 − T) − 2^-k restores the part lost for k ≥ 54 (for
  // k ≤ −54 the lost 1 is below 2^-54 of the result). T + r is summed exactly (two-sum), so the only
  // rounding that matters is the last addition: < 1 ulp for every k, without case analysis.
  const e2 = sub(sub(mul(r, sub(e, c)), c), hxs);
  const T = sub(sp(ONE), twomk);
  const tlo = sub(sub(sp(ONE), T), twomk);
  const s = add(T, r);
  const bb = sub(s, T);
  const err = add(sub(T, sub(s, bb)), sub(r, bb));
  return add(s, sub(add(err, tlo), e2));
}

// expm1 on lanes that may be tiny, NaN, ±inf or beyond ±708.
function expm1Edge(x0: v128): v128 {
  // |x| < 2^-54: expm1(x) rounds to x (kept at the end; those lanes compute on 0, avoiding subnormals,
  // which are very slow on x86). Below −40 the result rounds to −1; above 710 it overflows.
  // pmin/pmax pass NaN through.
  const tiny = f64x2.lt(f64x2.abs(x0), sp(TWOM54));
  const x = f64x2.pmin(f64x2.pmax(v128.andnot(x0, tiny), sp(EXPM1_MIN)), sp(EXP_MAX));
  const t = add(mul(x, sp(INV_LN2)), sp(MAGIC));
  const k = i64x2.sub(t, si(MAGIC_BITS));
  const twomk = v128.andnot(pow2(i64x2.neg(k)), f64x2.gt(x, sp(EXP_SAFE))); // 2^-k, or 0 for k > 1021
  const y = expm1Reduced(x, t, twomk);
  // ·2^k as ·2·2^(k−1): 2^(k−1) is normal for every k ∈ [-58, 1024] and the ·2 is exact.
  return sel(x0, mul(mul(y, sp(TWO)), pow2(i64x2.add(k, si(I_NEG_ONE)))), tiny);
}

/** e^x − 1 on both lanes. */
// @ts-ignore: decorator
@inline function expm1v(x: v128): v128 {
  // Common case 2^-54 ≤ |x| ≤ 708: k ∈ [-1021, 1021], 2^-k is normal and y·2^k is exact by adding k to
  // the exponent field (for k ≠ 0, |y·2^k| > 0.29; for k = 0 nothing is added).
  const ax = f64x2.abs(x);
  if (!both(v128.and(f64x2.le(ax, sp(EXP_SAFE)), f64x2.ge(ax, sp(TWOM54))))) return expm1Edge(x);
  const t = add(mul(x, sp(INV_LN2)), sp(MAGIC));
  const y = expm1Reduced(x, t, pow2(i64x2.neg(i64x2.sub(t, si(MAGIC_BITS)))));
  return i64x2.add(y, i64x2.shl(t, 52));
}

// ---- array kernels ----
// Main loop: two vectors per iteration (two independent dependency chains keep the FP pipes busy), then one
// vector, then a scalar tail that runs the same lane algorithm on a splat. Both loads precede the stores,
// so y == x is safe.

// @ts-ignore: decorator
@inline function ld(p: usize, i: i32): v128 { return v128.load(p + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function st(p: usize, i: i32, v: v128): void { v128.store(p + (<usize>i << 3), v); }
// @ts-ignore: decorator
@inline function st2(p: usize, i: i32, a: v128, b: v128): void {
  v128.store(p + (<usize>i << 3), a);
  v128.store(p + (<usize>i << 3), b, 16);
}
// @ts-ignore: decorator
@inline function splatAt(p: usize, i: i32): v128 { return f64x2.splat(load<f64>(p + (<usize>i << 3))); }
// @ts-ignore: decorator
@inline function stLane0(p: usize, i: i32, v: v128): void { store<f64>(p + (<usize>i << 3), f64x2.extract_lane(v, 0)); }

/** y_i ← e^{x_i}. y may equal x. Relative error < 2.2e-16 (< 1 ulp); ±inf, NaN, ±0, overflow, underflow exact. */
export function exp_f64(n: i32, x: usize, y: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) st2(y, i, expv(ld(x, i)), expv(ld(x, i + 2)));
  for (; i + 2 <= n; i += 2) st(y, i, expv(ld(x, i)));
  if (i < n) stLane0(y, i, expv(splatAt(x, i)));
}

/** y_i ← e^{x_i − shift}; returns Σ y_i (the log-sum-exp kernel of the losses). y may equal x. */
export function exp_shift_sum(n: i32, x: usize, shift: f64, y: usize): f64 {
  const sh = f64x2.splat(shift);
  let acc = zero(), acc2 = zero();
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a = expv(sub(ld(x, i), sh)), b = expv(sub(ld(x, i + 2), sh));
    st2(y, i, a, b);
    acc = add(acc, a);
    acc2 = add(acc2, b);
  }
  for (; i + 2 <= n; i += 2) {
    const a = expv(sub(ld(x, i), sh));
    st(y, i, a);
    acc = add(acc, a);
  }
  acc = add(acc, acc2);
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (i < n) {
    const v = f64x2.extract_lane(expv(f64x2.splat(load<f64>(x + (<usize>i << 3)) - shift)), 0);
    store<f64>(y + (<usize>i << 3), v);
    s += v;
  }
  return s;
}

/** y_i ← log x_i (natural). y may equal x. NaN for x_i < 0, −inf at ±0; subnormal x_i handled exactly. */
export function log_f64(n: i32, x: usize, y: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) st2(y, i, logv(ld(x, i)), logv(ld(x, i + 2)));
  for (; i + 2 <= n; i += 2) st(y, i, logv(ld(x, i)));
  if (i < n) stLane0(y, i, logv(splatAt(x, i)));
}

/** y_i ← log(1 + x_i), accurate for tiny x_i. y may equal x. NaN below −1, −inf at −1. */
export function log1p_f64(n: i32, x: usize, y: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) st2(y, i, log1pv(ld(x, i)), log1pv(ld(x, i + 2)));
  for (; i + 2 <= n; i += 2) st(y, i, log1pv(ld(x, i)));
  if (i < n) stLane0(y, i, log1pv(splatAt(x, i)));
}

/** y_i ← e^{x_i} − 1, accurate for tiny x_i. y may equal x. −1 as x → −inf, +inf on overflow. */
export function expm1_f64(n: i32, x: usize, y: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) st2(y, i, expm1v(ld(x, i)), expm1v(ld(x, i + 2)));
  for (; i + 2 <= n; i += 2) st(y, i, expm1v(ld(x, i)));
  if (i < n) stLane0(y, i, expm1v(splatAt(x, i)));
}

// Σ e^{x_i − m} for a finite m (each term ≤ 1 when m is the max; −inf entries contribute 0). When y ≠ 0
// the terms are also stored to y.
// @ts-ignore: decorator
@inline function sumExpShifted(n: i32, x: usize, m: f64, y: usize): f64 {
  const mv = f64x2.splat(m);
  let a0 = zero();
  let a1 = zero();
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const e0 = expv(sub(ld(x, i), mv));
    const e1 = expv(sub(ld(x, i + 2), mv));
    if (y) st2(y, i, e0, e1);
    a0 = add(a0, e0);
    a1 = add(a1, e1);
  }
  for (; i + 2 <= n; i += 2) {
    const e0 = expv(sub(ld(x, i), mv));
    if (y) st(y, i, e0);
    a0 = add(a0, e0);
  }
  const a = add(a0, a1);
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  if (i < n) {
    const e = expv(f64x2.splat(load<f64>(x + (<usize>i << 3)) - m));
    if (y) stLane0(y, i, e);
    s += f64x2.extract_lane(e, 0);
  }
  return s;
}

// max_i x_i, NaN if any is NaN, −inf for n = 0.
function maxNaN(n: i32, x: usize): f64 {
  let m = f64x2.splat(-Infinity);
  let i = 0;
  for (; i + 2 <= n; i += 2) m = f64x2.max(m, ld(x, i));
  let r = max<f64>(f64x2.extract_lane(m, 0), f64x2.extract_lane(m, 1));
  if (i < n) r = max<f64>(r, load<f64>(x + (<usize>i << 3)));
  return r;
}

/**
 * log Σ e^{x_i}, stable: m + log Σ e^{x_i − m} with m = max x_i. −inf entries contribute nothing; any +inf
 * gives +inf; any NaN gives NaN; n = 0 (or all −inf) gives −inf.
 */
export function logsumexp_f64(n: i32, x: usize): f64 {
  const m = maxNaN(n, x);
  if (m != m || m == Infinity || m == -Infinity) return m;
  const s = sumExpShifted(n, x, m, 0); // ≥ 1: the max term is e^0
  return m + f64x2.extract_lane(logv(f64x2.splat(s)), 0);
}

/**
 * y_i ← e^{x_i − lse(x)}: nonnegative weights summing to 1, computed as e^{x_i − m} / Σ_j e^{x_j − m} with
 * m = max x_j, so logits of any magnitude (up to ±1.8e308) are stable. y may equal x. Special inputs:
 * any NaN → all NaN; +inf entries share the mass equally (the limit); all −inf (no finite maximum) → all NaN.
 */
export function softmax_f64(n: i32, x: usize, y: usize): void {
  if (n <= 0) return;
  const m = maxNaN(n, x);
  let s: f64 = 0;
  if (m != m || m == -Infinity) {
    s = NaN; // y_i = 0/NaN below
    for (let i = 0; i < n; i++) store<f64>(y + (<usize>i << 3), 0.0);
  } else if (m == Infinity) {
    // Indicator of the +inf entries (scalar: a rare, degenerate input).
    for (let i = 0; i < n; i++) {
      const v: f64 = load<f64>(x + (<usize>i << 3)) == Infinity ? 1.0 : 0.0;
      store<f64>(y + (<usize>i << 3), v);
      s += v;
    }
  } else {
    s = sumExpShifted(n, x, m, y);
  }
  // Normalize by division (one rounding per weight).
  const sv = f64x2.splat(s);
  let i = 0;
  for (; i + 2 <= n; i += 2) st(y, i, div(ld(y, i), sv));
  if (i < n) store<f64>(y + (<usize>i << 3), load<f64>(y + (<usize>i << 3)) / s);
}
