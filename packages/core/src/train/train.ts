// train(): minibatch SGD of a compiled model on a training set, an epoch per kernel call — momentum (heavy ball or
// Nesterov), coupled weight decay per parameter group, a learning-rate schedule, minibatches in a Philox order
// (epoch e shuffles with Rng.fromSeed(seed).split(e): the same batches on any worker, in Node or a browser) — with an
// evaluation every few epochs (training loss as log L, accuracy, the smallest margin, test accuracy, and the
// neural-collapse metrics of a layer). Never hangs (a wall-clock budget), never returns NaN (a diverging rate ends
// the run with status "diverged", naming the epoch and step, θ restored to the start of that epoch).
import { ArgumentError, checkFinite, checkInt } from "../errors.js";
import type { Runtime } from "../runtime/kernels.js";
import { Rng } from "../runtime/rng.js";
import type { Matrix } from "../linalg/matrix.js";
import type { CompiledModel } from "../models/compile.js";
import { checkTrainingSet, type LossName, type TrainingSet } from "../dynamics/problem.js";
import { measureCollapse, type CollapseMetrics, type SecondPassMetrics } from "../collapse/index.js";
import { Blas } from "../linalg/blas.js";
import { Trainer } from "./trainer.js";
import { ScheduleSchema, epochRates, type Schedule } from "./schedule.js";
import { parseSpec } from "../schema/validate.js";
import { exp, log, log1p } from "../runtime/detmath.js";

/** Defaults of train()'s options — the one place they are written (loss, epochs, batch and lr have none). */
export const TRAIN_DEFAULTS = {
  momentum: 0,
  nesterov: false,
  weightDecay: 0,
  seed: 0,
  /** evaluate (and measure collapse) every this many epochs, and after the last */
  evalEvery: 1,
  /** wall-clock budget, milliseconds */
  budgetMs: 10 * 60_000,
} as const;

export interface TrainOptions {
  loss: LossName;
  epochs: number;
  /** minibatch size; an epoch is ⌊n/batch⌋ steps (the last partial batch is dropped, its rows reshuffled next epoch) */
  batch: number;
  lr: number;
  /** Default 0. */
  momentum?: number;
  /** Default false. */
  nesterov?: boolean;
  /** λ for every parameter, or per group: keys are group names (layout()), "*suffix" or "prefix*" patterns; later
   *  keys win. Default 0. */
  weightDecay?: number | Record<string, number>;
  /** Default constant. */
  schedule?: Schedule;
  /** Default 0. */
  seed?: number;
  /** Default 1. */
  evalEvery?: number;
  /** also evaluate after these epochs (e.g. the first few, where things move fast) */
  evalAt?: number[];
  /** held-out data, evaluated with the training set */
  test?: TrainingSet;
  /** measure neural collapse at each evaluation: of `layer` (default: the input of the last dense layer) */
  collapse?: { layer?: number | string } | boolean;
  /** stop once the training accuracy reaches this (e.g. 1). Default: run every epoch. */
  stopAtAccuracy?: number;
  /** Default 10 min. */
  budgetMs?: number;
  /** "f64" (default) or "f32" (Trainer's precision). */
  precision?: "f64" | "f32";
  /** called with θ, the trainer (for outputs in evaluation mode) and the epoch at each evaluation; its numbers are
   *  kept in the record's `observed` (e.g. layer norms, margin statistics) */
  observe?: (theta: Float64Array, trainer: Trainer, epoch: number) => Record<string, number>;
  /** after each epoch; returning true interrupts the run */
  onProgress?: (p: { epoch: number; epochs: number; logL: number }) => boolean | void;
  /** after each evaluation: its record, θ and the features measured for collapse (null without `collapse`) — what a
   *  live view draws */
  onRecord?: (record: TrainRecord, at: RecordContext) => void;
}

/** What an evaluation saw, for TrainOptions.onRecord and TerminalOptions.onRecord. */
export interface RecordContext {
  theta: Float64Array;
  /** the collapse layer's features of the training set (N×d), or null when collapse is not measured */
  features: Matrix | null;
}

export interface TrainRecord {
  epoch: number;
  steps: number;
  /** log of the time so far, t = Σ nominal step sizes (η; α/L in the continuation); momentum is not counted (with
   *  heavy-ball μ the effective step is ≈ η/(1 − μ) in steady state) */
  logT: number;
  /** mean over the epoch's minibatches of log L (before each step) */
  batchLogL: number;
  logL: number;
  accuracy: number;
  qmin: number;
  testAccuracy: number | null;
  testLogL: number | null;
  lr: number;
  collapse: (CollapseMetrics & SecondPassMetrics) | null;
  /** what options.observe returned at this evaluation (absent without it) */
  observed?: Record<string, number>;
}

