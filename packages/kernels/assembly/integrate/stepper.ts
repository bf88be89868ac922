// The stepper contract, dispatched by kind: what the driver asks of a one-step method — its order and traits,
// its workspace, one attempted step returning an error norm, the bookkeeping of an accepted or rejected step,
// dense output and the next step size. Kernels never allocate, so a stepper is a kind and module state, not an
// object; adding one means a file with these functions and a case in each switch below.
import { DenseEval } from "./system";
import { CTL_PI, CTL_PREDICTIVE } from "./controller";
import {
  DOPRI5_ORDER, DOPRI5_SAFETY, dopri5_workspace_bytes, dopri5_init, dopri5_attempt, dopri5_accept, dopri5_dense, dopri5_ynew,
  dopri5_stiff,
} from "./dopri5";
import {
  RADAU5_ORDER, radau5_workspace_bytes, radau5_init, radau5_start, radau5_attempt, radau5_accept, radau5_dense, radau5_ynew,
  radau5_safety, radau5_resized, radau5_rejected, radau5_restart, radau5_next_h, radau5_stats,
} from "./radau5";
import { put_stat, STAT_NJEV, STAT_NLU } from "./status";

/** Explicit Dormand–Prince 5(4). */
export const STEPPER_DOPRI5: i32 = 0;
/** Implicit Radau IIA(5), for stiff systems. */
export const STEPPER_RADAU5: i32 = 1;

export function stepper_valid(kind: i32): bool {
  return kind == STEPPER_DOPRI5 || kind == STEPPER_RADAU5;
}

/** Order q of the error estimate (the controller's exponent 1/(q+1), HINIT's too). */
export function stepper_order(kind: i32): i32 {
  return kind == STEPPER_RADAU5 ? RADAU5_ORDER : DOPRI5_ORDER;
}

/** Explicit steppers take Hairer's HINIT first step; implicit ones the cheap estimate (initial.ts). */
export function stepper_explicit(kind: i32): bool {
  return kind == STEPPER_DOPRI5;
}

export function stepper_controller(kind: i32): i32 {
  return kind == STEPPER_RADAU5 ? CTL_PREDICTIVE : CTL_PI;
}

/** The clock is read every (mask + 1) steps: cheap explicit steps every 16th, costly implicit ones every step. */
export function stepper_clock_mask(kind: i32): i32 {
  return kind == STEPPER_RADAU5 ? 0 : 15;
}

export function stepper_workspace_bytes(kind: i32, n: i32, krylov: i32): i32 {
  return kind == STEPPER_RADAU5 ? radau5_workspace_bytes(n, krylov) : dopri5_workspace_bytes(n);
}

/** Lays out the stepper's workspace; f0 (the driver's) holds f(t, y) at the start of each step. */
export function stepper_init(kind: i32, n: i32, work: usize, f0: usize, krylov: i32, fixed: bool, rtol: f64): void {
  if (kind == STEPPER_RADAU5) radau5_init(n, work, f0, krylov, fixed, rtol);
  else dopri5_init(n, work, f0);
}

/** Before the first step, with a finite state and f0 = f(t, y). */
export function stepper_start(kind: i32, t: f64, y: usize): void {
  if (kind == STEPPER_RADAU5) radau5_start(t, y);
}

/** One step of signed size hs to tnew: the error norm (≤ 1 passes), NaN when not finite, or −factor: retry with h·factor. */
export function stepper_attempt(kind: i32, t: f64, hs: f64, tnew: f64, y: usize, nControlled: i32, rtol: f64, atol: f64): f64 {
  if (kind == STEPPER_RADAU5) return radau5_attempt(t, hs, y, nControlled, rtol, atol);
  return dopri5_attempt(t, hs, tnew, y, nControlled, rtol, atol);
}

/** The safety factor of the step just attempted. */
export function stepper_safety(kind: i32): f64 {
  return kind == STEPPER_RADAU5 ? radau5_safety() : DOPRI5_SAFETY;
}

/** The driver shortened the step (the last one, to t1). */
export function stepper_resized(kind: i32): void {
  if (kind == STEPPER_RADAU5) radau5_resized();
}

export function stepper_rejected(kind: i32): void {
  if (kind == STEPPER_RADAU5) radau5_rejected();
}

/** The system switched at the current point (f0 re-evaluated): step history no longer describes the field. */
export function stepper_restart(kind: i32): void {
  if (kind == STEPPER_RADAU5) radau5_restart();
}

/** The step [t, tnew] was accepted: build its dense output; f0 ← f(tnew, ynew). */
export function stepper_accept(kind: i32, t: f64, hs: f64, tnew: f64, y: usize): void {
  if (kind == STEPPER_RADAU5) radau5_accept(t, hs, tnew, y);
  else dopri5_accept(t, hs, y);
}

/** The state at the end of the attempted step. */
export function stepper_ynew(kind: i32): usize {
  return kind == STEPPER_RADAU5 ? radau5_ynew() : dopri5_ynew();
}

/** The dense output of the last accepted step. */
export function stepper_dense(kind: i32): DenseEval {
  return kind == STEPPER_RADAU5 ? radau5_dense : dopri5_dense;
}

/** The next step size after an accepted step, now at (t, y), from the controller's factor. */
export function stepper_next_h(kind: i32, t: f64, y: usize, h: f64, factor: f64, hmax: f64): f64 {
  if (kind == STEPPER_RADAU5) return radau5_next_h(t, y, h, factor, hmax);
  return min<f64>(hmax, h * factor);
}

/** The stepper's own stats slots (Jacobians, LU factorizations). */
export function stepper_stats(kind: i32, stats: usize): void {
  if (kind == STEPPER_RADAU5) radau5_stats(stats);
  else {
    put_stat(stats, STAT_NJEV, 0.0);
    put_stat(stats, STAT_NLU, 0.0);
  }
}

/** After an accepted step that ended normally (no switch): whether an explicit stepper finds the system stiff
 *  (implicit steppers never do). */
export function stepper_stiff(kind: i32, hs: f64): bool {
  return kind == STEPPER_DOPRI5 ? dopri5_stiff(hs) : false;
}
