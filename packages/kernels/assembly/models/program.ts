// Models as small programs over a batch: forward (outputs f, n×C) and backward (∇θ of Σ_ij G_ij f_ij for a
// given G = ∂objective/∂f) with each op's backward beside its forward — the seed-000 ops here, the layers of trained
// networks in layers.ts. The program's words (its layout, op codes and sizes) are in encoding.ts.
// Memory: `work` holds model_workspace_bytes(prog, n); activations of the last forward stay there for backward.
// ReLU modes (set by model_set_modes, for Filippov flows through the kinks): instead of the sign of its input, each
// ReLU (op, sample, unit) takes its forward factor from modesF (h = z or 0) and its backward factor from modesB
// (∂h/∂z = σ, any real: a sliding unit's convex weight); both laid out per ReLU op in program order, n×w f64s each.
import { gemm_f64, gemm_workspace_bytes } from "../blas3";
import { layerBackward, layerForward } from "./layers";
import { OP_ADD, OP_CONV, OP_DENSE, OP_DIAG, OP_LNORM, OP_RELU, OP_SAVE, opAux, opLen, opOut, word } from "./encoding";
export { OP_DENSE, OP_RELU, OP_SAVE, OP_ADD, OP_LNORM, OP_DIAG, OP_CONV, OP_POOL, OP_BNORM, OP_WDENSE, OP_WCONV, opLen, opOut, word } from "./encoding";


const MAX_OPS: i32 = 256;
const MAX_SLOTS: i32 = 16;
// Per op: pointer to its INPUT activation, the input width, and the op's word offset in the program.
const OP_IN: usize = memory.data(MAX_OPS * 8, 8);
const OP_W: usize = memory.data(MAX_OPS * 4, 4);
const OP_AT: usize = memory.data(MAX_OPS * 4, 4);
const SLOT_PTR: usize = memory.data(MAX_SLOTS * 8, 8);
const LAST_FREE: usize = memory.data(8, 8); // first free byte after the last forward's activations
const LAST_OPS: usize = memory.data(4, 4); // ops run by the last forward
const OP_MODE: usize = memory.data(MAX_OPS * 4, 4); // RELU ops: offset (f64s) of the op's n×w block in the modes arrays

// The modes context (0: natural ReLU) and the capture list: for each [op, flat index] pair, backward stores ∂/∂h at
// that ReLU output (the cotangent arriving at the unit, before its factor) into capOut.
let modesF: usize = 0;
let modesB: usize = 0;
let capList: usize = 0; // i32: count, then (op index, flat index) pairs
let capOut: usize = 0;

/** Sets the ReLU modes of the following forward/backward passes (0, 0: natural ReLU) and the capture list (0: none). */
export function model_set_modes(forward: usize, backward: usize, captures: usize, captureOut: usize): void {
  modesF = forward;
  modesB = backward;
  capList = captures;
  capOut = captureOut;
}

/** f64s of one modes array: n×w for every ReLU op of the program. */
export function model_relu_units(prog: usize, n: i32): i32 {
  const nb = word(prog, 1), dIn = word(prog, 2);
  let at = 3, total = 0;
  for (let b = 0; b < nb; b++) {
    const nOps = word(prog, at++);
    let w = dIn;
    for (let k = 0; k < nOps; k++) {
      if (word(prog, at) == OP_RELU) total += n * w;
      const o = opOut(prog, at, w);
      at += opLen(prog, at);
      w = o;
    }
  }
  return total;
}

// @ts-ignore: decorator
@inline function th(theta: usize, i: i32): f64 {
  return load<f64>(theta + (<usize>i << 3));
}