export type TrainStatus = "epochs" | "accuracy" | "diverged" | "budget" | "interrupted";

export interface TrainResult {
  status: TrainStatus;
  /** in words, for every status but "epochs" */
  note: string;
  theta: Float64Array;
  velocity: Float64Array;
  runningStats: Float64Array;
  epochs: number;
  steps: number;
  logT: number;
  history: TrainRecord[];
}

/** The per-parameter weight-decay vector of an option (undefined when every λ is 0). */
export function weightDecayVector(model: CompiledModel, wd: number | Record<string, number> | undefined): Float64Array | undefined {
  if (wd === undefined) return undefined;
  const v = new Float64Array(model.size);
  if (typeof wd === "number") {
    if (!(Number.isFinite(wd) && wd >= 0)) throw new ArgumentError("weightDecay", wd, "a finite λ ≥ 0");
    if (wd === 0) return undefined;
    return v.fill(wd);
  }
  for (const [key, lam] of Object.entries(wd)) {
    if (!(Number.isFinite(lam) && lam >= 0)) throw new ArgumentError(`weightDecay["${key}"]`, lam, "a finite λ ≥ 0");
    const match = (name: string) => (key.startsWith("*") ? name.endsWith(key.slice(1)) : key.endsWith("*") ? name.startsWith(key.slice(0, -1)) : name === key);
    const hit = model.groups.filter((g) => match(g.name));
    if (hit.length === 0) throw new ArgumentError(`weightDecay["${key}"]`, key, `a parameter group or pattern of the model: ${model.groups.map((g) => g.name).join(", ")}`);
    for (const g of hit) v.fill(lam, g.offset, g.offset + g.size);
  }
  return v.some((x) => x !== 0) ? v : undefined;
}

/** W (C×d) and b of the model's output layer when it is a plain dense layer (CompiledModel.classifier), else null. */
export function lastClassifier(model: CompiledModel, theta: Float64Array): { W: Matrix; b?: Float64Array } | null {
  if (!model.classifier) return null;
  const w = model.groups[model.classifier.weight]!, b = model.classifier.bias >= 0 ? model.groups[model.classifier.bias]! : null;
  return { W: { rows: w.shape[0]!, cols: w.shape[1]!, data: theta.slice(w.offset, w.offset + w.size) }, ...(b ? { b: theta.slice(b.offset, b.offset + b.size) } : {}) };
}

/** Row-index order of one epoch: a Philox permutation of 0…n−1, the first steps·batch of it. */
export function epochOrder(seed: number, epoch: number, n: number, steps: number, batch: number): Int32Array {
  const rng = Rng.fromSeed(seed).split(epoch);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  return perm.subarray(0, steps * batch);
}

/** A batch log L above this (L > 1e300) ends the run as diverged. */
const DIVERGED_LOG_LOSS = 690;

const logAddExp = (a: number, b: number) => (a === -Infinity ? b : b === -Infinity ? a : Math.max(a, b) + log1p(exp(-Math.abs(a - b))));

