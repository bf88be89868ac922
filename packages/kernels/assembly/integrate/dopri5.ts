// Dormand–Prince 5(4) (Dormand & Prince 1980; Hairer, Nørsett & Wanner, Solving ODEs I, §II.5) with FSAL,
// the PI controller of controller.ts, the 4th-order continuous extension (dense output) and event location
// on that dense output. The right-hand side is a WASM function (flows.ts): the whole loop runs in WASM.
import { eval_rhs, eval_event, event_stride, controlled_components } from "./flows";
import { error_norm, pi_reset, pi_accept, pi_reject } from "./controller";
import { finish_step, stepTerminal, stepEvCount, stepOutIdx } from "./events";

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

/** Status codes written by dopri5_solve (mirrored by the host's IntegrationStatus). */
export const STATUS_DONE: i32 = 0;
export const STATUS_EVENT: i32 = 1;
export const STATUS_MAX_STEPS: i32 = 2;
export const STATUS_STEP_TOO_SMALL: i32 = 3;
export const STATUS_NONFINITE: i32 = 4;
export const STATUS_BAD_RHS: i32 = 5;
/** The integration ran past its wall-clock deadline (env.now, milliseconds). */
export const STATUS_DEADLINE: i32 = 6;

@external("env", "now")
export declare function host_now(): f64;

/** Layout of the stats block (f64 slots). */
export const STAT_T: i32 = 0; // time reached
export const STAT_ACCEPTED: i32 = 1;
export const STAT_REJECTED: i32 = 2;
export const STAT_NFEV: i32 = 3;
export const STAT_OUT_FILLED: i32 = 4; // output times written
export const STAT_EVENTS: i32 = 5; // event records written
export const STAT_H: i32 = 6; // last step size
export const STATS_LEN: i32 = 8;

/** Bytes of workspace dopri5_solve needs for dimension n with nEvents events. */
export function dopri5_workspace_bytes(n: i32, nEvents: i32): i32 {
  return (16 * n + 2 * nEvents) << 3;
}

// Context of the step whose dense output the event root finder evaluates (module state; one solve at a time).
let gN: i32 = 0;
let gT0: f64 = 0.0;
let gH: f64 = 0.0;
let gRc: usize = 0; // rcont1..5, 5n

