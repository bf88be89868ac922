// The right-hand-side family the integrators are bound to (ode.ts): f(t, y) by an integer kind, the event kinds
// that need a model, each kind's traits and analytic Jacobian. Parameters live in host memory at `params`.
import { rhs_linear, rhs_logistic, rhs_quadratic } from "./toy";
import { gf_loss, gf_rhs_logs, gf_rhs_time, gf_has_analytic_jacobian, gf_jacobian_logs, GF_QMIN } from "./gradflow";
import { SYS_ANALYTIC_JACOBIAN, SYS_EXP_SCALED } from "../integrate/system";

/** y' = A·y, A dense n×n row-major at params. */
export const RHS_LINEAR: i32 = 0;
/** y_i' = r·y_i·(1 − y_i), r = params[0]. */
export const RHS_LOGISTIC: i32 = 1;
/** y_i' = y_i² (blows up at t = 1/y_i(0)). */
export const RHS_QUADRATIC: i32 = 2;
/** Gradient flow of a model's loss in ordinary time; y = (θ, s), params = a gradflow.ts problem block. */
export const RHS_GF_TIME: i32 = 10;
/** The same flow in the terminal-phase clock σ = log s; y = (θ, log t). */
export const RHS_GF_LOGS: i32 = 11;

/** g = log L(θ) − c0 for a gradient flow (the loss crossing a level; A5 is log L < −log n). */
export const EVENT_LOG_LOSS: i32 = 2;
/** g = q_min(θ) − c0 for a gradient flow (c0 = 0, rising: the first time the training error is zero). */
export const EVENT_MARGIN: i32 = 3;

/** dy ← f(t, y). Returns false for an unknown kind. */
export function eval_rhs(kind: i32, n: i32, t: f64, y: usize, dy: usize, params: usize): bool {
  switch (kind) {
    case RHS_LINEAR: rhs_linear(n, y, dy, params); return true;
    case RHS_LOGISTIC: rhs_logistic(n, y, dy, params); return true;
    case RHS_QUADRATIC: rhs_quadratic(n, y, dy); return true;
    case RHS_GF_TIME: gf_rhs_time(params, y, dy); return true;
    case RHS_GF_LOGS: gf_rhs_logs(params, t, y, dy); return true;
  }
  return false;
}

/** g(t, y) of the model event kinds (the integrators evaluate the generic ones themselves). */
export function eval_model_event(ev: usize, n: i32, t: f64, y: usize, params: usize): f64 {
  const kind = <i32>load<f64>(ev);
  const c0 = load<f64>(ev, 32);
  if (kind == EVENT_LOG_LOSS) return gf_loss(params, y) - c0;
  if (kind == EVENT_MARGIN) {
    gf_loss(params, y);
    return load<f64>(params + (<usize>GF_QMIN << 3)) - c0;
  }
  return NaN;
}

/** SYS_* traits: the terminal-phase flow is e^σ·G(θ); diagonal networks with the exponential loss have an analytic
 *  Jacobian there. */
export function rhs_traits(kind: i32, n: i32, params: usize): i32 {
  if (kind != RHS_GF_LOGS) return 0;
  return SYS_EXP_SCALED | (gf_has_analytic_jacobian(params) ? SYS_ANALYTIC_JACOBIAN : 0);
}

export function rhs_jacobian(kind: i32, n: i32, t: f64, y: usize, J: usize, params: usize): void {
  if (kind == RHS_GF_LOGS) gf_jacobian_logs(params, t, y, J);
}

/**
 * How many leading components of a right-hand side's state the step-size control watches. The gradient flow in
 * ordinary time carries s = ∫L dt last, as bookkeeping: θ(t) does not depend on it (σ = log s enters dθ/dσ and
 * d log t/dσ through the same factor), so it is left out.
 */
export function controlled_components(kind: i32, n: i32): i32 {
  return kind == RHS_GF_TIME ? n - 1 : n;
}
