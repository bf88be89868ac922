// @marginflow/core — the typed library. Environment-free: runs in Node, browsers and workers alike.
export { MarginflowError, ArgumentError } from "./errors.js";
export { Runtime, runtime, compileKernels } from "./runtime/kernels.js";
export { Arena, F64Buffer } from "./runtime/arena.js";
export { Rng, philox4x32 } from "./runtime/rng.js";
export { matrix, type Matrix } from "./linalg/matrix.js";
export { Blas } from "./linalg/blas.js";
export { Special } from "./linalg/special.js";
export { checkModelSpec, type ModelSpec } from "./models/spec.js";
export { compileModel, expandRates, type CompiledModel, type ParamGroup, type RateConstraint } from "./models/compile.js";
export { ModelEvaluator } from "./models/evaluate.js";
export { inferLambda, lambdaFromNames, lambdaModel, checkModelLambda, assertModelLambda, type ModelLambda } from "./models/infer.js";
export { ballSurfaces, gaussianPair, gaussianClasses } from "./data/datasets.js";
export { BoundProblem, checkTrainingSet, type TrainingSet, type LossName } from "./dynamics/problem.js";
export { gradientFlow, type GradientFlowOptions, type GradientFlowResult, type FlowCheckpoint } from "./dynamics/flow.js";
export { gradientDescent, type DescentOptions, type DescentResult, type DescentCheckpoint } from "./dynamics/descent.js";
export type { Method, SolverStats } from "./dynamics/solver.js";
export { pointMonitors, type PointMonitors } from "./dynamics/monitors.js";
export {
  integrate,
  type OdeRhs,
  type OdeEvent,
  type IntegrateOptions,
  type IntegrationStatus,
  type OdeSolution,
} from "./dynamics/ode.js";
export { runFig4Gap, type Fig4GapSpec, type Fig4GapResult } from "./reproduce/fig4.js";
export { runFig4, checkFig4Spec, FIG4_MU, FIG4_MODELS, type Fig4Spec, type Fig4Result, type Fig4Model, type Fig4Horizon } from "./reproduce/fig4.js";
export { runFig1, FIG1_DEPTHS, type Fig1Spec, type Fig1Result, type Fig1Model, type Fig1Line } from "./reproduce/fig1.js";
export { runThm61, type Thm61Spec, type Thm61Result, type Thm61Point } from "./reproduce/thm61.js";
export { linePlot, type Series, type PlotOptions } from "./report/svg.js";
export { runSpec, createLab, RESULT_SCHEMA_VERSION, type Lab, type Spec, type Result, type OdeSpec, type OdeResult } from "./lab.js";
export { LabPool, ItemError, AbortedError, type WorkerHandle, type WorkerFactory, type MapOptions } from "./pool.js";
export { benchKernels, type KernelBenchResult, type KernelBenchOptions, type RateRow } from "./bench/kernels.js";
export { time, type Timing } from "./bench/timing.js";
export * from "./geometry/index.js";
export * from "./losses/index.js";
export * from "./certify/index.js";
export * from "./models/lambda-index.js";
