// A network being trained, resident in WASM memory: the program, θ, the momentum buffer, the batch-norm running
// statistics, the training data and the kernels' scratch. One call of `steps` runs many SGD steps in the kernels
// (train_steps: gather, forward, log-domain loss, backward, update); evaluation and features run in batch-norm
// evaluation mode. Owns a region of the runtime's arena from construction to dispose() (a stack: dispose in
// reverse order of creation; scopes opened in between are released before).
import { ArgumentError, checkF64 } from "../errors.js";
import type { Runtime } from "../runtime/kernels.js";
import type { F32Buffer, F64Buffer } from "../runtime/arena.js";
import type { Matrix } from "../linalg/matrix.js";
import type { CompiledModel } from "../models/compile.js";
import { checkTrainingSet, lossCode, type LossName, type TrainingSet } from "../dynamics/problem.js";
import { exp, log, log1p } from "../runtime/detmath.js";

/** Defaults of the trainer — the one place they are written. */
export const TRAINER_DEFAULTS = {
  /** running ← (1 − m)·running + m·batch statistic (PyTorch's BatchNorm momentum) */
  batchNormMomentum: 0.1,
  /** added to the variance in batch normalization */
  batchNormEps: 1e-5,
  /** rows per forward pass in evaluation (bounds the workspace; batch-norm models evaluate in running mode) */
  evalChunk: 1000,
} as const;

export interface TrainerOptions {
  loss: LossName;
  /** minibatch size (≤ n) */
  batch: number;
  /** heavy-ball momentum μ ∈ [0, 1). Default 0. */
  momentum?: number;
  /** Nesterov's form of the momentum step. Default false. */
  nesterov?: boolean;
  /** coupled weight decay λ per parameter (length m), or none */
  decay?: Float64Array;
  /** Default TRAINER_DEFAULTS.batchNormMomentum. */
  batchNormMomentum?: number;
  /** Default TRAINER_DEFAULTS.batchNormEps. */
  batchNormEps?: number;
  /** "f64" (default: the exact terminal phase) or "f32": θ, activations, gradients and the update in single
   *  precision with the f32x4 GEMM, the loss still in log domain and f64 (networks of dense, ReLU and layer-norm
   *  layers; evaluation and features widen the f32 weights and run in f64). */
  precision?: "f64" | "f32";
}

export interface Evaluation {
  /** log of the mean loss over the rows */
  logL: number;
  /** fraction of rows classified correctly (sign for one output, argmax otherwise) */
  accuracy: number;
  /** smallest margin y·f or f_y − max_{c≠y} f_c */
  qmin: number;
}

export class Trainer {
  readonly n: number;
  readonly m: number;
  private readonly mark: number;
  private readonly prog: number;
  private readonly theta: F64Buffer;
  private readonly vel: F64Buffer;
  private readonly decay: F64Buffer | null;
  private readonly state: F64Buffer;
  /** the training inputs in f64 (null in f32 mode, which keeps its own f32 copy) */
  private readonly X: F64Buffer | null;
  private readonly labels: F64Buffer;
  private readonly work: number;
  private readonly code: number;
  private disposed = false;
  /** the f32 copies of θ, the velocity, the decay and X (precision "f32"), else null */
  private readonly f32: { theta: F32Buffer; vel: F32Buffer; decay: F32Buffer | null; X: F32Buffer; work: number } | null = null;

