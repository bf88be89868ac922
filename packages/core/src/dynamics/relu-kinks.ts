// The ReLU units of a bias-free MLP on a training set, for host-side Filippov flows: the kernels' unit layout (per
// ReLU op in program order, sample-major: index = base_q + i·w_q + k), and the normal of a unit's kink surface
// z_{q,i,k}(θ) = 0, ∇θ z — by the backward pass of the network truncated after the dense layer that feeds ReLU q
// (compiled once per hidden layer), with the ReLUs before it taking the backward factors of a modes array (so that
// units sliding upstream on the same sample enter with their Filippov weights). The kernels' own Filippov machinery
// (rhs/filippov.ts) serves gradientFlow() only; this is the piece a TS right-hand side needs.
import { ArgumentError } from "../errors.js";
import type { Runtime } from "../runtime/kernels.js";
import type { Matrix } from "../linalg/matrix.js";
import { compileModel, type CompiledModel } from "../models/compile.js";
import { ModelEvaluator } from "../models/evaluate.js";

export interface ReluUnit {
  /** ReLU op among the hidden layers, 0-based */
  layer: number;
  sample: number;
  unit: number;
}

export class ReluKinks {
  /** ReLU units in all (n × Σ hidden) */
  readonly units: number;
  private readonly base: number[];
  private readonly widths: number[];
  private readonly subs: { ev: ModelEvaluator; size: number; modes: number }[];

  constructor(
    readonly rt: Runtime,
    readonly model: CompiledModel,
    readonly X: Matrix,
  ) {
    const s = model.spec;
    if (s.kind !== "mlp" || s.bias !== false || s.residual || s.layerNorm) throw new ArgumentError("model", s.kind, 'a bias-free "mlp" without residual connections or layer norm');
    const n = X.rows;
    this.widths = [...s.hidden];
    this.base = this.widths.map((_, q) => n * this.widths.slice(0, q).reduce((a, b) => a + b, 0));
    this.units = n * this.widths.reduce((a, b) => a + b, 0);
    this.subs = this.widths.map((w, q) => {
      const sub = compileModel({ kind: "mlp", inputs: s.inputs, hidden: this.widths.slice(0, q), outputs: w, bias: false });
      return { ev: new ModelEvaluator(rt, sub), size: sub.size, modes: this.widths.slice(0, q).reduce((a, b) => a + b, 0) };
    });
  }

  /** out (this.units) ← every unit's input z, read from the kernels' record of the last forward of `model` (its ReLU
   *  op q follows dense op 2q; the activations are sample-major, the units' own layout). */
  inputs(out: Float64Array): void {
    const e = this.rt.exports, n = this.X.rows;
    this.widths.forEach((w, q) => out.set(new Float64Array(e.memory.buffer, e.model_op_output(2 * q), n * w), this.base[q]!));
  }

  /** Width of hidden layer q. */
  width(q: number): number {
    return this.widths[q]!;
  }

  decode(u: number): ReluUnit {
    let q = this.widths.length - 1;
    while (q > 0 && u < this.base[q]!) q--;
    const r = u - this.base[q]!;
    return { layer: q, sample: Math.floor(r / this.widths[q]!), unit: r % this.widths[q]! };
  }

  /**
   * out (model.size) ← ∇θ z of unit u at θ; modes (this.units f64s, or null for the sign of each input) gives the
   * backward factors of the ReLUs before it on the same sample. `scratch` is a WASM f64 buffer of at least
   * Σ hidden entries (the one-row modes of the truncated network); the kernels' modes are reset afterwards.
   */
  normal(theta: Float64Array, u: number, modes: Float64Array | null, scratch: { ptr: number; view: Float64Array }, out: Float64Array): void {
    const { layer: q, sample: i, unit: k } = this.decode(u);
    const sub = this.subs[q]!, e = this.rt.exports;
    const row: Matrix = { rows: 1, cols: this.X.cols, data: this.X.data.subarray(i * this.X.cols, (i + 1) * this.X.cols) };
    const G = { rows: 1, cols: this.widths[q]!, data: new Float64Array(this.widths[q]!) };
    G.data[k] = 1;
    if (modes && sub.modes > 0) {
      const v = scratch.view;
      let o = 0;
      for (let p = 0; p < q; p++) {
        const w = this.widths[p]!, at = this.base[p]! + i * w;
        for (let j = 0; j < w; j++) v[o++] = modes[at + j]!;
      }
      e.model_set_modes(0, scratch.ptr, 0, 0);
    }
    try {
      const g = sub.ev.backward(theta.subarray(0, sub.size), row, G);
      out.fill(0);
      out.set(g, 0);
    } finally {
      e.model_set_modes(0, 0, 0, 0);
    }
  }
}
