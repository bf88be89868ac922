// Event location: roots of g(t, y(t)) inside an accepted step, found with Brent's method on the stepper's
// dense output (so no extra right-hand-side evaluations are spent).

/** Dense output of the current step: fills y(t) at `out` for t inside [t0, t0 + h]. */
export type DenseEval = (t: f64, out: usize) => void;

/**
 * Brent's method (van Wijngaarden–Dekker–Brent) for φ(t) = 0 on [a, b] with φ(a)·φ(b) ≤ 0, where φ is
 * evaluated through `phi`. Stops when the bracket is below 4·ε·|t| + tolAbs.
 */
export function brent(a: f64, b: f64, fa: f64, fb: f64, tolAbs: f64, phi: (t: f64) => f64): f64 {
  if (fa == 0.0) return a;
  if (fb == 0.0) return b;
  let c = a, fc = fa, d = b - a, e = d;
  for (let it = 0; it < 200; it++) {
    if ((fb > 0.0) == (fc > 0.0)) {
      c = a; fc = fa; d = b - a; e = d;
    }
    if (abs<f64>(fc) < abs<f64>(fb)) {
      a = b; b = c; c = a;
      fa = fb; fb = fc; fc = fa;
    }
    const tol = 4.0 * f64.EPSILON * abs<f64>(b) + 0.5 * tolAbs;
    const m = 0.5 * (c - b);
    if (abs<f64>(m) <= tol || fb == 0.0) return b;
    if (abs<f64>(e) >= tol && abs<f64>(fa) > abs<f64>(fb)) {
      let p: f64, q: f64;
      const s = fb / fa;
      if (a == c) {
        p = 2.0 * m * s;
        q = 1.0 - s;
      } else {
        const qq = fa / fc, r = fb / fc;
        p = s * (2.0 * m * qq * (qq - r) - (b - a) * (r - 1.0));
        q = (qq - 1.0) * (r - 1.0) * (s - 1.0);
      }
      if (p > 0.0) q = -q; else p = -p;
      if (2.0 * p < min<f64>(3.0 * m * q - abs<f64>(tol * q), abs<f64>(e * q))) {
        e = d; d = p / q;
      } else {
        d = m; e = m;
      }
    } else {
      d = m; e = m;
    }
    a = b; fa = fb;
    b += abs<f64>(d) > tol ? d : (m > 0.0 ? tol : -tol);
    fb = phi(b);
  }
  return b;
}

/** Does g cross zero from ga to gb in the wanted direction (+1 rising, −1 falling, 0 either)? */
export function crosses(ga: f64, gb: f64, direction: i32): bool {
  if (direction >= 0 && ga < 0.0 && gb >= 0.0) return true;
  if (direction <= 0 && ga > 0.0 && gb <= 0.0) return true;
  return false;
}
