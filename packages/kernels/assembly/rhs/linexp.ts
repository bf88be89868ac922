// The binary exponential loss of a model that is linear in its input — f(x; θ) = β(θ)·x, one DIAG op — in
// β-space: the Fig. 4 / Fig. 1 workload, evaluated hundreds of times per trajectory on 1e4 samples.
// With the label-folded columns A_c = y ⊙ X_c (stored d×n, so two samples share a SIMD vector):
//   z_i = −β·a_i,  e_i = e^{z_i − max z},  s = Σ e_i,  log L = max z + log s − log n,
//   ∂log L/∂β = −Σ e_i a_i / s,  q_min = −max z,
// and for the Jacobian the second moments M = Σ e_i a_i a_iᵀ. Three passes over the samples (z and its max; the
// weights; their first moments), no n×C output, no n-vector gradient, no backward pass through the program.
// The weights use the table-driven expNP (special.ts). Tests (core/test/flow.test.ts) compare this path with the
// program + loss path and with a plain-TS log-sum-exp.
import { expNP, expNPConst } from "../special";
import { dot_f64 } from "../blas1";

/** A (d×n) ← y_i·X_ic: the label-folded columns of X (n×d, row-major). */
export function linexp_prepare(n: i32, d: i32, X: usize, labels: usize, A: usize): void {
  for (let i = 0; i < n; i++) {
    const y = load<f64>(labels + (<usize>i << 3));
    const row = X + ((<usize>i * d) << 3);
    for (let c = 0; c < d; c++) store<f64>(A + ((<usize>c * n + i) << 3), y * load<f64>(row + (<usize>c << 3)));
  }
}

// @ts-ignore: decorator
@inline function col(A: usize, n: i32, c: i32, i: i32): v128 {
  return v128.load(A + ((<usize>c * n + i) << 3));
}

/**
 * The full evaluation: log L at β (d f64s) over the columns A; leaves e_i in `e` (n f64s), ∂log L/∂β in gb
 * (d f64s) and returns log L. `out` receives [s, q_min]. Odd n: the last sample is processed on lane 0 of a vector whose lane 1
 * repeats it and is discarded. NaN in β or A gives NaN; a margin of −∞ gives +∞.
 */
function linexp_full(n: i32, d: i32, A: usize, beta: usize, e: usize, gb: usize, out: usize): f64 {
  const pairs = n >> 1, odd = n & 1;
  // pass 1: z = −A β into e, and its max (pmax is one instruction where max, with its NaN rules, is several;
  // NaN is tracked on the side)
  let mx2 = f64x2.splat(-Infinity), nan2 = f64x2.splat(0.0);
  if (d == 3) {
    const b0 = f64x2.splat(-load<f64>(beta)), b1 = f64x2.splat(-load<f64>(beta, 8)), b2 = f64x2.splat(-load<f64>(beta, 16));
    for (let k = 0; k < pairs; k++) {
      const i = k << 1;
      const z = f64x2.add(f64x2.add(f64x2.mul(b0, col(A, n, 0, i)), f64x2.mul(b1, col(A, n, 1, i))), f64x2.mul(b2, col(A, n, 2, i)));
      v128.store(e + (<usize>i << 3), z);
      mx2 = f64x2.pmax(mx2, z);
      nan2 = v128.or(nan2, f64x2.ne(z, z));
    }
  } else {
    for (let k = 0; k < pairs; k++) v128.store(e + (<usize>k << 4), f64x2.splat(0.0));
    for (let c = 0; c < d; c++) {
      const b = f64x2.splat(-load<f64>(beta + (<usize>c << 3)));
      for (let k = 0; k < pairs; k++) {
        const i = k << 1;
        const q = e + (<usize>i << 3);
        const z = f64x2.add(v128.load(q), f64x2.mul(b, col(A, n, c, i)));
        v128.store(q, z);
        if (c == d - 1) {
          mx2 = f64x2.pmax(mx2, z);
          nan2 = v128.or(nan2, f64x2.ne(z, z));
        }
      }
    }
  }
  let mx = v128.any_true(nan2) ? NaN : max<f64>(f64x2.extract_lane(mx2, 0), f64x2.extract_lane(mx2, 1));
  if (odd) {
    const i = n - 1;
    let z: f64 = 0.0;
    for (let c = 0; c < d; c++) z -= load<f64>(beta + (<usize>c << 3)) * load<f64>(A + ((<usize>c * n + i) << 3));
    store<f64>(e + (<usize>i << 3), z);
    mx = mx != mx || z != z ? NaN : max<f64>(mx, z);
  }
  store<f64>(out, NaN);
  store<f64>(out, -mx, 8);
  if (mx != mx || mx == Infinity) return mx;
  // pass 2: e_i = e^{z_i − mx} in place, s = Σ e (the exp alone: fused with the moments it would run out of
  // the 16 vector registers)
  const k0 = expNPConst(0), k1 = expNPConst(1), k2 = expNPConst(2), k3 = expNPConst(3), k4 = expNPConst(4), k5 = expNPConst(5);
  const k6 = expNPConst(6), k7 = expNPConst(7), k8 = expNPConst(8), k9 = expNPConst(9), k10 = expNPConst(10), k11 = expNPConst(11);
  const sh = f64x2.splat(mx);
  let s2 = f64x2.splat(0.0);
  for (let k = 0; k < pairs; k++) {
    const q = e + (<usize>k << 4);
    const w = expNP(f64x2.sub(v128.load(q), sh), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11);
    v128.store(q, w);
    s2 = f64x2.add(s2, w);
  }
  let s = f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1);
  if (odd) {
    const q = e + (<usize>(n - 1) << 3);
    const w = f64x2.extract_lane(expNP(f64x2.splat(load<f64>(q) - mx), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11), 0);
    store<f64>(q, w);
    s += w;
  }
  // pass 3: the first moments
  firstMoments(n, d, A, e, s, gb);
  store<f64>(out, s);
  return mx + Math.log(s) - Math.log(<f64>n);
}

