// BLAS-3: C ← α·op(A)·op(B) + β·C, row-major, cache-blocked in the Goto/BLIS style:
//   for each NC-wide column block of op(B), for each KC-deep slice: pack that slice of op(B) into NR-wide
//   micro-panels; for each MC-tall block of op(A), run the MR×NR f64x2 micro-kernel over every (MR rows of
//   op(A), micro-panel of B) pair. op(A) is not packed: the kernel reads its MR rows in place (NN: MR row
//   streams; TN: MR contiguous values per k-step), which costs nothing in the inner loop and saves the copy
//   that made small products slow (n = 64: 79% → 94% of the f64x2 peak).
// The packed B micro-panel (KC·NR·8 = 8 KiB) stays in L1, the MC×KC block of A (128 KiB) in L2.
// gemm_f32 has the same structure with a 4×8 f32x4 kernel. Every C element is the sum over each KC-deep
// slice of k in order from 0, added as C += α·sum slice by slice (golden results depend on this order).
// Pointer conventions: see blas1.ts. `work` must hold gemm_workspace_bytes() bytes; nothing is allocated.

const MR: i32 = 4;
const NR: i32 = 4;
const KC: i32 = 256;
const MC: i32 = 64;
const NC: i32 = 1024;

/** Bytes of scratch memory gemm_f64 needs at `work` (independent of the shapes). */
export function gemm_workspace_bytes(): i32 {
  return (KC * NC) << 3;
}

// Scratch for edge tiles (MR×NR doubles), in the module's static data.
const EDGE: usize = memory.data(MR * NR * 8, 16);

// Packs op(B)[p0 .. p0+kc, j0 .. j0+nc] into NR-column micro-panels (panel jp at dst + jp·kc·8), zero-padding
// the last one. Full panels are moved by v128: NN copies two vectors per row; NT reads two k-steps of four rows
// of B and transposes them by 64-bit shuffles.
function packB(transB: bool, b: usize, ldb: i32, p0: i32, j0: i32, kc: i32, nc: i32, dst: usize): void {
  const rb = <usize>ldb << 3;
  for (let jp = 0; jp < nc; jp += NR) {
    const cols = min<i32>(NR, nc - jp);
    if (cols == NR) {
      if (!transB) {
        let src = b + <usize>p0 * rb + (<usize>(j0 + jp) << 3);
        for (let p = 0; p < kc; p++) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
          src += rb;
          dst += 32;
        }
      } else {
        let r0 = b + <usize>(j0 + jp) * rb + (<usize>p0 << 3);
        let r1 = r0 + rb, r2 = r1 + rb, r3 = r2 + rb;
        let p = 0;
        for (; p + 1 < kc; p += 2) {
          const x0 = v128.load(r0), x1 = v128.load(r1), x2 = v128.load(r2), x3 = v128.load(r3);
          v128.store(dst, v128.shuffle<i64>(x0, x1, 0, 2));
          v128.store(dst, v128.shuffle<i64>(x2, x3, 0, 2), 16);
          v128.store(dst, v128.shuffle<i64>(x0, x1, 1, 3), 32);
          v128.store(dst, v128.shuffle<i64>(x2, x3, 1, 3), 48);
          r0 += 16; r1 += 16; r2 += 16; r3 += 16;
          dst += 64;
        }
        if (p < kc) {
          store<f64>(dst, load<f64>(r0));
          store<f64>(dst, load<f64>(r1), 8);
          store<f64>(dst, load<f64>(r2), 16);
          store<f64>(dst, load<f64>(r3), 24);
          dst += 32;
        }
      }
      continue;
    }
    for (let p = 0; p < kc; p++) {
      const q = p0 + p;
      for (let jj = 0; jj < NR; jj++) {
        let v: f64 = 0.0;
        if (jj < cols) {
          const j = j0 + jp + jj;
          v = transB ? load<f64>(b + ((<usize>j * ldb + q) << 3)) : load<f64>(b + ((<usize>q * ldb + j) << 3));
        }
        store<f64>(dst, v);
        dst += 8;
      }
    }
  }
}