/** Bytes of workspace forward/backward need for n samples (0 if the program is malformed). */
export function model_workspace_bytes(prog: usize, n: i32): i32 {
  const C = word(prog, 0), nb = word(prog, 1), dIn = word(prog, 2);
  let at = 3, total: i64 = 0, maxW = max<i32>(C, dIn), ops = 0;
  for (let b = 0; b < nb; b++) {
    const nOps = word(prog, at++);
    let w = dIn;
    for (let k = 0; k < nOps; k++) {
      const o = opOut(prog, at, w);
      total += <i64>n * o; // each op's output activation
      maxW = max<i32>(maxW, o);
      if (word(prog, at) == OP_SAVE) total += <i64>n * w; // the slot's gradient accumulator
      total += opAux(prog, at, n, w);
      at += opLen(prog, at);
      w = o;
      if (++ops > MAX_OPS) return 0;
    }
    if (w != C) return 0;
  }
  total += <i64>2 * n * maxW; // two gradient buffers for backward
  const bytes = (total << 3) + gemm_workspace_bytes();
  return bytes > 0x7fffffff ? 0 : <i32>bytes;
}

/** f (n×C) ← model outputs for inputs X (n×dIn). Keeps the activations in `work` for model_backward. */
export function model_forward(prog: usize, theta: usize, x: usize, n: i32, f: usize, work: usize): void {
  const C = word(prog, 0), nb = word(prog, 1), dIn = word(prog, 2);
  const gw = work; // gemm packing space first
  let free = work + <usize>gemm_workspace_bytes();
  // one branch: its last op writes f directly (no zero-fill, no accumulation pass)
  const direct = nb == 1;
  if (!direct) memory.fill(f, 0, (<usize>n * C) << 3);
  let at = 3, opIdx = 0, modeOff = 0;
  for (let b = 0; b < nb; b++) {
    const nOps = word(prog, at++);
    let h = x, w = dIn;
    for (let k = 0; k < nOps; k++, opIdx++) {
      store<usize>(OP_IN + (<usize>opIdx << 3), h);
      store<i32>(OP_W + (<usize>opIdx << 2), w);
      store<i32>(OP_AT + (<usize>opIdx << 2), at);
      const op = word(prog, at);
      const o = opOut(prog, at, w);
      const toF = direct && k == nOps - 1 && word(prog, at) != OP_SAVE;
      const out = toF ? f : free;
      if (!toF) free += (<usize>n * o) << 3;
      store<usize>(OP_OUT + (<usize>opIdx << 3), out);
      if (op == OP_DENSE) {
        const wOff = word(prog, at + 3), bOff = word(prog, at + 4);
        gemm_f64(0, 1, n, o, w, 1.0, h, w, theta + (<usize>wOff << 3), w, 0.0, out, o, gw);
        if (bOff >= 0) {
          for (let i = 0; i < n; i++) {
            const row = out + ((<usize>i * o) << 3);
            for (let j = 0; j < o; j++) store<f64>(row + (<usize>j << 3), load<f64>(row + (<usize>j << 3)) + th(theta, bOff + j));
          }
        }
      } else if (op == OP_RELU) {
        const len = n * w;
        store<i32>(OP_MODE + (<usize>opIdx << 2), modeOff);
        if (modesF != 0) {
          const mf = modesF + (<usize>modeOff << 3);
          for (let i = 0; i < len; i++) {
            const v = load<f64>(h + (<usize>i << 3));
            store<f64>(out + (<usize>i << 3), load<f64>(mf + (<usize>i << 3)) > 0.5 ? v : 0.0);
          }
        } else {
          for (let i = 0; i < len; i++) {
            const v = load<f64>(h + (<usize>i << 3));
            store<f64>(out + (<usize>i << 3), v > 0.0 ? v : 0.0);
          }
        }
        modeOff += len;
      } else if (op == OP_SAVE) {
        memory.copy(out, h, (<usize>n * w) << 3);
        store<usize>(SLOT_PTR + (<usize>word(prog, at + 1) << 3), h);
        free += (<usize>n * w) << 3; // reserve the slot's gradient accumulator (used by backward)
      } else if (op == OP_ADD) {
        const s = load<usize>(SLOT_PTR + (<usize>word(prog, at + 1) << 3));
        const len = n * w;
        for (let i = 0; i < len; i++) {
          const o8 = <usize>i << 3;
          store<f64>(out + o8, load<f64>(h + o8) + load<f64>(s + o8));
        }
      } else if (op == OP_LNORM) {
        for (let i = 0; i < n; i++) lnorm_forward_row(w, h + ((<usize>i * w) << 3), out + ((<usize>i * w) << 3));
      } else if (op >= OP_CONV) {
        const aux = free;
        free += <usize>opAux(prog, at, n, w) << 3;
        store<usize>(OP_AUX + (<usize>opIdx << 3), aux);
        layerForward(prog, at, theta, h, n, w, o, out, aux, gw);
      } else if (op == OP_DIAG) {
        // β (and, for backward, room for ∂/∂β) in the workspace: aux of this op
        const beta = free;
        free += <usize>opAux(prog, at, n, w) << 3;
        store<usize>(OP_AUX + (<usize>opIdx << 3), beta);
        diagBetas(prog, at, theta, w, beta);
        if (w == 3) {
          // the Fig. 4 workload (w = 3, n = 1e4): β in registers
          const b0 = load<f64>(beta), b1 = load<f64>(beta, 8), b2 = load<f64>(beta, 16);
          for (let i = 0; i < n; i++) {
            const row = h + ((<usize>i * 3) << 3);
            store<f64>(out + (<usize>i << 3), b0 * load<f64>(row) + b1 * load<f64>(row, 8) + b2 * load<f64>(row, 16));
          }
        } else {
          for (let i = 0; i < n; i++) {
            const row = h + ((<usize>i * w) << 3);
            let acc: f64 = 0.0;
            for (let c = 0; c < w; c++) acc += load<f64>(beta + (<usize>c << 3)) * load<f64>(row + (<usize>c << 3));
            store<f64>(out + (<usize>i << 3), acc);
          }
        }
      }
      at += opLen(prog, at);
      h = out;
      w = o;
    }
    // add the branch output into f
    if (!direct || h != f) {
      const len = n * C;
      if (direct) memory.copy(f, h, (<usize>len) << 3);
      else for (let i = 0; i < len; i++) {
        const o8 = <usize>i << 3;
        store<f64>(f + o8, load<f64>(f + o8) + load<f64>(h + o8));
      }
    }
  }
  store<usize>(LAST_FREE, free);
  store<i32>(LAST_OPS, opIdx);
}


