// Step-size control for embedded Runge–Kutta pairs: a PI controller in the form of Hairer, Nørsett & Wanner
// (Solving ODEs I, §II.4, the Lund stabilization): h_new = h · safe · err^(−α) · err_prev^(β).
// The controller, not the stepper, decides whether a step is accepted.

/**
 * Weighted max norm of e: max_i |e_i| / sk_i with sk_i = atol + rtol·max(|y0_i|, |y1_i|). The ∞-norm (as in
 * MATLAB's ode45) holds every component to the tolerance; an RMS norm lets a few components — in a gradient
 * flow, often the few parameters that matter — carry errors up to √n times larger. NaN in e gives NaN.
 */
export function error_norm(n: i32, e: usize, y0: usize, y1: usize, rtol: f64, atol: f64): f64 {
  let s: f64 = 0.0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const sk = atol + rtol * max<f64>(abs<f64>(load<f64>(y0 + o)), abs<f64>(load<f64>(y1 + o)));
    s = max<f64>(s, abs<f64>(load<f64>(e + o)) / sk);
  }
  return s;
}

const SAFE: f64 = 0.8; // as ode45; 0.9 in Hairer's DOPRI5
const FAC_MIN: f64 = 0.2; // largest shrink per step
const FAC_MAX: f64 = 10.0; // largest growth per step
const BETA: f64 = 0.04;

// Controller state: module globals, because kernels never allocate (the host owns all memory above
// __heap_base). Integrations are not re-entrant, so one state suffices.
let errPrev: f64 = 1e-4;
let rejectedLast: bool = false;
let expo: f64 = 0.2;

/** Starts a new integration with a pair whose lower order is `order`. */
export function pi_reset(order: i32): void {
  errPrev = 1e-4;
  rejectedLast = false;
  expo = 1.0 / <f64>(order + 1) - 0.75 * BETA; // α = 1/(q+1) − 0.75·β
}

/** Factor h_new/h after an accepted step (err ≤ 1); remembers err. */
export function pi_accept(err: f64): f64 {
  let fac = Math.pow(err, expo) / Math.pow(errPrev, BETA);
  fac = max<f64>(1.0 / FAC_MAX, min<f64>(1.0 / FAC_MIN, fac / SAFE));
  errPrev = max<f64>(err, 1e-4);
  let r = 1.0 / fac;
  if (rejectedLast) r = min<f64>(r, 1.0);
  rejectedLast = false;
  return r;
}

/** Factor h_new/h after a rejected step (err > 1, finite). */
export function pi_reject(err: f64): f64 {
  rejectedLast = true;
  return 1.0 / min<f64>(1.0 / FAC_MIN, Math.pow(err, expo) / SAFE);
}