// C[0..mr, 0..nr] += α · op(A)[rows, p0..p0+kc] · (packed B micro-panel), over kc, k-steps in order.
// op(A) is read in place: row i of the tile at ap + i·ars, k-step p at + p·acs (NN: ars = lda·8, acs = 8;
// TN: ars = 8, acs = lda·8). Rows past mr read row 0 again (their sums are discarded), so nothing is read
// outside A.
// @ts-ignore: decorator
@inline
function microKernel(kc: i32, ap: usize, ars: usize, acs: usize, bp: usize, alpha: f64, c: usize, ldc: i32, mr: i32, nr: i32): void {
  let c00 = f64x2.splat(0.0), c01 = f64x2.splat(0.0);
  let c10 = f64x2.splat(0.0), c11 = f64x2.splat(0.0);
  let c20 = f64x2.splat(0.0), c21 = f64x2.splat(0.0);
  let c30 = f64x2.splat(0.0), c31 = f64x2.splat(0.0);
  let a0 = ap;
  let a1 = mr > 1 ? a0 + ars : a0;
  let a2 = mr > 2 ? a0 + 2 * ars : a0;
  let a3 = mr > 3 ? a0 + 3 * ars : a0;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load64_splat(a0);
    c00 = f64x2.add(c00, f64x2.mul(a, b0));
    c01 = f64x2.add(c01, f64x2.mul(a, b1));
    a = v128.load64_splat(a1);
    c10 = f64x2.add(c10, f64x2.mul(a, b0));
    c11 = f64x2.add(c11, f64x2.mul(a, b1));
    a = v128.load64_splat(a2);
    c20 = f64x2.add(c20, f64x2.mul(a, b0));
    c21 = f64x2.add(c21, f64x2.mul(a, b1));
    a = v128.load64_splat(a3);
    c30 = f64x2.add(c30, f64x2.mul(a, b0));
    c31 = f64x2.add(c31, f64x2.mul(a, b1));
    a0 += acs; a1 += acs; a2 += acs; a3 += acs;
    bp += 32;
  }
  const av = f64x2.splat(alpha);
  const rs = <usize>ldc << 3;
  if (mr == MR && nr == NR) {
    let r = c;
    v128.store(r, f64x2.add(v128.load(r), f64x2.mul(av, c00)));
    v128.store(r, f64x2.add(v128.load(r, 16), f64x2.mul(av, c01)), 16);
    r += rs;
    v128.store(r, f64x2.add(v128.load(r), f64x2.mul(av, c10)));
    v128.store(r, f64x2.add(v128.load(r, 16), f64x2.mul(av, c11)), 16);
    r += rs;
    v128.store(r, f64x2.add(v128.load(r), f64x2.mul(av, c20)));
    v128.store(r, f64x2.add(v128.load(r, 16), f64x2.mul(av, c21)), 16);
    r += rs;
    v128.store(r, f64x2.add(v128.load(r), f64x2.mul(av, c30)));
    v128.store(r, f64x2.add(v128.load(r, 16), f64x2.mul(av, c31)), 16);
    return;
  }
  v128.store(EDGE, c00, 0);
  v128.store(EDGE, c01, 16);
  v128.store(EDGE, c10, 32);
  v128.store(EDGE, c11, 48);
  v128.store(EDGE, c20, 64);
  v128.store(EDGE, c21, 80);
  v128.store(EDGE, c30, 96);
  v128.store(EDGE, c31, 112);
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) {
      const cp = c + <usize>i * rs + (<usize>j << 3);
      store<f64>(cp, load<f64>(cp) + alpha * load<f64>(EDGE + ((<usize>(i * NR + j)) << 3)));
    }
  }
}

/**
 * C ← α·op(A)·op(B) + β·C with op(A) m×k, op(B) k×n, C m×n, all row-major.
 * transA ≠ 0: A is stored k×m (lda ≥ m) and used transposed; likewise transB (B stored n×k).
 * β = 0 overwrites C without reading it. C must not overlap A, B or `work`.
 * Every C element is Σ over each KC-deep slice in k order from 0, then C += α·(that sum), slice by slice.
 */
