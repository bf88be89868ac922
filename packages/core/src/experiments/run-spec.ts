// The spec of a user's experiment (`marginflow run SPEC.json`): any zoo model × a dataset × a loss × the dynamics
// (gradient flow into the terminal phase, or gradient descent) × checkpoints × observables. Every field's
// meaning, unit and default is written here once; `marginflow schema run` prints this as JSON Schema.
import { Ascending, Enum, Int, Nullable, Num, Positive, Strict, Type, type Static } from "../schema/schema.js";
import { LOSS_DESCRIPTION, ModelSpecSchema } from "../models/spec.js";
import { DataSpecSchema } from "../data/spec.js";
import { GRADIENT_FLOW_DEFAULTS } from "../dynamics/flow.js";
import { GRADIENT_DESCENT_DEFAULTS } from "../dynamics/descent.js";
import { INIT_DEFAULTS } from "../models/init.js";

/** Wall-clock budget of one run when the spec gives none: long enough for any 1e100 run of the zoo that works,
 *  short enough that a stalled one says why it stopped. */
export const RUN_BUDGET_SECONDS = 600;

const budget = () => Type.Optional(Positive({ maximum: 86_400 * 7, default: RUN_BUDGET_SECONDS, description: "wall-clock budget in seconds: the run stops there and says so (stop = \"budget\")" }));
const stopLoss = () => Type.Optional(Nullable(Num(), { default: null, description: "stop once log10 L falls below this; null: no threshold" }));

export const FlowSpecSchema = Strict({
  kind: Type.Literal("flow"),
  rtol: Type.Optional(Positive({ minimum: 1e-14, maximum: 0.1, default: 1e-8, description: "relative tolerance of both phases" })),
  atol: Type.Optional(Positive({ maximum: 0.1, default: 1e-10, description: "absolute tolerance" })),
  log10T: Type.Optional(Num({ minimum: -10, maximum: 100_000, default: 100, description: "horizon as log10 t (100: t = 1e100; beyond 300 only in the terminal phase)" })),
  terminal: Type.Optional(Nullable(Enum(["auto", "off"] as const), { default: null, description: `enter the terminal-phase clock once A5 holds ("${GRADIENT_FLOW_DEFAULTS.terminal}") or stay in ordinary time ("off"); null: "${GRADIENT_FLOW_DEFAULTS.terminal}", and "off" for the square loss` })),
  linearSolver: Type.Optional(Enum(["auto", "dense", "krylov"] as const, { default: GRADIENT_FLOW_DEFAULTS.linearSolver, description: `Radau's linear algebra ("auto": matrix-free beyond ${GRADIENT_FLOW_DEFAULTS.krylovAbove} parameters)` })),
  maxSteps: Type.Optional(Int(1, 2 ** 31 - 1, { default: GRADIENT_FLOW_DEFAULTS.maxSteps, description: "step limit per phase" })),
  weightDecay: Type.Optional(Num({ minimum: 0, default: GRADIENT_FLOW_DEFAULTS.weightDecay, description: "weight decay λ: dθ/dt = −∇L − λθ (> 0: no terminal phase; the flow goes to a stationary point, in ordinary time)" })),
  budgetSeconds: budget(),
  stopLog10Loss: stopLoss(),
}, { description: "gradient flow dθ/dt = −∇L, into the terminal phase" });

export const DescentSpecSchema = Strict({
  kind: Type.Literal("descent"),
  lr: Type.Optional(Positive({ maximum: 1e6, default: 0.1, description: "learning rate η (with adaptive \"loss\": the largest step multiplier)" })),
  steps: Type.Optional(Int(0, 100_000_000, { default: 1000, description: "number of accepted steps" })),
  momentum: Type.Optional(Num({ minimum: 0, exclusiveMaximum: 1, default: GRADIENT_DESCENT_DEFAULTS.momentum, description: "heavy-ball momentum μ" })),
  weightDecay: Type.Optional(Num({ minimum: 0, default: GRADIENT_DESCENT_DEFAULTS.weightDecay, description: "weight decay ω (g = ∇L + ωθ)" })),
  batchSize: Type.Optional(Nullable(Int(1, 1_000_000), { default: null, description: "SGD minibatch size (reshuffled every epoch from the seed); null: full batch" })),
  adaptive: Type.Optional(Enum(["none", "loss"] as const, { default: GRADIENT_DESCENT_DEFAULTS.adaptive, description: '"loss": step η/L with rollback on a loss increase (full batch only)' })),
  budgetSeconds: budget(),
  stopLog10Loss: stopLoss(),
}, { description: "gradient descent: GD, SGD, momentum, weight decay, the loss-adaptive rate" });

