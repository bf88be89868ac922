// Step-size control, one object for the driver: it proposes the factor h_new/h after an accepted or a rejected
// step. Two laws: the PI controller for explicit pairs (Hairer, Nørsett & Wanner, Solving ODEs I, §II.4, the Lund
// stabilization: h_new = h·safe·err^(−α)·err_prev^β) and Gustafsson's predictive controller for implicit methods
// (Solving ODEs II, §IV.8, as in RADAU5). The controller, not the stepper, decides acceptance (err ≤ 1).

/** The PI law (explicit Runge–Kutta pairs). */
export const CTL_PI: i32 = 0;
/** Gustafsson's predictive law (Radau IIA). */
export const CTL_PREDICTIVE: i32 = 1;

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

const FAC_MIN: f64 = 0.2; // largest shrink per step (both laws)
const FAC_MAX: f64 = 10.0; // largest growth per step (both laws)
const BETA: f64 = 0.04; // PI: weight of the previous error

// Controller state: module globals, because kernels never allocate (the host owns all memory above
// __heap_base). Integrations are not re-entrant, so one state suffices.
let law: i32 = CTL_PI;
let errPrev: f64 = 1e-4;
let rejectedLast: bool = false;
let expo: f64 = 0.2;
let hOld: f64 = 0.0;
let enOld: f64 = 0.0;

/** Starts a new integration with `kind`'s law, for a method whose error estimate has order `order`. */
export function ctl_reset(kind: i32, order: i32): void {
  law = kind;
  errPrev = 1e-4;
  rejectedLast = false;
  expo = 1.0 / <f64>(order + 1) - 0.75 * BETA; // PI: α = 1/(q+1) − 0.75·β
  hOld = 0.0;
  enOld = 0.0;
}

/** Whether the last attempt was rejected by the error test. */
export function ctl_rejected_last(): bool {
  return rejectedLast;
}

/** Factor h_new/h after an accepted step of size h (err ≤ 1; `safety` is the stepper's safety factor). */
export function ctl_accept(err: f64, h: f64, safety: f64): f64 {
  let r: f64;
  if (law == CTL_PI) {
    let fac = Math.pow(err, expo) / Math.pow(errPrev, BETA);
    fac = max<f64>(1.0 / FAC_MAX, min<f64>(1.0 / FAC_MIN, fac / safety));
    errPrev = max<f64>(err, 1e-4);
    r = 1.0 / fac;
  } else {
    const enc = max<f64>(err, 1e-10);
    if (hOld > 0.0 && enOld > 0.0) r = min<f64>(1.0, h / hOld * Math.pow(enOld / enc, 0.25)) * Math.pow(enc, -0.25);
    else r = Math.pow(enc, -0.25);
    r = min<f64>(FAC_MAX, safety * r);
    hOld = h;
    enOld = enc;
  }
  if (rejectedLast) r = min<f64>(r, 1.0);
  rejectedLast = false;
  return r;
}

/** Factor h_new/h after a step rejected by the error test (err > 1, finite). */
export function ctl_reject(err: f64, safety: f64): f64 {
  rejectedLast = true;
  if (law == CTL_PI) return 1.0 / min<f64>(1.0 / FAC_MIN, Math.pow(err, expo) / safety);
  return max<f64>(FAC_MIN, safety * Math.pow(err, -0.25));
}