/**
 * grad (m) ← ∇θ Σ_ij g_ij f_ij at the θ and X of the last model_forward (g: n×C). Overwrites grad.
 * With g = ∂objective/∂f this is the gradient of the objective.
 */
export function model_backward(prog: usize, theta: usize, n: i32, g: usize, grad: usize, m: i32, work: usize): void {
  const C = word(prog, 0), nb = word(prog, 1);
  const gw = work;
  memory.fill(grad, 0, <usize>m << 3);
  // two ping-pong gradient buffers after the activations
  let maxW = C;
  const nOpsTotal = load<i32>(LAST_OPS);
  for (let k = 0; k < nOpsTotal; k++) maxW = max<i32>(maxW, load<i32>(OP_W + (<usize>k << 2)));
  const bufA = load<usize>(LAST_FREE);
  const bufB = bufA + ((<usize>n * maxW) << 3);
  // walk branches; op indices of branch b are contiguous, so find each branch's range first
  let at = 3, first = 0;
  for (let b = 0; b < nb; b++) {
    const nOps = word(prog, at++);
    for (let k = 0; k < nOps; k++) at += opLen(prog, at);
    // zero this branch's slot-gradient accumulators (they sit right after each SAVE's output)
    for (let k = first; k < first + nOps; k++) {
      const a = load<i32>(OP_AT + (<usize>k << 2));
      if (word(prog, a) == OP_SAVE) {
        const w = load<i32>(OP_W + (<usize>k << 2));
        memory.fill(slotGrad(k, n, w), 0, (<usize>n * w) << 3);
      }
    }
    let gcur = bufA, gnext = bufB;
    memory.copy(gcur, g, (<usize>n * C) << 3);
    for (let k = first + nOps - 1; k >= first; k--) {
      const a = load<i32>(OP_AT + (<usize>k << 2));
      const h = load<usize>(OP_IN + (<usize>k << 3));
      const w = load<i32>(OP_W + (<usize>k << 2));
      const op = word(prog, a);
      const o = opOut(prog, a, w);
      const out = outputOf(k);
      if (op == OP_DENSE) {
        const wOff = word(prog, a + 3), bOff = word(prog, a + 4);
        // dW (o×w) = gcurᵀ·h ; db = column sums ; gnext (n×w) = gcur·W
        gemm_f64(1, 0, o, w, n, 1.0, gcur, o, h, w, 1.0, grad + (<usize>wOff << 3), w, gw);
        if (bOff >= 0) {
          for (let i = 0; i < n; i++) {
            const row = gcur + ((<usize>i * o) << 3);
            for (let j = 0; j < o; j++) {
              const p = grad + (<usize>(bOff + j) << 3);
              store<f64>(p, load<f64>(p) + load<f64>(row + (<usize>j << 3)));
            }
          }
        }
        if (k > first) gemm_f64(0, 0, n, w, o, 1.0, gcur, o, theta + (<usize>wOff << 3), w, 0.0, gnext, w, gw);
      } else if (op == OP_RELU) {
        const len = n * w;
        if (capList != 0) {
          const count = load<i32>(capList);
          for (let c = 0; c < count; c++) {
            if (load<i32>(capList + (<usize>(1 + 2 * c) << 2)) != k) continue;
            store<f64>(capOut + (<usize>c << 3), load<f64>(gcur + (<usize>load<i32>(capList + (<usize>(2 + 2 * c) << 2)) << 3)));
          }
        }
        if (modesB != 0) {
          const mb = modesB + (<usize>load<i32>(OP_MODE + (<usize>k << 2)) << 3);
          for (let i = 0; i < len; i++) {
            const o8 = <usize>i << 3;
            store<f64>(gnext + o8, load<f64>(mb + o8) * load<f64>(gcur + o8));
          }
        } else {
          for (let i = 0; i < len; i++) {
            const o8 = <usize>i << 3;
            store<f64>(gnext + o8, load<f64>(h + o8) > 0.0 ? load<f64>(gcur + o8) : 0.0);
          }
        }
      } else if (op == OP_SAVE) {
        const sg = slotGrad(k, n, w);
        const len = n * w;
        for (let i = 0; i < len; i++) {
          const o8 = <usize>i << 3;
          store<f64>(gnext + o8, load<f64>(gcur + o8) + load<f64>(sg + o8));
        }
      } else if (op == OP_ADD) {
        const slot = word(prog, a + 1);
        // find the SAVE op of this slot in this branch
        let sk = first;
        for (; sk < k; sk++) {
          const sa = load<i32>(OP_AT + (<usize>sk << 2));
          if (word(prog, sa) == OP_SAVE && word(prog, sa + 1) == slot) break;
        }
        const sg = slotGrad(sk, n, w);
        const len = n * w;
        for (let i = 0; i < len; i++) {
          const o8 = <usize>i << 3;
          const v = load<f64>(gcur + o8);
          store<f64>(sg + o8, load<f64>(sg + o8) + v);
          store<f64>(gnext + o8, v);
        }
      } else if (op == OP_LNORM) {
        // h' = c/‖c‖: dc = (dh' − h'(h'·dh'))/‖c‖, dh = dc − mean(dc)
        for (let i = 0; i < n; i++) {
          const row = (<usize>i * w) << 3;
          lnorm_backward_row(w, h + row, out + row, gcur + row, gnext + row);
        }
      } else if (op >= OP_CONV) {
        layerBackward(prog, a, theta, h, n, w, o, gcur, k > first ? gnext : 0, grad, load<usize>(OP_AUX + (<usize>k << 3)), gw);
      } else if (op == OP_DIAG) {
        // out_i = Σ_c h_ic β_c: dβ_c = Σ_i g_i h_ic ; dθ_cj = dβ_c Π_{l≠j} θ_cl ; dh_ic = g_i β_c
        const beta = load<usize>(OP_AUX + (<usize>k << 3)), dbeta = beta + ((<usize>w) << 3);
        if (w == 3) {
          let d0: f64 = 0.0, d1: f64 = 0.0, d2: f64 = 0.0;
          for (let i = 0; i < n; i++) {
            const gi = load<f64>(gcur + (<usize>i << 3));
            const row = h + ((<usize>i * 3) << 3);
            d0 += gi * load<f64>(row);
            d1 += gi * load<f64>(row, 8);
            d2 += gi * load<f64>(row, 16);
          }
          store<f64>(dbeta, d0);
          store<f64>(dbeta, d1, 8);
          store<f64>(dbeta, d2, 16);
        } else {
          memory.fill(dbeta, 0, <usize>w << 3);
          for (let i = 0; i < n; i++) {
            const gi = load<f64>(gcur + (<usize>i << 3));
            const row = h + ((<usize>i * w) << 3);
            for (let c = 0; c < w; c++) {
              const q = dbeta + (<usize>c << 3);
              store<f64>(q, load<f64>(q) + gi * load<f64>(row + (<usize>c << 3)));
            }
          }
        }
        let off = word(prog, a + 2);
        for (let c = 0; c < w; c++) {
          const D = word(prog, a + 3 + c);
          const db = load<f64>(dbeta + (<usize>c << 3));
          for (let j = 0; j < D; j++) {
            let others: f64 = 1.0;
            for (let l = 0; l < D; l++) if (l != j) others *= th(theta, off + l);
            const p = grad + (<usize>(off + j) << 3);
            store<f64>(p, load<f64>(p) + db * others);
          }
          if (k > first) {
            const bc = load<f64>(beta + (<usize>c << 3));
            for (let i = 0; i < n; i++) store<f64>(gnext + ((<usize>i * w + c) << 3), load<f64>(gcur + (<usize>i << 3)) * bc);
          }
          off += D;
        }
      }
      const t = gcur;
      gcur = gnext;
      gnext = t;
    }
    first += nOps;
  }
}

