// A training problem laid out in WASM memory for the gradient-flow kernels: the model program, the data,
// the labels, the model's workspace and the gradflow.ts problem block. Lives inside one arena scope.
import { ArgumentError, checkAllFinite, checkF64 } from "../errors.js";
import type { Arena, F64Buffer } from "../runtime/arena.js";
import type { Runtime } from "../runtime/kernels.js";
import { checkMatrix, type Matrix } from "../linalg/matrix.js";
import type { CompiledModel } from "../models/compile.js";

export type LossName = "exp" | "logistic" | "square";

export interface TrainingSet {
  /** n×d inputs */
  X: Matrix;
  /** n labels: ±1 for one-output models, the class index 0…C−1 otherwise */
  labels: Float64Array;
}

export function lossCode(rt: Runtime, loss: LossName): number {
  switch (loss) {
    case "exp":
      return rt.constant("LOSS_EXP");
    case "logistic":
      return rt.constant("LOSS_LOGISTIC");
    case "square":
      return rt.constant("LOSS_SQUARE");
    default:
      throw new ArgumentError("loss", loss, '"exp", "logistic" (cross-entropy when C > 1) or "square"');
  }
}

export function checkTrainingSet(model: CompiledModel, data: TrainingSet): void {
  checkMatrix("data.X", data.X);
  if (data.X.cols !== model.inputs) throw new ArgumentError("data.X", `${data.X.rows}×${data.X.cols}`, `${model.inputs} columns (the model's inputs)`);
  if (data.X.rows === 0) throw new ArgumentError("data.X", "0 rows", "at least one sample");
  checkAllFinite("data.X", data.X.data);
  checkF64("data.labels", data.labels, data.X.rows);
  const C = model.outputs;
  for (let i = 0; i < data.labels.length; i++) {
    const v = data.labels[i]!;
    const ok = C === 1 ? v === 1 || v === -1 : Number.isInteger(v) && v >= 0 && v < C;
    if (!ok) throw new ArgumentError(`data.labels[${i}]`, v, C === 1 ? "±1 (a one-output model)" : `a class index in 0…${C - 1}`);
  }
}

/** The problem as the kernels see it. */
export class BoundProblem {
  readonly block: F64Buffer;
  readonly theta: F64Buffer;
  readonly grad: F64Buffer;
  readonly outputs: F64Buffer;
  readonly n: number;
  readonly m: number;

  constructor(
    private readonly rt: Runtime,
    a: Arena,
    readonly model: CompiledModel,
    data: TrainingSet,
    loss: LossName,
    /** generic: evaluate through the model program and the loss kernels even where the β-space path applies (tests) */
    options: { generic?: boolean } = {},
  ) {
    checkTrainingSet(model, data);
    const e = rt.exports;
    const n = (this.n = data.X.rows);
    this.m = model.size;
    const C = model.outputs;
    const progBytes = a.allocBytes(model.program.length * 4);
    new Int32Array(rt.exports.memory.buffer, progBytes, model.program.length).set(model.program);
    const X = a.f64(n * model.inputs, data.X.data);
    const labels = a.f64(n, data.labels);
    const wsBytes = e.model_workspace_bytes(progBytes, n);
    if (wsBytes <= 0) throw new ArgumentError("model", model.spec, "a model whose workspace fits in 2 GiB");
    const work = a.allocBytes(wsBytes);
    this.outputs = a.f64(n * C);
    const g = a.f64(n * C);
    const z = a.f64(n);
    this.theta = a.f64(this.m);
    this.grad = a.f64(this.m);
    const last = a.f64(this.m); // cache key of the kernels' last evaluation
    this.block = a.f64(rt.constant("GF_BLOCK_LEN"));
    const b = this.block.view;
    b[rt.constant("GF_PROG")] = progBytes;
    b[rt.constant("GF_M")] = this.m;
    b[rt.constant("GF_X")] = X.ptr;
    b[rt.constant("GF_LABELS")] = labels.ptr;
    b[rt.constant("GF_N")] = n;
    b[rt.constant("GF_LOSS")] = lossCode(rt, loss);
    b[rt.constant("GF_WORK")] = work;
    b[rt.constant("GF_F")] = this.outputs.ptr;
    b[rt.constant("GF_G")] = g.ptr;
    b[rt.constant("GF_Z")] = z.ptr;
    b[rt.constant("GF_LAST")] = last.ptr;
    b[rt.constant("GF_VALID")] = 0;
    // linear models with the exponential loss run in β-space (linexp.ts) unless `generic` asks for the program path
    b[rt.constant("GF_A")] = 0;
    b[rt.constant("GF_LIN")] = 0;
    if (!options.generic && e.gf_linear_exp(this.block.ptr)) {
      const d = model.inputs;
      const A = a.f64(n * d), lin = a.f64(e.gf_linear_scratch_len(d, n));
      const view = this.block.view; // after the allocations: they may have grown (and detached) the memory
      view[rt.constant("GF_A")] = A.ptr;
      view[rt.constant("GF_LIN")] = lin.ptr;
      e.gf_prepare_linear(this.block.ptr);
    }
  }

