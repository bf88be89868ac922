// Right-hand sides f(t, y) and event functions g(t, y) that the integrators call without leaving WASM.
// A right-hand side is named by an integer kind; its parameters live in host memory at `params`.
// Later families (gradient flows of models) add kinds here.
import { gemv_n_f64 } from "../blas2";
import { dot_f64 } from "../blas1";
import { gf_loss, gf_rhs_logs, gf_rhs_time, GF_QMIN } from "./gradflow";

/** y' = A·y, A dense n×n row-major at params. (Exponential decay, harmonic oscillator, …) */
export const RHS_LINEAR: i32 = 0;
/** y_i' = r·y_i·(1 − y_i), r = params[0]. */
export const RHS_LOGISTIC: i32 = 1;
/** y_i' = y_i² (blows up at t = 1/y_i(0)). */
export const RHS_QUADRATIC: i32 = 2;

/** Gradient flow of a model's loss in ordinary time; y = (θ, s), params = a gradflow.ts problem block. */
export const RHS_GF_TIME: i32 = 10;
/** The same flow in the terminal-phase clock σ = log s; y = (θ, log t). */
export const RHS_GF_LOGS: i32 = 11;

/** dy ← f(t, y). Returns false for an unknown kind. */
/**
 * How many leading components of a right-hand side's state the step-size control watches. The gradient flow in
 * ordinary time carries s = ∫L dt last, as bookkeeping: θ(t) does not depend on it (σ = log s enters dθ/dσ and
 * d log t/dσ through the same factor), so it is left out.
 */
export function controlled_components(kind: i32, n: i32): i32 {
  return kind == RHS_GF_TIME ? n - 1 : n;
}

export function eval_rhs(kind: i32, n: i32, t: f64, y: usize, dy: usize, params: usize): bool {
  switch (kind) {
    case RHS_LINEAR: {
      gemv_n_f64(n, n, 1.0, params, n, y, 0.0, dy);
      return true;
    }
    case RHS_LOGISTIC: {
      const r = load<f64>(params);
      for (let i = 0; i < n; i++) {
        const v = load<f64>(y + (<usize>i << 3));
        store<f64>(dy + (<usize>i << 3), r * v * (1.0 - v));
      }
      return true;
    }
    case RHS_QUADRATIC: {
      for (let i = 0; i < n; i++) {
        const v = load<f64>(y + (<usize>i << 3));
        store<f64>(dy + (<usize>i << 3), v * v);
      }
      return true;
    }
    case RHS_GF_TIME: {
      gf_rhs_time(params, y, dy);
      return true;
    }
    case RHS_GF_LOGS: {
      gf_rhs_logs(params, t, y, dy);
      return true;
    }
  }
  return false;
}

// Event records: EVENT_STRIDE(n) f64s each — [kind, direction, terminal, reserved, c0, c_0 … c_{n−1}].
/** g(t, y) = Σ c_i y_i − c0 (a component crossing a level, a linear functional crossing zero). */
export const EVENT_LINEAR: i32 = 0;
/** g(t, y) = t − c0 (a time mark). */
export const EVENT_TIME: i32 = 1;
/** g = log L(θ) − c0 for a gradient flow (the loss crossing a level; A5 is log L < −log n). */
export const EVENT_LOG_LOSS: i32 = 2;
/** g = q_min(θ) − c0 for a gradient flow (c0 = 0, rising: the first time the training error is zero). */
export const EVENT_MARGIN: i32 = 3;

// @ts-ignore: decorator
@inline
export function event_stride(n: i32): i32 {
  return 5 + n;
}

/** g_e(t, y) for the event record at `ev`; params is the right-hand side's (model events need it). */
export function eval_event(ev: usize, n: i32, t: f64, y: usize, params: usize): f64 {
  const kind = <i32>load<f64>(ev);
  const c0 = load<f64>(ev, 32);
  if (kind == EVENT_TIME) return t - c0;
  if (kind == EVENT_LOG_LOSS) return gf_loss(params, y) - c0;
  if (kind == EVENT_MARGIN) {
    gf_loss(params, y);
    return load<f64>(params + (<usize>GF_QMIN << 3)) - c0;
  }
  return dot_f64(n, ev + 40, y) - c0;
}
