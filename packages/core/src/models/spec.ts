// Typed model specs (plain JSON): the zoo of seed 000 — linear, unbalanced diagonal networks, deep linear
// networks, fully connected ReLU networks (biases, residual connections, a layer-normalized last hidden
// layer), and ensembles of these. Binary models have one output (labels ±1); C-class models have C outputs.
import { ArgumentError } from "../errors.js";

export type ModelSpec =
  | { kind: "linear"; inputs: number; outputs?: number; bias?: boolean }
  | { kind: "diagonal"; /** depth D_i of coordinate i: β_i = Π_{j<D_i} θ_ij */ depths: number[] }
  | {
      kind: "deepLinear";
      inputs: number;
      hidden: number[];
      outputs?: number;
      /** biases on every layer (true), on the output layer only ("last"), or none (false, the default) */
      bias?: boolean | "last";
      /** the last hidden layer is layer-normalized (a smooth normalized network; default false) */
      layerNorm?: boolean;
    }
  | {
      kind: "mlp";
      inputs: number;
      hidden: number[];
      outputs?: number;
      /** biases on every layer (true), on the output layer only ("last"), or none (false, the default) */
      bias?: boolean | "last";
      /** h ← relu(W h + b) + h on hidden layers whose input and output widths match (default false) */
      residual?: boolean;
      /** the last hidden layer is layer-normalized: zero mean, unit norm (seed 000 §6; default false) */
      layerNorm?: boolean;
    }
  | { kind: "ensemble"; members: ModelSpec[] };

const KINDS = ["linear", "diagonal", "deepLinear", "mlp", "ensemble"];

function dim(path: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 1_000_000) {
    throw new ArgumentError(path, v, "an integer in [1, 1000000]");
  }
  return v;
}

/** Validates a spec (throws ArgumentError naming the field) and returns its input and output sizes. */
export function checkModelSpec(spec: unknown, path = "model"): { inputs: number; outputs: number } {
  const s = spec as ModelSpec;
  if (typeof spec !== "object" || spec === null) throw new ArgumentError(path, spec, "a model spec object");
  switch (s.kind) {
    case "linear":
      return { inputs: dim(`${path}.inputs`, s.inputs), outputs: dim(`${path}.outputs`, s.outputs ?? 1) };
    case "diagonal": {
      if (!Array.isArray(s.depths) || s.depths.length === 0) throw new ArgumentError(`${path}.depths`, s.depths, "a non-empty array of depths");
      s.depths.forEach((d, i) => dim(`${path}.depths[${i}]`, d));
      return { inputs: s.depths.length, outputs: 1 };
    }
    case "deepLinear":
    case "mlp": {
      const inputs = dim(`${path}.inputs`, s.inputs);
      if (!Array.isArray(s.hidden)) throw new ArgumentError(`${path}.hidden`, s.hidden, "an array of hidden widths");
      s.hidden.forEach((w, i) => dim(`${path}.hidden[${i}]`, w));
      if (s.bias !== undefined && s.bias !== true && s.bias !== false && s.bias !== "last") throw new ArgumentError(`${path}.bias`, s.bias, 'true, false or "last"');
      if (s.layerNorm && s.hidden.length === 0) {
        throw new ArgumentError(`${path}.hidden`, s.hidden, "at least one hidden layer when layerNorm is set");
      }
      return { inputs, outputs: dim(`${path}.outputs`, s.outputs ?? 1) };
    }
    case "ensemble": {
      if (!Array.isArray(s.members) || s.members.length === 0) throw new ArgumentError(`${path}.members`, s.members, "a non-empty array of model specs");
      const io = s.members.map((m, i) => checkModelSpec(m, `${path}.members[${i}]`));
      io.forEach((x, i) => {
        if (x.inputs !== io[0]!.inputs || x.outputs !== io[0]!.outputs) {
          throw new ArgumentError(`${path}.members[${i}]`, `${x.inputs}→${x.outputs}`, `the same inputs→outputs as member 0 (${io[0]!.inputs}→${io[0]!.outputs})`);
        }
      });
      return io[0]!;
    }
    default:
      throw new ArgumentError(`${path}.kind`, (s as { kind?: unknown }).kind, `one of ${KINDS.map((k) => JSON.stringify(k)).join(", ")}`);
  }
}
