// Typed access to a compiled model in the kernels: outputs, gradients (backward pass), per-sample gradients
// (for KKT certificates) and the log-domain losses. Each call copies into the arena and releases it.
import { ArgumentError, checkAllFinite, checkF64 } from "../errors.js";
import type { Arena } from "../runtime/arena.js";
import type { Runtime } from "../runtime/kernels.js";
import { checkMatrix, type Matrix } from "../linalg/matrix.js";
import { lossCode, type LossName } from "../dynamics/problem.js";
import type { CompiledModel } from "./compile.js";

export class ModelEvaluator {
  constructor(
    readonly rt: Runtime,
    readonly model: CompiledModel,
  ) {}

  private load(a: Arena, theta: Float64Array, X: Matrix) {
    checkF64("theta", theta, this.model.size);
    checkMatrix("X", X);
    if (X.cols !== this.model.inputs) throw new ArgumentError("X", `${X.rows}×${X.cols}`, `${this.model.inputs} columns`);
    const e = this.rt.exports;
    const prog = a.allocBytes(this.model.program.length * 4);
    new Int32Array(e.memory.buffer, prog, this.model.program.length).set(this.model.program);
    const th = a.f64(theta.length, theta);
    const x = a.f64(X.data.length, X.data);
    const f = a.f64(X.rows * this.model.outputs);
    const work = a.allocBytes(Math.max(16, e.model_workspace_bytes(prog, X.rows)));
    return { prog, th, x, f, work };
  }

  /** f(X; θ): n×C outputs. */
  forward(theta: Float64Array, X: Matrix): Matrix {
    return this.rt.arena.scope((a) => {
      const b = this.load(a, theta, X);
      this.rt.exports.model_forward(b.prog, b.th.ptr, b.x.ptr, X.rows, b.f.ptr, b.work);
      return { rows: X.rows, cols: this.model.outputs, data: b.f.toArray() };
    });
  }

  /** ∇θ Σ_ij G_ij f_ij(X; θ) — the backward pass with output cotangents G (n×C). */
  backward(theta: Float64Array, X: Matrix, G: Matrix): Float64Array {
    checkMatrix("G", G);
    if (G.rows !== X.rows || G.cols !== this.model.outputs) throw new ArgumentError("G", `${G.rows}×${G.cols}`, `${X.rows}×${this.model.outputs}`);
    return this.rt.arena.scope((a) => {
      const b = this.load(a, theta, X);
      const e = this.rt.exports;
      e.model_forward(b.prog, b.th.ptr, b.x.ptr, X.rows, b.f.ptr, b.work);
      const g = a.f64(G.data.length, G.data);
      const grad = a.f64(this.model.size);
      e.model_backward(b.prog, b.th.ptr, X.rows, g.ptr, grad.ptr, this.model.size, b.work);
      return grad.toArray();
    });
  }

  /** Row i: ∇θ (c_i · f(x_i; θ)) for a one-output model (c = labels gives the margins' gradients). */
  sampleGradients(theta: Float64Array, X: Matrix, c?: Float64Array): Matrix {
    if (this.model.outputs !== 1) throw new ArgumentError("model", `${this.model.outputs} outputs`, "a one-output model");
    if (c !== undefined) checkF64("c", c, X.rows);
    const m = this.model.size;
    const out = new Float64Array(X.rows * m);
    this.rt.arena.scope((a) => {
      const b = this.load(a, theta, { rows: 1, cols: X.cols, data: X.data.subarray(0, X.cols) });
      const e = this.rt.exports;
      const g = a.f64(1);
      const grad = a.f64(m);
      for (let i = 0; i < X.rows; i++) {
        b.x.set(X.data.subarray(i * X.cols, (i + 1) * X.cols));
        e.model_forward(b.prog, b.th.ptr, b.x.ptr, 1, b.f.ptr, b.work);
        g.view[0] = c ? c[i]! : 1;
        e.model_backward(b.prog, b.th.ptr, 1, g.ptr, grad.ptr, m, b.work);
        out.set(grad.view, i * m);
      }
    });
    return { rows: X.rows, cols: m, data: out };
  }