/** β_c = Π_j θ_cj of the DIAG op at `at` into `beta` (w f64s). */
export function diagBetas(prog: usize, at: i32, theta: usize, w: i32, beta: usize): void {
  let off = word(prog, at + 2);
  for (let c = 0; c < w; c++) {
    const D = word(prog, at + 3 + c);
    let b: f64 = 1.0;
    for (let j = 0; j < D; j++) b *= th(theta, off + j);
    off += D;
    store<f64>(beta + (<usize>c << 3), b);
  }
}

// Per op: scratch of its own in the workspace (DIAG: β, then ∂log/∂β during backward).
const OP_AUX: usize = memory.data(MAX_OPS * 8, 8);

// Output activation of op k in the last forward, and (for SAVE ops) the slot's gradient accumulator after it.
const OP_OUT: usize = memory.data(MAX_OPS * 8, 8);

// @ts-ignore: decorator
@inline function outputOf(k: i32): usize {
  return load<usize>(OP_OUT + (<usize>k << 3));
}

// The last forward's per-op record, for per-sample passes (sample.ts).
/** Input activation (n×w) of op k. */
export function op_input(k: i32): usize {
  return load<usize>(OP_IN + (<usize>k << 3));
}
/** Output activation of op k. */
export function op_output(k: i32): usize {
  return outputOf(k);
}
/** Input width of op k. */
export function op_width(k: i32): i32 {
  return load<i32>(OP_W + (<usize>k << 2));
}
/** Word offset of op k in the program. */
export function op_at(k: i32): i32 {
  return load<i32>(OP_AT + (<usize>k << 2));
}
/** RELU op k: offset of its block in the modes arrays. */
export function op_mode_offset(k: i32): i32 {
  return load<i32>(OP_MODE + (<usize>k << 2));
}
/** out (model_relu_units f64s) ← 1 where the input of a ReLU unit was > 0 in the last forward, else 0. */
export function model_relu_factors(prog: usize, n: i32, out: usize): void {
  const ops = load<i32>(LAST_OPS);
  for (let k = 0; k < ops; k++) {
    if (word(prog, op_at(k)) != OP_RELU) continue;
    const z = op_input(k), off = op_mode_offset(k), len = n * op_width(k);
    for (let j = 0; j < len; j++) store<f64>(out + (<usize>(off + j) << 3), load<f64>(z + (<usize>j << 3)) > 0.0 ? 1.0 : 0.0);
  }
}