const InitSchema = Type.Union([
  Strict({ kind: Type.Literal("normal"), scale: Type.Optional(Num({ minimum: 0, maximum: 1e6, default: 1, description: "θ ~ N(0, scale²), from the spec's seed" })) }),
  Strict({ kind: Type.Literal("constant"), value: Type.Optional(Num({ default: 1, description: "every parameter (Fig. 4 starts from all-ones)" })) }),
  Strict({ kind: Type.Literal("values"), theta: Type.Array(Num(), { minItems: 1, description: "θ itself, in the model's parameter order" }) }),
  Strict({ kind: Enum(["he", "glorot"] as const, { description: "weights N(0, 2/fan_in) (He) or N(0, 2/(fan_in + fan_out)) (Glorot) times scale, biases 0 (initialize())" }), scale: Type.Optional(Positive({ maximum: 1e6, default: INIT_DEFAULTS.scale, description: "multiplies the fan-based standard deviation" })) }),
  Strict({ kind: Type.Literal("frobenius"), norm: Type.Optional(Positive({ maximum: 1e6, default: INIT_DEFAULTS.norm, description: "each layer's weight matrix rescaled to this Frobenius norm, biases 0 (seed 001; initialize())" })) }),
], { default: { kind: "normal" }, description: "the initial parameters" });

export const RunSpecSchema = Strict({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 80, pattern: "^[A-Za-z0-9][A-Za-z0-9._-]*$", default: "run", description: "names the run (letters, digits, . _ -)" })),
  seed: Type.Optional(Int(0, Number.MAX_SAFE_INTEGER, { default: 0, description: "seeds the data generators, the initialization and the minibatches" })),
  model: ModelSpecSchema,
  data: DataSpecSchema,
  loss: Type.Optional(Enum(["exp", "logistic", "square"] as const, { default: "exp", description: LOSS_DESCRIPTION })),
  init: Type.Optional(InitSchema),
  dynamics: Type.Optional(Type.Union([FlowSpecSchema, DescentSpecSchema], { default: { kind: "flow" }, description: "the dynamics, by kind" })),
  checkpoints: Type.Optional(Nullable(Ascending(Num({ minimum: -10, maximum: 100_000_000 }), { maxItems: 10_000 }), {
    default: null,
    description: "flow: log10 t of each checkpoint (null: every decade 0, 1, …, log10T); descent: step indices (null: 0, 1, 10, 100, …, steps)",
  })),
  observables: Type.Optional(Strict({
    certificates: Type.Optional(Type.Boolean({ default: true, description: "exact max-margin solutions where they apply (SVM for models linear in x, the cascaded asymmetric problem for diagonal networks) and the distance of each checkpoint's direction to them" })),
    kkt: Type.Optional(Type.Boolean({ default: true, description: "KKT residuals of seed 000's problem (P) at each separated checkpoint (one-output models, n·m ≤ 2e6)" })),
  }, { default: {}, description: "what to measure besides the monitors (log L, q_min, γ, γ̃, ‖θ‖_Λ, cos ω, Lemma 4.1, support vectors, group norms)" })),
});
export type RunSpec = Static<typeof RunSpecSchema>;
export type FlowSpec = Static<typeof FlowSpecSchema>;
export type DescentSpec = Static<typeof DescentSpecSchema>;

const N = () => Nullable(Num());
export const CheckpointSchema = Strict({
  log10t: N(),
  step: Nullable(Int(0, undefined)),
  log10Loss: N(),
  qmin: N(),
  normalizedMargin: N(),
  smoothedMargin: N(),
  lambdaNorm: N(),
  cosOmega: N(),
  lemma41a: N(),
  lemma41b: N(),
  supportVectors: Type.Array(Int(0, undefined)),
  groupNorms: Type.Record(Type.String(), N()),
  kktStationarity: N(),
  kktComplementarity: N(),
  kktLevel: Nullable(Int(0, undefined), { description: "the problem the KKT residuals are of: 0 = (P), k = cascade level k (Conjecture 5.1)" }),
  distanceSvm: N(),
  distanceAsymmetric: N(),
});
export type Checkpoint = Static<typeof CheckpointSchema>;

export const RunResultSchema = Strict({
  kind: Type.Literal("run"),
  name: Type.String(),
  dynamics: Enum(["flow", "descent"] as const),
  stop: Type.String({ description: "horizon/steps, loss, budget or failure" }),
  note: Nullable(Type.String()),
  log10t: N(),
  log10Loss: N(),
  milestones: Strict({ firstZeroError: N(), a5: N(), terminalFrom: N() }, { description: "flow: log10 t; descent: step" }),
  cost: Strict({ rhsEvaluations: Nullable(Int(0, undefined)), gradients: Nullable(Int(0, undefined)), rollbacks: Nullable(Int(0, undefined)) }),
  lambda: Strict({ groups: Type.Record(Type.String(), Num()), lambdaMax: Num(), objectiveGroups: Type.Array(Type.String()) }),
  certificates: Strict({
    svm: Nullable(Strict({ w: Type.Array(Num()), problem: Type.String() })),
    asymmetric: Nullable(Strict({ beta: Type.Array(Num()), level: Int(0, undefined), rate: Num(), problem: Type.String() })),
    notes: Type.Array(Type.String()),
  }),
  checkpoints: Type.Array(CheckpointSchema),
  theta: Type.Array(Num(), { description: "the final parameters" }),
});
export type RunResult = Static<typeof RunResultSchema>;
