// layout(): the flat parameter vector θ of a compiled model, documented — which group sits where, its shape and the
// order of its entries — so that a user can build, read or perturb θ without knowing the op program.
import type { CompiledModel } from "./compile.js";

export interface ParamLayout {
  /** e.g. "layer1.weight", "layer2.bias", "diag.coord0", "m1.layer1.weight" */
  group: string;
  offset: number;
  size: number;
  shape: number[];
  /** how the entries are ordered inside the group */
  order: string;
}

/** The parameter groups of θ in order, each with its offset, shape and entry order. */
export function layout(model: CompiledModel): ParamLayout[] {
  return model.groups.map((g) => ({
    group: g.name,
    offset: g.offset,
    size: g.size,
    shape: [...g.shape],
    order: g.name.endsWith(".weight")
      ? `row-major ${g.shape[0]}×${g.shape[1]} (out × in): entry [o, i] at offset + o·${g.shape[1]} + i; layer output = W·input (+ bias)`
      : g.name.endsWith(".bias")
        ? `one entry per output unit of the layer`
        : g.name.includes(".coord")
          ? `the factors θ_{i,0} … θ_{i,D−1} of β_i = Π_j θ_ij`
          : "as listed",
  }));
}