/** gb ← ∂log L/∂β = −Σ e_i a_i / s (one pass for d = 3; odd n: the last sample in scalar code). */
function firstMoments(n: i32, d: i32, A: usize, e: usize, s: f64, gb: usize): void {
  const inv = -1.0 / s;
  if (d != 3) {
    for (let c = 0; c < d; c++) store<f64>(gb + (<usize>c << 3), dot_f64(n, e, A + ((<usize>c * n) << 3)) * inv);
    return;
  }
  let v0 = f64x2.splat(0.0), v1 = v0, v2 = v0;
  for (let k = 0; k < (n >> 1); k++) {
    const i = k << 1;
    const w = v128.load(e + (<usize>i << 3));
    v0 = f64x2.add(v0, f64x2.mul(w, col(A, n, 0, i)));
    v1 = f64x2.add(v1, f64x2.mul(w, col(A, n, 1, i)));
    v2 = f64x2.add(v2, f64x2.mul(w, col(A, n, 2, i)));
  }
  let t0 = f64x2.extract_lane(v0, 0) + f64x2.extract_lane(v0, 1);
  let t1 = f64x2.extract_lane(v1, 0) + f64x2.extract_lane(v1, 1);
  let t2 = f64x2.extract_lane(v2, 0) + f64x2.extract_lane(v2, 1);
  if (n & 1) {
    const i = n - 1, w = load<f64>(e + (<usize>i << 3));
    t0 += w * load<f64>(A + (<usize>i << 3));
    t1 += w * load<f64>(A + ((<usize>n + i) << 3));
    t2 += w * load<f64>(A + ((<usize>2 * n + i) << 3));
  }
  store<f64>(gb, t0 * inv);
  store<f64>(gb, t1 * inv, 8);
  store<f64>(gb, t2 * inv, 16);
}

