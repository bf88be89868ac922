// Gradient flow of a model's training loss as right-hand sides for the integrators, in two clocks:
//   ordinary time t         y = (θ, s):      dθ/dt = −∇L = −L·∇log L,   ds/dt = L
//   terminal-phase time σ   y = (θ, log t):  dθ/dσ = −e^σ·∇log L,       d log t/dσ = e^{σ − log L − log t}
// where s = ∫L dt is the loss-normalized time and σ = log s. Both trace the same trajectory θ; the second
// never forms L (only log L and the softmax-weighted gradient), so it runs where L is far below the double
// range and t far beyond it (t is carried as log t).
import { model_backward, model_forward, OP_DIAG, word as pword } from "../models/program";
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

// ---- the analytic Jacobian of the terminal-phase flow for unbalanced diagonal networks with the exponential loss ----
// f(x; θ) = β·x, β_c = Π_j θ_cj (one branch, one DIAG op, one output). With g = ∂log L/∂f, p_i = −y_i g_i ≥ 0
// (softmax weights, Σp = 1) and v = ∂log L/∂β = Σ g_i x_i, the Hessian of log L in β is H_β = Σ p_i x_i x_iᵀ − v vᵀ,
// and in θ: H = J_βᵀ H_β J_β + Σ_c v_c ∇²β_c. The flow y = (θ, log t), dθ/dσ = −e^σ ∇log L,
// d log t/dσ = u = e^{σ − log L − log t} has  ∂θ'/∂θ = −e^σ H,  ∂θ'/∂log t = 0,  ∂u/∂θ = −u ∇log L,  ∂u/∂log t = −u.
// One pass over the samples (the cost of about one right-hand side) instead of m + 1 of them.

const JAC_MAX_D: i32 = 64;
const JAC_M: usize = memory.data(JAC_MAX_D * JAC_MAX_D * 8, 8); // H_β
const JAC_V: usize = memory.data(JAC_MAX_D * 8, 8); // v
const JAC_B: usize = memory.data(JAC_MAX_D * 8, 8); // β

/** True when gf_jacobian_logs applies to this problem block. */
export function gf_has_analytic_jacobian(p: usize): bool {
  const prog = ptr(p, GF_PROG);
  const d = pword(prog, 2);
  return <i32>slot(p, GF_LOSS) == LOSS_EXP && pword(prog, 0) == 1 && pword(prog, 1) == 1 && pword(prog, 3) == 1 &&
    pword(prog, 4) == OP_DIAG && pword(prog, 5) == d && d <= JAC_MAX_D;
}

/** J (n×n, n = m + 1, row-major) ← ∂(dy/dσ)/∂y at (σ, y) for RHS_GF_LOGS; requires gf_has_analytic_jacobian. */
export function gf_jacobian_logs(p: usize, sigma: f64, y: usize, J: usize): void {
  const prog = ptr(p, GF_PROG);
  const m = <i32>slot(p, GF_M), n = <i32>slot(p, GF_N), d = pword(prog, 2), off0 = pword(prog, 6);
  const N = m + 1;
  const logL = gf_loss(p, y); // fills G (cached when f(σ, y) was just evaluated)
  const x = ptr(p, GF_X), lab = ptr(p, GF_LABELS), g = ptr(p, GF_G);
  memory.fill(JAC_M, 0, <usize>(d * d) << 3);
  memory.fill(JAC_V, 0, <usize>d << 3);
  if (d == 3) {
    // the Fig. 4 shape: nine accumulators in registers
    let v0: f64 = 0.0, v1: f64 = 0.0, v2: f64 = 0.0, m00: f64 = 0.0, m10: f64 = 0.0, m11: f64 = 0.0, m20: f64 = 0.0, m21: f64 = 0.0, m22: f64 = 0.0;
    for (let i = 0; i < n; i++) {
      const gi = load<f64>(g + (<usize>i << 3));
      const pi = -load<f64>(lab + (<usize>i << 3)) * gi;
      const row = x + ((<usize>i * 3) << 3);
      const x0 = load<f64>(row), x1 = load<f64>(row, 8), x2 = load<f64>(row, 16);
      v0 += gi * x0; v1 += gi * x1; v2 += gi * x2;
      const p0 = pi * x0, p1 = pi * x1;
      m00 += p0 * x0; m10 += p1 * x0; m11 += p1 * x1;
      const p2 = pi * x2;
      m20 += p2 * x0; m21 += p2 * x1; m22 += p2 * x2;
    }
    store<f64>(JAC_V, v0); store<f64>(JAC_V, v1, 8); store<f64>(JAC_V, v2, 16);
    store<f64>(JAC_M, m00); store<f64>(JAC_M + 24, m10); store<f64>(JAC_M + 32, m11);
    store<f64>(JAC_M + 48, m20); store<f64>(JAC_M + 56, m21); store<f64>(JAC_M + 64, m22);
  } else for (let i = 0; i < n; i++) {
    const gi = load<f64>(g + (<usize>i << 3));
    const pi = -load<f64>(lab + (<usize>i << 3)) * gi;
    const row = x + ((<usize>i * d) << 3);
    for (let a = 0; a < d; a++) {
      const xa = load<f64>(row + (<usize>a << 3));
      store<f64>(JAC_V + (<usize>a << 3), load<f64>(JAC_V + (<usize>a << 3)) + gi * xa);
      const pxa = pi * xa;
      for (let b = 0; b <= a; b++) {
        const q = JAC_M + (<usize>(a * d + b) << 3);
        store<f64>(q, load<f64>(q) + pxa * load<f64>(row + (<usize>b << 3)));
      }
    }
  }
  for (let a = 0; a < d; a++) {
    const va = load<f64>(JAC_V + (<usize>a << 3));
    for (let b = 0; b <= a; b++) {
      const h = load<f64>(JAC_M + (<usize>(a * d + b) << 3)) - va * load<f64>(JAC_V + (<usize>b << 3));
      store<f64>(JAC_M + (<usize>(a * d + b) << 3), h);
      store<f64>(JAC_M + (<usize>(b * d + a) << 3), h);
    }
  }
  // β_c and the offsets of each coordinate's factors
  let off = off0;
  for (let c = 0; c < d; c++) {
    const D = pword(prog, 7 + c);
    let b: f64 = 1.0;
    for (let j = 0; j < D; j++) b *= load<f64>(y + (<usize>(off + j) << 3));
    store<f64>(JAC_B + (<usize>c << 3), b);
    off += D;
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
      const hab = load<f64>(JAC_M + (<usize>(a * d + b) << 3));
      for (let j = 0; j < Da; j++) {
        const ja = partialProduct(y, oa, Da, j, -1);
        for (let k = 0; k < Db; k++) {
          let h = ja * hab * partialProduct(y, ob, Db, k, -1);
          if (a == b && j != k) h += load<f64>(JAC_V + (<usize>a << 3)) * partialProduct(y, oa, Da, j, k);
          store<f64>(J + (<usize>((oa + j) * N + ob + k) << 3), -es * h);
        }
      }
      ob += Db;
    }
    // ∇θ log L on this block, for the log t row
    const va = load<f64>(JAC_V + (<usize>a << 3));
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
