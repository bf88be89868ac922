// The Dormand–Prince 5(4) stepper (Dormand & Prince 1980; Hairer, Nørsett & Wanner, Solving ODEs I, §II.5): the
// tableau, one attempted step with its embedded error estimate, FSAL, and the 4th-order continuous extension
// (dense output). The loop around it — guards, step control, events — is the driver's (driver.ts).
import { f } from "./system";
import { error_norm } from "./controller";

// Butcher tableau.
const C2: f64 = 1.0 / 5.0, C3: f64 = 3.0 / 10.0, C4: f64 = 4.0 / 5.0, C5: f64 = 8.0 / 9.0;
const A21: f64 = 1.0 / 5.0;
const A31: f64 = 3.0 / 40.0, A32: f64 = 9.0 / 40.0;
const A41: f64 = 44.0 / 45.0, A42: f64 = -56.0 / 15.0, A43: f64 = 32.0 / 9.0;
const A51: f64 = 19372.0 / 6561.0, A52: f64 = -25360.0 / 2187.0, A53: f64 = 64448.0 / 6561.0, A54: f64 = -212.0 / 729.0;
const A61: f64 = 9017.0 / 3168.0, A62: f64 = -355.0 / 33.0, A63: f64 = 46732.0 / 5247.0, A64: f64 = 49.0 / 176.0;
const A65: f64 = -5103.0 / 18656.0;
const A71: f64 = 35.0 / 384.0, A73: f64 = 500.0 / 1113.0, A74: f64 = 125.0 / 192.0, A75: f64 = -2187.0 / 6784.0;
const A76: f64 = 11.0 / 84.0;
// Error estimate: 5th-order minus embedded 4th-order weights.
const E1: f64 = 71.0 / 57600.0, E3: f64 = -71.0 / 16695.0, E4: f64 = 71.0 / 1920.0, E5: f64 = -17253.0 / 339200.0;
const E6: f64 = 22.0 / 525.0, E7: f64 = -1.0 / 40.0;
// Dense output.
const D1: f64 = -12715105075.0 / 11282082432.0, D3: f64 = 87487479700.0 / 32700410799.0;
const D4: f64 = -10690763975.0 / 1880347072.0, D5: f64 = 701980252875.0 / 199316789632.0;
const D6: f64 = -1453857185.0 / 822651844.0, D7: f64 = 69997945.0 / 29380423.0;

/** Order of the embedded error estimate (the controller's q). */
export const DOPRI5_ORDER: i32 = 4;
/** Safety factor of the step-size law (as ode45; 0.9 in Hairer's DOPRI5). */
export const DOPRI5_SAFETY: f64 = 0.8;

/** Bytes of workspace for dimension n: k2…k7, the stage and new states, the error, the dense coefficients. */
export function dopri5_workspace_bytes(n: i32): i32 {
  return (14 * n) << 3;
}

let gN: i32 = 0;
let k1: usize = 0, k2: usize = 0, k3: usize = 0, k4: usize = 0, k5: usize = 0, k6: usize = 0, k7: usize = 0;
let y1: usize = 0, ys: usize = 0, err: usize = 0;
// Dense output of the last accepted step: rcont1..5 (5n) on [gT0, gT0 + gH].
let gRc: usize = 0;
let gT0: f64 = 0.0;
let gH: f64 = 0.0;

/** Lays out the workspace; f0 (n f64s, the driver's) holds f(t, y) at the start of every step (k1, FSAL). */
export function dopri5_init(n: i32, work: usize, f0: usize): void {
  const vb = <usize>n << 3;
  gN = n;
  k1 = f0;
  k2 = work; k3 = k2 + vb; k4 = k3 + vb; k5 = k4 + vb; k6 = k5 + vb; k7 = k6 + vb;
  y1 = k7 + vb; ys = y1 + vb; err = ys + vb;
  gRc = err + vb; // 5n
  dopri5_stiff_reset();
}

export function dopri5_dense(t: f64, out: usize): void {
  const n = gN;
  const s = (t - gT0) / gH;
  const s1 = 1.0 - s;
  const stride = <usize>n << 3;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const r = gRc + o;
    const v1 = load<f64>(r), v2 = load<f64>(r + stride), v3 = load<f64>(r + 2 * stride);
    const v4 = load<f64>(r + 3 * stride), v5 = load<f64>(r + 4 * stride);
    store<f64>(out + o, v1 + s * (v2 + s1 * (v3 + s * (v4 + s1 * v5))));
  }
}

/** The state at the end of the last attempted step. */
export function dopri5_ynew(): usize {
  return y1;
}

function allFinite(n: i32, y: usize): bool {
  for (let i = 0; i < n; i++) {
    const v = load<f64>(y + (<usize>i << 3));
    if (v - v != 0.0) return false;
  }
  return true;
}

// y1 ← y + h·Σ a_j k_j for up to six stages (unused weights are 0).
// @ts-ignore: decorator
@inline
function stage(n: i32, y: usize, h: f64, out: usize,
  k1: usize, a1: f64, k2: usize, a2: f64, k3: usize, a3: f64, k4: usize, a4: f64, k5: usize, a5: f64, k6: usize, a6: f64): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(out + o, load<f64>(y + o) + h * (a1 * load<f64>(k1 + o) + a2 * load<f64>(k2 + o) + a3 * load<f64>(k3 + o)
      + a4 * load<f64>(k4 + o) + a5 * load<f64>(k5 + o) + a6 * load<f64>(k6 + o)));
  }
}

