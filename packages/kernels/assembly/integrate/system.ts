// The system being integrated, as the integrators see it: y' = f(t, y), its event functions, its traits and (when it
// has one) its analytic Jacobian — reached through function references bound by ode.ts, so no integrator imports
// a right-hand side or a model. Every evaluation goes through f() or f_jac(), which count them.

/** Dense output of the current step: fills y(t) at `out` for t inside the step. */
export type DenseEval = (t: f64, out: usize) => void;
/** dy ← f(t, y) for the right-hand side `kind` with parameters at `params`; false for an unknown kind. */
export type RhsFn = (kind: i32, n: i32, t: f64, y: usize, dy: usize, params: usize) => bool;
/** g(t, y) of an event record whose kind the integrators do not know (model events). */
export type EventFn = (ev: usize, n: i32, t: f64, y: usize, params: usize) => f64;
/** SYS_* trait bits of a right-hand side. */
export type TraitsFn = (kind: i32, n: i32, params: usize) => i32;
/** J ← ∂f/∂y (n×n row-major) at (t, y), for systems with SYS_ANALYTIC_JACOBIAN. */
export type JacobianFn = (kind: i32, n: i32, t: f64, y: usize, J: usize, params: usize) => void;
/** How many leading components of the state the error control watches. */
export type ControlledFn = (kind: i32, n: i32) => i32;
/** A switching system (SYS_DISCONTINUOUS), after the accepted step [t, tnew] (error norm en under rtol/atol): the
 *  earliest switch inside it to cut the step at, NaN for none, +Infinity when the system switched at tnew itself
 *  (cheaper than cutting, and within the error budget). */
export type LocateFn = (kind: i32, n: i32, t: f64, tnew: f64, dense: DenseEval, ynew: usize, scratch: usize, params: usize, rtol: f64, atol: f64, en: f64) => f64;
/** Applies the switches located at t (state y); returns how many happened. */
export type SwitchFn = (kind: i32, n: i32, t: f64, y: usize, scratch: usize, params: usize) => i32;
/** Records the switching state at a requested output (which = 0) or an event root (1), number `index`, state y. */
export type SnapshotFn = (kind: i32, n: i32, which: i32, index: i32, y: usize, scratch: usize, params: usize) => void;

/** f(t, y) = e^t·G(y) (the terminal-phase gradient flow, t = σ): J(t, y) = e^{t − t'}·J(t', y). */
export const SYS_EXP_SCALED: i32 = 1;
/** An analytic Jacobian is available (cheaper than n evaluations). */
export const SYS_ANALYTIC_JACOBIAN: i32 = 2;
/** A switching system: its field is smooth between switches the system locates itself (the kinks of ReLU flows). */
export const SYS_DISCONTINUOUS: i32 = 4;

function noRhs(_k: i32, _n: i32, _t: f64, _y: usize, _dy: usize, _p: usize): bool { return false; }
function noEvent(_e: usize, _n: i32, _t: f64, _y: usize, _p: usize): f64 { return NaN; }
function noTraits(_k: i32, _n: i32, _p: usize): i32 { return 0; }
function noJacobian(_k: i32, _n: i32, _t: f64, _y: usize, _J: usize, _p: usize): void {}
function allControlled(_k: i32, n: i32): i32 { return n; }
function noLocate(_k: i32, _n: i32, _t: f64, _tn: f64, _d: DenseEval, _y: usize, _s: usize, _p: usize, _r: f64, _a: f64, _e: f64): f64 { return NaN; }
function noSwitch(_k: i32, _n: i32, _t: f64, _y: usize, _s: usize, _p: usize): i32 { return 0; }
function noSnapshot(_k: i32, _n: i32, _w: i32, _i: i32, _y: usize, _s: usize, _p: usize): void {}

let rhsFn: RhsFn = noRhs;
let eventFn: EventFn = noEvent;
let traitsFn: TraitsFn = noTraits;
let jacobianFn: JacobianFn = noJacobian;
let controlledFn: ControlledFn = allControlled;
let locateFn: LocateFn = noLocate;
let switchFn: SwitchFn = noSwitch;
let snapshotFn: SnapshotFn = noSnapshot;
let kind: i32 = 0;
let dim: i32 = 0;
let params: usize = 0;
let nfev: i32 = 0;
let nfevJac: i32 = 0;

/** Binds the functions of the right-hand-side family (ode.ts does, before each integration). */
export function bind_family(
  rhs: RhsFn, event: EventFn, traits: TraitsFn, jacobian: JacobianFn, controlled: ControlledFn, locate: LocateFn, switcher: SwitchFn,
  snapshot: SnapshotFn,
): void {
  rhsFn = rhs; eventFn = event; traitsFn = traits; jacobianFn = jacobian; controlledFn = controlled;
  locateFn = locate; switchFn = switcher; snapshotFn = snapshot;
}

/** Selects the right-hand side of this integration and zeroes the counters. */
export function bind_system(k: i32, n: i32, p: usize): void {
  kind = k; dim = n; params = p;
  nfev = 0; nfevJac = 0;
}

/** dy ← f(t, y), counted as a stepper evaluation. */
export function f(t: f64, y: usize, dy: usize): bool {
  nfev++;
  return rhsFn(kind, dim, t, y, dy, params);
}

/** dy ← f(t, y), counted as an evaluation spent on the Jacobian (finite differences, J·v products). */
export function f_jac(t: f64, y: usize, dy: usize): bool {
  nfevJac++;
  return rhsFn(kind, dim, t, y, dy, params);
}

/** g(t, y) of a model event record. */
export function g_model(ev: usize, t: f64, y: usize): f64 {
  return eventFn(ev, dim, t, y, params);
}

export function traits(): i32 {
  return traitsFn(kind, dim, params);
}

/** J ← the analytic Jacobian (one evaluation's worth of work, counted as one). */
export function jacobian(t: f64, y: usize, J: usize): void {
  nfevJac++;
  jacobianFn(kind, dim, t, y, J, params);
}

export function controlled(): i32 {
  return controlledFn(kind, dim);
}

/** After the accepted step [t, tnew] (dense output `dense`, error norm en): the switch time to cut at, NaN for none,
 *  +Infinity when the system switched at tnew (LocateFn); scratch: n f64s. */
export function disc_locate(t: f64, tnew: f64, dense: DenseEval, ynew: usize, scratch: usize, rtol: f64, atol: f64, en: f64): f64 {
  return locateFn(kind, dim, t, tnew, dense, ynew, scratch, params, rtol, atol, en);
}

/** Applies the switches located at t (state y); returns how many happened. */
export function disc_switch(t: f64, y: usize, scratch: usize): i32 {
  return switchFn(kind, dim, t, y, scratch, params);
}

/** Records the switching state at output (which = 0) or root (1) number `index`, state y. */
export function disc_snapshot(which: i32, index: i32, y: usize, scratch: usize): void {
  snapshotFn(kind, dim, which, index, y, scratch, params);
}

export function evaluations(): i32 {
  return nfev;
}

export function jacobian_evaluations(): i32 {
  return nfevJac;
}
