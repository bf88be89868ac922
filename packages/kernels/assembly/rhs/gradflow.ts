// Gradient flow of a model's training loss as right-hand sides for the integrators, in two clocks:
//   ordinary time t         y = (θ, s):      dθ/dt = −∇L = −L·∇log L,   ds/dt = L
//   terminal-phase time σ   y = (θ, log t):  dθ/dσ = −e^σ·∇log L,       d log t/dσ = e^{σ − log L − log t}
// where s = ∫L dt is the loss-normalized time and σ = log s. Both trace the same trajectory θ; the second
// never forms L (only log L and the softmax-weighted gradient), so it runs where L is far below the double
// range and t far beyond it (t is carried as log t).
import { diagBetas, model_backward, model_forward, OP_DIAG, word as pword } from "../models/program";
import { loss_eval, min_margin, LAST_BINARY_QMIN, LOSS_EXP } from "../losses";
import { linexp_cache_len, linexp_cache_reset, linexp_loss, linexp_moments, linexp_prepare, linexp_weights } from "./linexp";
import { kinks_bind, kinks_direction, KK_ENABLED } from "./kinks";
import { model_set_modes } from "../models/program";

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
export const GF_VALID: i32 = 13; // 1 when GF_LAST/GF_LOGL/GF_QMIN/G (or the linear-exp buffers) describe the same evaluation
// Linear models with the binary exponential loss (gf_linear_exp): the β-space path of linexp.ts, when the host
// allocated its buffers (0: the generic program + loss path); the weights e_i live in linexp's evaluation cache.
export const GF_A: i32 = 14; // d×n label-folded columns A_c = y ⊙ X_c (gf_prepare_linear fills them)
export const GF_LIN: i32 = 15; // gf_linear_scratch_len(d, n) f64s: β, ∂log L/∂β, [s, q_min], M (d×d), linexp's cache
// ReLU networks followed through their kinks (kinks.ts, filippov.ts): the kink block, or 0 for the natural ReLU.
export const GF_KINKS: i32 = 16;
// Weight decay λ of the flow in ordinary time: θ' = −∇L − λθ (0: none; the terminal-phase clock has none).
export const GF_DECAY: i32 = 17;
export const GF_BLOCK_LEN: i32 = 18;

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
  const A = ptr(p, GF_A);
  let logL: f64, qmin: f64;
  if (A != 0) {
    const d = pword(prog, 2), lin = ptr(p, GF_LIN);
    diagBetas(prog, 4, theta, d, lin); // the single DIAG op sits at word 4
    logL = linexp_loss(n, d, A, lin, linCache(lin, d), lin + (<usize>d << 3), lin + (<usize>(2 * d) << 3));
    qmin = load<f64>(lin + (<usize>(2 * d + 1) << 3));
  } else {
    kinks_bind(ptr(p, GF_KINKS));
    model_forward(prog, theta, ptr(p, GF_X), n, ptr(p, GF_F), ptr(p, GF_WORK));
    model_set_modes(0, 0, 0, 0);
    const kind = <i32>slot(p, GF_LOSS);
    logL = loss_eval(kind, n, C, ptr(p, GF_F), ptr(p, GF_LABELS), ptr(p, GF_G), ptr(p, GF_Z));
    qmin = C == 1 && kind == LOSS_EXP ? LAST_BINARY_QMIN : min_margin(n, C, ptr(p, GF_F), ptr(p, GF_LABELS));
  }
  store<f64>(p + (<usize>GF_LOGL << 3), logL);
  store<f64>(p + (<usize>GF_QMIN << 3), qmin);
  if (last != 0) {
    memory.copy(last, theta, <usize>m << 3);
    store<f64>(p + (<usize>GF_VALID << 3), 1.0);
  }
  return logL;
}

/** grad ← ∇θ log L at θ (m f64s); returns log L. With kinks: the Filippov field's (kinks.ts), sliding units held
 *  on their surfaces. */
export function gf_grad_log_loss(p: usize, theta: usize, grad: usize): f64 {
  return gradLogLoss(p, theta, grad, false);
}