  /** ∂relu(z) = [z > 0] for every ReLU unit at θ on X (the kernels' unit layout: per ReLU op, sample-major). */
  reluFactors(theta: Float64Array, X: Matrix): Float64Array {
    return this.rt.arena.scope((a) => {
      const b = this.load(a, theta, X);
      const e = this.rt.exports;
      const units = e.model_relu_units(b.prog, X.rows);
      const out = a.f64(Math.max(1, units));
      e.model_set_modes(0, 0, 0, 0);
      e.model_forward(b.prog, b.th.ptr, b.x.ptr, X.rows, b.f.ptr, b.work);
      e.model_relu_factors(b.prog, X.rows, out.ptr);
      return out.toArray().slice(0, units);
    });
  }

  /**
   * The margins q_i (y_i f_i, or f_{i,y_i} − max_{c≠y_i} f_{i,c} for C classes) and their gradients (row i = ∇θ q_i,
   * n×m), for KKT certificates. ReLU networks take the one-row backward passes of the kernels, where `factors` (one
   * per ReLU unit, the layout of a flow's kink state) picks the element of Clarke's subdifferential at a kink — the
   * weights of units sliding on their kinks; without it, ∂relu(z) = [z > 0].
   */
  marginGradients(theta: Float64Array, X: Matrix, labels: Float64Array, factors?: Float64Array): { q: Float64Array; G: Matrix } {
    const m = this.model.size, C = this.model.outputs, n = X.rows;
    if (!this.model.perSample) throw new ArgumentError("model", this.model.spec.kind, "a model without conv, pooling, batch-norm or weight-normalized layers (per-sample margin gradients)");
    checkF64("labels", labels, n);
    const q = new Float64Array(n);
    const G = new Float64Array(n * m);
    this.rt.arena.scope((a) => {
      const b = this.load(a, theta, X);
      const e = this.rt.exports;
      const units = e.model_relu_units(b.prog, n);
      if (factors !== undefined) checkF64("factors", factors, units);
      const fac = factors ? a.f64(units, factors).ptr : 0;
      e.model_set_modes(0, 0, 0, 0);
      e.model_forward(b.prog, b.th.ptr, b.x.ptr, n, b.f.ptr, b.work);
      const f = b.f.toArray();
      const c = a.f64(C), grad = a.f64(m), buf = a.f64(Math.max(1, e.sample_scratch_len(b.prog)));
      const cv = c.view;
      for (let i = 0; i < n; i++) {
        cv.fill(0);
        if (C === 1) {
          cv[0] = labels[i]!;
          q[i] = labels[i]! * f[i]!;
        } else {
          const y = labels[i]!;
          let other = -1;
          for (let k = 0; k < C; k++) if (k !== y && (other < 0 || f[i * C + k]! > f[i * C + other]!)) other = k;
          cv[y] = 1;
          cv[other] = -1;
          q[i] = f[i * C + y]! - f[i * C + other]!;
        }
        if (!e.sample_output_gradient(b.prog, b.th.ptr, i, n, c.ptr, fac, grad.ptr, m, buf.ptr)) {
          throw new ArgumentError("model", this.model.spec.kind, "a model whose branches end in a dense layer (per-sample gradients of diagonal networks: sampleGradients)");
        }
        G.set(grad.view, i * m);
      }
    });
    return { q, G: { rows: n, cols: m, data: G } };
  }

  /** log L, ∂log L/∂f (n×C) and the smallest margin for outputs f and labels (the kernels' loss_eval). */
  loss(loss: LossName, f: Matrix, labels: Float64Array): { logL: number; grad: Matrix; qmin: number } {
    checkMatrix("f", f);
    checkAllFinite("f", f.data);
    checkF64("labels", labels, f.rows);
    const code = lossCode(this.rt, loss);
    return this.rt.arena.scope((a) => {
      const e = this.rt.exports;
      const fb = a.f64(f.data.length, f.data);
      const lb = a.f64(labels.length, labels);
      const g = a.f64(f.data.length);
      const z = a.f64(f.rows);
      const logL = e.loss_eval(code, f.rows, f.cols, fb.ptr, lb.ptr, g.ptr, z.ptr);
      return { logL, grad: { rows: f.rows, cols: f.cols, data: g.toArray() }, qmin: e.min_margin(f.rows, f.cols, fb.ptr, lb.ptr) };
    });
  }
}
