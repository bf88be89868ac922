// BLAS-2: matrix–vector products. Matrices are row-major with a leading dimension `lda` (elements between
// the starts of consecutive rows, lda ≥ columns). Pointer and length conventions: see blas1.ts.
import { dot_f64 } from "./blas1";

/**
 * y ← α·A·x + β·y for A (m×n, row-major, lda). With β = 0 the old y is not read (NaN in y is discarded).
 * Four rows share each load of x. x and y must not overlap A or each other.
 */
export function gemv_n_f64(m: i32, n: i32, alpha: f64, a: usize, lda: i32, x: usize, beta: f64, y: usize): void {
  const rs = <usize>lda << 3;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const r0 = a + <usize>i * rs;
    const r1 = r0 + rs;
    const r2 = r1 + rs;
    const r3 = r2 + rs;
    let s0 = f64x2.splat(0.0);
    let s1 = f64x2.splat(0.0);
    let s2 = f64x2.splat(0.0);
    let s3 = f64x2.splat(0.0);
    let j = 0;
    for (; j + 2 <= n; j += 2) {
      const o = <usize>j << 3;
      const xv = v128.load(x + o);
      s0 = f64x2.add(s0, f64x2.mul(v128.load(r0 + o), xv));
      s1 = f64x2.add(s1, f64x2.mul(v128.load(r1 + o), xv));
      s2 = f64x2.add(s2, f64x2.mul(v128.load(r2 + o), xv));
      s3 = f64x2.add(s3, f64x2.mul(v128.load(r3 + o), xv));
    }
    let t0 = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
    let t1 = f64x2.extract_lane(s1, 0) + f64x2.extract_lane(s1, 1);
    let t2 = f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1);
    let t3 = f64x2.extract_lane(s3, 0) + f64x2.extract_lane(s3, 1);
    if (j < n) {
      const o = <usize>j << 3;
      const xj = load<f64>(x + o);
      t0 += load<f64>(r0 + o) * xj;
      t1 += load<f64>(r1 + o) * xj;
      t2 += load<f64>(r2 + o) * xj;
      t3 += load<f64>(r3 + o) * xj;
    }
    const yp = y + (<usize>i << 3);
    if (beta == 0.0) {
      store<f64>(yp, alpha * t0);
      store<f64>(yp, alpha * t1, 8);
      store<f64>(yp, alpha * t2, 16);
      store<f64>(yp, alpha * t3, 24);
    } else {
      store<f64>(yp, alpha * t0 + beta * load<f64>(yp));
      store<f64>(yp, alpha * t1 + beta * load<f64>(yp, 8), 8);
      store<f64>(yp, alpha * t2 + beta * load<f64>(yp, 16), 16);
      store<f64>(yp, alpha * t3 + beta * load<f64>(yp, 24), 24);
    }
  }
  for (; i < m; i++) {
    const t = dot_f64(n, a + <usize>i * rs, x);
    const yp = y + (<usize>i << 3);
    store<f64>(yp, beta == 0.0 ? alpha * t : alpha * t + beta * load<f64>(yp));
  }
}

/**
 * y ← α·Aᵀ·x + β·y for A (m×n, row-major, lda), so x has m entries and y has n. Four rows of A are folded
 * into y per pass. With β = 0 the old y is not read.
 */
export function gemv_t_f64(m: i32, n: i32, alpha: f64, a: usize, lda: i32, x: usize, beta: f64, y: usize): void {
  const rs = <usize>lda << 3;
  if (beta == 0.0) memory.fill(y, 0, <usize>n << 3);
  else if (beta != 1.0) {
    for (let j = 0; j < n; j++) store<f64>(y + (<usize>j << 3), beta * load<f64>(y + (<usize>j << 3)));
  }
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const r0 = a + <usize>i * rs;
    const r1 = r0 + rs;
    const r2 = r1 + rs;
    const r3 = r2 + rs;
    const xp = x + (<usize>i << 3);
    const c0 = alpha * load<f64>(xp);
    const c1 = alpha * load<f64>(xp, 8);
    const c2 = alpha * load<f64>(xp, 16);
    const c3 = alpha * load<f64>(xp, 24);
    const v0 = f64x2.splat(c0);
    const v1 = f64x2.splat(c1);
    const v2 = f64x2.splat(c2);
    const v3 = f64x2.splat(c3);
    let j = 0;
    for (; j + 2 <= n; j += 2) {
      const o = <usize>j << 3;
      let s = v128.load(y + o);
      s = f64x2.add(s, f64x2.mul(v0, v128.load(r0 + o)));
      s = f64x2.add(s, f64x2.mul(v1, v128.load(r1 + o)));
      s = f64x2.add(s, f64x2.mul(v2, v128.load(r2 + o)));
      s = f64x2.add(s, f64x2.mul(v3, v128.load(r3 + o)));
      v128.store(y + o, s);
    }
    if (j < n) {
      const o = <usize>j << 3;
      store<f64>(
        y + o,
        load<f64>(y + o) + c0 * load<f64>(r0 + o) + c1 * load<f64>(r1 + o) + c2 * load<f64>(r2 + o) + c3 * load<f64>(r3 + o),
      );
    }
  }
  for (; i < m; i++) {
    const c = alpha * load<f64>(x + (<usize>i << 3));
    const r = a + <usize>i * rs;
    for (let j = 0; j < n; j++) {
      const o = <usize>j << 3;
      store<f64>(y + o, load<f64>(y + o) + c * load<f64>(r + o));
    }
  }
}
