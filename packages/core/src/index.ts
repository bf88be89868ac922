// @marginflow/core — the typed library. Environment-free: runs in Node, browsers and workers alike.
// One explicit list of what is public; the building blocks below it (the memory arena, problems bound into WASM
// memory, the raw solver call) are in "@marginflow/core/internals", the plain-TS kernel references in
// "@marginflow/core/reference".

// ---- errors and the runtime
export { MarginflowError, ArgumentError } from "./errors.js";
export { SpecError, parseSpec, checkValue, formatPath, describeSchema, type PathSegment } from "./schema/validate.js";
export { nearest, didYouMean, editDistance } from "./schema/suggest.js";
export { Runtime, runtime, compileKernels } from "./runtime/kernels.js";
export { Rng, philox4x32 } from "./runtime/rng.js";

// ---- linear algebra and special functions in WASM
export { matrix, toMatrix, type Matrix, type MatrixF32, type MatrixLike } from "./linalg/matrix.js";
export { Blas } from "./linalg/blas.js";
export { Special } from "./linalg/special.js";

// ---- models, Λ
export { ModelSpecSchema, MemberSpecSchema, NetLayerSchema, LossSchema, MODEL_KINDS, parseModelSpec, checkModelSpec, modelShape, netShapes, type ModelSpec, type NetLayer, type NetShape } from "./models/spec.js";
export { compileModel, expandRates, type CompiledModel, type ParamGroup, type RateConstraint, type ModelLayer } from "./models/compile.js";
export { ModelEvaluator } from "./models/evaluate.js";
export { features } from "./models/features.js";
export { layout, type ParamLayout } from "./models/layout.js";
export { initialize, INIT_DEFAULTS, type InitOptions } from "./models/init.js";
export { inferLambda, lambdaFromNames, lambdaModel, checkModelLambda, assertModelLambda, type ModelLambda } from "./models/infer.js";
export { solveRates, solveLp, nullSpace, RateInfeasibleError, RateZeroError, RATE_DEFAULTS, type RateEquation, type RateOptions, type RateLevel, type RateSolution, type LpResult } from "./models/rates.js";
export {
  checkPolynomialSpec, polynomialForward, polynomialGradient, polynomialConstraints, inferPolynomialLambda, polynomialFromMonomials, termLabel,
  type PolynomialSpec, type PolynomialTerm, type PolynomialLambda,
} from "./models/polynomial.js";
export {
  verifyLambda, assertLambda, scaleParams, lambdaFromGroups, LambdaError, VERIFY_LAMBDA_DEFAULTS,
  type LambdaModel, type ModelForward, type ModelGradient, type VerifyLambdaOptions, type LambdaCheck, type LambdaResidual,
} from "./models/verify.js";

// ---- data
export { ballSurfaces, gaussianPair, gaussianClasses, sphereDirections } from "./data/datasets.js";
export { planeDataset, trainTestSplit, planeFeatures, PLANE_SHAPES, PLANE_FEATURES, type PlaneShape, type PlaneFeature } from "./data/plane.js";
export { DataSpecSchema, DATA_KINDS, makeDataset, inlineCsv, type DataSpec } from "./data/spec.js";
export { parseCsv, CsvError, type CsvOptions } from "./data/csv.js";
export { registerMnist, mnistDigits, type MnistDigits, type DigitImages } from "./data/digits.js";
export { registerFileReader, readTextFile } from "./data/files.js";
export { imageClassesFromCsv } from "./data/image-csv.js";
export { mnistSubset, MNIST_PIXELS, type MnistOptions } from "./data/mnist.js";
export { checkTrainingSet, toTrainingSet, type TrainingSet, type TrainingSetLike, type LossName, type KinkReport } from "./dynamics/problem.js";

// ---- dynamics
export { integrate, INTEGRATE_DEFAULTS, type OdeRhs, type OdeEvent, type IntegrateOptions, type IntegrationStatus, type OdeSolution, type Method, type SolverStats } from "./dynamics/ode.js";
export { gradientFlow, GRADIENT_FLOW_DEFAULTS, type GradientFlowOptions, type GradientFlowResult, type FlowCheckpoint, type FlowStatus, type FlowProgress } from "./dynamics/flow.js";
export { gradientDescent, GRADIENT_DESCENT_DEFAULTS, type DescentOptions, type DescentProgress, type DescentResult, type DescentCheckpoint } from "./dynamics/descent.js";
export type { PointMonitors } from "./dynamics/monitors.js";
export { solveRk, DOPRI5, RK_DEFAULTS, type RkTableau, type RkRhs, type RkOptions, type RkSolution } from "./dynamics/explicit-rk.js";
export { NormalizedFlow, NormalizedSystem, marginStats, type NormalizedPoint } from "./dynamics/normalized-flow.js";
export { normalizedFlow, type NormalizedFlowOptions, type NormalizedFlowResult } from "./dynamics/normalized-flow-run.js";
export { ReluKinks, type ReluUnit } from "./dynamics/relu-kinks.js";
export { balancedScaleRate, expScaleRate, expScaleEquilibrium, lambertW } from "./dynamics/scale-flow.js";

