// What an integration reports: its status code and its stats block — the one list of both (the host mirrors the
// codes as IntegrationStatus and reads the stats by these slot names). Also the host's clock and progress hooks.

/** Reached t1. */
export const STATUS_DONE: i32 = 0;
/** A terminal event stopped the integration. */
export const STATUS_EVENT: i32 = 1;
/** The step budget (accepted + rejected steps) ran out. */
export const STATUS_MAX_STEPS: i32 = 2;
/** The step size fell below the resolution of t. */
export const STATUS_STEP_TOO_SMALL: i32 = 3;
/** The state or the right-hand side stopped being finite. */
export const STATUS_NONFINITE: i32 = 4;
/** The right-hand side kind is unknown. */
export const STATUS_BAD_RHS: i32 = 5;
/** The integration ran past its wall-clock deadline (env.now, milliseconds). */
export const STATUS_DEADLINE: i32 = 6;
/** The host's progress callback asked to stop. */
export const STATUS_INTERRUPTED: i32 = 7;
/** A switching system kept switching without the time advancing (chattering between modes). */
export const STATUS_CHATTERING: i32 = 8;
/** The explicit stepper's stiffness test fired (CFG_STIFF_STOP): the host goes on with an implicit one. */
export const STATUS_STIFF: i32 = 9;

// Stats block (f64 slots).
export const STAT_T: i32 = 0; // time reached
export const STAT_ACCEPTED: i32 = 1;
export const STAT_REJECTED: i32 = 2;
export const STAT_NFEV: i32 = 3; // right-hand-side evaluations of the stepper
export const STAT_OUT_FILLED: i32 = 4; // output times written
export const STAT_EVENTS: i32 = 5; // event records written
export const STAT_H: i32 = 6; // last step size
export const STAT_NJEV: i32 = 7; // Jacobians formed (implicit steppers)
export const STAT_NFEV_JAC: i32 = 8; // right-hand-side evaluations spent on Jacobians or J·v products
export const STAT_NLU: i32 = 9; // LU factorizations (pairs, Radau)
export const STAT_SWITCHES: i32 = 10; // discontinuities handled (the right-hand side switched its mode)
export const STATS_LEN: i32 = 12;

/** Host milliseconds (monotonic). */
@external("env", "now")
export declare function host_now(): f64;

/** Progress report to the host (t reached, steps taken, the state's address); a nonzero return asks to stop. */
@external("env", "progress")
export declare function host_progress(t: f64, steps: f64, y: usize): f64;

// @ts-ignore: decorator
@inline export function put_stat(stats: usize, slot: i32, v: f64): void {
  store<f64>(stats + (<usize>slot << 3), v);
}
