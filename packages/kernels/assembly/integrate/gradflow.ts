// Gradient flow of a model's training loss as right-hand sides for the integrators, in two clocks:
//   ordinary time t         y = (θ, s):      dθ/dt = −∇L = −L·∇log L,   ds/dt = L
//   terminal-phase time σ   y = (θ, log t):  dθ/dσ = −e^σ·∇log L,       d log t/dσ = e^{σ − log L − log t}
// where s = ∫L dt is the loss-normalized time and σ = log s. Both trace the same trajectory θ; the second
// never forms L (only log L and the softmax-weighted gradient), so it runs where L is far below the double
// range and t far beyond it (t is carried as log t).
import { model_backward, model_forward } from "../models/program";
import { loss_eval, min_margin, LAST_BINARY_QMIN, LOSS_EXP } from "../losses";

// Problem block (f64 slots; pointers and counts stored as f64).
export const GF_PROG: i32 = 0;
export const GF_M: i32 = 1; // parameters
export const GF_X: i32 = 2;
export const GF_LABELS: i32 = 3;
export const GF_N: i32 = 4;
export const GF_LOSS: i32 = 5;
export const GF_WORK: i32 = 6; // model workspace
export const GF_F: i32 = 7; // n×C outputs
export const GF_G: i32 = 8; // n×C ∂log L/∂f
export const GF_Z: i32 = 9; // n scratch
export const GF_LOGL: i32 = 10; // out: log L at the last evaluation
export const GF_QMIN: i32 = 11; // out: min margin at the last evaluation
export const GF_LAST: i32 = 12; // m f64s: the θ of the last evaluation (a cache key), or 0 for no cache
export const GF_VALID: i32 = 13; // 1 when GF_LAST/GF_LOGL/GF_QMIN/G describe the same evaluation
export const GF_BLOCK_LEN: i32 = 14;

// @ts-ignore: decorator
@inline function slot(p: usize, k: i32): f64 {
  return load<f64>(p + (<usize>k << 3));
}
// @ts-ignore: decorator
@inline function ptr(p: usize, k: i32): usize {
  return <usize>load<f64>(p + (<usize>k << 3));
}

/**
 * Forward + loss at θ: returns log L, leaves ∂log L/∂f in the G buffer and q_min in the block. When θ equals
 * the last evaluated θ (an event at the point the stepper just evaluated), the cached values are returned.
 */
export function gf_loss(p: usize, theta: usize): f64 {
  const m = <i32>slot(p, GF_M);
  const last = ptr(p, GF_LAST);
  if (last != 0 && slot(p, GF_VALID) == 1.0 && memory.compare(last, theta, <usize>m << 3) == 0) return slot(p, GF_LOGL);
  const prog = ptr(p, GF_PROG);
  const n = <i32>slot(p, GF_N);
  const C = load<i32>(prog);
  model_forward(prog, theta, ptr(p, GF_X), n, ptr(p, GF_F), ptr(p, GF_WORK));
  const kind = <i32>slot(p, GF_LOSS);
  const logL = loss_eval(kind, n, C, ptr(p, GF_F), ptr(p, GF_LABELS), ptr(p, GF_G), ptr(p, GF_Z));
  store<f64>(p + (<usize>GF_LOGL << 3), logL);
  const qmin = C == 1 && kind == LOSS_EXP ? LAST_BINARY_QMIN : min_margin(n, C, ptr(p, GF_F), ptr(p, GF_LABELS));
  store<f64>(p + (<usize>GF_QMIN << 3), qmin);
  if (last != 0) {
    memory.copy(last, theta, <usize>m << 3);
    store<f64>(p + (<usize>GF_VALID << 3), 1.0);
  }
  return logL;
}

/** grad ← ∇θ log L at θ (m f64s); returns log L. */
export function gf_grad_log_loss(p: usize, theta: usize, grad: usize): f64 {
  const logL = gf_loss(p, theta);
  model_backward(ptr(p, GF_PROG), theta, <i32>slot(p, GF_N), ptr(p, GF_G), grad, <i32>slot(p, GF_M), ptr(p, GF_WORK));
  return logL;
}

/** dy ← the flow in ordinary time; y = (θ, s). */
export function gf_rhs_time(p: usize, y: usize, dy: usize): void {
  const m = <i32>slot(p, GF_M);
  const logL = gf_grad_log_loss(p, y, dy);
  const L = Math.exp(logL);
  for (let i = 0; i < m; i++) store<f64>(dy + (<usize>i << 3), -L * load<f64>(dy + (<usize>i << 3)));
  store<f64>(dy + (<usize>m << 3), L);
}

/** dy ← the flow in σ = log s; y = (θ, log t). */
export function gf_rhs_logs(p: usize, sigma: f64, y: usize, dy: usize): void {
  const m = <i32>slot(p, GF_M);
  const logL = gf_grad_log_loss(p, y, dy);
  const es = Math.exp(sigma);
  for (let i = 0; i < m; i++) store<f64>(dy + (<usize>i << 3), -es * load<f64>(dy + (<usize>i << 3)));
  store<f64>(dy + (<usize>m << 3), Math.exp(sigma - logL - load<f64>(y + (<usize>m << 3))));
}