  constructor(
    readonly rt: Runtime,
    readonly model: CompiledModel,
    readonly data: TrainingSet,
    theta0: Float64Array,
    readonly options: TrainerOptions,
  ) {
    checkTrainingSet(model, data);
    checkF64("theta0", theta0, model.size);
    this.n = data.X.rows;
    this.m = model.size;
    const { batch } = options;
    if (!Number.isInteger(batch) || batch < 1 || batch > this.n) throw new ArgumentError("batch", batch, `an integer in 1…${this.n} (the training set's rows)`);
    const mu = options.momentum ?? 0;
    if (!(mu >= 0 && mu < 1)) throw new ArgumentError("momentum", mu, "a momentum in [0, 1)");
    if (options.decay) checkF64("decay", options.decay, this.m);
    this.code = lossCode(rt, options.loss);
    const a = rt.arena, e = rt.exports;
    this.mark = a.mark();
    try {
      this.prog = a.allocBytes(model.program.length * 4);
      new Int32Array(e.memory.buffer, this.prog, model.program.length).set(model.program);
      this.theta = a.f64(this.m, theta0);
      this.vel = a.f64(this.m).set(new Float64Array(this.m));
      this.decay = options.decay ? a.f64(this.m, options.decay) : null;
      // running means 0, variances 1 (PyTorch's initial running statistics)
      const st = new Float64Array(Math.max(1, model.stateSize));
      for (const bn of model.batchNorm) st.fill(1, bn.stateOffset + bn.channels, bn.stateOffset + 2 * bn.channels);
      this.state = a.f64(st.length, st);
      this.X = options.precision === "f32" ? null : a.f64(data.X.data.length, data.X.data);
      this.labels = a.f64(this.n, data.labels);
      if (options.precision === "f32") {
        if (!e.train_f32_supported(this.prog)) {
          throw new ArgumentError("precision", "f32", "a network of dense, relu and layernorm layers for f32 (conv, pooling, batch and weight normalization, residual blocks train in f64)");
        }
        const b32 = e.train_f32_workspace_bytes(this.prog, batch, model.inputs, model.outputs, this.m);
        if (b32 <= 0) throw new ArgumentError("batch", batch, "a batch whose workspace fits in 2 GiB");
        this.f32 = {
          theta: a.f32(this.m, theta0), vel: a.f32(this.m).set(new Float32Array(this.m)), decay: options.decay ? a.f32(this.m, options.decay) : null,
          X: a.f32(data.X.data.length, data.X.data), work: a.allocBytes(b32),
        };
        this.work = 0;
        return;
      } else if (options.precision !== undefined && options.precision !== "f64") {
        throw new ArgumentError("precision", options.precision, '"f64" or "f32"');
      }
      const bytes = e.train_workspace_bytes(this.prog, batch, model.inputs, model.outputs, this.m);
      if (bytes <= 0) throw new ArgumentError("batch", batch, "a batch whose workspace fits in 2 GiB");
      this.work = a.allocBytes(bytes);
    } catch (err) {
      a.release(this.mark); // nothing of a half-built trainer stays in the arena
      throw err;
    }
  }

  /** A copy of θ. */
  get params(): Float64Array {
    this.alive();
    return this.f32 ? Float64Array.from(this.f32.theta.view) : this.theta.toArray();
  }
  set params(theta: Float64Array) {
    this.alive();
    checkF64("theta", theta, this.m);
    if (this.f32) this.f32.theta.set(theta);
    else this.theta.set(theta);
  }
  /** A copy of the momentum buffer. */
  get velocity(): Float64Array {
    this.alive();
    return this.f32 ? Float64Array.from(this.f32.vel.view) : this.vel.toArray();
  }
  set velocity(v: Float64Array) {
    this.alive();
    checkF64("velocity", v, this.m);
    if (this.f32) this.f32.vel.set(v);
    else this.vel.set(v);
  }
  /** "f64" or "f32". */
  get precision(): "f64" | "f32" {
    return this.f32 ? "f32" : "f64";
  }
  /** A copy of the batch-norm running statistics (model.stateSize f64s). */
  get runningStats(): Float64Array {
    return this.state.toArray().subarray(0, this.model.stateSize);
  }
  set runningStats(s: Float64Array) {
    checkF64("runningStats", s, this.model.stateSize);
    this.state.set(s);
  }

