// The integration driver: one loop for every stepper. It owns the prologue (outputs at t0, f(t0, y0), events at t0),
// the first step size, the guards (step budget, wall-clock deadline, step too small, non-finite state, the host's
// interrupt), accept/reject through the controller, event location and requested outputs on the stepper's dense
// output, progress reports, and the stats. Configured by a named-slot block (config.ts); the right-hand side is the
// bound system (system.ts).
import {
  cfg, cfg_i, cfg_p, CFG_METHOD, CFG_N, CFG_RHS, CFG_PARAMS, CFG_T0, CFG_T1, CFG_Y, CFG_RTOL, CFG_ATOL, CFG_H0, CFG_HMAX,
  CFG_MAX_STEPS, CFG_TOUT, CFG_NOUT, CFG_YOUT, CFG_EVENTS, CFG_NEVENTS, CFG_EVOUT, CFG_EVCAP, CFG_WORK, CFG_STATS,
  CFG_DEADLINE, CFG_FIXED, CFG_KRYLOV, CFG_PROGRESS_MS, CFG_STIFF_STOP,
} from "./config";
import {
  STATUS_DONE, STATUS_EVENT, STATUS_MAX_STEPS, STATUS_STEP_TOO_SMALL, STATUS_NONFINITE, STATUS_BAD_RHS, STATUS_DEADLINE,
  STATUS_INTERRUPTED, STATUS_CHATTERING, STATUS_STIFF, STAT_T, STAT_ACCEPTED, STAT_REJECTED, STAT_NFEV, STAT_OUT_FILLED, STAT_EVENTS, STAT_H, STAT_NFEV_JAC,
  STAT_SWITCHES, STATS_LEN, host_now, host_progress, put_stat,
} from "./status";
import {
  bind_system, f, controlled, evaluations, jacobian_evaluations, traits, disc_locate, disc_switch, disc_snapshot, SYS_DISCONTINUOUS,
} from "./system";
import { ctl_reset, ctl_accept, ctl_reject } from "./controller";
import { eval_event, event_stride, finish_step, stepTerminal, stepEvCount, stepOutIdx } from "./events";
import { hinit_explicit, hinit_implicit } from "./initial";
import {
  stepper_valid, stepper_order, stepper_explicit, stepper_controller, stepper_clock_mask, stepper_workspace_bytes, stepper_init,
  stepper_start, stepper_attempt, stepper_safety, stepper_resized, stepper_rejected, stepper_accept, stepper_ynew, stepper_dense,
  stepper_next_h, stepper_stats, stepper_restart, stepper_stiff,
} from "./stepper";

/** Failed non-finite attempts in a row before the driver gives up (each retries with a tenth of the step). */
const NONFINITE_TRIES: i32 = 40;
/** Switches in a row at the same time (no progress) before a switching system is declared chattering. */
const STALLED_SWITCHES: i32 = 64;

/** Bytes of workspace for `method` in dimension n with nEvents events (0 for an unknown method). */
export function ode_workspace_bytes(method: i32, n: i32, nEvents: i32, krylov: i32): i32 {
  if (!stepper_valid(method)) return 0;
  return ((4 * n + 2 * nEvents) << 3) + stepper_workspace_bytes(method, n, krylov);
}

function allFinite(n: i32, y: usize): bool {
  for (let i = 0; i < n; i++) {
    const v = load<f64>(y + (<usize>i << 3));
    if (v - v != 0.0) return false;
  }
  return true;
}

