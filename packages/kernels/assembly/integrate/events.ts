// Events: the record layout, the event functions every system has (a linear functional, a time mark; model
// events are the system's, system.ts), roots of g(t, y(t)) inside an accepted step found with Brent's method on
// the stepper's dense output (so no extra right-hand-side evaluations are spent), and the end-of-step
// bookkeeping of the driver: events at the new point, roots, records, requested outputs.
import { dot_f64 } from "../blas1";
import { g_model, DenseEval } from "./system";

// Event records: event_stride(n) f64s each — [kind, direction, terminal, reserved, c0, c_0 … c_{n−1}].
/** g(t, y) = Σ c_i y_i − c0 (a component crossing a level, a linear functional crossing zero). */
export const EVENT_LINEAR: i32 = 0;
/** g(t, y) = t − c0 (a time mark). */
export const EVENT_TIME: i32 = 1;
// Kinds from 2 on belong to the system (rhs/index.ts).

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
  if (kind == EVENT_LINEAR) return dot_f64(n, ev + 40, y) - c0;
  return g_model(ev, t, y);
}


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

// The step being finished (module state; one integration at a time).
let sDense: DenseEval = noDense;
let sN: i32 = 0;
let sScratch: usize = 0;
let sEvent: usize = 0;
function noDense(_t: f64, _out: usize): void {}
function phi(t: f64): f64 {
  sDense(t, sScratch);
  return eval_event(sEvent, sN, t, sScratch);
}

/** Set by finish_step: a terminal root ended the step, and the updated event and output counts. */
export let stepTerminal = false;
export let stepEvCount: i32 = 0;
export let stepOutIdx: i32 = 0;

/**
 * After an accepted step from t to tnew (state ynew at tnew, `dense` the step's continuous output, `scratch` n
 * f64s): evaluates the events at tnew into gNew; the earliest terminal root ends the step there; every root at or
 * before that end is recorded in time order into evOut (from evCount, up to evCap); the requested output times
 * inside (t, end] are filled. Returns the end of the step; sets stepTerminal, stepEvCount and stepOutIdx. gOld is
 * overwritten (with the roots): the caller copies gNew over it before the next step.
 */
export function finish_step(
  n: i32, t: f64, tnew: f64, dir: f64, ynew: usize, dense: DenseEval, scratch: usize,
  events: usize, nEvents: i32, gOld: usize, gNew: usize, evOut: usize, evCount: i32, evCap: i32,
  tOut: usize, nOut: i32, yOut: usize, outIdx: i32,
): f64 {
  sDense = dense; sN = n; sScratch = scratch;
  const vb = <usize>n << 3;
  let tEnd = tnew;
  let terminal = false;
  // Each root is located once and kept in gOld's slot (NaN: no crossing): the caller replaces gOld by gNew after
  // the step. A second search would have to reproduce the first bit for bit, which a right-hand side with an
  // evaluation cache (linexp.ts) need not do.
  for (let e = 0; e < nEvents; e++) {
    const ev = events + <usize>(e * event_stride(n)) * 8;
    const gb = eval_event(ev, n, tnew, ynew);
    store<f64>(gNew + (<usize>e << 3), gb);
    const ga = load<f64>(gOld + (<usize>e << 3));
    if (!crosses(ga, gb, <i32>load<f64>(ev, 8))) {
      store<f64>(gOld + (<usize>e << 3), NaN);
      continue;
    }
    sEvent = ev;
    const te = brent(t, tnew, ga, gb, 0.0, phi);
    store<f64>(gOld + (<usize>e << 3), te);
    if (load<f64>(ev, 16) != 0.0 && dir * (te - tEnd) <= 0.0) {
      tEnd = te;
      terminal = true;
    }
  }
  for (let e = 0; e < nEvents; e++) {
    const te = load<f64>(gOld + (<usize>e << 3));
    if (te != te || dir * (te - tEnd) > 0.0 || evCount >= evCap) continue;
    const rec = evOut + <usize>(evCount * (2 + n)) * 8;
    store<f64>(rec, te);
    store<f64>(rec, <f64>e, 8);
    dense(te, rec + 16);
    evCount++;
  }
  while (outIdx < nOut) {
    const to = load<f64>(tOut + (<usize>outIdx << 3));
    if (dir * (to - tEnd) > 0.0) break;
    if (to == tnew && !terminal) memory.copy(yOut + <usize>outIdx * vb, ynew, vb);
    else dense(to, yOut + <usize>outIdx * vb);
    outIdx++;
  }
  stepTerminal = terminal;
  stepEvCount = evCount;
  stepOutIdx = outIdx;
  return tEnd;
}
