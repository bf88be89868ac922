// Small right-hand sides with known solutions, for the integrators' tests and the ODE demo.
import { gemv_n_f64 } from "../blas2";

/** dy ← A·y, A dense n×n row-major at params (exponential decay, harmonic oscillator, …). */
export function rhs_linear(n: i32, y: usize, dy: usize, params: usize): void {
  gemv_n_f64(n, n, 1.0, params, n, y, 0.0, dy);
}

/** dy_i ← r·y_i·(1 − y_i), r = params[0]. */
export function rhs_logistic(n: i32, y: usize, dy: usize, params: usize): void {
  const r = load<f64>(params);
  for (let i = 0; i < n; i++) {
    const v = load<f64>(y + (<usize>i << 3));
    store<f64>(dy + (<usize>i << 3), r * v * (1.0 - v));
  }
}

/** dy_i ← y_i² (blows up at t = 1/y_i(0)). */
export function rhs_quadratic(n: i32, y: usize, dy: usize): void {
  for (let i = 0; i < n; i++) {
    const v = load<f64>(y + (<usize>i << 3));
    store<f64>(dy + (<usize>i << 3), v * v);
  }
}
