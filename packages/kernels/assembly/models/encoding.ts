// The encoding of model programs as i32 words — shared by the interpreter (program.ts), the layers (layers.ts), the
// per-sample passes and the trainers: op codes, each op's length and output width, and the scratch its forward keeps.
//
// Program layout (i32 words):
//   header  [C, nBranches, dIn]
//   branch  [nOps, op…]            every branch reads the input X (n×dIn); its last activation (n×C) is
//                                  added into f — so an ensemble is several branches
//   ops     DENSE  [1, in, out, wOff, bOff]   h' = h·Wᵀ + b, W out×in row-major at θ[wOff], b at θ[bOff] (−1: none)
//           RELU   [2]
//           SAVE   [3, slot]                   remember h (for a residual connection)
//           ADD    [4, slot]                   h' = h + saved[slot]
//           LNORM  [5]                         h' = c/‖c‖, c = h − mean(h)  (zero mean, unit norm; seed 000 §6)
//           DIAG   [6, in, off, D_0 … D_in−1]  h' = h·β (one column), β_i = Π_{j<D_i} θ[off_i + j]
//           CONV   [7, H, W, C, OC, k, stride, pad, wOff, bOff]  k×k convolution of an H×W×C (HWC) input into
//                                  OH×OW×OC, W OC × (k·k·C) with columns (ky·k + kx)·C + c (layers.ts)
//           POOL   [8, H, W, C, size, stride, kind]  max (0) or average (1) pooling, no padding
//           BNORM  [9, C, gOff, bOff, stateOff]  batch normalization over channels c = index mod C (γ, β: −1 none;
//                                  running statistics at stateOff of the batch-norm state, model_set_batchnorm)
//           WDENSE [10, in, out, vOff, gOff, bOff, kind]  dense with W = g·V/‖V‖ per row (kind 0) or per matrix (1)
//           WCONV  [11, H, W, C, OC, k, stride, pad, vOff, bOff, gOff, kind]  CONV with W = g·V/‖V‖ per output channel
//                                  (kind 0) or per matrix (1), V OC × (k·k·C)
export const OP_DENSE: i32 = 1;
export const OP_RELU: i32 = 2;
export const OP_SAVE: i32 = 3;
export const OP_ADD: i32 = 4;
export const OP_LNORM: i32 = 5;
export const OP_DIAG: i32 = 6;
export const OP_CONV: i32 = 7;
export const OP_POOL: i32 = 8;
export const OP_BNORM: i32 = 9;
export const OP_WDENSE: i32 = 10;
export const OP_WCONV: i32 = 11;

/** Word i of a program. */
// @ts-ignore: decorator
@inline export function word(prog: usize, i: i32): i32 {
  return load<i32>(prog + (<usize>i << 2));
}

/** Output side of a convolution or pooling window: ⌊(n + 2·pad − k)/stride⌋ + 1 (≤ 0 when no window fits). */
// @ts-ignore: decorator
@inline export function windowOut(n: i32, k: i32, stride: i32, pad: i32): i32 {
  const span = n + 2 * pad - k;
  return span < 0 ? 0 : span / stride + 1;
}

/** f64s of a conv's im2col matrix for n samples: n·OH·OW rows × k·k·C columns. */
export function conv_cols_len(n: i32, H: i32, W: i32, C: i32, k: i32, stride: i32, pad: i32): i64 {
  const oh = windowOut(H, k, stride, pad), ow = windowOut(W, k, stride, pad);
  return <i64>n * oh * ow * k * k * C;
}

/** Number of words an op occupies. */
export function opLen(prog: usize, at: i32): i32 {
  const op = word(prog, at);
  if (op == OP_DENSE) return 5;
  if (op == OP_SAVE || op == OP_ADD) return 2;
  if (op == OP_DIAG) return 3 + word(prog, at + 1);
  if (op == OP_CONV) return 10;
  if (op == OP_WCONV) return 12;
  if (op == OP_POOL || op == OP_WDENSE) return 7;
  if (op == OP_BNORM) return 5;
  return 1;
}

/** Output width of an op given its input width. */
export function opOut(prog: usize, at: i32, w: i32): i32 {
  const op = word(prog, at);
  if (op == OP_DENSE) return word(prog, at + 2);
  if (op == OP_DIAG) return 1;
  if (op == OP_WDENSE) return word(prog, at + 2);
  if (op == OP_CONV || op == OP_WCONV || op == OP_POOL) {
    const H = word(prog, at + 1), W = word(prog, at + 2), C = word(prog, at + 3);
    if (op != OP_POOL) {
      const k = word(prog, at + 5), st = word(prog, at + 6), pad = word(prog, at + 7);
      return windowOut(H, k, st, pad) * windowOut(W, k, st, pad) * word(prog, at + 4);
    }
    const size = word(prog, at + 4), st = word(prog, at + 5);
    return windowOut(H, size, st, 0) * windowOut(W, size, st, 0) * C;
  }
  return w;
}

/** f64s of op-private scratch (aux) the forward of the op at `at` reserves for n samples. */
export function opAux(prog: usize, at: i32, n: i32, w: i32): i64 {
  const op = word(prog, at);
  if (op == OP_DIAG) return <i64>2 * w; // β and ∂/∂β
  if (op == OP_CONV || op == OP_WCONV) {
    // im2col of the forward and its adjoint's scratch (and for WCONV: W, dW and the norms)
    const cols = 2 * conv_cols_len(n, word(prog, at + 1), word(prog, at + 2), word(prog, at + 3), word(prog, at + 5), word(prog, at + 6), word(prog, at + 7));
    if (op == OP_CONV) return cols;
    const OC = word(prog, at + 4), K = word(prog, at + 5) * word(prog, at + 5) * word(prog, at + 3);
    return cols + <i64>2 * OC * K + OC;
  }
  if (op == OP_BNORM) return <i64>4 * word(prog, at + 1); // mean, invstd; two sums for backward
  if (op == OP_WDENSE) {
    const o = word(prog, at + 2);
    return <i64>2 * o * w + o; // W, dW, norms
  }
  return 0;
}

