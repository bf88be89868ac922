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

// ---- "net": a network as a list of layers (conv nets, normalization, residual blocks) — the trained networks of the
// neural-collapse seeds. Activations are per sample in HWC order (channels last); a dense layer reads its input flat.
const units = () => Int(1, MAX_WIDTH, { description: "output units" });
const weightNorm = (rows: string) => Type.Optional(Enum(["none", "weight", "frobenius"] as const, {
  default: "none",
  description: `weights as they are ("none"), W_r = g_r·V_r/‖V_r‖ per ${rows} ("weight": weight normalization), or W = ρ·V/‖V‖_F ("frobenius": seed 001's W_k = ρ_k V_k, ‖V_k‖ = 1)`,
}));
const DenseLayer = Strict({
  type: Type.Literal("dense"),
  units: units(),
  bias: Type.Optional(Type.Boolean({ default: true, description: "a bias per output unit" })),
  norm: weightNorm("row"),
}, { description: "h' = W·h (+ b), the input read as a flat vector" });
const ConvLayer = Strict({
  type: Type.Literal("conv"),
  channels: Int(1, 65536, { description: "output channels" }),
  kernel: Int(1, 64, { description: "kernel side k (k×k windows)" }),
  stride: Type.Optional(Int(1, 64, { default: 1, description: "window step" })),
  padding: Type.Optional(Int(0, 64, { default: 0, description: "zeros added on each side" })),
  bias: Type.Optional(Type.Boolean({ default: true, description: "a bias per output channel" })),
  norm: weightNorm("output channel"),
}, { description: "a k×k convolution of an H×W×C input (im2col + GEMM)" });
const PoolLayer = Strict({
  type: Enum(["maxpool", "avgpool"] as const, { description: "max or average pooling" }),
  size: Int(1, 64, { description: "window side" }),
  stride: Type.Optional(Int(1, 64, { description: "window step (default: the window side)" })),
}, { description: "pooling over size×size windows, no padding" });
const Relu = Strict({ type: Type.Literal("relu") }, { description: "max(0, h)" });
const BatchNorm = Strict({
  type: Type.Literal("batchnorm"),
  affine: Type.Optional(Type.Boolean({ default: false, description: "a learned scale γ and shift β per channel (seed 001 uses none)" })),
}, { description: "batch normalization per channel: batch statistics in training, running statistics in evaluation" });
const LayerNorm = Strict({ type: Type.Literal("layernorm") }, { description: "h' = c/‖c‖, c = h − mean(h) (zero mean, unit norm; seed 000 §6)" });
const PlainLayer = Type.Union([DenseLayer, ConvLayer, PoolLayer, Relu, BatchNorm, LayerNorm]);
const Residual = Strict({
  type: Type.Literal("residual"),
  layers: Type.Array(PlainLayer, { minItems: 1, description: "the block: its output must have its input's shape" }),
}, { description: "h' = h + block(h)" });
/** One layer of a "net" model. */
export const NetLayerSchema = Type.Union([DenseLayer, ConvLayer, PoolLayer, Relu, BatchNorm, LayerNorm, Residual]);
export type NetLayer = Static<typeof NetLayerSchema>;

const Net = Strict({
  kind: Type.Literal("net"),
  inputs: width("input dimension d (the flat length of one sample)"),
  shape: Type.Optional(Type.Union([Type.Array(Int(1, MAX_WIDTH), { minItems: 3, maxItems: 3 }), Type.Null()], {
    default: null,
    description: "[H, W, C]: an image input in HWC order (H·W·C = inputs), needed by conv and pooling layers; null: a flat input",
  })),
  outputs: outputs(),
  layers: Type.Array(NetLayerSchema, { minItems: 1, description: "input side first; the last layer's output width is the model's outputs" }),
}, { description: "a network as a list of layers: dense (plain or weight-normalized), conv, pooling, ReLU, batch and layer normalization, residual blocks" });

/** One member of an ensemble (ensembles are one level deep: a sum of sums is one sum). */
export const MemberSpecSchema = Type.Union([Linear, Diagonal, DeepLinear, Mlp, Net]);

const Ensemble = Strict({
  kind: Type.Literal("ensemble"),
  members: Type.Array(MemberSpecSchema, { minItems: 1, description: "models with the same inputs and outputs, summed (App. A: ensembles of homogeneous models of different orders)" }),
}, { description: "f = Σ_k f_k" });

export const ModelSpecSchema = Type.Union([Linear, Diagonal, DeepLinear, Mlp, Net, Ensemble], { description: "a model of the zoo, by kind" });

