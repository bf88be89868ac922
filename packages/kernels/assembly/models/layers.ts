// The layers of trained networks, batched, forward and backward beside each other: conv2d by im2col + GEMM, max and
// average pooling, batch normalization, weight-normalized dense layers. program.ts dispatches to them; each keeps
// what its backward needs in op-private scratch ("aux") that the forward reserves in the workspace.
// Activations are per sample in HWC order (channels last): a conv's im2col rows are output pixels and its GEMM
// output is HWC again, so dense layers read a conv's output as a flat vector without any transpose.
// Words of each op (after the op code) are listed in program.ts.
import { gemm_f64 } from "../blas3";
import { conv_cols_len, OP_BNORM, OP_CONV, OP_POOL, OP_WCONV, OP_WDENSE, windowOut, word } from "./encoding";

// ---------------------------------------------------------------- conv2d

/** cols (n·P × k·k·C, column (ky·k + kx)·C + c) ← the input windows of every output pixel; zero outside the image. */
function im2col(x: usize, n: i32, H: i32, W: i32, C: i32, k: i32, stride: i32, pad: i32, cols: usize): void {
  const oh = windowOut(H, k, stride, pad), ow = windowOut(W, k, stride, pad);
  const cb = <usize>C << 3, rowBytes = <usize>(k * C) << 3;
  let dst = cols;
  for (let s = 0; s < n; s++) {
    const img = x + ((<usize>s * H * W * C) << 3);
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const ix0 = ox * stride - pad;
        const inside = ix0 >= 0 && ix0 + k <= W;
        for (let ky = 0; ky < k; ky++) {
          const iy = oy * stride - pad + ky;
          if (iy < 0 || iy >= H) {
            zeroBytes(dst, rowBytes);
            dst += rowBytes;
          } else if (inside) {
            // the window's row is k·C consecutive values of the image
            copyBytes(dst, img + ((<usize>(iy * W + ix0) * C) << 3), rowBytes);
            dst += rowBytes;
          } else {
            for (let kx = 0; kx < k; kx++) {
              const ix = ix0 + kx;
              if (ix < 0 || ix >= W) zeroBytes(dst, cb);
              else copyBytes(dst, img + ((<usize>(iy * W + ix) * C) << 3), cb);
              dst += cb;
            }
          }
        }
      }
    }
  }
}

// Copies and zero-fills of a few f64 (a window row): inline vector loops — memory.copy/fill are calls into the
// engine, which cost more than the copy itself at these sizes (a 3×3 window of one channel is 24 bytes a row).
@inline function copyBytes(dst: usize, src: usize, bytes: usize): void {
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) v128.store(dst + i, v128.load(src + i));
  if (i < bytes) store<f64>(dst + i, load<f64>(src + i));
}
@inline function zeroBytes(dst: usize, bytes: usize): void {
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) v128.store(dst + i, f64x2.splat(0));
  if (i < bytes) store<f64>(dst + i, 0.0);
}

/** dx (n × H·W·C) ← the sum over windows of dcols (the adjoint of im2col). Overwrites dx. */
function col2im(dcols: usize, n: i32, H: i32, W: i32, C: i32, k: i32, stride: i32, pad: i32, dx: usize): void {
  const oh = windowOut(H, k, stride, pad), ow = windowOut(W, k, stride, pad);
  memory.fill(dx, 0, (<usize>n * H * W * C) << 3);
  let src = dcols;
  for (let s = 0; s < n; s++) {
    const img = dx + ((<usize>s * H * W * C) << 3);
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let ky = 0; ky < k; ky++) {
          const iy = oy * stride - pad + ky;
          for (let kx = 0; kx < k; kx++) {
            const ix = ox * stride - pad + kx;
            if (iy >= 0 && iy < H && ix >= 0 && ix < W) {
              const p = img + ((<usize>(iy * W + ix) * C) << 3);
              for (let c = 0; c < C; c++) {
                const q = p + (<usize>c << 3);
                store<f64>(q, load<f64>(q) + load<f64>(src + (<usize>c << 3)));
              }
            }
            src += <usize>C << 3;
          }
        }
      }
    }
  }
}

