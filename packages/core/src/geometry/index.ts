// Geometry of Λ-quasi-homogeneous parameters: seminorms, Λ-normalization, the ψ action, tangent angle, margins.
export {
  lambdaMax,
  lambdaSeminorm,
  logLambdaSeminorm,
  lambdaMaxSeminorm,
  logLambdaMaxSeminorm,
  type LogParams,
  type ParamsLike,
  type SeminormOptions,
} from "./seminorm.js";
export {
  lambdaNormalize,
  lambdaNormalizeLog,
  lambdaScale,
  lambdaScaleLog,
  tangent,
  cosAngle,
  type LambdaNormalization,
  type LambdaNormalizationLog,
  type TangentAngle,
} from "./normalize.js";
export { margins, minMargin, normalizedMargin, smoothedMargin, supportVectorCount } from "./margins.js";
