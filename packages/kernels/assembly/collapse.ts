// Neural-collapse statistics of features resident in memory (the host's core/src/collapse holds the plain-TS
// reference of both passes and the metrics built on them):
//   collapse_class_stats: the first pass of one batch — per-class counts, means (sums, then one division, the
//     reference's order), optionally each class's Σ‖h − μ_k‖² — which the host folds into its accumulator by
//     Chan's pairwise update, so batches and workers stay mergeable;
//   collapse_second_pass: the second pass over blocks of BLOCK rows — exact residuals r = h − μ_y (no cancellation
//     when h ≈ μ_y), ‖r‖², ‖h − μ_G‖², one product R [M; W]ᵀ — the projections P = M r on the K centred means and
//     W r, whence the logits W h + b = W r + (W μ_y + b) — then Σ PᵀP (two gemm_f64 calls per block), the nearest
//     class mean from ‖h − μ_k‖² = ‖r‖² + 2(P_y − P_k) + ‖μ_y − μ_k‖², argmax, margins — added into a small
//     accumulator block (COLLAPSE_ACC_*), mergeable by sums.
// Labels are i32 in 0…K−1 (checked by the host). Pointer conventions: see blas1.ts. Nothing is allocated.
import { gemm_f64, gemm_workspace_bytes } from "./blas3";

/** Rows per block of the second pass (the block's residuals, 64·d·8 bytes, stay in L2 next to its features). */
const BLOCK: i32 = 64;

// The accumulator block of collapse_second_pass (f64 slots; the host zeroes it, with MARGIN_MIN = +∞ and
// NONFINITE = −1, and merges blocks by adding every slot but MARGIN_MIN (min) and NONFINITE (first)).
export const COLLAPSE_ACC_N: i32 = 0;
export const COLLAPSE_ACC_DIST_CLASS: i32 = 1; // Σ ‖h − μ_y‖
export const COLLAPSE_ACC_DIST_GLOBAL: i32 = 2; // Σ ‖h − μ_G‖
export const COLLAPSE_ACC_MISMATCH: i32 = 3; // #(argmax ≠ nearest class mean)
export const COLLAPSE_ACC_CORRECT: i32 = 4; // #(argmax = y)
export const COLLAPSE_ACC_NCM_CORRECT: i32 = 5; // #(nearest class mean = y)
export const COLLAPSE_ACC_MARGIN_SUM: i32 = 6;
export const COLLAPSE_ACC_MARGIN_MIN: i32 = 7;
export const COLLAPSE_ACC_TRACE: i32 = 8; // Σ ‖r‖² = tr S_W
export const COLLAPSE_ACC_NONFINITE: i32 = 9; // the first row (of this call) with a non-finite distance, or −1
export const COLLAPSE_ACC_GRAM: i32 = 10; // K×K: Σ (M r)(M r)ᵀ; then K slots: Σ_{i∈k} ‖r_i‖² per class

/** f64 slots of the accumulator block for K classes. */
export function collapse_acc_len(K: i32): i32 {
  return COLLAPSE_ACC_GRAM + K * K + K;
}

/** Bytes of scratch collapse_second_pass needs at `work` for dimension d and K classes. */
export function collapse_workspace_bytes(d: i32, K: i32): i32 {
  return ((BLOCK * d + 2 * BLOCK * K + 2 * BLOCK) << 3) + gemm_workspace_bytes();
}

// @ts-ignore: decorator
@inline
function isFinite64(x: f64): bool {
  return x - x == 0.0;
}

/** Labels (n f64) to i32 in `out`. Returns −1, or the index of the first label that is not an integer in 0…K−1. */
export function collapse_labels(n: i32, K: i32, labels: usize, out: usize): i32 {
  for (let i = 0; i < n; i++) {
    const v = load<f64>(labels + (<usize>i << 3));
    if (!(v >= 0.0 && v < <f64>K) || v != Math.floor(v)) return i;
    store<i32>(out + (<usize>i << 2), <i32>v);
  }
  return -1;
}

