// f32 training, for users who train as in PyTorch: the programs of fully connected networks (DENSE, RELU, LNORM,
// one branch) with θ, activations, gradients and the update in f32 and the f32x4 GEMM (gemm_f32) inside. The loss is
// still taken in log domain and in f64 — the f32 logits are widened, loss_eval gives log L and ∂log L/∂f, and the
// cotangent is narrowed — so a batch loss below the f32 range is still a number. The update is train.ts's
// (torch.optim.SGD). Layers of layers.ts (conv, pooling, batch and weight normalization) and residual ops are f64
// only: train_f32_supported says whether a program can run here.
import { gemm_f32, gemm_f32_workspace_bytes } from "../blas3";
import { loss_eval } from "../losses";
import { sgdUpdate } from "./train";
import { OP_DENSE, OP_LNORM, OP_RELU, opLen, opOut, word } from "./encoding";

const MAX_OPS: i32 = 256;
const IN_PTR: usize = memory.data(MAX_OPS * 8, 8); // input activation of each op in the last forward
const IN_W: usize = memory.data(MAX_OPS * 4, 4);
const AT: usize = memory.data(MAX_OPS * 4, 4);

/** 1 when the program is one branch of DENSE, RELU and LNORM ops (what the f32 path runs), else 0. */
export function train_f32_supported(prog: usize): i32 {
  if (word(prog, 1) != 1) return 0;
  const nOps = word(prog, 3);
  if (nOps > MAX_OPS) return 0;
  let at = 4;
  for (let k = 0; k < nOps; k++) {
    const op = word(prog, at);
    if (op != OP_DENSE && op != OP_RELU && op != OP_LNORM) return 0;
    at += opLen(prog, at);
  }
  return 1;
}

// @ts-ignore: decorator
@inline function align16(x: i64): i64 {
  return (x + 15) & ~15;
}

/** Bytes of the f32 forward/backward workspace for n rows: GEMM packing, every op's output, two cotangent buffers. */
function passBytes(prog: usize, n: i32): i64 {
  const nOps = word(prog, 3), dIn = word(prog, 2);
  let at = 4, w = dIn, total: i64 = 0, maxW = max<i32>(dIn, word(prog, 0));
  for (let k = 0; k < nOps; k++) {
    const o = opOut(prog, at, w);
    total += <i64>n * o;
    maxW = max<i32>(maxW, o);
    at += opLen(prog, at);
    w = o;
  }
  return align16(<i64>gemm_f32_workspace_bytes()) + ((total + 2 * <i64>n * maxW) << 2) + 64;
}

/** Bytes train_steps_f32 needs for `batch` rows (0: unsupported program or more than 2 GiB). */
export function train_f32_workspace_bytes(prog: usize, batch: i32, dIn: i32, C: i32, m: i32): i32 {
  if (train_f32_supported(prog) == 0) return 0;
  // pass + batch inputs (f32) + labels, logits, cotangents, per-sample losses (f64) + f32 cotangents + gradient (f32)
  const bytes = passBytes(prog, batch) + align16(<i64>batch * dIn * 4) + ((2 * <i64>batch + 2 * <i64>batch * C) << 3) + align16(<i64>batch * C * 4) + align16(<i64>m * 4) + 64;
  return bytes > 0x7fffffff ? 0 : <i32>bytes;
}