export function gemm_f64(
  transA: i32, transB: i32, m: i32, n: i32, k: i32,
  alpha: f64, a: usize, lda: i32, b: usize, ldb: i32, beta: f64, c: usize, ldc: i32, work: usize,
): void {
  const rs = <usize>ldc << 3;
  if (beta != 1.0) {
    for (let i = 0; i < m; i++) {
      const row = c + <usize>i * rs;
      if (beta == 0.0) memory.fill(row, 0, <usize>n << 3);
      else for (let j = 0; j < n; j++) store<f64>(row + (<usize>j << 3), beta * load<f64>(row + (<usize>j << 3)));
    }
  }
  if (alpha == 0.0 || k == 0) return;
  const packedB = work;
  const la = <usize>lda << 3;
  // op(A)[i][p] = a + i·ars + p·acs
  const ars: usize = transA ? 8 : la;
  const acs: usize = transA ? la : 8;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min<i32>(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min<i32>(KC, k - pc);
      packB(transB != 0, b, ldb, pc, jc, kc, nc, packedB);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min<i32>(MC, m - ic);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min<i32>(NR, nc - jr);
          const bp = packedB + (<usize>(jr * kc) << 3);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min<i32>(MR, mc - ir);
            const ap = a + <usize>(ic + ir) * ars + <usize>pc * acs;
            microKernel(kc, ap, ars, acs, bp, alpha, c + <usize>(ic + ir) * rs + (<usize>(jc + jr) << 3), ldc, mr, nr);
          }
        }
      }
    }
  }
}

// ---- f32: the same blocking with an MR×NR32 = 4×8 f32x4 micro-kernel (two vectors per row). ----

const NR32: i32 = 8;

/** Bytes of scratch memory gemm_f32 needs at `work` (independent of the shapes). */
export function gemm_f32_workspace_bytes(): i32 {
  return (KC * NC) << 2;
}

const EDGE32: usize = memory.data(MR * NR32 * 4, 16);

// packB for f32 with NR32-column panels (panel jp at dst + jp·kc·4). NT transposes 4×4 blocks of four rows of B
// by shuffles, two blocks per four k-steps.
function packB32(transB: bool, b: usize, ldb: i32, p0: i32, j0: i32, kc: i32, nc: i32, dst: usize): void {
  const rb = <usize>ldb << 2;
  for (let jp = 0; jp < nc; jp += NR32) {
    const cols = min<i32>(NR32, nc - jp);
    if (cols == NR32) {
      if (!transB) {
        let src = b + <usize>p0 * rb + (<usize>(j0 + jp) << 2);
        for (let p = 0; p < kc; p++) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
          src += rb;
          dst += 32;
        }
      } else {
        let r0 = b + <usize>(j0 + jp) * rb + (<usize>p0 << 2);
        let p = 0;
        for (; p + 3 < kc; p += 4) {
          for (let h = 0; h < 2; h++) {
            const r = r0 + <usize>(4 * h) * rb;
            const x0 = v128.load(r), x1 = v128.load(r + rb), x2 = v128.load(r + 2 * rb), x3 = v128.load(r + 3 * rb);
            const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
            const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
            const d = dst + (<usize>h << 4);
            v128.store(d, v128.shuffle<i64>(t0, t1, 0, 2));
            v128.store(d, v128.shuffle<i64>(t0, t1, 1, 3), 32);
            v128.store(d, v128.shuffle<i64>(t2, t3, 0, 2), 64);
            v128.store(d, v128.shuffle<i64>(t2, t3, 1, 3), 96);
          }
          r0 += 16;
          dst += 128;
        }
        for (; p < kc; p++) {
          for (let jj = 0; jj < NR32; jj++) store<f32>(dst + (<usize>jj << 2), load<f32>(r0 + <usize>jj * rb));
          r0 += 4;
          dst += 32;
        }
      }
      continue;
    }
    for (let p = 0; p < kc; p++) {
      const q = p0 + p;
      for (let jj = 0; jj < NR32; jj++) {
        let v: f32 = 0.0;
        if (jj < cols) {
          const j = j0 + jp + jj;
          v = transB ? load<f32>(b + ((<usize>j * ldb + q) << 2)) : load<f32>(b + ((<usize>q * ldb + j) << 2));
        }
        store<f32>(dst, v);
        dst += 4;
      }
    }
  }
}