/** A model spec as written (fields with a default may be left out). */
export type ModelSpec = Static<typeof ModelSpecSchema>;

/** The model kinds of the zoo. */
export const MODEL_KINDS = ["linear", "diagonal", "deepLinear", "mlp", "net", "ensemble"] as const;

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
    if (m.kind === "net") netShapes(m, at);
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

/** Shape of an activation of a "net": [H, W, C] for an image, [d] for a flat vector. */
export type NetShape = [number, number, number] | [number];

/** The shape after each layer of a "net" (residual blocks: the block's inner shapes under `inner`), checked: a layer
 *  whose geometry does not chain is an ArgumentError naming it — conv or pooling on a flat input, a window larger
 *  than its input, a residual block that changes the shape, a last width other than `outputs`. */
export function netShapes(spec: Extract<ModelSpec, { kind: "net" }> | Extract<Static<typeof MemberSpecSchema>, { kind: "net" }>, path = "model"): { out: NetShape; inner?: NetShape[] }[] {
  let shape: NetShape = spec.shape ? [spec.shape[0]!, spec.shape[1]!, spec.shape[2]!] : [spec.inputs];
  if (spec.shape && spec.shape[0]! * spec.shape[1]! * spec.shape[2]! !== spec.inputs) {
    throw new ArgumentError(`${path}.shape`, spec.shape, `H·W·C = inputs (${spec.inputs})`);
  }
  const step = (l: Static<typeof PlainLayer>, s: NetShape, at: string): NetShape => {
    const flat = s.length === 1 ? s[0] : s[0] * s[1]! * s[2]!;
    switch (l.type) {
      case "dense":
        return [l.units];
      case "conv":
      case "maxpool":
      case "avgpool": {
        if (s.length !== 3) throw new ArgumentError(at, l, `an image input ([H, W, C] — set ${path}.shape, and put ${l.type} layers before the dense ones); here the input is a flat vector of ${flat}`);
        const k = l.type === "conv" ? l.kernel : l.size;
        const stride = l.type === "conv" ? (l.stride ?? 1) : (l.stride ?? l.size);
        const pad = l.type === "conv" ? (l.padding ?? 0) : 0;
        const oh = Math.floor((s[0] + 2 * pad - k) / stride) + 1, ow = Math.floor((s[1]! + 2 * pad - k) / stride) + 1;
        if (!(s[0] + 2 * pad >= k && s[1]! + 2 * pad >= k)) throw new ArgumentError(at, l, `a window (${k}×${k}) that fits the ${s[0]}×${s[1]} input with padding ${pad}: no output pixel`);
        if (l.type === "conv" && k * k * s[2]! > MAX_WIDTH) throw new ArgumentError(at, l, `a window of at most ${MAX_WIDTH} values (k·k·C = ${k * k * s[2]!})`);
        return [oh, ow, l.type === "conv" ? l.channels : s[2]!];
      }
      default:
        return s;
    }
  };
  const out: { out: NetShape; inner?: NetShape[] }[] = [];
  const bounded = (sh: NetShape, l: unknown, at: string): NetShape => {
    const flat = sh.reduce((a, b) => a * b, 1);
    if (flat > MAX_WIDTH) throw new ArgumentError(at, l, `a layer whose output (${sh.join("×")} = ${flat}) has at most ${MAX_WIDTH} values per sample`);
    return sh;
  };
  spec.layers.forEach((l, i) => {
    const at = `${path}.layers[${i}]`;
    if (l.type === "residual") {
      const inner: NetShape[] = [];
      let s = shape;
      l.layers.forEach((b, j) => {
        s = bounded(step(b, s, `${at}.layers[${j}]`), b, `${at}.layers[${j}]`);
        inner.push(s);
      });
      if (s.join("×") !== shape.join("×")) throw new ArgumentError(`${at}.layers`, `${shape.join("×")} → ${s.join("×")}`, "a block whose output has its input's shape");
      out.push({ out: shape, inner });
    } else {
      shape = bounded(step(l, shape, at), l, at);
      out.push({ out: shape });
    }
  });
  const last = shape.reduce((a, b) => a * b, 1);
  if (last !== (spec.outputs ?? 1)) throw new ArgumentError(`${path}.layers[${spec.layers.length - 1}]`, `${shape.join("×")} = ${last}`, `a last layer with ${spec.outputs ?? 1} outputs (the model's outputs)`);
  return out;
}