/** Output width of op k of the last forward. */
export function model_op_width(prog: usize, k: i32): i32 {
  return opOut(prog, op_at(k), op_width(k));
}

/** Ops run by the last forward. */
export function model_op_count(): i32 {
  return load<i32>(LAST_OPS);
}

/** The current forward modes (0: natural). */
function slotGrad(k: i32, n: i32, w: i32): usize {
  return outputOf(k) + ((<usize>n * w) << 3);
}

/** The layer-norm forward of one row (width w): dst = c/‖c‖, c = src − mean(src) (dst may be src). */
export function lnorm_forward_row(w: i32, src: usize, dst: usize): void {
  let mean: f64 = 0.0;
  for (let j = 0; j < w; j++) mean += load<f64>(src + (<usize>j << 3));
  mean /= <f64>w;
  let ss: f64 = 0.0;
  for (let j = 0; j < w; j++) {
    const c = load<f64>(src + (<usize>j << 3)) - mean;
    store<f64>(dst + (<usize>j << 3), c);
    ss += c * c;
  }
  const inv = ss > 0.0 ? 1.0 / Math.sqrt(ss) : 0.0;
  for (let j = 0; j < w; j++) store<f64>(dst + (<usize>j << 3), load<f64>(dst + (<usize>j << 3)) * inv);
}