/** Minibatch SGD from θ0. */
export function train(rt: Runtime, model: CompiledModel, data: TrainingSet, theta0: Float64Array, options: TrainOptions): TrainResult {
  checkTrainingSet(model, data);
  if (options.test) checkTrainingSet(model, options.test);
  const epochs = checkInt("epochs", options.epochs, 1);
  const lr = checkFinite("lr", options.lr);
  if (!(lr > 0)) throw new ArgumentError("lr", lr, "a learning rate > 0");
  const evalEvery = checkInt("evalEvery", options.evalEvery ?? TRAIN_DEFAULTS.evalEvery, 1);
  const evalAt = new Set((options.evalAt ?? []).map((e, i) => checkInt(`evalAt[${i}]`, e, 0)));
  const seed = checkInt("seed", options.seed ?? TRAIN_DEFAULTS.seed, 0);
  const budgetMs = options.budgetMs ?? TRAIN_DEFAULTS.budgetMs;
  if (!(budgetMs > 0)) throw new ArgumentError("budgetMs", budgetMs, "a budget > 0 ms");
  const decay = weightDecayVector(model, options.weightDecay ?? TRAIN_DEFAULTS.weightDecay);
  const schedule = parseSpec(ScheduleSchema, options.schedule ?? {}, "schedule");
  const K = model.outputs;
  const collapse = options.collapse === true ? {} : options.collapse || null;
  if (collapse && K < 2) throw new ArgumentError("collapse", options.collapse, "a model with K ≥ 2 outputs (one per class)");
  const layer = collapse ? collapse.layer ?? model.layers.length - 2 : 0;
  const trainer = new Trainer(rt, model, data, theta0, {
    loss: options.loss, batch: options.batch, momentum: options.momentum ?? TRAIN_DEFAULTS.momentum, nesterov: options.nesterov ?? TRAIN_DEFAULTS.nesterov,
    ...(decay ? { decay } : {}), ...(options.precision ? { precision: options.precision } : {}),
  });
  const blas = new Blas(rt);
  const n = data.X.rows, steps = Math.floor(n / options.batch);
  const start = performance.now();
  const history: TrainRecord[] = [];
  let status: TrainStatus = "epochs", note = "", done = 0, logT = -Infinity, totalSteps = 0;
  try {
    const record = (epoch: number, batchLogL: number, rate: number) => {
      const ev = trainer.evaluate();
      const te = options.test ? trainer.evaluate(options.test.X, options.test.labels) : null;
      let nc: TrainRecord["collapse"] = null, H: Matrix | null = null;
      if (collapse) {
        H = trainer.features(data.X, layer);
        const cls = lastClassifier(model, trainer.params);
        nc = measureCollapse(H, data.labels, K, cls ?? undefined, { blas });
      }
      const rec: TrainRecord = {
        epoch, steps: totalSteps, logT, batchLogL, logL: ev.logL, accuracy: ev.accuracy, qmin: ev.qmin, testAccuracy: te?.accuracy ?? null, testLogL: te?.logL ?? null, lr: rate, collapse: nc,
        ...(options.observe ? { observed: options.observe(trainer.params, trainer, epoch) } : {}),
      };
      history.push(rec);
      options.onRecord?.(rec, { theta: trainer.params, features: H });
      return ev;
    };
    record(0, NaN, options.lr);
    for (let epoch = 0; epoch < epochs; epoch++) {
      const rates = epochRates(schedule, lr, epoch, epochs, steps);
      const before = trainer.params, vBefore = trainer.velocity, sBefore = trainer.runningStats;
      const r = trainer.steps(epochOrder(seed, epoch, n, steps, options.batch), rates);
      // a batch loss beyond e^690 ≈ 1e300 (outputs near 1e150) counts as divergence as much as an overflow does
      const blown = r.logLosses.findIndex((v, s) => s < r.completed && v > DIVERGED_LOG_LOSS);
      if (blown >= 0) r.completed = blown;
      if (r.completed < steps) {
        trainer.params = before;
        trainer.velocity = vBefore;
        if (sBefore.length) trainer.runningStats = sBefore;
        status = "diverged";
        note = `the loss exceeded 1e300 or became non-finite at epoch ${epoch + 1}, step ${r.completed + 1} (lr ${rates[r.completed]}): the rate diverges; θ is the one at the start of that epoch`;
        break;
      }
      const logT0 = logT;
      for (const x of rates) logT = logAddExp(logT, log(x));
      totalSteps += steps;
      done = epoch + 1;
      const meanLog = r.logLosses.reduce((a, v) => a + v, 0) / steps;
      const last = done === epochs;
      let acc = NaN;
      if (done % evalEvery === 0 || last || evalAt.has(done)) {
        const ev = record(done, meanLog, rates[steps - 1]!);
        acc = ev.accuracy;
        if (ev.logL > DIVERGED_LOG_LOSS) {
          // the batches stayed below 1e300 but the loss after the epoch's last step did not: as for a batch, the
          // epoch is undone (θ, velocity, statistics and its record)
          history.pop();
          trainer.params = before;
          trainer.velocity = vBefore;
          if (sBefore.length) trainer.runningStats = sBefore;
          done = epoch;
          totalSteps -= steps;
          logT = logT0;
          status = "diverged";
          note = `the training loss exceeded 1e300 (log L = ${ev.logL.toFixed(1)}) after epoch ${epoch + 1}, step ${steps} (lr ${rates[steps - 1]}): the rate diverges; θ is the one at the start of that epoch`;
          break;
        }
      }
      if (options.stopAtAccuracy !== undefined && acc >= options.stopAtAccuracy) {
        if (!last) {
          status = "accuracy";
          note = `training accuracy ${acc} ≥ ${options.stopAtAccuracy} after epoch ${done}`;
        }
        break;
      }
      if (options.onProgress?.({ epoch: done, epochs, logL: meanLog }) === true) {
        status = "interrupted";
        note = `interrupted after epoch ${done}`;
        break;
      }
      if (performance.now() - start > budgetMs && !last) {
        status = "budget";
        note = `the budget of ${budgetMs} ms ran out after epoch ${done} of ${epochs}`;
        break;
      }
    }
    if (history[history.length - 1]!.epoch !== done) record(done, NaN, lr);
    return { status, note, theta: trainer.params, velocity: trainer.velocity, runningStats: trainer.runningStats, epochs: done, steps: totalSteps, logT, history };
  } finally {
    trainer.dispose();
  }
}