/** Integrates the bound system as configured by the block at `c`; returns a STATUS_* code and fills the stats. */
export function drive(c: usize): i32 {
  const method = cfg_i(c, CFG_METHOD);
  const n = cfg_i(c, CFG_N);
  const y = cfg_p(c, CFG_Y);
  const t0 = cfg(c, CFG_T0), t1 = cfg(c, CFG_T1);
  const rtol = cfg(c, CFG_RTOL), atol = cfg(c, CFG_ATOL);
  const maxSteps = cfg_i(c, CFG_MAX_STEPS);
  const tOut = cfg_p(c, CFG_TOUT), nOut = cfg_i(c, CFG_NOUT), yOut = cfg_p(c, CFG_YOUT);
  const events = cfg_p(c, CFG_EVENTS), nEvents = cfg_i(c, CFG_NEVENTS);
  const evOut = cfg_p(c, CFG_EVOUT), evCap = cfg_i(c, CFG_EVCAP);
  const work = cfg_p(c, CFG_WORK), stats = cfg_p(c, CFG_STATS);
  const deadline = cfg(c, CFG_DEADLINE);
  const fixed = cfg(c, CFG_FIXED) != 0.0;
  const progressMs = cfg(c, CFG_PROGRESS_MS);
  const stiffStop = cfg(c, CFG_STIFF_STOP) != 0.0;
  bind_system(cfg_i(c, CFG_RHS), n, cfg_p(c, CFG_PARAMS));
  for (let s = 0; s < STATS_LEN; s++) put_stat(stats, s, 0.0);
  if (!stepper_valid(method)) {
    put_stat(stats, STAT_T, t0);
    return STATUS_BAD_RHS;
  }

  const vb = <usize>n << 3;
  const f0 = work, scratch = f0 + vb, tmpA = scratch + vb, tmpB = tmpA + vb;
  const gOld = tmpB + vb, gNew = gOld + (<usize>nEvents << 3);
  stepper_init(method, n, gNew + (<usize>nEvents << 3), f0, cfg_i(c, CFG_KRYLOV), fixed, rtol);

  let naccept = 0, nreject = 0, outIdx = 0, evCount = 0, steps = 0;
  let status = STATUS_DONE;
  const dir: f64 = t1 >= t0 ? 1.0 : -1.0;
  const span = abs<f64>(t1 - t0);
  let hmax = cfg(c, CFG_HMAX);
  hmax = hmax > 0.0 ? min<f64>(hmax, span) : span;
  let t = t0;

  // Output times equal to t0 are served from y0 directly.
  while (outIdx < nOut && load<f64>(tOut + (<usize>outIdx << 3)) == t0) {
    memory.copy(yOut + <usize>outIdx * vb, y, vb);
    outIdx++;
  }
  if (!f(t, y, f0)) {
    put_stat(stats, STAT_T, t);
    return STATUS_BAD_RHS;
  }
  if (!allFinite(n, y) || !allFinite(n, f0)) status = STATUS_NONFINITE;
  for (let e = 0; e < nEvents; e++) {
    store<f64>(gOld + (<usize>e << 3), eval_event(events + <usize>(e * event_stride(n)) * 8, n, t, y));
  }

  let h = abs<f64>(cfg(c, CFG_H0));
  if (h == 0.0 && status == STATUS_DONE && span > 0.0) {
    h = stepper_explicit(method)
      ? hinit_explicit(n, t, y, f0, dir, hmax, rtol, atol, stepper_order(method), tmpA, tmpB)
      : hinit_implicit(n, y, f0, rtol, atol);
  }
  h = min<f64>(h, hmax);
  if (status == STATUS_DONE) stepper_start(method, t, y);
  ctl_reset(stepper_controller(method), stepper_order(method));
  const nControlled = controlled();
  const clockMask = stepper_clock_mask(method);
  const watchClock = deadline > 0.0 || progressMs > 0.0;
  let nextProgress = progressMs > 0.0 ? host_now() + progressMs : Infinity;
  const dense = stepper_dense(method);
  let nonfiniteTries = 0;
  // A switching system (SYS_DISCONTINUOUS) locates its own switches in each accepted step; the step is cut at the
  // earliest, the system switches, and the next step starts from there with f re-evaluated.
  const switching = status == STATUS_DONE && (traits() & SYS_DISCONTINUOUS) != 0;
  let switches = 0, stalled = 0;

  while (status == STATUS_DONE && dir * (t1 - t) > 0.0) {
    if (steps >= maxSteps) { status = STATUS_MAX_STEPS; break; }
    if (watchClock && (steps & clockMask) == 0) {
      const now = host_now();
      if (deadline > 0.0 && now > deadline) { status = STATUS_DEADLINE; break; }
      if (now >= nextProgress) {
        nextProgress = now + progressMs;
        if (host_progress(t, <f64>steps, y) != 0.0) { status = STATUS_INTERRUPTED; break; }
      }
    }
    if (0.1 * h <= abs<f64>(t) * f64.EPSILON || h < 1e-300) { status = STATUS_STEP_TOO_SMALL; break; }
    let last = false;
    if (dir * (t + dir * h - t1) >= 0.0) {
      h = abs<f64>(t1 - t);
      last = true;
      stepper_resized(method);
    }
    const hs = dir * h;
    const tnew = last ? t1 : t + hs;
    steps++;

    let en = stepper_attempt(method, t, hs, tnew, y, nControlled, rtol, atol);
    if (en < 0.0) { // the stepper asks for a retry (its Newton iteration failed)
      nreject++;
      h *= -en;
      continue;
    }
    if (en != en || en == Infinity) {
      // A non-finite stage: retry with a much smaller step (÷10 four times, then ÷1e8: a field of 1e200 at the start
      // needs h ~ 1e-200, and 40 tries then span the whole double range), and give up after a run of failures.
      nreject++;
      stepper_rejected(method);
      if (++nonfiniteTries > NONFINITE_TRIES) { status = STATUS_NONFINITE; break; }
      h *= nonfiniteTries <= 4 ? 0.1 : 1e-8;
      continue;
    }
    nonfiniteTries = 0;
    if (fixed) en = 0.0;
    const safety = stepper_safety(method);
    if (en > 1.0) {
      nreject++;
      h *= ctl_reject(en, safety);
      stepper_rejected(method);
      continue;
    }

    naccept++;
    stepper_accept(method, t, hs, tnew, y);
    let yEnd = stepper_ynew(method);
    let tStop = tnew;
    let switched = false;
    let switchedAtEnd = false;
    if (switching) {
      const tc = disc_locate(t, tnew, dense, yEnd, tmpB, rtol, atol, en);
      if (tc == Infinity) switchedAtEnd = true;
      else if (tc == tc) {
        switched = true;
        tStop = tc;
        dense(tc, tmpA);
        yEnd = tmpA;
      }
    }
    const tEnd = finish_step(n, t, tStop, dir, yEnd, dense, scratch, events, nEvents, gOld, gNew, evOut, evCount, evCap, tOut, nOut, yOut, outIdx);
    if (switching) { // the switching state at each recorded output and root (which ReLU units slide, with what weight)
      for (let o = outIdx; o < stepOutIdx; o++) disc_snapshot(0, o, yOut + <usize>o * vb, tmpB);
      for (let e = evCount; e < stepEvCount; e++) disc_snapshot(1, e, evOut + <usize>(e * (2 + n) + 2) * 8, tmpB);
    }
    evCount = stepEvCount;
    outIdx = stepOutIdx;
    if (stepTerminal) {
      dense(tEnd, y);
      t = tEnd;
      status = STATUS_EVENT;
      break;
    }
    memory.copy(y, yEnd, vb);
    memory.copy(gOld, gNew, <usize>nEvents << 3);
    if (switched) {
      stalled = tStop == t ? stalled + 1 : 0;
      t = tStop;
      switches += disc_switch(t, y, tmpB);
      f(t, y, f0);
      stepper_restart(method);
      if (stalled > STALLED_SWITCHES) { status = STATUS_CHATTERING; break; }
    } else {
      t = tnew;
      stalled = 0;
      if (switchedAtEnd) { // the system switched at tnew itself: f there is the new field's
        switches++;
        f(t, y, f0);
        stepper_restart(method);
      } else if (stiffStop && stepper_stiff(method, hs)) {
        status = STATUS_STIFF;
        h = stepper_next_h(method, t, y, h, ctl_accept(en, h, safety), hmax);
        break;
      }
    }
    if (!allFinite(n, y) || !allFinite(n, f0)) { status = STATUS_NONFINITE; break; }
    // fixed steps: en = 0 asks the largest growth, and hmax (= the step) caps it
    h = stepper_next_h(method, t, y, h, ctl_accept(en, h, safety), hmax);
  }

  put_stat(stats, STAT_T, t);
  put_stat(stats, STAT_ACCEPTED, <f64>naccept);
  put_stat(stats, STAT_REJECTED, <f64>nreject);
  put_stat(stats, STAT_NFEV, <f64>evaluations());
  put_stat(stats, STAT_OUT_FILLED, <f64>outIdx);
  put_stat(stats, STAT_EVENTS, <f64>evCount);
  put_stat(stats, STAT_H, h);
  put_stat(stats, STAT_NFEV_JAC, <f64>jacobian_evaluations());
  put_stat(stats, STAT_SWITCHES, <f64>switches);
  stepper_stats(method, stats);
  return status;
}