// microKernel for f32: C[0..mr, 0..nr] += α · op(A)[rows, ·] · (packed NR32-wide B panel), k-steps in order.
// @ts-ignore: decorator
@inline
function microKernel32(kc: i32, ap: usize, ars: usize, acs: usize, bp: usize, alpha: f32, c: usize, ldc: i32, mr: i32, nr: i32): void {
  let c00 = f32x4.splat(0.0), c01 = f32x4.splat(0.0);
  let c10 = f32x4.splat(0.0), c11 = f32x4.splat(0.0);
  let c20 = f32x4.splat(0.0), c21 = f32x4.splat(0.0);
  let c30 = f32x4.splat(0.0), c31 = f32x4.splat(0.0);
  let a0 = ap;
  let a1 = mr > 1 ? a0 + ars : a0;
  let a2 = mr > 2 ? a0 + 2 * ars : a0;
  let a3 = mr > 3 ? a0 + 3 * ars : a0;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(a0);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(a1);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(a2);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(a3);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    a0 += acs; a1 += acs; a2 += acs; a3 += acs;
    bp += 32;
  }
  const av = f32x4.splat(alpha);
  const rs = <usize>ldc << 2;
  if (mr == MR && nr == NR32) {
    let r = c;
    v128.store(r, f32x4.add(v128.load(r), f32x4.mul(av, c00)));
    v128.store(r, f32x4.add(v128.load(r, 16), f32x4.mul(av, c01)), 16);
    r += rs;
    v128.store(r, f32x4.add(v128.load(r), f32x4.mul(av, c10)));
    v128.store(r, f32x4.add(v128.load(r, 16), f32x4.mul(av, c11)), 16);
    r += rs;
    v128.store(r, f32x4.add(v128.load(r), f32x4.mul(av, c20)));
    v128.store(r, f32x4.add(v128.load(r, 16), f32x4.mul(av, c21)), 16);
    r += rs;
    v128.store(r, f32x4.add(v128.load(r), f32x4.mul(av, c30)));
    v128.store(r, f32x4.add(v128.load(r, 16), f32x4.mul(av, c31)), 16);
    return;
  }
  v128.store(EDGE32, c00, 0);
  v128.store(EDGE32, c01, 16);
  v128.store(EDGE32, c10, 32);
  v128.store(EDGE32, c11, 48);
  v128.store(EDGE32, c20, 64);
  v128.store(EDGE32, c21, 80);
  v128.store(EDGE32, c30, 96);
  v128.store(EDGE32, c31, 112);
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) {
      const cp = c + <usize>i * rs + (<usize>j << 2);
      store<f32>(cp, load<f32>(cp) + alpha * load<f32>(EDGE32 + ((<usize>(i * NR32 + j)) << 2)));
    }
  }
}

/**
 * gemm_f64 in single precision: C ← α·op(A)·op(B) + β·C, f32 row-major operands (lda, ldb, ldc count f32s),
 * the same conventions, blocking and per-element summation order; `work` holds gemm_f32_workspace_bytes().
 */
export function gemm_f32(
  transA: i32, transB: i32, m: i32, n: i32, k: i32,
  alpha: f32, a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32, work: usize,
): void {
  const rs = <usize>ldc << 2;
  if (beta != 1.0) {
    for (let i = 0; i < m; i++) {
      const row = c + <usize>i * rs;
      if (beta == 0.0) memory.fill(row, 0, <usize>n << 2);
      else for (let j = 0; j < n; j++) store<f32>(row + (<usize>j << 2), beta * load<f32>(row + (<usize>j << 2)));
    }
  }
  if (alpha == 0.0 || k == 0) return;
  const packedB = work;
  const la = <usize>lda << 2;
  const ars: usize = transA ? 4 : la;
  const acs: usize = transA ? la : 4;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min<i32>(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min<i32>(KC, k - pc);
      packB32(transB != 0, b, ldb, pc, jc, kc, nc, packedB);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min<i32>(MC, m - ic);
        for (let jr = 0; jr < nc; jr += NR32) {
          const nr = min<i32>(NR32, nc - jr);
          const bp = packedB + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min<i32>(MR, mc - ir);
            const ap = a + <usize>(ic + ir) * ars + <usize>pc * acs;
            microKernel32(kc, ap, ars, acs, bp, alpha, c + <usize>(ic + ir) * rs + (<usize>(jc + jr) << 2), ldc, mr, nr);
          }
        }
      }
    }
  }
}

/**
 * Practical f64x2 peak: a register-only multiply-add loop. Twelve accumulators in two banks update each other
 * (a_i += m·b_i, b_i += m·a_i), so every round executes 12 f64x2.mul + 12 f64x2.add = 48 flops that no
 * compiler can fold, with enough independent chains to keep both the multiply and the add pipes busy.
 * (Loops of the form acc += x·y with loop-invariant x·y are CSE'd by Binaryen and would overstate the peak.)
 * Returns a value depending on every lane so nothing is optimized away.
 */
