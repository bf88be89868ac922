// Public API of Λ inference and verification (seed 000, Def. 3.1 and App. B): the lexicographic-minimax rate
// solver, the polynomial model kind of the worked examples, and numerical checks of a declared Λ.
export {
  solveRates,
  solveLp,
  nullSpace,
  RateInfeasibleError,
  RateZeroError,
  type RateEquation,
  type RateOptions,
  type RateLevel,
  type RateSolution,
  type LpResult,
} from "./rates.js";
export {
  checkPolynomialSpec,
  polynomialForward,
  polynomialGradient,
  polynomialConstraints,
  inferPolynomialLambda,
  polynomialFromMonomials,
  termLabel,
  type PolynomialSpec,
  type PolynomialTerm,
  type PolynomialLambda,
} from "./polynomial.js";
export {
  verifyLambda,
  assertLambda,
  scaleParams,
  lambdaFromGroups,
  LambdaError,
  type LambdaModel,
  type ModelForward,
  type ModelGradient,
  type VerifyLambdaOptions,
  type LambdaCheck,
  type LambdaResidual,
} from "./verify.js";