  /** Whether evaluations take the β-space path of linear models with the exponential loss. */
  get linear(): boolean {
    return this.block.view[this.rt.constant("GF_A")] !== 0;
  }

  /** Replaces the bound rows (same count n): minibatches of SGD. Invalidates the kernels' evaluation cache. */
  setRows(X: Float64Array, labels: Float64Array): void {
    const b = this.block.view, mem = this.rt.exports.memory.buffer;
    new Float64Array(mem, b[this.rt.constant("GF_X")]!, X.length).set(X);
    new Float64Array(mem, b[this.rt.constant("GF_LABELS")]!, labels.length).set(labels);
    b[this.rt.constant("GF_VALID")] = 0;
    if (this.linear) this.rt.exports.gf_prepare_linear(this.block.ptr);
  }

  /** log L at θ, leaving ∇θ log L in `grad` (no copies: the inner loop of gradient descent). */
  gradLogLoss(theta: Float64Array): number {
    this.theta.set(theta);
    return this.rt.exports.gf_grad_log_loss(this.block.ptr, this.theta.ptr, this.grad.ptr);
  }

  /** log L at θ (no gradient). */
  logLoss(theta: ArrayLike<number>): number {
    this.theta.set(theta);
    return this.rt.exports.gf_loss(this.block.ptr, this.theta.ptr);
  }

  /** q_min of the last evaluation. */
  get qmin(): number {
    return this.block.view[this.rt.constant("GF_QMIN")]!;
  }

  /** Whether the terminal-phase flow of this problem has an analytic Jacobian (diagonal networks, exponential loss). */
  get hasAnalyticJacobian(): boolean {
    return this.rt.exports.gf_has_analytic_jacobian(this.block.ptr) !== 0;
  }

  /**
   * ∂(dy/dσ)/∂y of the terminal-phase flow (y = (θ, log t), (m+1)×(m+1), row-major) at (σ, y) — the analytic
   * Jacobian Radau uses for diagonal networks with the exponential loss. Throws for other problems.
   */
  terminalJacobian(sigma: number, y: Float64Array): Float64Array {
    if (!this.hasAnalyticJacobian) throw new ArgumentError("problem", this.model.spec, "a diagonal network with the exponential loss");
    checkF64("y", y, this.m + 1);
    const N = this.m + 1;
    return this.rt.arena.scope((a) => {
      const yb = a.f64(N, y);
      const J = a.f64(N * N);
      this.rt.exports.gf_jacobian_logs(this.block.ptr, sigma, yb.ptr, J.ptr);
      return J.toArray();
    });
  }

  /** log L, q_min, ∇θ log L and the outputs f (n×C) at θ. */
  evaluate(theta: ArrayLike<number>): { logL: number; qmin: number; grad: Float64Array; outputs: Float64Array } {
    this.theta.set(theta);
    const logL = this.rt.exports.gf_grad_log_loss(this.block.ptr, this.theta.ptr, this.grad.ptr);
    if (this.linear) this.rt.exports.gf_outputs(this.block.ptr, this.theta.ptr);
    return {
      logL,
      qmin: this.block.view[this.rt.constant("GF_QMIN")]!,
      grad: this.grad.toArray(),
      outputs: this.outputs.toArray(),
    };
  }
}