/** f (n×C, f32) ← outputs for X (n×dIn, f32); keeps the activations for backward_f32. */
function forward_f32(prog: usize, theta: usize, x: usize, n: i32, f: usize, work: usize): void {
  const nOps = word(prog, 3), dIn = word(prog, 2);
  const gw = work;
  let free = work + <usize>align16(<i64>gemm_f32_workspace_bytes());
  let at = 4, h = x, w = dIn;
  for (let k = 0; k < nOps; k++) {
    store<usize>(IN_PTR + (<usize>k << 3), h);
    store<i32>(IN_W + (<usize>k << 2), w);
    store<i32>(AT + (<usize>k << 2), at);
    const op = word(prog, at), o = opOut(prog, at, w);
    const out = k == nOps - 1 ? f : free;
    if (k < nOps - 1) free += (<usize>n * o) << 2;
    if (op == OP_DENSE) {
      const wOff = word(prog, at + 3), bOff = word(prog, at + 4);
      gemm_f32(0, 1, n, o, w, 1.0, h, w, theta + (<usize>wOff << 2), w, 0.0, out, o, gw);
      if (bOff >= 0) {
        for (let i = 0; i < n; i++) {
          const row = out + ((<usize>i * o) << 2);
          for (let j = 0; j < o; j++) store<f32>(row + (<usize>j << 2), load<f32>(row + (<usize>j << 2)) + load<f32>(theta + (<usize>(bOff + j) << 2)));
        }
      }
    } else if (op == OP_RELU) {
      const len = n * w;
      for (let i = 0; i < len; i++) {
        const v = load<f32>(h + (<usize>i << 2));
        store<f32>(out + (<usize>i << 2), v > 0 ? v : 0);
      }
    } else {
      for (let i = 0; i < n; i++) lnormRow(w, h + ((<usize>i * w) << 2), out + ((<usize>i * w) << 2));
    }
    at += opLen(prog, at);
    h = out;
    w = o;
  }
  store<usize>(IN_PTR + (<usize>nOps << 3), free); // first free byte: backward's cotangent buffers
}

/** The mean of an f32 row (into rowMean) and 1/‖row − mean‖ (0 for a constant row), accumulated in f64. */
let rowMean: f64 = 0.0;
function rowStats(w: i32, src: usize): f64 {
  let mean: f64 = 0.0;
  for (let j = 0; j < w; j++) mean += <f64>load<f32>(src + (<usize>j << 2));
  mean /= <f64>w;
  let ss: f64 = 0.0;
  for (let j = 0; j < w; j++) {
    const c = <f64>load<f32>(src + (<usize>j << 2)) - mean;
    ss += c * c;
  }
  rowMean = mean;
  return ss > 0.0 ? 1.0 / Math.sqrt(ss) : 0.0;
}

/** The layer norm of one f32 row: dst = c/‖c‖, c = src − mean. */
function lnormRow(w: i32, src: usize, dst: usize): void {
  const inv = rowStats(w, src), mean = rowMean;
  for (let j = 0; j < w; j++) store<f32>(dst + (<usize>j << 2), <f32>((<f64>load<f32>(src + (<usize>j << 2)) - mean) * inv));
}

/** grad (m, f32) ← ∇θ Σ g_ij f_ij at the last forward_f32 (g: n×C, f32). */
function backward_f32(prog: usize, theta: usize, n: i32, g: usize, grad: usize, m: i32, work: usize): void {
  const nOps = word(prog, 3), C = word(prog, 0);
  const gw = work;
  memory.fill(grad, 0, <usize>m << 2);
  let maxW = C;
  for (let k = 0; k < nOps; k++) maxW = max<i32>(maxW, load<i32>(IN_W + (<usize>k << 2)));
  let gcur = load<usize>(IN_PTR + (<usize>nOps << 3)), gnext = gcur + ((<usize>n * maxW) << 2);
  memory.copy(gcur, g, (<usize>n * C) << 2);
  for (let k = nOps - 1; k >= 0; k--) {
    const at = load<i32>(AT + (<usize>k << 2)), h = load<usize>(IN_PTR + (<usize>k << 3)), w = load<i32>(IN_W + (<usize>k << 2));
    const op = word(prog, at), o = opOut(prog, at, w);
    if (op == OP_DENSE) {
      const wOff = word(prog, at + 3), bOff = word(prog, at + 4);
      gemm_f32(1, 0, o, w, n, 1.0, gcur, o, h, w, 1.0, grad + (<usize>wOff << 2), w, gw);
      if (bOff >= 0) {
        for (let i = 0; i < n; i++) {
          const row = gcur + ((<usize>i * o) << 2);
          for (let j = 0; j < o; j++) {
            const p = grad + (<usize>(bOff + j) << 2);
            store<f32>(p, load<f32>(p) + load<f32>(row + (<usize>j << 2)));
          }
        }
      }
      if (k > 0) gemm_f32(0, 0, n, w, o, 1.0, gcur, o, theta + (<usize>wOff << 2), w, 0.0, gnext, w, gw);
    } else if (op == OP_RELU) {
      const len = n * w;
      for (let i = 0; i < len; i++) store<f32>(gnext + (<usize>i << 2), load<f32>(h + (<usize>i << 2)) > 0 ? load<f32>(gcur + (<usize>i << 2)) : 0);
    } else {
      // h' = c/‖c‖: dc = (g − h'(h'·g))/‖c‖, dh = dc − mean(dc); statistics in f64
      for (let i = 0; i < n; i++) {
        const src = h + ((<usize>i * w) << 2), gi = gcur + ((<usize>i * w) << 2), go = gnext + ((<usize>i * w) << 2);
        const inv = rowStats(w, src), mean = rowMean;
        let dot: f64 = 0.0;
        for (let j = 0; j < w; j++) dot += (<f64>load<f32>(src + (<usize>j << 2)) - mean) * inv * <f64>load<f32>(gi + (<usize>j << 2));
        let mdc: f64 = 0.0;
        for (let j = 0; j < w; j++) {
          const hp = (<f64>load<f32>(src + (<usize>j << 2)) - mean) * inv;
          const dc = (<f64>load<f32>(gi + (<usize>j << 2)) - hp * dot) * inv;
          store<f32>(go + (<usize>j << 2), <f32>dc);
          mdc += dc;
        }
        mdc /= <f64>w;
        for (let j = 0; j < w; j++) store<f32>(go + (<usize>j << 2), <f32>(<f64>load<f32>(go + (<usize>j << 2)) - mdc));
      }
    }
    const t = gcur;
    gcur = gnext;
    gnext = t;
  }
}