  /**
   * Runs lrs.length SGD steps on the batches listed in `order` (lrs.length·batch row indices). `normalized`: the
   * step uses ∇log L = ∇L/L (the loss-adaptive rate η/L). Returns the log L of each batch before its step and how
   * many steps completed (fewer when a batch loss or the updated θ was not finite).
   */
  steps(order: Int32Array, lrs: Float64Array, normalized = false): { completed: number; logLosses: Float64Array } {
    this.alive();
    const steps = lrs.length, batch = this.options.batch;
    if (order.length !== steps * batch) throw new ArgumentError("order", `${order.length} indices`, `${steps}·${batch} (steps · batch)`);
    for (let i = 0; i < order.length; i++) {
      const r = order[i]!;
      if (!(r >= 0 && r < this.n)) throw new ArgumentError(`order[${i}]`, r, `a row index in 0…${this.n - 1}`);
    }
    for (let s = 0; s < steps; s++) if (!(Number.isFinite(lrs[s]!) && lrs[s]! >= 0)) throw new ArgumentError(`lrs[${s}]`, lrs[s], "a finite learning rate ≥ 0");
    const e = this.rt.exports;
    return this.rt.arena.scope((a) => {
      const ob = a.allocBytes(order.length * 4);
      new Int32Array(e.memory.buffer, ob, order.length).set(order);
      const lb = a.f64(steps, lrs);
      const out = a.f64(steps);
      const f32 = this.f32;
      if (f32) {
        const completed = e.train_steps_f32(
          this.prog, f32.theta.ptr, f32.vel.ptr, this.m, f32.X.ptr, this.model.inputs, this.labels.ptr, this.model.outputs, ob, batch, steps,
          lb.ptr, this.options.momentum ?? 0, this.options.nesterov ? 1 : 0, f32.decay?.ptr ?? 0, this.code, normalized ? 1 : 0, out.ptr, f32.work,
        );
        return { completed, logLosses: out.toArray() };
      }
      e.model_set_modes(0, 0, 0, 0);
      e.model_set_batchnorm(this.rt.constant("BN_TRAIN"), this.state.ptr, this.options.batchNormMomentum ?? TRAINER_DEFAULTS.batchNormMomentum, this.eps);
      try {
        const completed = e.train_steps(
          this.prog, this.theta.ptr, this.vel.ptr, this.m, this.X!.ptr, this.model.inputs, this.labels.ptr, this.model.outputs, ob, batch, steps,
          lb.ptr, this.options.momentum ?? 0, this.options.nesterov ? 1 : 0, this.decay?.ptr ?? 0, this.code, normalized ? 1 : 0, out.ptr, this.work,
        );
        return { completed, logLosses: out.toArray() };
      } finally {
        e.model_set_batchnorm(this.rt.constant("BN_TRAIN"), 0, 0, this.eps); // the kernels keep no pointer into this trainer
      }
    });
  }

  private get eps(): number {
    return this.options.batchNormEps ?? TRAINER_DEFAULTS.batchNormEps;
  }

  /** Passes over rows of X in chunks, in batch-norm evaluation mode (running statistics); fn sees each chunk's
   *  outputs and, when `layer` ≥ 0 (an op index), that op's activations. */
  private passes(X: Matrix, layerOp: number, layerWidth: number, fn: (start: number, rows: number, f: Float64Array, h: Float64Array | null) => void, theta?: Float64Array): void {
    this.alive();
    const e = this.rt.exports, C = this.model.outputs, d = this.model.inputs;
    if (X.cols !== d) throw new ArgumentError("X", `${X.rows}×${X.cols}`, `${d} columns (the model's inputs)`);
    let chunk = Math.min(X.rows, TRAINER_DEFAULTS.evalChunk);
    let bytes = e.model_workspace_bytes(this.prog, chunk);
    while (bytes <= 0 && chunk > 1) bytes = e.model_workspace_bytes(this.prog, (chunk = Math.ceil(chunk / 2)));
    if (bytes <= 0) throw new ArgumentError("model", this.model.spec.kind, "a network whose one-row workspace fits in 2 GiB");
    this.rt.arena.scope((a) => {
      const xb = a.f64(chunk * d);
      const f = a.f64(chunk * C);
      const work = a.allocBytes(bytes);
      const th = theta ? a.f64(this.m, theta).ptr : this.f32 ? a.f64(this.m, this.f32.theta.view).ptr : this.theta.ptr;
      e.model_set_modes(0, 0, 0, 0);
      const mode = this.model.stateSize > 0 ? this.rt.constant("BN_EVAL") : this.rt.constant("BN_TRAIN");
      e.model_set_batchnorm(mode, this.model.stateSize > 0 ? this.state.ptr : 0, 0, this.eps);
      try {
        for (let s = 0; s < X.rows; s += chunk) {
          const rows = Math.min(chunk, X.rows - s);
          xb.view.set(X.data.subarray(s * d, (s + rows) * d));
          e.model_forward(this.prog, th, xb.ptr, rows, f.ptr, work);
          const h = layerOp >= 0 ? new Float64Array(e.memory.buffer, e.model_op_output(layerOp), rows * layerWidth) : null;
          fn(s, rows, f.view.subarray(0, rows * C), h);
        }
      } finally {
        e.model_set_batchnorm(this.rt.constant("BN_TRAIN"), 0, 0, this.eps);
      }
    });
  }