/** out (n·P × OC) ← cols·Wᵀ + b, cols ← im2col(x). W is OC × (k·k·C) at w; b (OC) at bias or 0 for none. */
export function conv_forward(
  x: usize, n: i32, H: i32, W: i32, C: i32, OC: i32, k: i32, stride: i32, pad: i32, w: usize, bias: usize, out: usize, cols: usize, gw: usize,
): void {
  const P = windowOut(H, k, stride, pad) * windowOut(W, k, stride, pad);
  const K = k * k * C, rows = n * P;
  im2col(x, n, H, W, C, k, stride, pad, cols);
  gemm_f64(0, 1, rows, OC, K, 1.0, cols, K, w, K, 0.0, out, OC, gw);
  if (bias != 0) addRowVector(out, rows, OC, bias);
}

/** dW += dYᵀ·cols, db += Σ rows of dY, and (dx ≠ 0) dx ← col2im(dY·W), with dcols as scratch. */
export function conv_backward(
  dy: usize, n: i32, H: i32, W: i32, C: i32, OC: i32, k: i32, stride: i32, pad: i32, w: usize, dw: usize, db: usize,
  cols: usize, dcols: usize, dx: usize, gw: usize,
): void {
  const P = windowOut(H, k, stride, pad) * windowOut(W, k, stride, pad);
  const K = k * k * C, rows = n * P;
  gemm_f64(1, 0, OC, K, rows, 1.0, dy, OC, cols, K, 1.0, dw, K, gw);
  if (db != 0) addColumnSums(dy, rows, OC, db);
  if (dx == 0) return;
  gemm_f64(0, 0, rows, K, OC, 1.0, dy, OC, w, K, 0.0, dcols, K, gw);
  col2im(dcols, n, H, W, C, k, stride, pad, dx);
}

/** y (rows × w) += b (w) on every row. */
export function addRowVector(y: usize, rows: i32, w: i32, b: usize): void {
  for (let i = 0; i < rows; i++) {
    const row = y + ((<usize>i * w) << 3);
    for (let j = 0; j < w; j++) store<f64>(row + (<usize>j << 3), load<f64>(row + (<usize>j << 3)) + load<f64>(b + (<usize>j << 3)));
  }
}

/** s (w) += the column sums of g (rows × w). */
export function addColumnSums(g: usize, rows: i32, w: i32, s: usize): void {
  for (let i = 0; i < rows; i++) {
    const row = g + ((<usize>i * w) << 3);
    for (let j = 0; j < w; j++) {
      const p = s + (<usize>j << 3);
      store<f64>(p, load<f64>(p) + load<f64>(row + (<usize>j << 3)));
    }
  }
}

// ---------------------------------------------------------------- pooling

export const POOL_MAX: i32 = 0;
export const POOL_AVG: i32 = 1;

/** out (n × OH·OW·C) ← the max or mean of each size×size window (no padding). */
export function pool_forward(x: usize, n: i32, H: i32, W: i32, C: i32, size: i32, stride: i32, kind: i32, out: usize): void {
  const oh = windowOut(H, size, stride, 0), ow = windowOut(W, size, stride, 0);
  const inv = 1.0 / <f64>(size * size);
  let dst = out;
  for (let s = 0; s < n; s++) {
    const img = x + ((<usize>s * H * W * C) << 3);
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let c = 0; c < C; c++) {
          let acc: f64 = kind == POOL_MAX ? -Infinity : 0.0;
          for (let ky = 0; ky < size; ky++) {
            const row = img + ((<usize>((oy * stride + ky) * W + ox * stride) * C + c) << 3);
            for (let kx = 0; kx < size; kx++) {
              const v = load<f64>(row + ((<usize>kx * C) << 3));
              acc = kind == POOL_MAX ? (v > acc ? v : acc) : acc + v;
            }
          }
          store<f64>(dst, kind == POOL_MAX ? acc : acc * inv);
          dst += 8;
        }
      }
    }
  }
}

/** dx ← the adjoint of pool_forward at input x: a max window routes its cotangent to its first maximal entry
 *  (the element of Clarke's subdifferential PyTorch also picks), a mean window spreads it evenly. Overwrites dx. */