// ---- geometry of Λ-quasi-homogeneous parameters
export { lambdaMax, lambdaSeminorm, logLambdaSeminorm, lambdaMaxSeminorm, logLambdaMaxSeminorm, type LogParams, type ParamsLike, type SeminormOptions } from "./geometry/seminorm.js";
export {
  lambdaNormalize, lambdaNormalizeLog, lambdaScale, lambdaScaleLog, tangent, cosAngle,
  type LambdaNormalization, type LambdaNormalizationLog, type TangentAngle,
} from "./geometry/normalize.js";
export { margins, minMargin, normalizedMargin, smoothedMargin, supportVectorCount } from "./geometry/margins.js";

// ---- losses in log domain (plain TS)
export { exponentialLoss, logisticLoss, crossEntropy, squareLoss, loss, type MarginLossResult, type OutputLossResult } from "./losses/losses.js";

// ---- certificates and closed forms
export { solveQp, feasiblePoint, QpError, type QpProblem, type QpOptions, type QpSolution, type QpResiduals } from "./certify/qp.js";
export { hardMarginSvm, SVM_DEFAULTS, type SvmOptions, type SvmResult } from "./certify/svm.js";
export { nnls, nnlsColumns, type NnlsOptions, type NnlsResult } from "./certify/nnls.js";
export { kktResiduals, KKT_DEFAULTS, type KktOptions, type KktResult } from "./certify/kkt.js";
export { certify, type CertifyOptions, type Certificate, type SlidingUnit } from "./certify/certify.js";
export { Trainer, TRAINER_DEFAULTS, type TrainerOptions, type Evaluation } from "./train/trainer.js";
export { train, TRAIN_DEFAULTS, weightDecayVector, lastClassifier, epochOrder, type TrainOptions, type TrainResult, type TrainRecord, type TrainStatus, type RecordContext } from "./train/train.js";
export { continueTerminal, TERMINAL_DEFAULTS, type TerminalOptions, type TerminalResult, type TerminalStatus } from "./train/terminal.js";
export { ScheduleSchema, epochRates, type Schedule } from "./train/schedule.js";
export { ClassStats, collapseMetrics, globalMean, SecondPass, measureCollapse, type Classifier, type CollapseMetrics, type CollapseOptions, type GlobalMean, type ProjectedScatter, type SecondPassMetrics, simplexView, SIMPLEX_VIEW_DEFAULTS, type SimplexView } from "./collapse/index.js";
export { cascadeLevel, rateLevels, truncateAbove, type CascadeLevel, type RateLevelShare } from "./certify/cascade.js";
export { asymmetricMaxMargin, cascadedMaxMargin, diagonalNetwork, diagonalBeta, type AsymmetricResult } from "./certify/asymmetric.js";
export { ballLimit, ballCascade, type BallLimitOptions, type BallLimitResult, type BallCascadeResult } from "./certify/ball.js";
export { lemma51, ballRobustness, simplexEtf, simplexDistance, type Lemma51, type SimplexEtf, type SimplexDistance } from "./certify/closed-forms.js";
export type { CoordinateRole, CoordinateSpec } from "./certify/coordinates.js";

