// features(): the activations of any layer of a compiled model — what a user needs for neural-collapse measurements
// or probes, without reverse-engineering the parameter layout or the op program. Layers are model.layers: 0 is the
// input, the last is the output; in between, each hidden layer after its ReLU (and residual addition), and the
// normalized features of a layer-normalized network.
import { ArgumentError, checkAllFinite, checkF64 } from "../errors.js";
import type { Runtime } from "../runtime/kernels.js";
import { toMatrix, type Matrix, type MatrixLike } from "../linalg/matrix.js";
import type { CompiledModel } from "./compile.js";

/** n×width activations of `layer` (an index into model.layers or its name) for the rows of X at θ. */
export function features(rt: Runtime, model: CompiledModel, theta: Float64Array, X: MatrixLike, layer: number | string): Matrix {
  checkF64("theta", theta, model.size);
  checkAllFinite("theta", theta);
  const x = toMatrix("X", X); // checks a Matrix too
  if (x.cols !== model.inputs) throw new ArgumentError("X", `${x.rows}×${x.cols}`, `${model.inputs} columns (the model's inputs)`);
  checkAllFinite("X", x.data);
  const names = model.layers.map((l, i) => `${i} (${l.name})`).join(", ");
  const index = typeof layer === "string" ? model.layers.findIndex((l) => l.name === layer) : layer;
  if (!Number.isInteger(index) || index < 0 || index >= model.layers.length) throw new ArgumentError("layer", layer, `a layer of the model: ${names}`);
  const L = model.layers[index]!;
  const n = x.rows;
  if (index === 0) return { rows: n, cols: x.cols, data: Float64Array.from(x.data) };
  return rt.arena.scope((a) => {
    const e = rt.exports;
    const prog = a.allocBytes(model.program.length * 4);
    new Int32Array(e.memory.buffer, prog, model.program.length).set(model.program);
    const th = a.f64(theta.length, theta);
    const xb = a.f64(x.data.length, x.data);
    const f = a.f64(n * model.outputs);
    const work = a.allocBytes(Math.max(16, e.model_workspace_bytes(prog, n)));
    e.model_set_modes(0, 0, 0, 0);
    e.model_forward(prog, th.ptr, xb.ptr, n, f.ptr, work);
    if (index === model.layers.length - 1) return { rows: n, cols: model.outputs, data: f.toArray() };
    if (L.op < 0 || L.op >= e.model_op_count() || e.model_op_width(prog, L.op) !== L.width) {
      throw new ArgumentError("layer", layer, `a layer the kernels' program produces (${names})`);
    }
    const ptr = e.model_op_output(L.op);
    return { rows: n, cols: L.width, data: new Float64Array(e.memory.buffer, ptr, n * L.width).slice() };
  });
}
