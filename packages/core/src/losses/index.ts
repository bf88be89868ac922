// Losses in log domain (log L and the weights of ∇ log L), valid far below the double range.
export {
  exponentialLoss,
  logisticLoss,
  crossEntropy,
  squareLoss,
  loss,
  type MarginLossResult,
  type OutputLossResult,
} from "./losses.js";