// ---- experiments: the registry and its modules
export { EXPERIMENTS, REPRODUCTIONS, getExperiment, parseExperimentSpec } from "./experiments/index.js";
export { defineExperiment, RESULT_SCHEMA_VERSION, type Experiment, type AnyExperiment, type ExperimentSource, type RunContext, type ItemProgress, type TrajectoryState, type CollapseFrame, type Summary, type Check, type Table } from "./experiments/experiment.js";
export { fig1, runFig1, Fig1SpecSchema, type Fig1Spec, type Fig1Result, type Fig1Model, type Fig1Line } from "./experiments/fig1.js";
export { fig2, characteristicCurves, type Fig2Spec, type Fig2Panel } from "./experiments/fig2.js";
export { fig4, runFig4, FIG4_MU, FIG4_MODELS, FIG4_BAND, Fig4SpecSchema, type Fig4Spec, type Fig4Item, type Fig4Result, type Fig4Model, type Fig4Horizon, type Fig4Sweep } from "./experiments/fig4.js";
export { fig4n, runFig4n, type Fig4nSpec, type Fig4nItem, type Fig4nResult } from "./experiments/fig4n.js";
export { thm61, runThm61, type Thm61Spec, type Thm61Item, type Thm61Result, type Thm61Point } from "./experiments/thm61.js";
export { ulpmExperiment, runUlpm, ULPM_METRICS, type UlpmSpec, type UlpmItem, type UlpmResult, type UlpmPoint } from "./experiments/ulpm.js";
export { sqDynamics, type SqDynamicsSpec } from "./experiments/sq-dynamics.js";
export { runSqNet, sqNetModel, SQ_FULL, SQ_NET_FIELDS, SqNetResultSchema, type SqNetItem, type SqNetResult } from "./experiments/sq-net.js";
export { sqMargins, type SqMarginsSpec } from "./experiments/sq-margins.js";
export { sqNc, type SqNcSpec } from "./experiments/sq-nc.js";
export { sqRandomLabels, type SqRandomLabelsSpec } from "./experiments/sq-random-labels.js";
export { sqRhoAcc, type SqRhoAccSpec } from "./experiments/sq-rho-acc.js";
export { sqRuns, type SqRunsSpec } from "./experiments/sq-runs.js";
export { sqNcMulticlass, runSqNcMulticlass, sqNcModel, SQ_NC_METRICS, type SqNcMulticlassSpec, type SqNcMulticlassItem, type SqNcMulticlassResult, type SqNcRecord } from "./experiments/sq-nc-multiclass.js";
export { theorem3Geometry, type Theorem3Geometry } from "./collapse/theorem3.js";
export { sqToy, runSqToy, type SqToySpec, type SqToyResult } from "./experiments/sq-toy.js";
export { sqFlow, runSqFlow, type SqFlowSpec, type SqFlowResult } from "./experiments/sq-flow.js";
export { counterexamples, runCounterexamples, type CounterexamplesSpec, type CounterexamplesResult } from "./experiments/counterexamples.js";
export { solveLpHighs, type LpProblem, type LpResult as HighsResult } from "./certify/highs.js";
export { simplex, runSimplex, type SimplexSpec, type SimplexResult } from "./experiments/simplex.js";
export { simplexRisk, lpSimplex, minimizeOnBall, projectLpBall, penultimatePgd, clipSpectralNorm, crossEntropyAt } from "./geometry/simplex.js";
export { ulpmSaddle, runUlpmSaddle, EXAMPLE_31, type UlpmSaddleSpec, type UlpmSaddleResult } from "./experiments/ulpm-saddle.js";
export { ulpm, ulpmTheta, ulpmParts, summedLoss, type Ulpm } from "./models/ulpm.js";
export { ncMnist, runNcMnist, NC_MNIST_METRICS, type NcMnistSpec, type NcMnistItem, type NcMnistResult, type NcMnistRecord } from "./experiments/nc-mnist.js";
export { appb, runAppb, type AppbResult } from "./experiments/appb.js";
export { run, runOne, prepareRun, checkpointTable } from "./experiments/run.js";
export { RunSpecSchema, RunResultSchema, RUN_BUDGET_SECONDS, type RunSpec, type RunResult, type Checkpoint, type FlowSpec, type DescentSpec } from "./experiments/run-spec.js";
export { sweep, expandSweep, SweepSpecSchema, type SweepSpec, type SweepItem, type SweepOutcome } from "./experiments/sweep.js";
export { GridSchema, gridPoints, axisValues, setPath, parsePath, MAX_GRID_POINTS, type Grid, type GridAxis } from "./experiments/grid.js";
export { probe, runProbe, ProbeSpecSchema, ProbeResultSchema, type ProbeSpec, type ProbeResult } from "./experiments/probe.js";
export type { Certificates } from "./experiments/run-observe.js";
export { ode, runOde, OdeSpecSchema, type OdeSpec, type OdeResult, type OdeEventSpec } from "./experiments/ode.js";

// ---- figures as data
export { lineFigure, panelFigure, wrapTitle, FIGURE_DEFAULTS, type Figure, type Series, type Axis, type LineFigureOptions } from "./report/figure.js";

// ---- workers
export { runTask, createLab, nonFinitePath, type Lab, type Task } from "./lab.js";
export { LabPool, ItemError, AbortedError, MAP_DEFAULTS, type WorkerHandle, type WorkerFactory, type MapOptions } from "./pool.js";

// ---- benchmarks (environment-free)
export { benchKernels, KERNEL_BENCH_DEFAULTS, type KernelBenchResult, type KernelBenchOptions, type RateRow, type GemmShape, type GemmShapeRow } from "./bench/kernels.js";
export { benchTrain, TRAIN_BENCH_DEFAULTS, TRAIN_BENCH_MODELS, TRAIN_BENCH_FLOPS, type TrainBenchRow, type TrainBenchOptions } from "./bench/train.js";
export { time, type Timing } from "./bench/timing.js";