/**
 * The second pass's constants from the first pass's means (K×d) and μ_G (d): the centred means μ_k − μ_G into
 * rows 0…K−1 of `stacked`, pair = ‖μ_a − μ_c‖² (K×K) and, when classifier ≠ 0 (W in rows K…2K−1 of `stacked`,
 * its bias at `bias`), logit_base = W μ_y + b (K×K, row y).
 */
export function collapse_constants(d: i32, K: i32, means: usize, mu_g: usize, stacked: usize, classifier: i32, bias: usize, pair: usize, logit_base: usize): void {
  const rb = <usize>d << 3;
  for (let k = 0; k < K; k++) {
    const m = means + <usize>k * rb, c = stacked + <usize>k * rb;
    for (let j = 0; j < d; j++) {
      const o = <usize>j << 3;
      store<f64>(c + o, load<f64>(m + o) - load<f64>(mu_g + o));
    }
  }
  for (let a = 0; a < K; a++) {
    for (let c = 0; c < K; c++) {
      const ma = means + <usize>a * rb, mc = means + <usize>c * rb;
      let t: f64 = 0.0;
      for (let j = 0; j < d; j++) {
        const v = load<f64>(ma + (<usize>j << 3)) - load<f64>(mc + (<usize>j << 3));
        t += v * v;
      }
      store<f64>(pair + (<usize>(a * K + c) << 3), t);
    }
  }
  if (classifier == 0) return;
  const w = stacked + <usize>K * rb;
  for (let y = 0; y < K; y++) {
    const my = means + <usize>y * rb;
    for (let k = 0; k < K; k++) {
      const wk = w + <usize>k * rb;
      let t = load<f64>(bias + (<usize>k << 3));
      for (let j = 0; j < d; j++) t += load<f64>(wk + (<usize>j << 3)) * load<f64>(my + (<usize>j << 3));
      store<f64>(logit_base + (<usize>(y * K + k) << 3), t);
    }
  }
}

/**
 * The first pass of one batch (n×d features h, i32 labels): counts (K), means (K×d, Σ h / n_k; an empty class
 * keeps 0) and, when class_scatter ≠ 0, Σ_{i∈k} ‖h_i − μ_k‖² (K). Overwrites its outputs. Returns −1, or the
 * flat index of the first non-finite feature (then the outputs are unspecified).
 */
export function collapse_class_stats(n: i32, d: i32, K: i32, h: usize, labels: usize, counts: usize, means: usize, class_scatter: usize): i32 {
  memory.fill(counts, 0, <usize>K << 3);
  memory.fill(means, 0, <usize>(K * d) << 3);
  const rb = <usize>d << 3;
  for (let i = 0; i < n; i++) {
    const y = load<i32>(labels + (<usize>i << 2));
    store<f64>(counts + (<usize>y << 3), load<f64>(counts + (<usize>y << 3)) + 1.0);
    const x = h + <usize>i * rb, m = means + <usize>y * rb;
    let j = 0;
    for (; j + 2 <= d; j += 2) {
      const o = <usize>j << 3;
      v128.store(m + o, f64x2.add(v128.load(m + o), v128.load(x + o)));
    }
    for (; j < d; j++) {
      const o = <usize>j << 3;
      store<f64>(m + o, load<f64>(m + o) + load<f64>(x + o));
    }
  }
  // a non-finite feature makes its class's sum non-finite (NaN, or ±∞ when nothing cancels it): look only then
  let finite = true;
  for (let k = 0; k < K; k++) {
    const c = load<f64>(counts + (<usize>k << 3));
    const m = means + <usize>k * rb;
    for (let j = 0; j < d; j++) {
      const o = <usize>j << 3;
      const s = load<f64>(m + o);
      if (!isFinite64(s)) finite = false;
      if (c > 0) store<f64>(m + o, s / c);
    }
  }
  if (!finite) {
    const len = n * d;
    for (let i = 0; i < len; i++) if (!isFinite64(load<f64>(h + (<usize>i << 3)))) return i;
  }
  if (class_scatter == 0) return -1;
  memory.fill(class_scatter, 0, <usize>K << 3);
  for (let i = 0; i < n; i++) {
    const y = load<i32>(labels + (<usize>i << 2));
    const x = h + <usize>i * rb, m = means + <usize>y * rb;
    let a = f64x2.splat(0.0);
    let j = 0;
    for (; j + 2 <= d; j += 2) {
      const o = <usize>j << 3;
      const r = f64x2.sub(v128.load(x + o), v128.load(m + o));
      a = f64x2.add(a, f64x2.mul(r, r));
    }
    let t = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
    for (; j < d; j++) {
      const r = load<f64>(x + (<usize>j << 3)) - load<f64>(m + (<usize>j << 3));
      t += r * r;
    }
    const cs = class_scatter + (<usize>y << 3);
    store<f64>(cs, load<f64>(cs) + t);
  }
  return -1;
}

