// Certificates: exact max-margin solvers, KKT residuals of seed 000's problem (P) at trajectory points, and the
// closed forms (Lemma 5.1, Theorem 6.1) that the dynamics are checked against.
export { solveQp, feasiblePoint, QpError, type QpProblem, type QpOptions, type QpSolution, type QpResiduals } from "./qp.js";
export { hardMarginSvm, type SvmOptions, type SvmResult } from "./svm.js";
export { nnls, nnlsColumns, type NnlsOptions, type NnlsResult } from "./nnls.js";
export { kktResiduals, type KktOptions, type KktResult } from "./kkt.js";
export {
  asymmetricMaxMargin,
  cascadedMaxMargin,
  diagonalNetwork,
  diagonalBeta,
  type AsymmetricResult,
} from "./asymmetric.js";
export { ballLimit, ballCascade, type BallLimitOptions, type BallLimitResult, type BallCascadeResult } from "./ball.js";
export {
  lemma51,
  ballRobustness,
  simplexEtf,
  simplexDistance,
  type Lemma51,
  type SimplexEtf,
  type SimplexDistance,
} from "./closed-forms.js";
export type { CoordinateRole, CoordinateSpec } from "./coordinates.js";