/** As gf_grad_log_loss; `decay`: the sliding condition includes the weight decay of the ordinary-time flow. */
function gradLogLoss(p: usize, theta: usize, grad: usize, decay: bool): f64 {
  const logL = gf_loss(p, theta);
  const prog = ptr(p, GF_PROG), m = <i32>slot(p, GF_M);
  if (ptr(p, GF_A) == 0) {
    const kb = ptr(p, GF_KINKS);
    if (kb != 0 && load<f64>(kb + (<usize>KK_ENABLED << 3)) != 0.0) {
      const kappa = decay ? slot(p, GF_DECAY) * Math.exp(-logL) : 0.0;
      kinks_direction(kb, prog, theta, <i32>slot(p, GF_N), m, ptr(p, GF_G), grad, ptr(p, GF_WORK), kappa);
      model_set_modes(0, 0, 0, 0);
    } else model_backward(prog, theta, <i32>slot(p, GF_N), ptr(p, GF_G), grad, m, ptr(p, GF_WORK));
    return logL;
  }
  // β-space: ∂log L/∂θ_cj = ∂log L/∂β_c · Π_{l≠j} θ_cl
  const d = pword(prog, 2), gb = ptr(p, GF_LIN) + (<usize>d << 3);
  memory.fill(grad, 0, <usize>m << 3);
  let off = pword(prog, 6);
  for (let c = 0; c < d; c++) {
    const D = pword(prog, 7 + c), g = load<f64>(gb + (<usize>c << 3));
    for (let j = 0; j < D; j++) store<f64>(grad + (<usize>(off + j) << 3), g * partialProduct(theta, off, D, j, -1));
    off += D;
  }
  return logL;
}

/** The model's outputs f (n×C) at θ into the F buffer (the linear-exp path skips them). */
export function gf_outputs(p: usize, theta: usize): void {
  model_forward(ptr(p, GF_PROG), theta, ptr(p, GF_X), <i32>slot(p, GF_N), ptr(p, GF_F), ptr(p, GF_WORK));
}

/** Whether the problem is a linear model (one branch, one DIAG op, one output) with the binary exponential loss:
 *  then the host may allocate GF_A (n·d f64s) and GF_LIN (gf_linear_scratch_len) and call gf_prepare_linear. */
export function gf_linear_exp(p: usize): bool {
  const prog = ptr(p, GF_PROG);
  const d = pword(prog, 2);
  return <i32>slot(p, GF_LOSS) == LOSS_EXP && pword(prog, 0) == 1 && pword(prog, 1) == 1 && pword(prog, 3) == 1 &&
    pword(prog, 4) == OP_DIAG && pword(prog, 5) == d;
}

/** f64s of the GF_LIN scratch for input dimension d and n samples. */
export function gf_linear_scratch_len(d: i32, n: i32): i32 {
  return 2 * d + 2 + d * d + linexp_cache_len(n, d);
}

// @ts-ignore: decorator
@inline function linCache(lin: usize, d: i32): usize {
  return lin + (<usize>(2 * d + 2 + d * d) << 3);
}

/** Fills GF_A from the bound X and labels (after binding, and after every change of the rows). */
export function gf_prepare_linear(p: usize): void {
  const n = <i32>slot(p, GF_N), d = pword(ptr(p, GF_PROG), 2);
  linexp_prepare(n, d, ptr(p, GF_X), ptr(p, GF_LABELS), ptr(p, GF_A));
  linexp_cache_reset(n, d, ptr(p, GF_A), linCache(ptr(p, GF_LIN), d));
  store<f64>(p + (<usize>GF_VALID << 3), 0.0);
}