/** M (d×d, row-major, symmetric) ← Σ_i e_i a_i a_iᵀ / s: the softmax-weighted second moments, for the Jacobian. */
export function linexp_moments(n: i32, d: i32, A: usize, e: usize, s: f64, M: usize): void {
  const inv = 1.0 / s;
  if (d == 3) {
    let m00 = f64x2.splat(0.0), m10 = m00, m11 = m00, m20 = m00, m21 = m00, m22 = m00;
    let i = 0;
    for (; i + 2 <= n; i += 2) {
      const w = v128.load(e + (<usize>i << 3));
      const a0 = col(A, n, 0, i), a1 = col(A, n, 1, i), a2 = col(A, n, 2, i);
      const w0 = f64x2.mul(w, a0), w1 = f64x2.mul(w, a1), w2 = f64x2.mul(w, a2);
      m00 = f64x2.add(m00, f64x2.mul(w0, a0));
      m10 = f64x2.add(m10, f64x2.mul(w1, a0));
      m11 = f64x2.add(m11, f64x2.mul(w1, a1));
      m20 = f64x2.add(m20, f64x2.mul(w2, a0));
      m21 = f64x2.add(m21, f64x2.mul(w2, a1));
      m22 = f64x2.add(m22, f64x2.mul(w2, a2));
    }
    let r00 = f64x2.extract_lane(m00, 0) + f64x2.extract_lane(m00, 1), r10 = f64x2.extract_lane(m10, 0) + f64x2.extract_lane(m10, 1);
    let r11 = f64x2.extract_lane(m11, 0) + f64x2.extract_lane(m11, 1), r20 = f64x2.extract_lane(m20, 0) + f64x2.extract_lane(m20, 1);
    let r21 = f64x2.extract_lane(m21, 0) + f64x2.extract_lane(m21, 1), r22 = f64x2.extract_lane(m22, 0) + f64x2.extract_lane(m22, 1);
    if (i < n) {
      const w = load<f64>(e + (<usize>i << 3));
      const a0 = load<f64>(A + (<usize>i << 3)), a1 = load<f64>(A + ((<usize>n + i) << 3)), a2 = load<f64>(A + ((<usize>2 * n + i) << 3));
      r00 += w * a0 * a0; r10 += w * a1 * a0; r11 += w * a1 * a1; r20 += w * a2 * a0; r21 += w * a2 * a1; r22 += w * a2 * a2;
    }
    store<f64>(M, r00 * inv); store<f64>(M, r10 * inv, 8); store<f64>(M, r20 * inv, 16);
    store<f64>(M, r10 * inv, 24); store<f64>(M, r11 * inv, 32); store<f64>(M, r21 * inv, 40);
    store<f64>(M, r20 * inv, 48); store<f64>(M, r21 * inv, 56); store<f64>(M, r22 * inv, 64);
    return;
  }
  for (let a = 0; a < d; a++) {
    const Aa = A + ((<usize>a * n) << 3);
    for (let b = 0; b <= a; b++) {
      const Ab = A + ((<usize>b * n) << 3);
      let acc = f64x2.splat(0.0);
      let i = 0;
      for (; i + 2 <= n; i += 2) {
        const o = <usize>i << 3;
        acc = f64x2.add(acc, f64x2.mul(f64x2.mul(v128.load(e + o), v128.load(Aa + o)), v128.load(Ab + o)));
      }
      let r = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
      if (i < n) r += load<f64>(e + (<usize>i << 3)) * load<f64>(Aa + (<usize>i << 3)) * load<f64>(Ab + (<usize>i << 3));
      store<f64>(M + (<usize>(a * d + b) << 3), r * inv);
      store<f64>(M + (<usize>(b * d + a) << 3), r * inv);
    }
  }
}

// ---- the evaluation cache: weights carried over from a nearby point instead of recomputed ----
// Radau evaluates the flow at its three stages once per Newton iteration, and each correction moves the stages by
// about the tolerance; the accepted step's end point is the last stage after its last correction. With the
// weights e_i = e^{z_i − m} of a recent evaluation at β (m its max z), those at β' are
//   e'_i = e_i · e^{δ_i},  δ_i = −a_i·(β' − β),  |δ_i| ≤ ε = Σ_c max_i |A_ci| · |β'_c − β_c|,
// and for ε ≤ 2^-8 the degree-5 Taylor polynomial of e^δ is exact to < 5e-18 (ε⁶/6!) — one pass with no range
// reduction, no table and no max (log L = m + log Σe' − log n, q_min = −m − log max e'). Each update adds at most
// ~1.5 ulp to a weight; after LX_CHAIN updates of the same slot the next evaluation there is a full one, so a
// weight is never further than ~14 ulp from e^{z_i − m} — below the rounding of z_i = −a_i·β itself once
// |a_i·β| ≳ 10. The slots are chosen by the smallest ε (an exact match of β returns the stored results), a full
// evaluation replaces the least recently used one.
export const LX_SLOTS: i32 = 4;
const LX_CHAIN: i32 = 8;
const LX_EPS: f64 = 1.0 / 256.0;
// cache layout (f64s): [clock, current slot], max_i |A_ci| (d), per slot the meta block, then per slot n weights
// meta: β (d), ∂log L/∂β (d), m, s, log L, q_min, updates since the last full evaluation, last use (0 = empty)
const M_SHIFT: i32 = 0, M_S: i32 = 1, M_LOGL: i32 = 2, M_QMIN: i32 = 3, M_CHAIN: i32 = 4, M_USE: i32 = 5; // after β and gb
// @ts-ignore: decorator
@inline function metaLen(d: i32): i32 {
  return 2 * d + 6;
}
/** Address of scalar field f (M_*) of a slot's meta block. */
// @ts-ignore: decorator
@inline function field(meta: usize, d: i32, f: i32): usize {
  return meta + (<usize>(2 * d + f) << 3);
}
// @ts-ignore: decorator
@inline function metaAt(cache: usize, d: i32, k: i32): usize {
  return cache + (<usize>(2 + d + k * metaLen(d)) << 3);
}
// @ts-ignore: decorator
@inline function weightsAt(cache: usize, n: i32, d: i32, k: i32): usize {
  // 16-byte aligned (SIMD loads and stores that straddle cache lines cost about twice as much)
  return ((cache + (<usize>(2 + d + LX_SLOTS * metaLen(d)) << 3) + 15) & ~(<usize>15)) + ((<usize>k * ((n + 1) & ~1)) << 3);
}

