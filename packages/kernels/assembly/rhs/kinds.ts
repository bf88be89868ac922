// The kinds of right-hand sides and model events (the host names them by these constants).

/** y' = A·y, A dense n×n row-major at params. */
export const RHS_LINEAR: i32 = 0;
/** y_i' = r·y_i·(1 − y_i), r = params[0]. */
export const RHS_LOGISTIC: i32 = 1;
/** y_i' = y_i² (blows up at t = 1/y_i(0)). */
export const RHS_QUADRATIC: i32 = 2;
/** Gradient flow of a model's loss in ordinary time; y = (θ, s), params = a gradflow.ts problem block. */
export const RHS_GF_TIME: i32 = 10;
/** The same flow in the terminal-phase clock σ = log s; y = (θ, log t). */
export const RHS_GF_LOGS: i32 = 11;

/** g = log L(θ) − c0 for a gradient flow (the loss crossing a level; A5 is log L < −log n). */
export const EVENT_LOG_LOSS: i32 = 2;
/** g = q_min(θ) − c0 for a gradient flow (c0 = 0, rising: the first time the training error is zero). */
export const EVENT_MARGIN: i32 = 3;
/** g = t − c0 while the data are not separated (q_min ≤ 0), −1 once they are: fires at t = c0 only on unseparated
 *  data (a gradient flow that has not separated its data by then plateaus; in the terminal-phase clock it would only
 *  grow stiffer). */
export const EVENT_UNSEPARATED_AT: i32 = 4;