function dense(t: f64, out: usize): void {
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
 * Integrates y' = f(t, y) (f = right-hand side `rhs` with parameters at `params`) from t0 towards t1
 * (either direction). y (n f64s) holds y(t0) on entry and the final state on return.
 * Dense output fills yOut (nOut×n) at the times tOut (sorted in the direction of integration).
 * Events: nEvents records at `events` (layout in flows.ts); each root found is written to evOut as
 * [t, event index, y(t)…] (2+n f64s, at most evCap records); a terminal event stops the integration.
 * h0 = 0 picks the first step automatically; hmax = 0 means no limit. Returns a STATUS_* code; `stats`
 * receives STATS_LEN f64s. The caller validates all sizes; `work` holds dopri5_workspace_bytes(n, nEvents).
 */
export function dopri5_solve(
  n: i32, rhs: i32, params: usize, t0: f64, t1: f64, y: usize, rtol: f64, atol: f64, h0: f64, hmax: f64,
  maxSteps: i32, tOut: usize, nOut: i32, yOut: usize, events: usize, nEvents: i32, evOut: usize, evCap: i32,
  work: usize, stats: usize, deadline: f64,
): i32 {
  const vb = <usize>n << 3;
  const k1 = work, k2 = k1 + vb, k3 = k2 + vb, k4 = k3 + vb, k5 = k4 + vb, k6 = k5 + vb, k7 = k6 + vb;
  const y1 = k7 + vb, ys = y1 + vb, err = ys + vb;
  const rc = err + vb; // 5n
  const scratch = rc + 5 * vb;
  const gOld = scratch + vb; // nEvents
  const gNew = gOld + (<usize>nEvents << 3);
  gN = n; gRc = rc;

  let nfev = 0, naccept = 0, nreject = 0, outIdx = 0, evCount = 0;
  let status = STATUS_DONE;
  const dir: f64 = t1 >= t0 ? 1.0 : -1.0;
  const nControlled = controlled_components(rhs, n);
  const span = abs<f64>(t1 - t0);
  hmax = hmax > 0.0 ? min<f64>(hmax, span) : span;
  let t = t0;

  // Output times equal to t0 are served from y0 directly.
  while (outIdx < nOut && load<f64>(tOut + (<usize>outIdx << 3)) == t0) {
    memory.copy(yOut + <usize>outIdx * vb, y, vb);
    outIdx++;
  }
  if (!eval_rhs(rhs, n, t, y, k1, params)) {
    store<f64>(stats + (<usize>STAT_T << 3), t);
    return STATUS_BAD_RHS;
  }
  nfev++;
  if (!allFinite(n, y) || !allFinite(n, k1)) status = STATUS_NONFINITE;
  for (let e = 0; e < nEvents; e++) {
    store<f64>(gOld + (<usize>e << 3), eval_event(events + <usize>(e * event_stride(n)) * 8, n, t, y, params));
  }

  // Initial step (Hairer's HINIT): balance ‖y0‖, ‖f(y0)‖ and an estimate of the second derivative.
  let h = abs<f64>(h0);
  if (status == STATUS_DONE && h == 0.0 && span > 0.0) {
    let d0: f64 = 0.0, d1: f64 = 0.0;
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3;
      const sk = atol + rtol * abs<f64>(load<f64>(y + o));
      d0 += (load<f64>(y + o) / sk) ** 2;
      d1 += (load<f64>(k1 + o) / sk) ** 2;
    }
    d0 = Math.sqrt(d0 / <f64>max<i32>(n, 1));
    d1 = Math.sqrt(d1 / <f64>max<i32>(n, 1));
    let hh = d0 <= 1e-10 || d1 <= 1e-10 ? 1e-6 : 0.01 * d0 / d1;
    hh = min<f64>(hh, hmax);
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3;
      store<f64>(y1 + o, load<f64>(y + o) + dir * hh * load<f64>(k1 + o));
    }
    eval_rhs(rhs, n, t + dir * hh, y1, k2, params);
    nfev++;
    let d2: f64 = 0.0;
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3;
      const sk = atol + rtol * abs<f64>(load<f64>(y + o));
      d2 += ((load<f64>(k2 + o) - load<f64>(k1 + o)) / sk) ** 2;
    }
    d2 = Math.sqrt(d2 / <f64>max<i32>(n, 1)) / hh;
    const dm = max<f64>(d1, d2);
    const hh1 = dm <= 1e-15 ? max<f64>(1e-6, hh * 1e-3) : Math.pow(0.01 / dm, 1.0 / 5.0);
    h = min<f64>(100.0 * hh, hh1);
    if (!(h > 0.0) || h != h) h = 1e-6; // non-finite derivative estimates fall back to a tiny first step
  }
  h = min<f64>(h, hmax);

  pi_reset(4);
  let steps = 0;
  let nonfiniteTries = 0;
  while (status == STATUS_DONE && dir * (t1 - t) > 0.0) {
    if (steps >= maxSteps) { status = STATUS_MAX_STEPS; break; }
    if (0.1 * h <= abs<f64>(t) * f64.EPSILON) { status = STATUS_STEP_TOO_SMALL; break; }
    if (deadline > 0.0 && (steps & 15) == 0 && host_now() > deadline) { status = STATUS_DEADLINE; break; }
    let last = false;
    if (dir * (t + dir * h - t1) >= 0.0) { h = abs<f64>(t1 - t); last = true; }
    const hs = dir * h;
    steps++;

    stage(n, y, hs, y1, k1, A21, k1, 0.0, k1, 0.0, k1, 0.0, k1, 0.0, k1, 0.0);
    eval_rhs(rhs, n, t + C2 * hs, y1, k2, params);
    stage(n, y, hs, y1, k1, A31, k2, A32, k1, 0.0, k1, 0.0, k1, 0.0, k1, 0.0);
    eval_rhs(rhs, n, t + C3 * hs, y1, k3, params);
    stage(n, y, hs, y1, k1, A41, k2, A42, k3, A43, k1, 0.0, k1, 0.0, k1, 0.0);
    eval_rhs(rhs, n, t + C4 * hs, y1, k4, params);
    stage(n, y, hs, y1, k1, A51, k2, A52, k3, A53, k4, A54, k1, 0.0, k1, 0.0);
    eval_rhs(rhs, n, t + C5 * hs, y1, k5, params);
    stage(n, y, hs, ys, k1, A61, k2, A62, k3, A63, k4, A64, k5, A65, k1, 0.0);
    const tnew = last ? t1 : t + hs;
    eval_rhs(rhs, n, tnew, ys, k6, params);
    stage(n, y, hs, y1, k1, A71, k3, A73, k4, A74, k5, A75, k6, A76, k1, 0.0);
    eval_rhs(rhs, n, tnew, y1, k7, params);
    nfev += 6;
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3;
      store<f64>(err + o, hs * (E1 * load<f64>(k1 + o) + E3 * load<f64>(k3 + o) + E4 * load<f64>(k4 + o)
        + E5 * load<f64>(k5 + o) + E6 * load<f64>(k6 + o) + E7 * load<f64>(k7 + o)));
    }
    const en = error_norm(nControlled, err, y, y1, rtol, atol);

    if (en != en || en == Infinity || !allFinite(n, k7)) {
      // A non-finite stage: retry with a much smaller step, and give up after a run of failures.
      nreject++;
      nonfiniteTries++;
      if (nonfiniteTries > 40) { status = STATUS_NONFINITE; break; }
      h *= 0.1;
      continue;
    }
    nonfiniteTries = 0;
    if (en > 1.0) {
      nreject++;
      h *= pi_reject(en);
      continue;
    }

    // Accepted: build the dense output of [t, tnew].
    naccept++;
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

    const tEnd = finish_step(n, t, tnew, dir, y1, dense, scratch, params, events, nEvents, gOld, gNew, evOut, evCount, evCap, tOut, nOut, yOut, outIdx);
    const terminalHit = stepTerminal;
    evCount = stepEvCount;
    outIdx = stepOutIdx;
    if (terminalHit) {
      dense(tEnd, y);
      t = tEnd;
      status = STATUS_EVENT;
      break;
    }
    memory.copy(y, y1, vb);
    memory.copy(k1, k7, vb); // FSAL
    memory.copy(gOld, gNew, <usize>nEvents << 3);
    t = tnew;
    if (!allFinite(n, y)) { status = STATUS_NONFINITE; break; }
    h = min<f64>(hmax, h * pi_accept(en));
  }

  store<f64>(stats + (<usize>STAT_T << 3), t);
  store<f64>(stats + (<usize>STAT_ACCEPTED << 3), <f64>naccept);
  store<f64>(stats + (<usize>STAT_REJECTED << 3), <f64>nreject);
  store<f64>(stats + (<usize>STAT_NFEV << 3), <f64>nfev);
  store<f64>(stats + (<usize>STAT_OUT_FILLED << 3), <f64>outIdx);
  store<f64>(stats + (<usize>STAT_EVENTS << 3), <f64>evCount);
  store<f64>(stats + (<usize>STAT_H << 3), h);
  return status;
}
