// Per-sample passes through a model program, for the kinks of ReLU networks (rhs/kinks.ts): the pre-activation z of
// one (ReLU op, sample, unit) at any θ — a forward of one row, no batch state touched — and its normal ∇θ z from the
// batch activations the last model_forward left in the workspace. O(m) each, against O(n·m) for a batch pass.
import {
  word, opLen, opOut, op_input, op_output, op_width, op_at, op_mode_offset, OP_DENSE, OP_RELU, OP_SAVE, OP_ADD, OP_LNORM,
  lnorm_backward_row, lnorm_forward_row,
} from "./program";

const MAX_SLOTS: i32 = 16;

/** Widest activation of the program (inputs included). */
export function program_max_width(prog: usize): i32 {
  const nb = word(prog, 1), dIn = word(prog, 2);
  let at = 3, maxW = max<i32>(dIn, word(prog, 0));
  for (let b = 0; b < nb; b++) {
    const nOps = word(prog, at++);
    let w = dIn;
    for (let k = 0; k < nOps; k++) {
      const o = opOut(prog, at, w);
      maxW = max<i32>(maxW, o);
      at += opLen(prog, at);
      w = o;
    }
  }
  return maxW;
}


/** The branch holding op `target` (global op index): its first op index and word offset (module results). */
let brFirst: i32 = 0;
let brAt: i32 = 0;
let brModeOff: i32 = 0; // modes offset at the branch's first op (per-sample forward computes its own offsets)
function findBranch(prog: usize, n: i32, target: i32): bool {
  const nb = word(prog, 1), dIn = word(prog, 2);
  let at = 3, first = 0, modeOff = 0;
  for (let b = 0; b < nb; b++) {
    const nOps = word(prog, at++);
    if (target >= first && target < first + nOps) {
      brFirst = first; brAt = at; brModeOff = modeOff;
      return true;
    }
    let w = dIn;
    for (let k = 0; k < nOps; k++) {
      if (word(prog, at) == OP_RELU) modeOff += n * w;
      const o = opOut(prog, at, w);
      at += opLen(prog, at);
      w = o;
    }
    first += nOps;
  }
  return false;
}

// @ts-ignore: decorator
@inline function th(theta: usize, i: i32): f64 {
  return load<f64>(theta + (<usize>i << 3));
}

/**
 * z = the input of ReLU op `relu` (global op index, preceded by its DENSE) for sample i, unit k, at θ: a forward of
 * the row x (dIn f64s) through the branch up to that op, the earlier ReLUs taking their forward factors from
 * `modes` (0: natural). n is the batch size of the modes layout. NaN if the op is not a ReLU after a DENSE.
 */
export function sample_preact(prog: usize, theta: usize, x: usize, i: i32, n: i32, relu: i32, k: i32, modes: usize, buf: usize): f64 {
  if (!findBranch(prog, n, relu)) return NaN;
  const maxW = program_max_width(prog);
  const wb = <usize>maxW << 3;
  let h = buf, g = buf + wb;
  const slots = buf + 2 * wb;
  let w = word(prog, 2);
  memory.copy(h, x, <usize>w << 3);
  let at = brAt, modeOff = brModeOff;
  for (let q = brFirst; q < relu; q++) {
    const op = word(prog, at);
    const o = opOut(prog, at, w);
    if (op == OP_DENSE) {
      const wOff = word(prog, at + 3), bOff = word(prog, at + 4);
      const last = q == relu - 1;
      const rBegin = last ? k : 0, rEnd = last ? k + 1 : o;
      for (let r = rBegin; r < rEnd; r++) {
        let s: f64 = bOff >= 0 ? th(theta, bOff + r) : 0.0;
        const row = wOff + r * w;
        for (let j = 0; j < w; j++) s += th(theta, row + j) * load<f64>(h + (<usize>j << 3));
        if (last) return s;
        store<f64>(g + (<usize>r << 3), s);
      }
      const tmp = h; h = g; g = tmp;
    } else if (op == OP_RELU) {
      const mf = modes + (<usize>(modeOff + i * w) << 3);
      for (let j = 0; j < w; j++) {
        const v = load<f64>(h + (<usize>j << 3));
        store<f64>(h + (<usize>j << 3), (modes != 0 ? load<f64>(mf + (<usize>j << 3)) > 0.5 : v > 0.0) ? v : 0.0);
      }
      modeOff += n * w;
    } else if (op == OP_SAVE) {
      memory.copy(slots + <usize>(word(prog, at + 1) % MAX_SLOTS) * wb, h, <usize>w << 3);
    } else if (op == OP_ADD) {
      const s = slots + <usize>(word(prog, at + 1) % MAX_SLOTS) * wb;
      for (let j = 0; j < w; j++) store<f64>(h + (<usize>j << 3), load<f64>(h + (<usize>j << 3)) + load<f64>(s + (<usize>j << 3)));
    } else if (op == OP_LNORM) {
      lnorm_forward_row(w, h, h);
    } else return NaN; // DIAG: no ReLU follows it in the zoo
    at += opLen(prog, at);
    w = o;
  }
  return NaN;
}

