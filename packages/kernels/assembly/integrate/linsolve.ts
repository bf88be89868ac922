// Dense LU with partial pivoting, real and complex (interleaved re/im), for the stiff integrators' Newton
// systems. Row-major n×n, pivots as i32. In place; nothing allocated.

/** LU-factors a (n×n) in place; returns false if a pivot is exactly 0 or not finite. */
export function lu_real(n: i32, a: usize, piv: usize): bool {
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = abs<f64>(load<f64>(a + ((<usize>k * n + k) << 3)));
    for (let i = k + 1; i < n; i++) {
      const v = abs<f64>(load<f64>(a + ((<usize>i * n + k) << 3)));
      if (v > best) { best = v; p = i; }
    }
    store<i32>(piv + (<usize>k << 2), p);
    if (!(best > 0.0) || best == Infinity) return false;
    if (p != k) {
      for (let j = 0; j < n; j++) {
        const x = a + ((<usize>k * n + j) << 3), y = a + ((<usize>p * n + j) << 3);
        const t = load<f64>(x);
        store<f64>(x, load<f64>(y));
        store<f64>(y, t);
      }
    }
    const inv = 1.0 / load<f64>(a + ((<usize>k * n + k) << 3));
    for (let i = k + 1; i < n; i++) {
      const ik = a + ((<usize>i * n + k) << 3);
      const l = load<f64>(ik) * inv;
      store<f64>(ik, l);
      if (l == 0.0) continue;
      for (let j = k + 1; j < n; j++) {
        const ij = a + ((<usize>i * n + j) << 3);
        store<f64>(ij, load<f64>(ij) - l * load<f64>(a + ((<usize>k * n + j) << 3)));
      }
    }
  }
  return true;
}

/** Solves (LU)x = b in place in b. */
export function lu_solve_real(n: i32, a: usize, piv: usize, b: usize): void {
  for (let k = 0; k < n; k++) {
    const p = load<i32>(piv + (<usize>k << 2));
    if (p != k) {
      const t = load<f64>(b + (<usize>k << 3));
      store<f64>(b + (<usize>k << 3), load<f64>(b + (<usize>p << 3)));
      store<f64>(b + (<usize>p << 3), t);
    }
  }
  for (let i = 1; i < n; i++) {
    let s = load<f64>(b + (<usize>i << 3));
    for (let j = 0; j < i; j++) s -= load<f64>(a + ((<usize>i * n + j) << 3)) * load<f64>(b + (<usize>j << 3));
    store<f64>(b + (<usize>i << 3), s);
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = load<f64>(b + (<usize>i << 3));
    for (let j = i + 1; j < n; j++) s -= load<f64>(a + ((<usize>i * n + j) << 3)) * load<f64>(b + (<usize>j << 3));
    store<f64>(b + (<usize>i << 3), s / load<f64>(a + ((<usize>i * n + i) << 3)));
  }
}

// complex helpers on interleaved storage: element (i, j) at a + 16·(i·n + j)
/** LU-factors the complex matrix a (n×n, interleaved) in place; false on a zero or non-finite pivot. */
export function lu_complex(n: i32, a: usize, piv: usize): bool {
  for (let k = 0; k < n; k++) {
    let p = k;
    let best: f64 = -1.0;
    for (let i = k; i < n; i++) {
      const e = a + ((<usize>i * n + k) << 4);
      const v = abs<f64>(load<f64>(e)) + abs<f64>(load<f64>(e, 8));
      if (v > best) { best = v; p = i; }
    }
    store<i32>(piv + (<usize>k << 2), p);
    if (!(best > 0.0) || best == Infinity) return false;
    if (p != k) {
      for (let j = 0; j < n; j++) {
        const x = a + ((<usize>k * n + j) << 4), y = a + ((<usize>p * n + j) << 4);
        const t = v128.load(x);
        v128.store(x, v128.load(y));
        v128.store(y, t);
      }
    }
    const d = a + ((<usize>k * n + k) << 4);
    const dr = load<f64>(d), di = load<f64>(d, 8);
    const den = dr * dr + di * di;
    const ir = dr / den, ii = -di / den; // 1/d
    for (let i = k + 1; i < n; i++) {
      const e = a + ((<usize>i * n + k) << 4);
      const er = load<f64>(e), ei = load<f64>(e, 8);
      const lr = er * ir - ei * ii, li = er * ii + ei * ir;
      store<f64>(e, lr);
      store<f64>(e, li, 8);
      for (let j = k + 1; j < n; j++) {
        const u = a + ((<usize>k * n + j) << 4);
        const ur = load<f64>(u), ui = load<f64>(u, 8);
        const x = a + ((<usize>i * n + j) << 4);
        store<f64>(x, load<f64>(x) - (lr * ur - li * ui));
        store<f64>(x, load<f64>(x, 8) - (lr * ui + li * ur), 8);
      }
    }
  }
  return true;
}

/** Solves the complex system in place in b (n complex values, interleaved). */
export function lu_solve_complex(n: i32, a: usize, piv: usize, b: usize): void {
  for (let k = 0; k < n; k++) {
    const p = load<i32>(piv + (<usize>k << 2));
    if (p != k) {
      const x = b + (<usize>k << 4), y = b + (<usize>p << 4);
      const t = v128.load(x);
      v128.store(x, v128.load(y));
      v128.store(y, t);
    }
  }
  for (let i = 1; i < n; i++) {
    let sr = load<f64>(b + (<usize>i << 4)), si = load<f64>(b + (<usize>i << 4), 8);
    for (let j = 0; j < i; j++) {
      const e = a + ((<usize>i * n + j) << 4);
      const lr = load<f64>(e), li = load<f64>(e, 8);
      const xr = load<f64>(b + (<usize>j << 4)), xi = load<f64>(b + (<usize>j << 4), 8);
      sr -= lr * xr - li * xi;
      si -= lr * xi + li * xr;
    }
    store<f64>(b + (<usize>i << 4), sr);
    store<f64>(b + (<usize>i << 4), si, 8);
  }
  for (let i = n - 1; i >= 0; i--) {
    let sr = load<f64>(b + (<usize>i << 4)), si = load<f64>(b + (<usize>i << 4), 8);
    for (let j = i + 1; j < n; j++) {
      const e = a + ((<usize>i * n + j) << 4);
      const ur = load<f64>(e), ui = load<f64>(e, 8);
      const xr = load<f64>(b + (<usize>j << 4)), xi = load<f64>(b + (<usize>j << 4), 8);
      sr -= ur * xr - ui * xi;
      si -= ur * xi + ui * xr;
    }
    const d = a + ((<usize>i * n + i) << 4);
    const dr = load<f64>(d), di = load<f64>(d, 8);
    const den = dr * dr + di * di;
    store<f64>(b + (<usize>i << 4), (sr * dr + si * di) / den);
    store<f64>(b + (<usize>i << 4), (si * dr - sr * di) / den, 8);
  }
}