/** f64s of the evaluation cache for n samples in dimension d. */
export function linexp_cache_len(n: i32, d: i32): i32 {
  return 2 + d + LX_SLOTS * (metaLen(d) + ((n + 1) & ~1)) + 1;
}

/** Empties the cache and records max_i |A_ci| (after every change of A). */
export function linexp_cache_reset(n: i32, d: i32, A: usize, cache: usize): void {
  store<f64>(cache, 0.0);
  store<f64>(cache, 0.0, 8);
  for (let c = 0; c < d; c++) {
    let mx: f64 = 0.0;
    for (let i = 0; i < n; i++) mx = max<f64>(mx, abs<f64>(load<f64>(A + ((<usize>c * n + i) << 3))));
    store<f64>(cache + (<usize>(2 + c) << 3), mx);
  }
  for (let k = 0; k < LX_SLOTS; k++) store<f64>(field(metaAt(cache, d, k), d, M_USE), 0.0);
}

/** The weights e_i of the last evaluation (n f64s; divide by out[0] = s for the softmax weights). */
export function linexp_weights(n: i32, d: i32, cache: usize): usize {
  return weightsAt(cache, n, d, <i32>load<f64>(cache, 8));
}

/** log L at β through the cache (as linexp_full: gb ← ∂log L/∂β, out ← [s, q_min]; the weights: linexp_weights). */
export function linexp_loss(n: i32, d: i32, A: usize, beta: usize, cache: usize, gb: usize, out: usize): f64 {
  const clock = load<f64>(cache) + 1.0;
  store<f64>(cache, clock);
  let best = -1, bestEps: f64 = Infinity, oldest = 0, oldestUse: f64 = Infinity;
  for (let k = 0; k < LX_SLOTS; k++) {
    const meta = metaAt(cache, d, k);
    const use = load<f64>(field(meta, d, M_USE));
    if (use < oldestUse) { oldestUse = use; oldest = k; }
    if (use == 0.0) continue;
    let eps: f64 = 0.0;
    for (let c = 0; c < d; c++) {
      eps += load<f64>(cache + (<usize>(2 + c) << 3)) * abs<f64>(load<f64>(beta + (<usize>c << 3)) - load<f64>(meta + (<usize>c << 3)));
    }
    if (eps == 0.0) { // the same β: the stored results
      store<f64>(field(meta, d, M_USE), clock);
      store<f64>(cache, <f64>k, 8);
      memory.copy(gb, meta + (<usize>d << 3), <usize>d << 3);
      store<f64>(out, load<f64>(field(meta, d, M_S)));
      store<f64>(out, load<f64>(field(meta, d, M_QMIN)), 8);
      return load<f64>(field(meta, d, M_LOGL));
    }
    if (eps < bestEps && load<f64>(field(meta, d, M_CHAIN)) < <f64>LX_CHAIN) { bestEps = eps; best = k; }
  }
  const near = best >= 0 && bestEps <= LX_EPS;
  const k = near ? best : oldest;
  const meta = metaAt(cache, d, k), e = weightsAt(cache, n, d, k);
  let logL: f64;
  if (near) {
    logL = linexp_update(n, d, A, beta, meta, e, gb, out);
    store<f64>(field(meta, d, M_CHAIN), load<f64>(field(meta, d, M_CHAIN)) + 1.0);
  } else {
    logL = linexp_full(n, d, A, beta, e, gb, out);
    store<f64>(field(meta, d, M_SHIFT), -load<f64>(out, 8)); // the full evaluation's shift is max z = −q_min
    store<f64>(field(meta, d, M_CHAIN), 0.0);
  }
  memory.copy(meta, beta, <usize>d << 3);
  memory.copy(meta + (<usize>d << 3), gb, <usize>d << 3);
  store<f64>(field(meta, d, M_S), load<f64>(out));
  store<f64>(field(meta, d, M_LOGL), logL);
  store<f64>(field(meta, d, M_QMIN), load<f64>(out, 8));
  // a NaN or infinite result leaves its slot empty: the next evaluation near it is a full one
  store<f64>(field(meta, d, M_USE), logL - logL == 0.0 ? clock : 0.0);
  store<f64>(cache, <f64>k, 8);
  return logL;
}