/**
 * One step of size hs (signed) from (t, y) to tnew (t + hs, or exactly t1 on the last step): the six new stages,
 * y1, and the weighted error norm over the first nControlled components — NaN when a stage is not finite.
 */
export function dopri5_attempt(t: f64, hs: f64, tnew: f64, y: usize, nControlled: i32, rtol: f64, atol: f64): f64 {
  const n = gN;
  stage(n, y, hs, y1, k1, A21, k1, 0.0, k1, 0.0, k1, 0.0, k1, 0.0, k1, 0.0);
  f(t + C2 * hs, y1, k2);
  stage(n, y, hs, y1, k1, A31, k2, A32, k1, 0.0, k1, 0.0, k1, 0.0, k1, 0.0);
  f(t + C3 * hs, y1, k3);
  stage(n, y, hs, y1, k1, A41, k2, A42, k3, A43, k1, 0.0, k1, 0.0, k1, 0.0);
  f(t + C4 * hs, y1, k4);
  stage(n, y, hs, y1, k1, A51, k2, A52, k3, A53, k4, A54, k1, 0.0, k1, 0.0);
  f(t + C5 * hs, y1, k5);
  stage(n, y, hs, ys, k1, A61, k2, A62, k3, A63, k4, A64, k5, A65, k1, 0.0);
  f(tnew, ys, k6);
  stage(n, y, hs, y1, k1, A71, k3, A73, k4, A74, k5, A75, k6, A76, k1, 0.0);
  f(tnew, y1, k7);
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(err + o, hs * (E1 * load<f64>(k1 + o) + E3 * load<f64>(k3 + o) + E4 * load<f64>(k4 + o)
      + E5 * load<f64>(k5 + o) + E6 * load<f64>(k6 + o) + E7 * load<f64>(k7 + o)));
  }
  const en = error_norm(nControlled, err, y, y1, rtol, atol);
  if (en != en || en == Infinity || !allFinite(n, k7)) return NaN;
  return en;
}

// Stiffness detection (Hairer, Nørsett & Wanner, Solving ODEs I, §IV.2; their DOPRI5's test): after an accepted
// step, h·‖f(y1) − f(ys)‖/‖y1 − ys‖ estimates h·|λ| of the dominant eigenvalue (y1, ys: the last two stages, both
// at tnew). Above 3.25 (the edge of DOPRI5's stability region) on STIFF_STEPS accepted steps, with fewer than
// NONSTIFF_RESET ordinary ones in between, the step size is limited by stability and not by accuracy.
const STIFF_BOUND: f64 = 3.25;
const STIFF_STEPS: i32 = 15;
const NONSTIFF_RESET: i32 = 6;
let stiffRun: i32 = 0, nonStiffRun: i32 = 0;

/** Resets the stiffness test (a new integration). */
export function dopri5_stiff_reset(): void {
  stiffRun = 0;
  nonStiffRun = 0;
}

/** After an accepted step of size hs (before the next attempt): whether the stiffness test has fired. */
export function dopri5_stiff(hs: f64): bool {
  const n = gN;
  let num: f64 = 0.0, den: f64 = 0.0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    num += (load<f64>(k1 + o) - load<f64>(k6 + o)) ** 2; // k1 = f(tnew, y1) after the FSAL copy
    den += (load<f64>(y1 + o) - load<f64>(ys + o)) ** 2;
  }
  if (den > 0.0 && abs<f64>(hs) * Math.sqrt(num / den) > STIFF_BOUND) {
    nonStiffRun = 0;
    return ++stiffRun >= STIFF_STEPS;
  }
  if (++nonStiffRun >= NONSTIFF_RESET) stiffRun = 0;
  return false;
}

/** After the driver accepted the step [t, t + hs]: builds its dense output and moves f(tnew, y1) into f0 (FSAL). */
export function dopri5_accept(t: f64, hs: f64, y: usize): void {
  const n = gN, vb = <usize>n << 3, rc = gRc;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const yi = load<f64>(y + o), y1i = load<f64>(y1 + o);
    const ydiff = y1i - yi;
    const bspl = hs * load<f64>(k1 + o) - ydiff;
    store<f64>(rc + o, yi);
    store<f64>(rc + vb + o, ydiff);
    store<f64>(rc + 2 * vb + o, bspl);
    store<f64>(rc + 3 * vb + o, ydiff - hs * load<f64>(k7 + o) - bspl);
    store<f64>(rc + 4 * vb + o, hs * (D1 * load<f64>(k1 + o) + D3 * load<f64>(k3 + o) + D4 * load<f64>(k4 + o)
      + D5 * load<f64>(k5 + o) + D6 * load<f64>(k6 + o) + D7 * load<f64>(k7 + o)));
  }
  gT0 = t; gH = hs;
  memory.copy(k1, k7, vb); // FSAL
}