/** The layer-norm backward of one row (width w): from the pre-norm activations `src`, the normalized `hp` and the
 *  cotangent `gi`, the cotangent `go` of `src` — h' = c/‖c‖, c = src − mean: dc = (gi − h'(h'·gi))/‖c‖, go = dc − mean(dc). */
export function lnorm_backward_row(w: i32, src: usize, hp: usize, gi: usize, go: usize): void {
  let mean: f64 = 0.0;
  for (let j = 0; j < w; j++) mean += load<f64>(src + (<usize>j << 3));
  mean /= <f64>w;
  let ss: f64 = 0.0, dot: f64 = 0.0;
  for (let j = 0; j < w; j++) {
    const c = load<f64>(src + (<usize>j << 3)) - mean;
    ss += c * c;
    dot += load<f64>(hp + (<usize>j << 3)) * load<f64>(gi + (<usize>j << 3));
  }
  const inv = ss > 0.0 ? 1.0 / Math.sqrt(ss) : 0.0;
  let mdc: f64 = 0.0;
  for (let j = 0; j < w; j++) {
    const dc = (load<f64>(gi + (<usize>j << 3)) - load<f64>(hp + (<usize>j << 3)) * dot) * inv;
    store<f64>(go + (<usize>j << 3), dc);
    mdc += dc;
  }
  mdc /= <f64>w;
  for (let j = 0; j < w; j++) store<f64>(go + (<usize>j << 3), load<f64>(go + (<usize>j << 3)) - mdc);
}