/** dy ← the flow in ordinary time; y = (θ, s): θ' = −L·∇log L − λθ, s' = L. */
export function gf_rhs_time(p: usize, y: usize, dy: usize): void {
  const m = <i32>slot(p, GF_M);
  const lambda = slot(p, GF_DECAY);
  const logL = gradLogLoss(p, y, dy, lambda != 0.0);
  const L = Math.exp(logL);
  if (lambda != 0.0) {
    for (let i = 0; i < m; i++) store<f64>(dy + (<usize>i << 3), -L * load<f64>(dy + (<usize>i << 3)) - lambda * load<f64>(y + (<usize>i << 3)));
  } else {
    for (let i = 0; i < m; i++) store<f64>(dy + (<usize>i << 3), -L * load<f64>(dy + (<usize>i << 3)));
  }
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

// ---- the analytic Jacobian of the terminal-phase flow for linear models with the exponential loss ----
// f(x; θ) = β·x, β_c = Π_j θ_cj (the linear-exp path). With p_i = e_i/s (softmax weights, Σp = 1), a_i = y_i x_i
// and v = ∂log L/∂β = −Σ p_i a_i, the Hessian of log L in β is H_β = Σ p_i a_i a_iᵀ − v vᵀ, and in θ:
// H = J_βᵀ H_β J_β + Σ_c v_c ∇²β_c. The flow y = (θ, log t), dθ/dσ = −e^σ ∇log L,
// d log t/dσ = u = e^{σ − log L − log t} has  ∂θ'/∂θ = −e^σ H,  ∂θ'/∂log t = 0,  ∂u/∂θ = −u ∇log L,  ∂u/∂log t = −u.
// One pass over the samples (the second moments of the weights the evaluation left in Z) instead of m + 1 of them.

/** True when gf_jacobian_logs applies to this problem block (the linear-exp path is bound). */
export function gf_has_analytic_jacobian(p: usize): bool {
  return ptr(p, GF_A) != 0 && gf_linear_exp(p);
}

/** J (n×n, n = m + 1, row-major) ← ∂(dy/dσ)/∂y at (σ, y) for RHS_GF_LOGS; requires gf_has_analytic_jacobian. */
export function gf_jacobian_logs(p: usize, sigma: f64, y: usize, J: usize): void {
  const prog = ptr(p, GF_PROG);
  const m = <i32>slot(p, GF_M), n = <i32>slot(p, GF_N), d = pword(prog, 2), off0 = pword(prog, 6);
  const N = m + 1;
  const logL = gf_loss(p, y); // the weights e_i (stored results when f(σ, y) was just evaluated)
  const lin = ptr(p, GF_LIN);
  const V = lin + (<usize>d << 3), M = lin + (<usize>(2 * d + 2) << 3);
  linexp_moments(n, d, ptr(p, GF_A), linexp_weights(n, d, linCache(lin, d)), load<f64>(lin + (<usize>(2 * d) << 3)), M);
  for (let a = 0; a < d; a++) {
    const va = load<f64>(V + (<usize>a << 3));
    for (let b = 0; b <= a; b++) {
      const h = load<f64>(M + (<usize>(a * d + b) << 3)) - va * load<f64>(V + (<usize>b << 3));
      store<f64>(M + (<usize>(a * d + b) << 3), h);
      store<f64>(M + (<usize>(b * d + a) << 3), h);
    }
  }
  const es = Math.exp(sigma);
  const u = Math.exp(sigma - logL - load<f64>(y + (<usize>m << 3)));
  memory.fill(J, 0, <usize>(N * N) << 3);
  // rows/cols over θ: coordinate blocks
  let oa = off0;
  for (let a = 0; a < d; a++) {
    const Da = pword(prog, 7 + a);
    let ob = off0;
    for (let b = 0; b < d; b++) {
      const Db = pword(prog, 7 + b);
      const hab = load<f64>(M + (<usize>(a * d + b) << 3));
      for (let j = 0; j < Da; j++) {
        const ja = partialProduct(y, oa, Da, j, -1);
        for (let k = 0; k < Db; k++) {
          let h = ja * hab * partialProduct(y, ob, Db, k, -1);
          if (a == b && j != k) h += load<f64>(V + (<usize>a << 3)) * partialProduct(y, oa, Da, j, k);
          store<f64>(J + (<usize>((oa + j) * N + ob + k) << 3), -es * h);
        }
      }
      ob += Db;
    }
    // ∇θ log L on this block, for the log t row
    const va = load<f64>(V + (<usize>a << 3));
    for (let j = 0; j < Da; j++) store<f64>(J + (<usize>(m * N + oa + j) << 3), -u * va * partialProduct(y, oa, Da, j, -1));
    oa += Da;
  }
  store<f64>(J + (<usize>(m * N + m) << 3), -u);
}

/** Π_{l ∉ {j, k}} θ[off + l] over l < D (k = −1: only j excluded). */
function partialProduct(theta: usize, off: i32, D: i32, j: i32, k: i32): f64 {
  let r: f64 = 1.0;
  for (let l = 0; l < D; l++) if (l != j && l != k) r *= load<f64>(theta + (<usize>(off + l) << 3));
  return r;
}
