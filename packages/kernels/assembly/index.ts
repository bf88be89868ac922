// The kernels module: exactly the host-facing API of the .wasm (the generated manifest lists it, and a test
// checks that core binds every entry). One op family per file; helpers stay internal.
export * from "./memory";
export * from "./blas1";
export * from "./blas2";
export * from "./blas3";
export { RHS_LINEAR, RHS_LOGISTIC, RHS_QUADRATIC, EVENT_LINEAR, EVENT_TIME } from "./integrate/flows";
export {
  dopri5_solve, dopri5_workspace_bytes,
  STATUS_DONE, STATUS_EVENT, STATUS_MAX_STEPS, STATUS_STEP_TOO_SMALL, STATUS_NONFINITE, STATUS_BAD_RHS,
  STAT_T, STAT_ACCEPTED, STAT_REJECTED, STAT_NFEV, STAT_OUT_FILLED, STAT_EVENTS, STAT_H, STATS_LEN,
} from "./integrate/dopri5";
export * from "./special";