/**
 * The second pass over n×d features h with i32 labels, given the first pass's means (K×d), μ_G (d), pair =
 * ‖μ_a − μ_c‖² (K×K) and `stacked`: the centred means M = μ_k − μ_G (K×d), followed, when classifier ≠ 0, by the
 * classifier W (K×d), whose logits are offset by logit_base (K×K, row y: W μ_y + b). Adds into the accumulator
 * block acc (collapse_acc_len(K) slots, COLLAPSE_ACC_*). `work` holds collapse_workspace_bytes(d, K) bytes.
 */
export function collapse_second_pass(
  n: i32, d: i32, K: i32, h: usize, labels: usize, means: usize, mu_g: usize, pair: usize,
  stacked: usize, classifier: i32, logit_base: usize, acc: usize, work: usize,
): void {
  const w = classifier != 0;
  const nc = w ? 2 * K : K; // columns of P = R [M; W]ᵀ
  const rb = <usize>d << 3;
  const R = work;
  const P = R + <usize>BLOCK * rb; // BLOCK×nc
  const rn = P + (<usize>(BLOCK * 2 * K) << 3);
  const dg = rn + (<usize>BLOCK << 3);
  const gw = dg + (<usize>BLOCK << 3);
  const gram = acc + (<usize>COLLAPSE_ACC_GRAM << 3);
  const cls = gram + (<usize>(K * K) << 3);
  let count = load<f64>(acc), distClass = load<f64>(acc, 8), distGlobal = load<f64>(acc, 16);
  let mismatch = load<f64>(acc, 24), correct = load<f64>(acc, 32), ncmCorrect = load<f64>(acc, 40);
  let marginSum = load<f64>(acc, 48), marginMin = load<f64>(acc, 56), trace = load<f64>(acc, 64);
  let nonfinite = load<f64>(acc, 72);
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const nb = min<i32>(BLOCK, n - i0);
    const hb = h + <usize>i0 * rb;
    // residuals and the two squared distances, row by row
    for (let i = 0; i < nb; i++) {
      const y = load<i32>(labels + (<usize>(i0 + i) << 2));
      const x = hb + <usize>i * rb, m = means + <usize>y * rb, r = R + <usize>i * rb;
      // two accumulators per sum: the add chains, not the loads, bound this loop
      let a = f64x2.splat(0.0), a2 = f64x2.splat(0.0), g = f64x2.splat(0.0), g2 = f64x2.splat(0.0);
      let j = 0;
      for (; j + 4 <= d; j += 4) {
        const o = <usize>j << 3;
        const x0 = v128.load(x + o), x1 = v128.load(x + o, 16);
        const v0 = f64x2.sub(x0, v128.load(m + o)), v1 = f64x2.sub(x1, v128.load(m + o, 16));
        v128.store(r + o, v0);
        v128.store(r + o, v1, 16);
        a = f64x2.add(a, f64x2.mul(v0, v0));
        a2 = f64x2.add(a2, f64x2.mul(v1, v1));
        const u0 = f64x2.sub(x0, v128.load(mu_g + o)), u1 = f64x2.sub(x1, v128.load(mu_g + o, 16));
        g = f64x2.add(g, f64x2.mul(u0, u0));
        g2 = f64x2.add(g2, f64x2.mul(u1, u1));
      }
      a = f64x2.add(a, a2);
      g = f64x2.add(g, g2);
      for (; j + 2 <= d; j += 2) {
        const o = <usize>j << 3;
        const xv = v128.load(x + o);
        const v = f64x2.sub(xv, v128.load(m + o));
        v128.store(r + o, v);
        a = f64x2.add(a, f64x2.mul(v, v));
        const u = f64x2.sub(xv, v128.load(mu_g + o));
        g = f64x2.add(g, f64x2.mul(u, u));
      }
      let t = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
      let s = f64x2.extract_lane(g, 0) + f64x2.extract_lane(g, 1);
      for (; j < d; j++) {
        const o = <usize>j << 3;
        const xv = load<f64>(x + o);
        const v = xv - load<f64>(m + o);
        store<f64>(r + o, v);
        t += v * v;
        const u = xv - load<f64>(mu_g + o);
        s += u * u;
      }
      store<f64>(rn + (<usize>i << 3), t);
      store<f64>(dg + (<usize>i << 3), s);
    }
    // [P | W r] = R [M; W]ᵀ (nb×nc); Σ PᵀP into the accumulator
    gemm_f64(0, 1, nb, nc, d, 1.0, R, d, stacked, d, 0.0, P, nc, gw);
    gemm_f64(1, 0, K, K, nb, 1.0, P, nc, P, nc, 1.0, gram, K, gw);
    for (let i = 0; i < nb; i++) {
      const y = load<i32>(labels + (<usize>(i0 + i) << 2));
      const t = load<f64>(rn + (<usize>i << 3)), s = load<f64>(dg + (<usize>i << 3));
      if ((!isFinite64(t) || !isFinite64(s)) && nonfinite < 0) nonfinite = <f64>(i0 + i);
      const p = P + (<usize>(i * nc) << 3);
      const py = load<f64>(p + (<usize>y << 3));
      const pr = pair + (<usize>(y * K) << 3);
      // the nearest class mean: strict <, the first of equals (the reference's rule)
      let best = 0;
      let bestDist = y == 0 ? t : t + 2.0 * (py - load<f64>(p)) + load<f64>(pr);
      for (let k = 1; k < K; k++) {
        const dist = k == y ? t : t + 2.0 * (py - load<f64>(p + (<usize>k << 3))) + load<f64>(pr + (<usize>k << 3));
        if (dist < bestDist) { best = k; bestDist = dist; }
      }
      const c = cls + (<usize>y << 3);
      store<f64>(c, load<f64>(c) + t);
      trace += t;
      distClass += Math.sqrt(t);
      distGlobal += Math.sqrt(s);
      if (best == y) ncmCorrect += 1.0;
      if (w) {
        const f = p + (<usize>K << 3), base = logit_base + (<usize>(y * K) << 3);
        let arg = 0;
        let top = load<f64>(f) + load<f64>(base);
        let other = -Infinity;
        let fy: f64 = 0.0;
        for (let k = 0; k < K; k++) {
          const v = load<f64>(f + (<usize>k << 3)) + load<f64>(base + (<usize>k << 3));
          if (v > top) { arg = k; top = v; }
          if (k != y) other = max<f64>(other, v);
          else fy = v;
        }
        if (arg != best) mismatch += 1.0;
        if (arg == y) correct += 1.0;
        const margin = fy - other;
        marginSum += margin;
        marginMin = min<f64>(marginMin, margin);
      }
      count += 1.0;
    }
  }
  store<f64>(acc, count); store<f64>(acc, distClass, 8); store<f64>(acc, distGlobal, 16);
  store<f64>(acc, mismatch, 24); store<f64>(acc, correct, 32); store<f64>(acc, ncmCorrect, 40);
  store<f64>(acc, marginSum, 48); store<f64>(acc, marginMin, 56); store<f64>(acc, trace, 64);
  store<f64>(acc, nonfinite, 72);
}