export function simd_peak_f64(iters: i32, x: f64): f64 {
  const m = f64x2.splat(1e-9);
  let a0 = f64x2.splat(x), a1 = f64x2.splat(x + 1), a2 = f64x2.splat(x + 2);
  let a3 = f64x2.splat(x + 3), a4 = f64x2.splat(x + 4), a5 = f64x2.splat(x + 5);
  let b0 = f64x2.splat(x + 6), b1 = f64x2.splat(x + 7), b2 = f64x2.splat(x + 8);
  let b3 = f64x2.splat(x + 9), b4 = f64x2.splat(x + 10), b5 = f64x2.splat(x + 11);
  for (let i = 0; i < iters; i++) {
    const t0 = f64x2.add(a0, f64x2.mul(m, b0));
    const t1 = f64x2.add(a1, f64x2.mul(m, b1));
    const t2 = f64x2.add(a2, f64x2.mul(m, b2));
    const t3 = f64x2.add(a3, f64x2.mul(m, b3));
    const t4 = f64x2.add(a4, f64x2.mul(m, b4));
    const t5 = f64x2.add(a5, f64x2.mul(m, b5));
    b0 = f64x2.add(b0, f64x2.mul(m, a0));
    b1 = f64x2.add(b1, f64x2.mul(m, a1));
    b2 = f64x2.add(b2, f64x2.mul(m, a2));
    b3 = f64x2.add(b3, f64x2.mul(m, a3));
    b4 = f64x2.add(b4, f64x2.mul(m, a4));
    b5 = f64x2.add(b5, f64x2.mul(m, a5));
    a0 = t0; a1 = t1; a2 = t2; a3 = t3; a4 = t4; a5 = t5;
  }
  const a = f64x2.add(f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3)), f64x2.add(a4, a5));
  const b = f64x2.add(f64x2.add(f64x2.add(b0, b1), f64x2.add(b2, b3)), f64x2.add(b4, b5));
  const s = f64x2.add(a, b);
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

/** Flops one round of simd_peak_f64 executes. */
export function simd_peak_flops_per_iter(): i32 {
  return 48;
}

/** simd_peak_f64 with f32x4 lanes: the same 12-chain loop, 96 flops per round (simd_peak_f32_flops_per_iter). */
export function simd_peak_f32(iters: i32, x: f32): f32 {
  const m = f32x4.splat(1e-9);
  let a0 = f32x4.splat(x), a1 = f32x4.splat(x + 1), a2 = f32x4.splat(x + 2);
  let a3 = f32x4.splat(x + 3), a4 = f32x4.splat(x + 4), a5 = f32x4.splat(x + 5);
  let b0 = f32x4.splat(x + 6), b1 = f32x4.splat(x + 7), b2 = f32x4.splat(x + 8);
  let b3 = f32x4.splat(x + 9), b4 = f32x4.splat(x + 10), b5 = f32x4.splat(x + 11);
  for (let i = 0; i < iters; i++) {
    const t0 = f32x4.add(a0, f32x4.mul(m, b0));
    const t1 = f32x4.add(a1, f32x4.mul(m, b1));
    const t2 = f32x4.add(a2, f32x4.mul(m, b2));
    const t3 = f32x4.add(a3, f32x4.mul(m, b3));
    const t4 = f32x4.add(a4, f32x4.mul(m, b4));
    const t5 = f32x4.add(a5, f32x4.mul(m, b5));
    b0 = f32x4.add(b0, f32x4.mul(m, a0));
    b1 = f32x4.add(b1, f32x4.mul(m, a1));
    b2 = f32x4.add(b2, f32x4.mul(m, a2));
    b3 = f32x4.add(b3, f32x4.mul(m, a3));
    b4 = f32x4.add(b4, f32x4.mul(m, a4));
    b5 = f32x4.add(b5, f32x4.mul(m, a5));
    a0 = t0; a1 = t1; a2 = t2; a3 = t3; a4 = t4; a5 = t5;
  }
  const a = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(a4, a5));
  const b = f32x4.add(f32x4.add(f32x4.add(b0, b1), f32x4.add(b2, b3)), f32x4.add(b4, b5));
  const s = f32x4.add(a, b);
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

/** Flops one round of simd_peak_f32 executes. */
export function simd_peak_f32_flops_per_iter(): i32 {
  return 96;
}