/**
 * grad (m f64s) ← ∇θ z for the input z of ReLU op `relu` (sample i, unit k), from the activations of the last
 * model_forward (batch of n rows) — the normal of the kink surface z = 0. Earlier ReLUs pass or block by the forward
 * factors in `modes` (0: the sign of their input). Returns false if the op is not a ReLU after a DENSE.
 */
export function sample_normal(prog: usize, theta: usize, i: i32, n: i32, relu: i32, k: i32, modes: usize, grad: usize, m: i32, buf: usize): bool {
  if (!findBranch(prog, n, relu) || relu == brFirst) return false;
  const seed = buf + (<usize>(2 + MAX_SLOTS) * (<usize>program_max_width(prog) << 3));
  const o = opOut(prog, op_at(relu - 1), op_width(relu - 1));
  memory.fill(seed, 0, <usize>o << 3);
  store<f64>(seed + (<usize>k << 3), 1.0);
  memory.fill(grad, 0, <usize>m << 3);
  return backwardFrom(prog, theta, i, relu - 1, seed, modes, false, grad, buf);
}

/**
 * grad (m f64s) ← ∇θ Σ_c c_c f_c(x_i; θ) for sample i of the last model_forward (n rows): a one-row backward through
 * every branch from its last op (a DENSE) with the output cotangent c (C f64s). ReLUs take their backward factors σ
 * from `factors` (0: the sign of their input) — at a kink, the factor selects the element of Clarke's subdifferential
 * (a sliding unit's weight). Returns false if a branch does not end in a DENSE or holds a DIAG op.
 */
export function sample_output_gradient(prog: usize, theta: usize, i: i32, n: i32, c: usize, factors: usize, grad: usize, m: i32, buf: usize): bool {
  memory.fill(grad, 0, <usize>m << 3);
  const nb = word(prog, 1);
  let at = 3, first = 0;
  for (let b = 0; b < nb; b++) {
    const nOps = word(prog, at++);
    for (let k = 0; k < nOps; k++) at += opLen(prog, at);
    const last = first + nOps - 1;
    if (!findBranch(prog, n, last) || word(prog, op_at(last)) != OP_DENSE) return false;
    if (!backwardFrom(prog, theta, i, last, c, factors, true, grad, buf)) return false;
    first += nOps;
  }
  return true;
}

/** f64s of scratch the per-sample passes need (with the seed vector of sample_normal). */
export function sample_scratch_len(prog: usize): i32 {
  return (3 + MAX_SLOTS) * program_max_width(prog);
}

/** One sample's dense-layer backward from the output cotangent g (o entries) and the layer input hin (w entries):
 *  grad[W] += g·hinᵀ and grad[b] += g (rows with g_r = 0 skipped when skipZero), then gout = Wᵀg (gout ≠ 0). */
