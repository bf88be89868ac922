// The configuration of one integration: a block of f64 slots the host fills by these names (pointers and counts
// stored as f64) instead of two dozen positional parameters.

export const CFG_METHOD: i32 = 0; // STEPPER_* of stepper.ts
export const CFG_N: i32 = 1; // dimension
export const CFG_RHS: i32 = 2; // right-hand-side kind (rhs/index.ts)
export const CFG_PARAMS: i32 = 3; // pointer: the right-hand side's parameters
export const CFG_T0: i32 = 4;
export const CFG_T1: i32 = 5; // either direction
export const CFG_Y: i32 = 6; // pointer: y(t0) on entry, the final state on return (n f64s)
export const CFG_RTOL: i32 = 7;
export const CFG_ATOL: i32 = 8;
export const CFG_H0: i32 = 9; // first step; 0: automatic
export const CFG_HMAX: i32 = 10; // 0: no limit
export const CFG_MAX_STEPS: i32 = 11; // accepted + rejected
export const CFG_TOUT: i32 = 12; // pointer: output times, sorted in the direction of integration
export const CFG_NOUT: i32 = 13;
export const CFG_YOUT: i32 = 14; // pointer: nOut×n states at the output times
export const CFG_EVENTS: i32 = 15; // pointer: event records (events.ts)
export const CFG_NEVENTS: i32 = 16;
export const CFG_EVOUT: i32 = 17; // pointer: roots found, [t, event index, y(t)…] each
export const CFG_EVCAP: i32 = 18; // most roots recorded
export const CFG_WORK: i32 = 19; // pointer: ode_workspace_bytes(method, n, nEvents, krylov) bytes
export const CFG_STATS: i32 = 20; // pointer: STATS_LEN f64s (status.ts)
export const CFG_DEADLINE: i32 = 21; // host milliseconds (env.now); 0: none
export const CFG_FIXED: i32 = 22; // 1: steps of exactly h0, no error control (convergence-order studies)
export const CFG_KRYLOV: i32 = 23; // Radau: GMRES restart length of the matrix-free mode; 0: dense
export const CFG_PROGRESS_MS: i32 = 24; // report progress (env.progress) every this many ms; 0: never
export const CFG_STIFF_STOP: i32 = 25; // 1: an explicit stepper stops with STATUS_STIFF when its stiffness test fires
export const CFG_LEN: i32 = 26;

// @ts-ignore: decorator
@inline export function cfg(c: usize, slot: i32): f64 {
  return load<f64>(c + (<usize>slot << 3));
}
// @ts-ignore: decorator
@inline export function cfg_i(c: usize, slot: i32): i32 {
  return <i32>load<f64>(c + (<usize>slot << 3));
}
// @ts-ignore: decorator
@inline export function cfg_p(c: usize, slot: i32): usize {
  return <usize>load<f64>(c + (<usize>slot << 3));
}
