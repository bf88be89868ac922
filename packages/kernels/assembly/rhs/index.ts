// The right-hand-side family the integrators are bound to (ode.ts): f(t, y) by an integer kind (kinds.ts), the
// event kinds that need a model, each kind's traits, analytic Jacobian and switching (the Filippov flows of ReLU
// networks). Parameters live in host memory at `params`.
import { rhs_linear, rhs_logistic, rhs_quadratic } from "./toy";
import { gf_loss, gf_rhs_logs, gf_rhs_time, gf_has_analytic_jacobian, gf_jacobian_logs, GF_QMIN } from "./gradflow";
import { filippov_enabled, filippov_locate, filippov_switch, filippov_snapshot } from "./filippov";
import { SYS_ANALYTIC_JACOBIAN, SYS_DISCONTINUOUS, SYS_EXP_SCALED } from "../integrate/system";
import { DenseEval } from "../integrate/system";
import { RHS_LINEAR, RHS_LOGISTIC, RHS_QUADRATIC, RHS_GF_TIME, RHS_GF_LOGS, EVENT_LOG_LOSS, EVENT_MARGIN, EVENT_UNSEPARATED_AT } from "./kinds";

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
  if (kind == EVENT_UNSEPARATED_AT) {
    gf_loss(params, y);
    return load<f64>(params + (<usize>GF_QMIN << 3)) > 0.0 ? -1.0 : t - c0;
  }
  return NaN;
}

/** SYS_* traits: the terminal-phase flow is e^σ·G(θ); diagonal networks with the exponential loss have an analytic
 *  Jacobian there. */
export function rhs_traits(kind: i32, n: i32, params: usize): i32 {
  if (kind != RHS_GF_LOGS && kind != RHS_GF_TIME) return 0;
  const kinks = filippov_enabled(params) ? SYS_DISCONTINUOUS : 0;
  if (kind == RHS_GF_TIME) return kinks;
  return kinks | SYS_EXP_SCALED | (gf_has_analytic_jacobian(params) ? SYS_ANALYTIC_JACOBIAN : 0);
}

/** The gradient flows of ReLU networks: the switch to cut the accepted step [t, tnew] at (LocateFn). */
export function rhs_disc_locate(kind: i32, n: i32, t: f64, tnew: f64, dense: DenseEval, ynew: usize, scratch: usize, params: usize, rtol: f64, atol: f64, en: f64): f64 {
  return filippov_locate(params, kind, t, tnew, dense, ynew, scratch, rtol, atol, en);
}

/** Records which units slide (and their weights) at output or root number `index` (state y). */
export function rhs_disc_snapshot(kind: i32, n: i32, which: i32, index: i32, y: usize, scratch: usize, params: usize): void {
  filippov_snapshot(params, which, index, y, scratch);
}

/** Applies the switches located at t (state y); returns how many units changed mode. */
export function rhs_disc_switch(kind: i32, n: i32, t: f64, y: usize, scratch: usize, params: usize): i32 {
  return filippov_switch(params, kind, t, y, scratch);
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