export function pool_backward(x: usize, n: i32, H: i32, W: i32, C: i32, size: i32, stride: i32, kind: i32, dy: usize, dx: usize): void {
  const oh = windowOut(H, size, stride, 0), ow = windowOut(W, size, stride, 0);
  const inv = 1.0 / <f64>(size * size);
  memory.fill(dx, 0, (<usize>n * H * W * C) << 3);
  let src = dy;
  for (let s = 0; s < n; s++) {
    const off = (<usize>s * H * W * C) << 3;
    const img = x + off, dimg = dx + off;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let c = 0; c < C; c++) {
          const g = load<f64>(src);
          src += 8;
          if (kind == POOL_MAX) {
            let at = (<usize>((oy * stride) * W + ox * stride) * C + c) << 3;
            let best = load<f64>(img + at);
            for (let ky = 0; ky < size; ky++) {
              for (let kx = 0; kx < size; kx++) {
                const e = (<usize>((oy * stride + ky) * W + ox * stride + kx) * C + c) << 3;
                const v = load<f64>(img + e);
                if (v > best) {
                  best = v;
                  at = e;
                }
              }
            }
            const q = dimg + at;
            store<f64>(q, load<f64>(q) + g);
          } else {
            const gv = g * inv;
            for (let ky = 0; ky < size; ky++) {
              for (let kx = 0; kx < size; kx++) {
                const q = dimg + ((<usize>((oy * stride + ky) * W + ox * stride + kx) * C + c) << 3);
                store<f64>(q, load<f64>(q) + gv);
              }
            }
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------- batch normalization

/** Batch statistics (training: normalize by the batch's mean and variance, update the running statistics when a
 *  state buffer is set) or running statistics (evaluation). */
export const BN_TRAIN: i32 = 0;
export const BN_EVAL: i32 = 1;

let bnMode: i32 = BN_TRAIN;
let bnState: usize = 0; // running mean then running variance of every BN op, at its state offset (0: not kept)
let bnMomentum: f64 = 0.1;
let bnEps: f64 = 1e-5;

/** Sets how the following passes normalize: mode BN_TRAIN or BN_EVAL; `state` the running statistics (0: none kept
 *  — in BN_TRAIN nothing is updated; BN_EVAL needs them); running ← (1 − momentum)·running + momentum·batch (the
 *  variance unbiased, as PyTorch keeps it); eps is added to the variance. */
export function model_set_batchnorm(mode: i32, state: usize, momentum: f64, eps: f64): void {
  bnMode = mode;
  bnState = state;
  bnMomentum = momentum;
  bnEps = eps;
}

/** Whether the current batch-norm mode normalizes by batch statistics. */
export function bn_uses_batch(): bool {
  return bnMode == BN_TRAIN || bnState == 0;
}

/** y ← (x − mean_c)·invstd_c (·γ_c + β_c) over the channels c = index mod C of n·S rows; aux ← mean (C), invstd (C). */
export function bn_forward(x: usize, rows: i32, C: i32, gamma: usize, beta: usize, stateOff: i32, out: usize, aux: usize): void {
  const mean = aux, istd = aux + (<usize>C << 3);
  if (bn_uses_batch()) {
    memory.fill(mean, 0, <usize>C << 3);
    memory.fill(istd, 0, <usize>C << 3);
    addColumnSums(x, rows, C, mean);
    const invN = 1.0 / <f64>rows;
    for (let c = 0; c < C; c++) store<f64>(mean + (<usize>c << 3), load<f64>(mean + (<usize>c << 3)) * invN);
    // two-pass variance (exact for collapsed features, no cancellation)
    for (let i = 0; i < rows; i++) {
      const row = x + ((<usize>i * C) << 3);
      for (let c = 0; c < C; c++) {
        const d = load<f64>(row + (<usize>c << 3)) - load<f64>(mean + (<usize>c << 3));
        const p = istd + (<usize>c << 3);
        store<f64>(p, load<f64>(p) + d * d);
      }
    }
    for (let c = 0; c < C; c++) {
      const v = load<f64>(istd + (<usize>c << 3)) * invN;
      store<f64>(istd + (<usize>c << 3), 1.0 / Math.sqrt(v + bnEps));
      if (bnState != 0 && bnMode == BN_TRAIN) {
        const rm = bnState + (<usize>(stateOff + c) << 3), rv = bnState + (<usize>(stateOff + C + c) << 3);
        const unbiased = rows > 1 ? v * <f64>rows / <f64>(rows - 1) : v;
        store<f64>(rm, (1.0 - bnMomentum) * load<f64>(rm) + bnMomentum * load<f64>(mean + (<usize>c << 3)));
        store<f64>(rv, (1.0 - bnMomentum) * load<f64>(rv) + bnMomentum * unbiased);
      }
    }
  } else {
    for (let c = 0; c < C; c++) {
      store<f64>(mean + (<usize>c << 3), load<f64>(bnState + (<usize>(stateOff + c) << 3)));
      store<f64>(istd + (<usize>c << 3), 1.0 / Math.sqrt(load<f64>(bnState + (<usize>(stateOff + C + c) << 3)) + bnEps));
    }
  }
  for (let i = 0; i < rows; i++) {
    const src = x + ((<usize>i * C) << 3), dst = out + ((<usize>i * C) << 3);
    for (let c = 0; c < C; c++) {
      const o = <usize>c << 3;
      let v = (load<f64>(src + o) - load<f64>(mean + o)) * load<f64>(istd + o);
      if (gamma != 0) v = v * load<f64>(gamma + o) + load<f64>(beta + o);
      store<f64>(dst + o, v);
    }
  }
}

/** Backward of bn_forward: dγ, dβ accumulated (when affine), dx written (dx ≠ 0). With batch statistics
 *  dx = invstd/N·(N·dx̂ − Σdx̂ − x̂·Σ(dx̂·x̂)), dx̂ = dy·γ; with running statistics dx = dx̂·invstd. `sums` holds 2C f64s. */
export function bn_backward(
  x: usize, rows: i32, C: i32, gamma: usize, dgamma: usize, dbeta: usize, dy: usize, dx: usize, aux: usize, sums: usize,
): void {
  const mean = aux, istd = aux + (<usize>C << 3);
  const s1 = sums, s2 = sums + (<usize>C << 3); // Σ dx̂, Σ dx̂·x̂
  memory.fill(sums, 0, <usize>(2 * C) << 3);
  for (let i = 0; i < rows; i++) {
    const xr = x + ((<usize>i * C) << 3), gr = dy + ((<usize>i * C) << 3);
    for (let c = 0; c < C; c++) {
      const o = <usize>c << 3;
      const xh = (load<f64>(xr + o) - load<f64>(mean + o)) * load<f64>(istd + o);
      const g = load<f64>(gr + o);
      if (gamma != 0) {
        store<f64>(dgamma + o, load<f64>(dgamma + o) + g * xh);
        store<f64>(dbeta + o, load<f64>(dbeta + o) + g);
      }
      const dxh = gamma != 0 ? g * load<f64>(gamma + o) : g;
      store<f64>(s1 + o, load<f64>(s1 + o) + dxh);
      store<f64>(s2 + o, load<f64>(s2 + o) + dxh * xh);
    }
  }
  if (dx == 0) return;
  const batch = bn_uses_batch();
  const invN = 1.0 / <f64>rows;
  for (let i = 0; i < rows; i++) {
    const xr = x + ((<usize>i * C) << 3), gr = dy + ((<usize>i * C) << 3), dr = dx + ((<usize>i * C) << 3);
    for (let c = 0; c < C; c++) {
      const o = <usize>c << 3;
      const is = load<f64>(istd + o);
      const dxh = gamma != 0 ? load<f64>(gr + o) * load<f64>(gamma + o) : load<f64>(gr + o);
      if (!batch) {
        store<f64>(dr + o, dxh * is);
        continue;
      }
      const xh = (load<f64>(xr + o) - load<f64>(mean + o)) * is;
      store<f64>(dr + o, is * (dxh - invN * load<f64>(s1 + o) - xh * invN * load<f64>(s2 + o)));
    }
  }
}

// ---------------------------------------------------------------- weight normalization

export const WN_ROWS: i32 = 0; // W_r = g_r · V_r/‖V_r‖ (Salimans & Kingma), one g per output unit
export const WN_MATRIX: i32 = 1; // W = ρ · V/‖V‖_F (seed 001's W_k = ρ_k V_k, ‖V_k‖ = 1), one ρ per layer

/** W (out × in) ← the effective weights from V and g; norms (out, or 1) ← ‖V_r‖ or ‖V‖_F. */
export function wn_weights(v: usize, g: usize, out: i32, inp: i32, kind: i32, w: usize, norms: usize): void {
  if (kind == WN_MATRIX) {
    const len = out * inp;
    let ss: f64 = 0.0;
    for (let j = 0; j < len; j++) {
      const t = load<f64>(v + (<usize>j << 3));
      ss += t * t;
    }
    const nr = Math.sqrt(ss);
    store<f64>(norms, nr);
    const s = nr > 0.0 ? load<f64>(g) / nr : 0.0;
    for (let j = 0; j < len; j++) store<f64>(w + (<usize>j << 3), s * load<f64>(v + (<usize>j << 3)));
    return;
  }
  for (let r = 0; r < out; r++) {
    const vr = v + ((<usize>r * inp) << 3), wr = w + ((<usize>r * inp) << 3);
    let ss: f64 = 0.0;
    for (let j = 0; j < inp; j++) {
      const t = load<f64>(vr + (<usize>j << 3));
      ss += t * t;
    }
    const nr = Math.sqrt(ss);
    store<f64>(norms + (<usize>r << 3), nr);
    const s = nr > 0.0 ? load<f64>(g + (<usize>r << 3)) / nr : 0.0;
    for (let j = 0; j < inp; j++) store<f64>(wr + (<usize>j << 3), s * load<f64>(vr + (<usize>j << 3)));
  }
}

/** From dW (the gradient of the effective weights): dg += ⟨dW_r, V_r⟩/‖V_r‖, dV += (g_r/‖V_r‖)(dW_r − (⟨dW_r, V_r⟩/‖V_r‖²)V_r)
 *  (per row; per matrix with the Frobenius forms). */
export function wn_backward(v: usize, g: usize, out: i32, inp: i32, kind: i32, norms: usize, dw: usize, dv: usize, dg: usize): void {
  const blocks = kind == WN_MATRIX ? 1 : out;
  const len = kind == WN_MATRIX ? out * inp : inp;
  for (let r = 0; r < blocks; r++) {
    const off = (<usize>r * len) << 3;
    const vr = v + off, dwr = dw + off, dvr = dv + off;
    const nr = load<f64>(norms + (<usize>r << 3));
    if (!(nr > 0.0)) continue;
    let dot: f64 = 0.0;
    for (let j = 0; j < len; j++) dot += load<f64>(dwr + (<usize>j << 3)) * load<f64>(vr + (<usize>j << 3));
    const pg = dg + (<usize>r << 3);
    store<f64>(pg, load<f64>(pg) + dot / nr);
    const s = load<f64>(g + (<usize>r << 3)) / nr, c = dot / (nr * nr);
    for (let j = 0; j < len; j++) {
      const p = dvr + (<usize>j << 3);
      store<f64>(p, load<f64>(p) + s * (load<f64>(dwr + (<usize>j << 3)) - c * load<f64>(vr + (<usize>j << 3))));
    }
  }
}

// ---------------------------------------------------------------- dispatch from program words

/** Forward of a layer of layers.ts (op code ≥ OP_CONV) from input h (n×w) into out (n×o), scratch at aux. */
export function layerForward(prog: usize, at: i32, theta: usize, h: usize, n: i32, w: i32, o: i32, out: usize, aux: usize, gw: usize): void {
  const op = word(prog, at);
  if (op == OP_CONV) {
    const H = word(prog, at + 1), W = word(prog, at + 2), C = word(prog, at + 3), OC = word(prog, at + 4);
    const k = word(prog, at + 5), st = word(prog, at + 6), pad = word(prog, at + 7), bOff = word(prog, at + 9);
    conv_forward(h, n, H, W, C, OC, k, st, pad, theta + (<usize>word(prog, at + 8) << 3), bOff >= 0 ? theta + (<usize>bOff << 3) : 0, out, aux, gw);
  } else if (op == OP_POOL) {
    pool_forward(h, n, word(prog, at + 1), word(prog, at + 2), word(prog, at + 3), word(prog, at + 4), word(prog, at + 5), word(prog, at + 6), out);
  } else if (op == OP_BNORM) {
    const C = word(prog, at + 1), gOff = word(prog, at + 2), bOff = word(prog, at + 3);
    bn_forward(h, n * (w / C), C, gOff >= 0 ? theta + (<usize>gOff << 3) : 0, bOff >= 0 ? theta + (<usize>bOff << 3) : 0, word(prog, at + 4), out, aux);
  } else if (op == OP_WCONV) {
    const H = word(prog, at + 1), W = word(prog, at + 2), C = word(prog, at + 3), OC = word(prog, at + 4);
    const k = word(prog, at + 5), st = word(prog, at + 6), pad = word(prog, at + 7), vOff = word(prog, at + 8), bOff = word(prog, at + 9);
    const gOff = word(prog, at + 10), kind = word(prog, at + 11), K = k * k * C;
    const weff = aux + (<usize>(2 * conv_cols_len(n, H, W, C, k, st, pad)) << 3), norms = weff + ((<usize>(2 * OC * K)) << 3);
    wn_weights(theta + (<usize>vOff << 3), theta + (<usize>gOff << 3), OC, K, kind, weff, norms);
    conv_forward(h, n, H, W, C, OC, k, st, pad, weff, bOff >= 0 ? theta + (<usize>bOff << 3) : 0, out, aux, gw);
  } else if (op == OP_WDENSE) {
    const vOff = word(prog, at + 3), gOff = word(prog, at + 4), bOff = word(prog, at + 5), kind = word(prog, at + 6);
    const weff = aux, norms = aux + ((<usize>(2 * o * w)) << 3);
    wn_weights(theta + (<usize>vOff << 3), theta + (<usize>gOff << 3), o, w, kind, weff, norms);
    gemm_f64(0, 1, n, o, w, 1.0, h, w, weff, w, 0.0, out, o, gw);
    if (bOff >= 0) addRowVector(out, n, o, theta + (<usize>bOff << 3));
  }
}

/** Backward of a layer of layers.ts: parameter gradients accumulated into grad, the input's cotangent into gnext
 *  (n×w; 0 when not needed — the first op of a branch). */
export function layerBackward(
  prog: usize, at: i32, theta: usize, h: usize, n: i32, w: i32, o: i32, gcur: usize, gnext: usize, grad: usize, aux: usize, gw: usize,
): void {
  const op = word(prog, at);
  if (op == OP_CONV) {
    const H = word(prog, at + 1), W = word(prog, at + 2), C = word(prog, at + 3), OC = word(prog, at + 4);
    const k = word(prog, at + 5), st = word(prog, at + 6), pad = word(prog, at + 7), wOff = word(prog, at + 8), bOff = word(prog, at + 9);
    const len = <usize>conv_cols_len(n, H, W, C, k, st, pad);
    conv_backward(gcur, n, H, W, C, OC, k, st, pad, theta + (<usize>wOff << 3), grad + (<usize>wOff << 3), bOff >= 0 ? grad + (<usize>bOff << 3) : 0,
      aux, aux + (len << 3), gnext, gw);
  } else if (op == OP_POOL) {
    if (gnext != 0) pool_backward(h, n, word(prog, at + 1), word(prog, at + 2), word(prog, at + 3), word(prog, at + 4), word(prog, at + 5), word(prog, at + 6), gcur, gnext);
  } else if (op == OP_BNORM) {
    const C = word(prog, at + 1), gOff = word(prog, at + 2), bOff = word(prog, at + 3);
    bn_backward(h, n * (w / C), C, gOff >= 0 ? theta + (<usize>gOff << 3) : 0, gOff >= 0 ? grad + (<usize>gOff << 3) : 0,
      bOff >= 0 ? grad + (<usize>bOff << 3) : 0, gcur, gnext, aux, aux + ((<usize>(2 * C)) << 3));
  } else if (op == OP_WCONV) {
    const H = word(prog, at + 1), W = word(prog, at + 2), C = word(prog, at + 3), OC = word(prog, at + 4);
    const k = word(prog, at + 5), st = word(prog, at + 6), pad = word(prog, at + 7), vOff = word(prog, at + 8), bOff = word(prog, at + 9);
    const gOff = word(prog, at + 10), kind = word(prog, at + 11), K = k * k * C;
    const len = <usize>conv_cols_len(n, H, W, C, k, st, pad);
    const weff = aux + ((2 * len) << 3), dw = weff + ((<usize>(OC * K)) << 3), norms = dw + ((<usize>(OC * K)) << 3);
    memory.fill(dw, 0, (<usize>(OC * K)) << 3);
    conv_backward(gcur, n, H, W, C, OC, k, st, pad, weff, dw, bOff >= 0 ? grad + (<usize>bOff << 3) : 0, aux, aux + (len << 3), gnext, gw);
    wn_backward(theta + (<usize>vOff << 3), theta + (<usize>gOff << 3), OC, K, kind, norms, dw, grad + (<usize>vOff << 3), grad + (<usize>gOff << 3));
  } else if (op == OP_WDENSE) {
    const vOff = word(prog, at + 3), gOff = word(prog, at + 4), bOff = word(prog, at + 5), kind = word(prog, at + 6);
    const weff = aux, dw = aux + ((<usize>(o * w)) << 3), norms = aux + ((<usize>(2 * o * w)) << 3);
    gemm_f64(1, 0, o, w, n, 1.0, gcur, o, h, w, 0.0, dw, w, gw);
    if (bOff >= 0) addColumnSums(gcur, n, o, grad + (<usize>bOff << 3));
    if (gnext != 0) gemm_f64(0, 0, n, w, o, 1.0, gcur, o, weff, w, 0.0, gnext, w, gw);
    wn_backward(theta + (<usize>vOff << 3), theta + (<usize>gOff << 3), o, w, kind, norms, dw, grad + (<usize>vOff << 3), grad + (<usize>gOff << 3));
  }
}
