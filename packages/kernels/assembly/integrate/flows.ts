// Right-hand sides f(t, y) and event functions g(t, y) that the integrators call without leaving WASM.
// A right-hand side is named by an integer kind; its parameters live in host memory at `params`.
// Later families (gradient flows of models) add kinds here.
import { gemv_n_f64 } from "../blas2";
import { dot_f64 } from "../blas1";

/** y' = A·y, A dense n×n row-major at params. (Exponential decay, harmonic oscillator, …) */
export const RHS_LINEAR: i32 = 0;
/** y_i' = r·y_i·(1 − y_i), r = params[0]. */
export const RHS_LOGISTIC: i32 = 1;
/** y_i' = y_i² (blows up at t = 1/y_i(0)). */
export const RHS_QUADRATIC: i32 = 2;

/** dy ← f(t, y). Returns false for an unknown kind. */
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
  }
  return false;
}

// Event records: EVENT_STRIDE(n) f64s each — [kind, direction, terminal, reserved, c0, c_0 … c_{n−1}].
/** g(t, y) = Σ c_i y_i − c0 (a component crossing a level, a linear functional crossing zero). */
export const EVENT_LINEAR: i32 = 0;
/** g(t, y) = t − c0 (a time mark). */
export const EVENT_TIME: i32 = 1;

// @ts-ignore: decorator
@inline
export function event_stride(n: i32): i32 {
  return 5 + n;
}

/** g_e(t, y) for the event record at `ev`. */
export function eval_event(ev: usize, n: i32, t: f64, y: usize): f64 {
  const kind = <i32>load<f64>(ev);
  const c0 = load<f64>(ev, 32);
  if (kind == EVENT_TIME) return t - c0;
  return dot_f64(n, ev + 40, y) - c0;
}