const TAYLOR: usize = memory.data<f64>([1.0, 1.0, 0.5, 0.16666666666666666, 0.041666666666666664, 0.008333333333333333], 16);
// @ts-ignore: decorator
@inline function tc(j: i32): v128 {
  return v128.load64_splat(TAYLOR + (<usize>j << 3));
}

/** e^x ≈ 1 + x + x²/2! + … + x⁵/5! on both lanes (c0 = 1, c2…c5 = 1/k!). */
// @ts-ignore: decorator
@inline function taylor5(x: v128, c0: v128, c2: v128, c3: v128, c4: v128, c5: v128): v128 {
  return f64x2.add(c0, f64x2.mul(x, f64x2.add(c0, f64x2.mul(x, f64x2.add(c2, f64x2.mul(x, f64x2.add(c3, f64x2.mul(x, f64x2.add(c4, f64x2.mul(x, c5))))))))));
}

/** The cached weights at meta's β (in e) moved to β: e_i ← e_i·P5(−a_i·(β − β_meta)); then as linexp_full. */
function linexp_update(n: i32, d: i32, A: usize, beta: usize, meta: usize, e: usize, gb: usize, out: usize): f64 {
  const pairs = n >> 1;
  const c0 = tc(0), c2 = tc(2), c3 = tc(3), c4 = tc(4), c5 = tc(5);
  let s2 = f64x2.splat(0.0), mx2 = s2;
  // the moments in a second pass (firstMoments): fused, the five accumulators and the polynomial's constants
  // exceed the 16 vector registers and V8 keeps the accumulators on the stack (a store-to-load round trip on
  // every loop-carried add)
  if (d == 3) {
    const b0 = f64x2.splat(load<f64>(meta) - load<f64>(beta)), b1 = f64x2.splat(load<f64>(meta, 8) - load<f64>(beta, 8));
    const b2 = f64x2.splat(load<f64>(meta, 16) - load<f64>(beta, 16));
    for (let k = 0; k < pairs; k++) {
      const i = k << 1;
      const x = f64x2.add(f64x2.add(f64x2.mul(b0, col(A, n, 0, i)), f64x2.mul(b1, col(A, n, 1, i))), f64x2.mul(b2, col(A, n, 2, i)));
      const q = e + (<usize>i << 3);
      const w = f64x2.mul(v128.load(q), taylor5(x, c0, c2, c3, c4, c5));
      v128.store(q, w);
      s2 = f64x2.add(s2, w);
      mx2 = f64x2.pmax(mx2, w);
    }
  } else {
    for (let k = 0; k < pairs; k++) {
      const i = k << 1;
      let x = f64x2.splat(0.0);
      for (let c = 0; c < d; c++) {
        x = f64x2.add(x, f64x2.mul(f64x2.splat(load<f64>(meta + (<usize>c << 3)) - load<f64>(beta + (<usize>c << 3))), col(A, n, c, i)));
      }
      const q = e + (<usize>i << 3);
      const w = f64x2.mul(v128.load(q), taylor5(x, c0, c2, c3, c4, c5));
      v128.store(q, w);
      s2 = f64x2.add(s2, w);
      mx2 = f64x2.pmax(mx2, w);
    }
  }
  let s = f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1);
  let mx = max<f64>(f64x2.extract_lane(mx2, 0), f64x2.extract_lane(mx2, 1));
  if (n & 1) {
    const i = n - 1;
    let x: f64 = 0.0;
    for (let c = 0; c < d; c++) x += (load<f64>(meta + (<usize>c << 3)) - load<f64>(beta + (<usize>c << 3))) * load<f64>(A + ((<usize>c * n + i) << 3));
    const q = e + (<usize>i << 3);
    const w = load<f64>(q) * f64x2.extract_lane(taylor5(f64x2.splat(x), c0, c2, c3, c4, c5), 0);
    store<f64>(q, w);
    s += w;
    mx = max<f64>(mx, w);
  }
  const m = load<f64>(field(meta, d, M_SHIFT));
  store<f64>(out, s);
  store<f64>(out, -m - Math.log(mx), 8);
  if (s != s) return NaN;
  firstMoments(n, d, A, e, s, gb);
  return m + Math.log(s) - Math.log(<f64>n);
}
