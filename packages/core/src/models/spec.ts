// Typed model specs (plain JSON): the zoo of seed 000 — linear, unbalanced diagonal networks, deep linear
// networks, fully connected ReLU networks (biases, residual connections, a layer-normalized last hidden
// layer), and ensembles of these. Binary models have one output (labels ±1); C-class models have C outputs.
// The schema is the one definition: the TS type, the JSON Schema of `marginflow schema`, the defaults and the
// error messages all come from it.
import { Enum, Int, Strict, Type, type Static } from "../schema/schema.js";
import { ArgumentError } from "../errors.js";
import { parseSpec } from "../schema/validate.js";

const MAX_WIDTH = 1_000_000;
const width = (description: string) => Int(1, MAX_WIDTH, { description });
const outputs = () => Type.Optional(Int(1, MAX_WIDTH, { default: 1, description: "outputs: 1 for a binary model (labels ±1), C for C classes (labels 0…C−1)" }));
const bias = () =>
  Type.Optional(Type.Union([Type.Boolean(), Type.Literal("last")], { default: false, description: 'biases on every layer (true), on the output layer only ("last"), or none (false)' }));
const hidden = () => Type.Array(width("width of a hidden layer"), { description: "hidden layer widths, input side first" });

const Linear = Strict({
  kind: Type.Literal("linear"),
  inputs: width("input dimension d"),
  outputs: outputs(),
  bias: Type.Optional(Type.Boolean({ default: false, description: "an output bias" })),
}, { description: "f(x) = Wx (+ b): homogeneous of degree 1 (with a bias, quasi-homogeneous)" });

const Diagonal = Strict({
  kind: Type.Literal("diagonal"),
  depths: Type.Array(Int(1, MAX_WIDTH, { description: "depth D_i of coordinate i" }), {
    minItems: 1,
    description: "β_i = Π_{j<D_i} θ_ij: one depth per input coordinate (seed 000 §3, the unbalanced diagonal network)",
  }),
}, { description: "f(x) = Σ_i (Π_j θ_ij) x_i" });

const DeepLinear = Strict({
  kind: Type.Literal("deepLinear"),
  inputs: width("input dimension d"),
  hidden: hidden(),
  outputs: outputs(),
  bias: bias(),
  layerNorm: Type.Optional(Type.Boolean({ default: false, description: "layer-normalize the last hidden layer (a smooth normalized network)" })),
}, { description: "f(x) = W_L ⋯ W_1 x" });

const Mlp = Strict({
  kind: Type.Literal("mlp"),
  inputs: width("input dimension d"),
  hidden: hidden(),
  outputs: outputs(),
  bias: bias(),
  residual: Type.Optional(Type.Boolean({ default: false, description: "h ← relu(W h + b) + h on hidden layers whose input and output widths match" })),
  layerNorm: Type.Optional(Type.Boolean({ default: false, description: "layer-normalize the last hidden layer: zero mean, unit norm (seed 000 §6)" })),
}, { description: "a fully connected ReLU network" });

/** One member of an ensemble (ensembles are one level deep: a sum of sums is one sum). */
export const MemberSpecSchema = Type.Union([Linear, Diagonal, DeepLinear, Mlp]);

const Ensemble = Strict({
  kind: Type.Literal("ensemble"),
  members: Type.Array(MemberSpecSchema, { minItems: 1, description: "models with the same inputs and outputs, summed (App. A: ensembles of homogeneous models of different orders)" }),
}, { description: "f = Σ_k f_k" });

export const ModelSpecSchema = Type.Union([Linear, Diagonal, DeepLinear, Mlp, Ensemble], { description: "a model of the zoo, by kind" });

/** A model spec as written (fields with a default may be left out). */
export type ModelSpec = Static<typeof ModelSpecSchema>;

/** The model kinds of the zoo. */
export const MODEL_KINDS = ["linear", "diagonal", "deepLinear", "mlp", "ensemble"] as const;

/** The loss names every model accepts. */
export const LOSS_DESCRIPTION = "exponential, logistic (cross-entropy with C > 1 outputs) or square loss (±1 or one-hot targets)";
export const LossSchema = Enum(["exp", "logistic", "square"] as const, { description: LOSS_DESCRIPTION });

/** Validates a spec against the schema (throws SpecError naming the field), fills in its defaults, and checks
 *  what a schema cannot say (ensemble members agree on inputs/outputs; layerNorm needs a hidden layer). */
export function parseModelSpec(spec: unknown, path = "model"): ModelSpec {
  const s = parseSpec(ModelSpecSchema, spec, path);
  const check = (m: Static<typeof MemberSpecSchema>, at: string) => {
    if ((m.kind === "mlp" || m.kind === "deepLinear") && m.layerNorm && m.hidden.length === 0) {
      throw new ArgumentError(`${at}.hidden`, m.hidden, "at least one hidden layer when layerNorm is set");
    }
  };
  if (s.kind === "ensemble") {
    s.members.forEach((m, i) => check(m, `${path}.members[${i}]`));
    const io = s.members.map(modelShape);
    io.forEach((x, i) => {
      if (x.inputs !== io[0]!.inputs || x.outputs !== io[0]!.outputs) {
        throw new ArgumentError(`${path}.members[${i}]`, `${x.inputs}→${x.outputs}`, `the same inputs→outputs as member 0 (${io[0]!.inputs}→${io[0]!.outputs})`);
      }
    });
  } else check(s, path);
  return s;
}

/** Input and output sizes of a parsed spec. */
export function modelShape(spec: ModelSpec): { inputs: number; outputs: number } {
  switch (spec.kind) {
    case "diagonal":
      return { inputs: spec.depths.length, outputs: 1 };
    case "ensemble":
      return modelShape(spec.members[0]!);
    default:
      return { inputs: spec.inputs, outputs: spec.outputs! };
  }
}

/** Validates a spec (throws an ArgumentError naming the field) and returns its input and output sizes. */
export function checkModelSpec(spec: unknown, path = "model"): { inputs: number; outputs: number } {
  return modelShape(parseModelSpec(spec, path));
}