function denseRowBackward(theta: usize, grad: usize, wOff: i32, bOff: i32, o: i32, w: i32, g: usize, hin: usize, gout: usize, skipZero: bool): void {
  for (let r = 0; r < o; r++) {
    const gr = load<f64>(g + (<usize>r << 3));
    if (skipZero && gr == 0.0) continue;
    if (bOff >= 0) {
      const pb = grad + (<usize>(bOff + r) << 3);
      store<f64>(pb, load<f64>(pb) + gr);
    }
    for (let j = 0; j < w; j++) {
      const pw = grad + (<usize>(wOff + r * w + j) << 3);
      store<f64>(pw, load<f64>(pw) + gr * load<f64>(hin + (<usize>j << 3)));
    }
  }
  if (gout == 0) return;
  for (let j = 0; j < w; j++) {
    let s: f64 = 0.0;
    for (let r = 0; r < o; r++) s += load<f64>(g + (<usize>r << 3)) * th(theta, wOff + r * w + j);
    store<f64>(gout + (<usize>j << 3), s);
  }
}

/**
 * grad += ∇θ (seedᵀ·out_dense) for sample i, from DENSE op `dense` down to the start of its branch (found by
 * findBranch), with the batch activations of the last forward. ReLU factors: `modes` read as pass/block (real =
 * false) or as real multipliers (real = true); 0: the sign of the input.
 */
function backwardFrom(prog: usize, theta: usize, i: i32, dense: i32, seed: usize, modes: usize, real: bool, grad: usize, buf: usize): bool {
  const maxW = program_max_width(prog);
  const wb = <usize>maxW << 3;
  let gcur = buf, gnext = buf + wb;
  const slots = buf + 2 * wb;
  memory.fill(slots, 0, <usize>MAX_SLOTS * wb);
  {
    const a = op_at(dense), w = op_width(dense);
    denseRowBackward(theta, grad, word(prog, a + 3), word(prog, a + 4), opOut(prog, a, w), w, seed, op_input(dense) + (<usize>(i * w) << 3), gcur, true);
  }
  for (let q = dense - 1; q >= brFirst; q--) {
    const a = op_at(q), w = op_width(q);
    const op = word(prog, a);
    const o = opOut(prog, a, w);
    if (op == OP_DENSE) {
      denseRowBackward(theta, grad, word(prog, a + 3), word(prog, a + 4), o, w, gcur, op_input(q) + (<usize>(i * w) << 3), q > brFirst ? gnext : 0, false);
    } else if (op == OP_RELU) {
      const z = op_input(q) + (<usize>(i * w) << 3);
      const mf = modes + (<usize>(op_mode_offset(q) + i * w) << 3);
      for (let j = 0; j < w; j++) {
        let fac: f64;
        if (modes == 0) fac = load<f64>(z + (<usize>j << 3)) > 0.0 ? 1.0 : 0.0;
        else if (real) fac = load<f64>(mf + (<usize>j << 3));
        else fac = load<f64>(mf + (<usize>j << 3)) > 0.5 ? 1.0 : 0.0;
        store<f64>(gnext + (<usize>j << 3), fac * load<f64>(gcur + (<usize>j << 3)));
      }
    } else if (op == OP_SAVE) {
      const s = slots + <usize>(word(prog, a + 1) % MAX_SLOTS) * wb;
      for (let j = 0; j < w; j++) store<f64>(gnext + (<usize>j << 3), load<f64>(gcur + (<usize>j << 3)) + load<f64>(s + (<usize>j << 3)));
    } else if (op == OP_ADD) {
      const s = slots + <usize>(word(prog, a + 1) % MAX_SLOTS) * wb;
      for (let j = 0; j < w; j++) {
        const v = load<f64>(gcur + (<usize>j << 3));
        store<f64>(s + (<usize>j << 3), load<f64>(s + (<usize>j << 3)) + v);
        store<f64>(gnext + (<usize>j << 3), v);
      }
    } else if (op == OP_LNORM) {
      lnorm_backward_row(w, op_input(q) + (<usize>(i * w) << 3), op_output(q) + (<usize>(i * w) << 3), gcur, gnext);
    } else return false;
    const tmp = gcur; gcur = gnext; gnext = tmp;
  }
  return true;
}
