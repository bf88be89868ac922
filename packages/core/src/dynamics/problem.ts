// A training problem laid out in WASM memory for the gradient-flow kernels: the model program, the data,
// the labels, the model's workspace and the gradflow.ts problem block. Lives inside one arena scope.
import { ArgumentError, checkAllFinite, checkF64 } from "../errors.js";
import type { Arena, F64Buffer } from "../runtime/arena.js";
import type { Runtime } from "../runtime/kernels.js";
import { checkMatrix, toMatrix, type Matrix, type MatrixLike } from "../linalg/matrix.js";
import type { CompiledModel } from "../models/compile.js";

export type LossName = "exp" | "logistic" | "square";

export interface TrainingSet {
  /** n×d inputs */
  X: Matrix;
  /** n labels: ±1 for one-output models, the class index 0…C−1 otherwise */
  labels: Float64Array;
}

/** A training set as a user may write it: X as a Matrix or nested arrays, labels as any array of numbers. */
export interface TrainingSetLike {
  X: MatrixLike;
  labels: ArrayLike<number>;
}

/** A TrainingSet from a TrainingSetLike (copies nested arrays; a TrainingSet passes through unchanged). */
export function toTrainingSet(data: unknown, argument = "data"): TrainingSet {
  if (typeof data !== "object" || data === null) throw new ArgumentError(argument, data, "a training set {X, labels}");
  const d = data as { X?: unknown; labels?: unknown };
  const X = toMatrix(`${argument}.X`, d.X);
  const labels = d.labels instanceof Float64Array ? d.labels : Array.isArray(d.labels) || ArrayBuffer.isView(d.labels) ? Float64Array.from(d.labels as ArrayLike<number>) : undefined;
  if (!labels) throw new ArgumentError(`${argument}.labels`, d.labels, "an array of labels");
  return X === d.X && labels === d.labels ? (data as TrainingSet) : { X, labels };
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

/** What following the kinks of a ReLU network saw (gradientFlow's result.kinks). */
export interface KinkReport {
  /** kinks crossed (a pre-activation changing sign) */
  crossed: number;
  /** sliding intervals entered and left (a pre-activation held at 0 by the Filippov combination) */
  slidingEntered: number;
  slidingLeft: number;
  /** units sliding at the end */
  slidingNow: number;
  /** of the crossings, those applied at the end of their step (the late-switch error within the step's budget) */
  crossedAtStepEnd: number;
  /** of the crossings, grazing ones (a unit switched at a kink and at once went back) that took the side the unit went to */
  grazing: number;
  /** right-hand-side evaluations spent deciding switches and locating sliding exits */
  evaluations: number;
  /** the sliding intervals (the first ones, up to the log's capacity): unit index, log10 t of entry and exit (null: still sliding) */
  intervals: { unit: number; log10tFrom: number; log10tTo: number | null }[];
  intervalsLogged: number;
  /** more units reached a kink at once than the sliding table holds (they were let cross) */
  capacityExceeded: boolean;
  /** a sliding system was singular (dependent kink normals; solved with regularization) */
  singular: boolean;
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
    /** generic: evaluate through the model program and the loss kernels even where the β-space path applies (tests);
     *  kinks: follow the ReLU kinks (Filippov modes and sliding, up to `capacity` units sliding at once);
     *  decay: weight decay λ of the ordinary-time flow */
    options: { generic?: boolean; kinks?: { capacity: number; logCapacity: number }; decay?: number } = {},
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
    b[rt.constant("GF_KINKS")] = 0;
    b[rt.constant("GF_DECAY")] = options.decay ?? 0;
    if (!options.generic && e.gf_linear_exp(this.block.ptr)) {
      const d = model.inputs;
      const A = a.f64(n * d), lin = a.f64(e.gf_linear_scratch_len(d, n));
      const view = this.block.view; // after the allocations: they may have grown (and detached) the memory
      view[rt.constant("GF_A")] = A.ptr;
      view[rt.constant("GF_LIN")] = lin.ptr;
      e.gf_prepare_linear(this.block.ptr);
    }
    const units = e.kinks_units(progBytes, n);
    if (options.kinks && units > 0 && model.perSample) this.kinks = this.allocateKinks(a, progBytes, units, options.kinks.capacity, options.kinks.logCapacity);
  }

  /** The kink block (0: the natural ReLU) of a problem that follows kinks. */
  private readonly kinks: number = 0;

  private allocateKinks(a: Arena, prog: number, units: number, capacity: number, logCapacity: number): number {
    const rt = this.rt, e = rt.exports, m = this.m;
    const cap = Math.max(1, Math.min(units, capacity));
    const f = (len: number) => a.f64(Math.max(1, len)).ptr;
    const slots: [Parameters<Runtime["constant"]>[0], number][] = [
      ["KK_UNITS", units],
      ["KK_CAPLIST", a.allocBytes(4 * (1 + 2 * (cap + rt.constant("CAND_CAP"))))],
      ["KK_MODES_F", f(units)],
      ["KK_MODES_B", f(units)],
      ["KK_CAP", cap],
      ["KK_SLIDE", f(cap * rt.constant("SLIDE_REC"))],
      ["KK_NORMALS", f((cap + 1) * m)], // + 1: the scratch normal of lazy switching
      ["KK_GRAM", f(cap * cap)],
      ["KK_VEC", f(cap)],
      ["KK_CAPOUT", f(cap + rt.constant("CAND_CAP"))],
      ["KK_EXTRA", f(2 * rt.constant("CAND_CAP"))],
      ["KK_LAZY", f(units)],
      ["KK_FORCED", f(rt.constant("CAND_CAP"))],
      ["KK_NZ", a.allocBytes(4 * Math.max(1, (cap + 1) * m))],
      ["KK_NNZ", f(cap + 1)],
      ["KK_RECENT", f(2 * rt.constant("RECENT_CAP"))],
      ["KK_SAMPLE", f(e.kinks_sample_len(prog))],
      ["KK_THETA", f(m + 1)],
      ["KK_CAND", f(rt.constant("CAND_CAP") * 3)],
      ["KK_LOG", f(logCapacity * rt.constant("LOG_REC"))],
      ["KK_LOG_CAP", logCapacity],
    ];
    const kb = a.f64(rt.constant("KK_BLOCK_LEN"));
    const v = kb.view; // after the allocations
    for (const [name, value] of slots) v[rt.constant(name)] = value;
    this.block.view[rt.constant("GF_KINKS")] = kb.ptr;
    return kb.ptr;
  }

  /** Whether this problem follows the kinks of its ReLUs (Filippov). */
  get followsKinks(): boolean {
    return this.kinks !== 0;
  }

  /** Room for the sliding state at `outputs` requested outputs and `events` event roots of the next integration
   *  (a flow's checkpoints), inside arena scope `a`; returns the reader of the recorded snapshots. */
  prepareSnapshots(a: Arena, outputs: number, events: number): ((which: "output" | "event", index: number) => { unit: number; sigma: number }[]) | undefined {
    if (!this.kinks) return undefined;
    const rt = this.rt;
    const stride = 1 + 2 * this.kinkCapacity;
    const out = a.f64(Math.max(1, outputs * stride)), ev = a.f64(Math.max(1, events * stride));
    const v = new Float64Array(rt.exports.memory.buffer, this.kinks, rt.constant("KK_BLOCK_LEN"));
    v[rt.constant("KK_SNAP_OUT")] = out.ptr;
    v[rt.constant("KK_SNAP_OUT_CAP")] = outputs;
    v[rt.constant("KK_SNAP_EV")] = ev.ptr;
    v[rt.constant("KK_SNAP_EV_CAP")] = events;
    return (which, index) => {
      const buf = (which === "output" ? out : ev).view;
      const rec = buf.subarray(index * stride, (index + 1) * stride);
      return Array.from({ length: rec[0]! }, (_, s) => ({ unit: rec[1 + 2 * s]!, sigma: rec[2 + 2 * s]! }));
    };
  }

  /** The sliding table's capacity. */
  private get kinkCapacity(): number {
    return new Float64Array(this.rt.exports.memory.buffer, this.kinks, this.rt.constant("KK_BLOCK_LEN"))[this.rt.constant("KK_CAP")]!;
  }

  /** Units sliding now, with their weights. */
  slidingUnits(): { unit: number; sigma: number }[] {
    if (!this.kinks) return [];
    const rt = this.rt;
    const v = new Float64Array(rt.exports.memory.buffer, this.kinks, rt.constant("KK_BLOCK_LEN"));
    const ns = v[rt.constant("KK_NSLIDE")]!, rec = rt.constant("SLIDE_REC");
    const table = new Float64Array(rt.exports.memory.buffer, v[rt.constant("KK_SLIDE")]!, Math.max(1, ns * rec));
    return Array.from({ length: ns }, (_, s) => ({ unit: table[s * rec]!, sigma: Math.min(1, Math.max(0, table[s * rec + 5]!)) }));
  }

  /** log L and q_min of the kernels' last evaluation. */
  get lastLogLoss(): number {
    return this.block.view[this.rt.constant("GF_LOGL")]!;
  }

  /** Starts following the kinks from θ: modes from the signs of the pre-activations, nothing sliding. */
  resetKinks(theta: ArrayLike<number>): void {
    if (!this.kinks) return;
    this.theta.set(theta);
    this.rt.exports.filippov_reset(this.block.ptr, this.theta.ptr);
  }

  /** What the kink state has seen: crossings, sliding intervals (log t in, log t out or null while sliding), counts. */
  kinkReport(): KinkReport | undefined {
    if (!this.kinks) return undefined;
    const rt = this.rt;
    const v = new Float64Array(rt.exports.memory.buffer, this.kinks, rt.constant("KK_BLOCK_LEN"));
    const k = (name: Parameters<Runtime["constant"]>[0]) => v[rt.constant(name)]!;
    const logged = Math.min(k("KK_LOG_N"), k("KK_LOG_CAP"));
    const rec = rt.constant("LOG_REC");
    const log = new Float64Array(rt.exports.memory.buffer, k("KK_LOG"), Math.max(1, logged * rec));
    const fail = k("KK_FAIL");
    return {
      crossed: k("KK_CROSSINGS"),
      slidingEntered: k("KK_ENTRIES"),
      slidingLeft: k("KK_EXITS"),
      slidingNow: k("KK_NSLIDE"),
      crossedAtStepEnd: k("KK_LAZY_SWITCHES"),
      grazing: k("KK_FORCED_TOTAL"),
      evaluations: k("KK_EVALS"),
      intervals: Array.from({ length: logged }, (_, i) => ({
        unit: log[i * rec]!,
        log10tFrom: log[i * rec + 1]! / Math.LN10,
        log10tTo: Number.isNaN(log[i * rec + 2]!) ? null : log[i * rec + 2]! / Math.LN10,
      })),
      intervalsLogged: k("KK_LOG_N"),
      capacityExceeded: fail === rt.constant("KINK_FAIL_CAPACITY"),
      singular: fail === rt.constant("KINK_FAIL_SINGULAR"),
    };
  }

  /** Whether evaluations take the β-space path of linear models with the exponential loss. */
  get linear(): boolean {
    return this.block.view[this.rt.constant("GF_A")] !== 0;
  }

  /**
   * Runs `fn` with the natural ReLU (∂relu(z) = [z > 0]) instead of the kink state's frozen modes: evaluations at
   * points other than the flow's current one (checkpoints, the end point's monitors) must not see the modes of the
   * end of the flow. The kink state itself is left as it was.
   */
  natural<T>(fn: () => T): T {
    if (!this.kinks) return fn();
    const v = new Float64Array(this.rt.exports.memory.buffer, this.kinks, this.rt.constant("KK_BLOCK_LEN"));
    const enabled = v[this.rt.constant("KK_ENABLED")]!;
    const b = this.block.view;
    b[this.rt.constant("GF_VALID")] = 0;
    new Float64Array(this.rt.exports.memory.buffer, this.kinks, this.rt.constant("KK_BLOCK_LEN"))[this.rt.constant("KK_ENABLED")] = 0;
    try {
      return fn();
    } finally {
      new Float64Array(this.rt.exports.memory.buffer, this.kinks, this.rt.constant("KK_BLOCK_LEN"))[this.rt.constant("KK_ENABLED")] = enabled;
      this.block.view[this.rt.constant("GF_VALID")] = 0;
    }
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
