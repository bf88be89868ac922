// BLAS-1 and reductions over f64 vectors.
// Conventions for every export in this package: pointers are byte addresses into the module's memory,
// lengths and strides count f64 elements, vectors are contiguous unless a stride is given, no alignment is
// required (wasm v128 loads are unaligned-safe), and nothing is allocated.

/** Σ x_i y_i. x and y may alias. */
export function dot_f64(n: i32, x: usize, y: usize): f64 {
  let a0 = f64x2.splat(0.0);
  let a1 = f64x2.splat(0.0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 3;
    a0 = f64x2.add(a0, f64x2.mul(v128.load(x + o), v128.load(y + o)));
    a1 = f64x2.add(a1, f64x2.mul(v128.load(x + o, 16), v128.load(y + o, 16)));
  }
  const a = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  for (; i < n; i++) {
    const o = <usize>i << 3;
    s += load<f64>(x + o) * load<f64>(y + o);
  }
  return s;
}

/** y ← a·x + y. x and y must not partially overlap (x == y is fine). */
export function axpy_f64(n: i32, a: f64, x: usize, y: usize): void {
  const av = f64x2.splat(a);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 3;
    v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(av, v128.load(x + o))));
    v128.store(y + o, f64x2.add(v128.load(y + o, 16), f64x2.mul(av, v128.load(x + o, 16))), 16);
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(y + o, load<f64>(y + o) + a * load<f64>(x + o));
  }
}

/** x ← a·x. */
export function scal_f64(n: i32, a: f64, x: usize): void {
  const av = f64x2.splat(a);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    v128.store(x + o, f64x2.mul(av, v128.load(x + o)));
  }
  if (i < n) store<f64>(x + (<usize>i << 3), a * load<f64>(x + (<usize>i << 3)));
}

/** Largest |x_i|; NaN if any x_i is NaN; 0 for n = 0. */
export function amax_f64(n: i32, x: usize): f64 {
  let m0 = f64x2.splat(0.0);
  let m1 = f64x2.splat(0.0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 3;
    m0 = f64x2.max(m0, f64x2.abs(v128.load(x + o)));
    m1 = f64x2.max(m1, f64x2.abs(v128.load(x + o, 16)));
  }
  const m = f64x2.max(m0, m1);
  let r = max<f64>(f64x2.extract_lane(m, 0), f64x2.extract_lane(m, 1));
  for (; i < n; i++) r = max<f64>(r, abs<f64>(load<f64>(x + (<usize>i << 3))));
  return r;
}

// Sum of (s·x_i)² with a fixed power-of-two scale s (exact scaling).
function sumsq_scaled(n: i32, x: usize, s: f64): f64 {
  const sv = f64x2.splat(s);
  let a0 = f64x2.splat(0.0);
  let a1 = f64x2.splat(0.0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 3;
    const u = f64x2.mul(sv, v128.load(x + o));
    const v = f64x2.mul(sv, v128.load(x + o, 16));
    a0 = f64x2.add(a0, f64x2.mul(u, u));
    a1 = f64x2.add(a1, f64x2.mul(v, v));
  }
  const a = f64x2.add(a0, a1);
  let r = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  for (; i < n; i++) {
    const u = s * load<f64>(x + (<usize>i << 3));
    r += u * u;
  }
  return r;
}

const BIG: f64 = 3.1217485503159922e144; // 2^480
const SMALL: f64 = 3.2033329522929615e-145; // 2^-480
const UP: f64 = 4.149515568880993e180; // 2^600
const DOWN: f64 = 2.409919865102884e-181; // 2^-600

/**
 * Euclidean norm ‖x‖₂ without overflow or harmful underflow: the largest |x_i| picks one of three exact
 * power-of-two scalings so the squares stay inside the double range. NaN in → NaN out; ±inf → inf.
 */
export function nrm2_f64(n: i32, x: usize): f64 {
  const m = amax_f64(n, x);
  if (m != m) return m;
  if (m == Infinity) return Infinity;
  if (m == 0.0) return 0.0;
  if (m > BIG) return UP * Math.sqrt(sumsq_scaled(n, x, DOWN));
  if (m < SMALL) return DOWN * Math.sqrt(sumsq_scaled(n, x, UP));
  return Math.sqrt(sumsq_scaled(n, x, 1.0));
}

/** Σ x_i (pairwise-in-lanes summation, 4 partial sums). */
export function sum_f64(n: i32, x: usize): f64 {
  let a0 = f64x2.splat(0.0);
  let a1 = f64x2.splat(0.0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 3;
    a0 = f64x2.add(a0, v128.load(x + o));
    a1 = f64x2.add(a1, v128.load(x + o, 16));
  }
  const a = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  for (; i < n; i++) s += load<f64>(x + (<usize>i << 3));
  return s;
}

/** max_i x_i; NaN if any is NaN; -inf for n = 0. */
export function max_f64(n: i32, x: usize): f64 {
  let m = f64x2.splat(-Infinity);
  let i = 0;
  for (; i + 2 <= n; i += 2) m = f64x2.max(m, v128.load(x + (<usize>i << 3)));
  let r = max<f64>(f64x2.extract_lane(m, 0), f64x2.extract_lane(m, 1));
  if (i < n) r = max<f64>(r, load<f64>(x + (<usize>i << 3)));
  return r;
}

/** min_i x_i; NaN if any is NaN; +inf for n = 0. */
export function min_f64(n: i32, x: usize): f64 {
  let m = f64x2.splat(Infinity);
  let i = 0;
  for (; i + 2 <= n; i += 2) m = f64x2.min(m, v128.load(x + (<usize>i << 3)));
  let r = min<f64>(f64x2.extract_lane(m, 0), f64x2.extract_lane(m, 1));
  if (i < n) r = min<f64>(r, load<f64>(x + (<usize>i << 3)));
  return r;
}
