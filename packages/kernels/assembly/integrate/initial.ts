// The first step size when the caller gives none. Explicit steppers use Hairer's HINIT (Solving ODEs I, §II.4):
// balance ‖y0‖, ‖f(y0)‖ and a difference estimate of the second derivative, at the price of one evaluation.
// Implicit steppers use the cheap ratio 0.01·‖y0‖/‖f(y0)‖ (their controller recovers from a poor guess in a step or
// two, and the stiff modes would make the second-derivative estimate meaningless).
import { f } from "./system";

/** Hairer's HINIT for a method of order `order`; y1, f1 are n-f64 scratch vectors; f0 = f(t, y). */
export function hinit_explicit(n: i32, t: f64, y: usize, f0: usize, dir: f64, hmax: f64, rtol: f64, atol: f64, order: i32, y1: usize, f1: usize): f64 {
  let d0: f64 = 0.0, d1: f64 = 0.0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const sk = atol + rtol * abs<f64>(load<f64>(y + o));
    d0 += (load<f64>(y + o) / sk) ** 2;
    d1 += (load<f64>(f0 + o) / sk) ** 2;
  }
  d0 = Math.sqrt(d0 / <f64>max<i32>(n, 1));
  d1 = Math.sqrt(d1 / <f64>max<i32>(n, 1));
  let hh = d0 <= 1e-10 || d1 <= 1e-10 ? 1e-6 : 0.01 * d0 / d1;
  hh = min<f64>(hh, hmax);
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(y1 + o, load<f64>(y + o) + dir * hh * load<f64>(f0 + o));
  }
  f(t + dir * hh, y1, f1);
  let d2: f64 = 0.0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const sk = atol + rtol * abs<f64>(load<f64>(y + o));
    d2 += ((load<f64>(f1 + o) - load<f64>(f0 + o)) / sk) ** 2;
  }
  d2 = Math.sqrt(d2 / <f64>max<i32>(n, 1)) / hh;
  const dm = max<f64>(d1, d2);
  const hh1 = dm <= 1e-15 ? max<f64>(1e-6, hh * 1e-3) : Math.pow(0.01 / dm, 1.0 / <f64>(order + 1));
  let h = min<f64>(100.0 * hh, hh1);
  if (!(h > 0.0) || h != h) h = 1e-6; // non-finite derivative estimates fall back to a tiny first step
  return h;
}

/** 0.01·‖y0‖/‖f(y0)‖ in the weighted max norm (1e-6 when either is negligible). */
export function hinit_implicit(n: i32, y: usize, f0: usize, rtol: f64, atol: f64): f64 {
  let d0: f64 = 0.0, d1: f64 = 0.0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const sk = atol + rtol * abs<f64>(load<f64>(y + o));
    d0 = max<f64>(d0, abs<f64>(load<f64>(y + o)) / sk);
    d1 = max<f64>(d1, abs<f64>(load<f64>(f0 + o)) / sk);
  }
  let h = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
  if (!(h > 0.0) || h == Infinity) h = 1e-6;
  return h;
}