/**
 * train.ts's train_steps in f32: θ, vel, decay (m f32 each; decay 0 for none) and X (N×dIn) are f32; labels, lrs
 * and logLosses stay f64. Returns the steps completed (fewer on a non-finite batch loss or θ).
 */
export function train_steps_f32(
  prog: usize, theta: usize, vel: usize, m: i32, x: usize, dIn: i32, labels: usize, C: i32, order: usize, batch: i32, steps: i32,
  lrs: usize, momentum: f64, nesterov: i32, decay: usize, lossKind: i32, normalized: i32, logLosses: usize, work: usize,
): i32 {
  let p = work + <usize>passBytes(prog, batch);
  const xb = p; p += <usize>align16(<i64>batch * dIn * 4);
  const lb = p; p += <usize>batch << 3;
  const f64s = p; p += (<usize>batch * C) << 3;
  const g64 = p; p += (<usize>batch * C) << 3;
  const z = p; p += <usize>batch << 3;
  const f32s = p; p += <usize>align16(<i64>batch * C * 4);
  const grad = p;
  const rowBytes = <usize>dIn << 2;
  const mu = <f32>momentum;
  for (let s = 0; s < steps; s++) {
    const idx = order + ((<usize>s * batch) << 2);
    for (let i = 0; i < batch; i++) {
      const r = <usize>load<i32>(idx + (<usize>i << 2));
      memory.copy(xb + <usize>i * rowBytes, x + r * rowBytes, rowBytes);
      store<f64>(lb + (<usize>i << 3), load<f64>(labels + (r << 3)));
    }
    forward_f32(prog, theta, xb, batch, f32s, work);
    const len = batch * C;
    for (let i = 0; i < len; i++) store<f64>(f64s + (<usize>i << 3), <f64>load<f32>(f32s + (<usize>i << 2)));
    const logL = loss_eval(lossKind, batch, C, f64s, lb, g64, z);
    store<f64>(logLosses + (<usize>s << 3), logL);
    if (!(logL < Infinity)) return s;
    const scale = normalized != 0 ? 1.0 : Math.exp(logL);
    for (let i = 0; i < len; i++) store<f32>(f32s + (<usize>i << 2), <f32>(scale * load<f64>(g64 + (<usize>i << 3))));
    backward_f32(prog, theta, batch, f32s, grad, m, work);
    const lr = <f32>load<f64>(lrs + (<usize>s << 3));
    if (!sgdUpdate<f32>(theta, vel, grad, decay, m, <f32>1, lr, mu, nesterov)) return s; // the cotangent carries the scale
  }
  return steps;
}
