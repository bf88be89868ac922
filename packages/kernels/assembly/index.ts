// The kernels module: exactly the host-facing API of the .wasm (the generated manifest lists it, and a test
// checks that core binds every entry). One op family per file; helpers stay internal.
export * from "./memory";
export * from "./blas1";
export * from "./blas2";
export * from "./blas3";
export * from "./collapse";
export { ode_solve } from "./ode";
export { ode_workspace_bytes } from "./integrate/driver";
export { STEPPER_DOPRI5, STEPPER_RADAU5 } from "./integrate/stepper";
export {
  CFG_METHOD, CFG_N, CFG_RHS, CFG_PARAMS, CFG_T0, CFG_T1, CFG_Y, CFG_RTOL, CFG_ATOL, CFG_H0, CFG_HMAX, CFG_MAX_STEPS, CFG_TOUT,
  CFG_NOUT, CFG_YOUT, CFG_EVENTS, CFG_NEVENTS, CFG_EVOUT, CFG_EVCAP, CFG_WORK, CFG_STATS, CFG_DEADLINE, CFG_FIXED, CFG_KRYLOV,
  CFG_PROGRESS_MS, CFG_STIFF_STOP, CFG_LEN,
} from "./integrate/config";
export {
  STATUS_DONE, STATUS_EVENT, STATUS_MAX_STEPS, STATUS_STEP_TOO_SMALL, STATUS_NONFINITE, STATUS_BAD_RHS, STATUS_DEADLINE,
  STATUS_INTERRUPTED, STATUS_CHATTERING, STATUS_STIFF, STAT_T, STAT_ACCEPTED, STAT_REJECTED, STAT_NFEV, STAT_OUT_FILLED, STAT_EVENTS, STAT_H, STAT_NJEV,
  STAT_NFEV_JAC, STAT_NLU, STAT_SWITCHES, STATS_LEN,
} from "./integrate/status";
export { EVENT_LINEAR, EVENT_TIME } from "./integrate/events";
export { RHS_LINEAR, RHS_LOGISTIC, RHS_QUADRATIC, RHS_GF_TIME, RHS_GF_LOGS, EVENT_LOG_LOSS, EVENT_MARGIN, EVENT_UNSEPARATED_AT } from "./rhs/kinds";
export {
  gf_loss, gf_grad_log_loss, gf_has_analytic_jacobian, gf_jacobian_logs, GF_PROG, GF_M, GF_X, GF_LABELS, GF_N, GF_LOSS, GF_WORK, GF_F, GF_G, GF_Z, GF_LOGL, GF_QMIN,
  GF_LAST, GF_VALID, GF_A, GF_LIN, GF_KINKS, GF_DECAY, GF_BLOCK_LEN, gf_outputs, gf_linear_exp, gf_linear_scratch_len, gf_prepare_linear,
} from "./rhs/gradflow";
export {
  KK_UNITS, KK_MODES_F, KK_MODES_B, KK_CAP, KK_SLIDE, KK_NSLIDE, KK_NORMALS, KK_GRAM, KK_VEC, KK_CAPLIST, KK_CAPOUT, KK_SAMPLE,
  KK_THETA, KK_CAND, KK_NCAND, KK_CROSSINGS, KK_ENTRIES, KK_EXITS, KK_LOG, KK_LOG_CAP, KK_LOG_N, KK_FAIL, KK_EVALS, KK_ENABLED,
  KK_EXTRA, KK_NEXTRA, KK_LAZY, KK_GEN, KK_LAZY_SWITCHES, KK_LAST_SWITCH, KK_FORCED, KK_NFORCED, KK_FORCED_TOTAL, KK_NZ, KK_NNZ, KK_RECENT, KK_RECENT_N, RECENT_CAP, KK_SNAP_OUT, KK_SNAP_OUT_CAP, KK_SNAP_EV, KK_SNAP_EV_CAP,
  KK_BLOCK_LEN, SLIDE_REC, LOG_REC, CAND_CAP, KINK_FAIL_CAPACITY, KINK_FAIL_SINGULAR, kinks_units, kinks_sample_len,
} from "./rhs/kinks";
export { filippov_reset } from "./rhs/filippov";
export { sample_output_gradient, sample_scratch_len } from "./models/sample";
export { model_set_modes, model_relu_units, model_relu_factors, model_op_width, model_op_count, op_output as model_op_output } from "./models/program";
export {
  model_forward, model_backward, model_workspace_bytes, OP_DENSE, OP_RELU, OP_SAVE, OP_ADD, OP_LNORM, OP_DIAG, OP_CONV, OP_POOL, OP_BNORM, OP_WDENSE, OP_WCONV,
} from "./models/program";
export { model_set_batchnorm, BN_TRAIN, BN_EVAL, POOL_MAX, POOL_AVG, WN_ROWS, WN_MATRIX } from "./models/layers";
export { train_steps, train_workspace_bytes } from "./models/train";
export { train_steps_f32, train_f32_workspace_bytes, train_f32_supported } from "./models/train-f32";
export { loss_eval, min_margin, LOSS_EXP, LOSS_LOGISTIC, LOSS_SQUARE } from "./losses";
export { exp_f64, exp_np_f64, log_f64, log1p_f64, expm1_f64, logsumexp_f64, softmax_f64 } from "./special"; // exp_shift_sum is internal (losses.ts)