  /** Outputs (n×C) on X in evaluation mode, at θ (or at the given parameters). */
  outputs(X: Matrix, theta?: Float64Array): Matrix {
    const C = this.model.outputs;
    const out = new Float64Array(X.rows * C);
    this.passes(X, -1, 0, (s, _rows, f) => out.set(f, s * C), theta);
    return { rows: X.rows, cols: C, data: out };
  }

  /** The activations of `layer` (an index into model.layers or its name) on X, in evaluation mode. */
  features(X: Matrix, layer: number | string): Matrix {
    const names = this.model.layers.map((l, i) => `${i} (${l.name})`).join(", ");
    const index = typeof layer === "string" ? this.model.layers.findIndex((l) => l.name === layer) : layer;
    if (!Number.isInteger(index) || index < 0 || index >= this.model.layers.length) throw new ArgumentError("layer", layer, `a layer of the model: ${names}`);
    const L = this.model.layers[index]!;
    if (index === 0) return { rows: X.rows, cols: X.cols, data: Float64Array.from(X.data) };
    if (index === this.model.layers.length - 1) return this.outputs(X);
    const out = new Float64Array(X.rows * L.width);
    this.passes(X, L.op, L.width, (s, _rows, _f, h) => out.set(h!, s * L.width));
    return { rows: X.rows, cols: L.width, data: out };
  }

  /** log L, accuracy and the smallest margin on (X, labels) in evaluation mode (the training set by default). */
  evaluate(X: Matrix = this.data.X, labels: Float64Array = this.data.labels, theta?: Float64Array): Evaluation {
    if (X !== this.data.X || labels !== this.data.labels) checkTrainingSet(this.model, { X, labels });
    if (theta !== undefined) checkF64("theta", theta, this.m);
    const e = this.rt.exports, C = this.model.outputs;
    let lse = -Infinity, correct = 0, qmin = Infinity;
    this.rt.arena.scope((a) => {
      const chunk = Math.min(X.rows, TRAINER_DEFAULTS.evalChunk);
      const fb = a.f64(chunk * C), lb = a.f64(chunk), g = a.f64(chunk * C), z = a.f64(chunk);
      this.passes(X, -1, 0, (s, rows, f) => {
        fb.view.set(f);
        lb.view.set(labels.subarray(s, s + rows));
        const logL = e.loss_eval(this.code, rows, C, fb.ptr, lb.ptr, g.ptr, z.ptr); // log of the chunk's mean loss
        const t = logL + log(rows);
        lse = lse === -Infinity ? t : Math.max(lse, t) + log1p(exp(-Math.abs(lse - t)));
        qmin = Math.min(qmin, e.min_margin(rows, C, fb.ptr, lb.ptr));
        for (let i = 0; i < rows; i++) {
          const y = labels[s + i]!;
          if (C === 1) correct += y * f[i]! > 0 ? 1 : 0;
          else {
            let best = 0;
            for (let c = 1; c < C; c++) if (f[i * C + c]! > f[i * C + best]!) best = c;
            correct += best === y ? 1 : 0;
          }
        }
      }, theta);
    });
    return { logL: lse - log(X.rows), accuracy: correct / X.rows, qmin };
  }

  /** Frees the trainer's WASM memory (and everything allocated after it). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.rt.arena.release(this.mark);
  }

  private alive(): void {
    if (this.disposed) throw new ArgumentError("trainer", "disposed", "a trainer before dispose()");
  }
}
