// continueTerminal(): full-batch gradient descent with the loss-adaptive rate of Lyu & Li (2020, App. on loss-based
// learning-rate scheduling) — the step on ∇L is α_k/L(θ_k), i.e. θ ← θ − α_k ∇log L, computed in log domain so it
// keeps going when L is far below the double range (t = Σ α_k/L_k counts the nominal steps; with momentum μ the
// effective step is larger, ≈ 1/(1 − μ) times in steady state); α grows by `grow` after an accepted step and a step that raises
// the loss is rolled back and retried with α·shrink. Records the training loss (log L), log t (t = Σ α_k/L_k, the
// gradient-flow clock), accuracy, the smallest margin and the neural-collapse metrics every `recordEvery` nats of
// log L. Ends at the target loss, a step count, a budget, or when α has shrunk below `alphaFloor` (a stall), and
// says which.
import { ArgumentError, checkFinite } from "../errors.js";
import type { Runtime } from "../runtime/kernels.js";
import type { CompiledModel } from "../models/compile.js";
import { checkTrainingSet, type LossName, type TrainingSet } from "../dynamics/problem.js";
import { measureCollapse } from "../collapse/index.js";
import { Blas } from "../linalg/blas.js";
import { Trainer } from "./trainer.js";
import { lastClassifier, type RecordContext, type TrainRecord } from "./train.js";
import type { Matrix } from "../linalg/matrix.js";
import { exp, log, log1p } from "../runtime/detmath.js";

/** Defaults of continueTerminal()'s options — the one place they are written. */
export const TERMINAL_DEFAULTS = {
  /** first α (the step on ∇log L) */
  alpha: 1,
  /** α ← α·grow after an accepted step */
  grow: 1.2,
  /** α ← α·shrink after a rejected (rolled-back) step */
  shrink: 0.5,
  /** the run stalls when α falls below this */
  alphaFloor: 1e-10,
  /** stop when log L falls below this (natural log; −230.3 is L = 1e-100) */
  targetLogL: -240,
  maxSteps: 20_000,
  /** heavy-ball momentum of the normalized steps (the velocity is cleared on a rollback) */
  momentum: 0,
  /** record every this many nats of log L (and at the first and last step) */
  recordEvery: 10,
  budgetMs: 10 * 60_000,
} as const;

export interface TerminalOptions {
  loss: LossName;
  alpha?: number;
  grow?: number;
  shrink?: number;
  alphaFloor?: number;
  /** Default 0. */
  momentum?: number;
  targetLogL?: number;
  maxSteps?: number;
  recordEvery?: number;
  budgetMs?: number;
  /** log t at the start (the SGD phase's clock). Default −∞ (t = 0). */
  logT0?: number;
  /** the epoch number recorded rows carry. Default 0. */
  epoch?: number;
  /** batch-norm running statistics to start from (train()'s result.runningStats); default: fresh (means 0, variances 1) */
  runningStats?: Float64Array;
  /** measure neural collapse of this layer at each record (default: the input of the last dense layer); false: none */
  collapse?: { layer?: number | string } | false;
  test?: TrainingSet;
  /** after each record; returning true interrupts */
  onProgress?: (p: { steps: number; logL: number; logT: number }) => boolean | void;
  /** after each record: the record, θ and the collapse layer's features (as TrainOptions.onRecord) */
  onRecord?: (record: TrainRecord, at: RecordContext) => void;
}

export type TerminalStatus = "target" | "steps" | "stalled" | "budget" | "interrupted";

export interface TerminalResult {
  status: TerminalStatus;
  note: string;
  theta: Float64Array;
  steps: number;
  rejected: number;
  logL: number;
  logT: number;
  /** batch-norm running statistics at the end (rejected steps' updates rolled back) */
  runningStats: Float64Array;
  history: TrainRecord[];
}

const logAddExp = (a: number, b: number) => (a === -Infinity ? b : b === -Infinity ? a : Math.max(a, b) + log1p(exp(-Math.abs(a - b))));

/** The loss-adaptive continuation from θ0 on the whole training set. */
export function continueTerminal(rt: Runtime, model: CompiledModel, data: TrainingSet, theta0: Float64Array, options: TerminalOptions): TerminalResult {
  checkTrainingSet(model, data);
  const D = TERMINAL_DEFAULTS;
  const num = (name: keyof typeof D, lo: number, open = true) => {
    const v = checkFinite(name, options[name as keyof TerminalOptions] ?? D[name]);
    if (open ? !(v > lo) : !(v >= lo)) throw new ArgumentError(name, v, `a number ${open ? ">" : "≥"} ${lo}`);
    return v;
  };
  let alpha = num("alpha", 0);
  const grow = num("grow", 1, false), shrink = num("shrink", 0), floor = num("alphaFloor", 0);
  if (!(shrink < 1)) throw new ArgumentError("shrink", shrink, "a factor in (0, 1)");
  const target = checkFinite("targetLogL", options.targetLogL ?? D.targetLogL);
  const maxSteps = num("maxSteps", 0), every = num("recordEvery", 0), budgetMs = num("budgetMs", 0);
  const K = model.outputs;
  const collapse = options.collapse === false || K < 2 ? null : options.collapse ?? {};
  const layer = collapse ? collapse.layer ?? model.layers.length - 2 : 0;
  const n = data.X.rows;
  const momentum = options.momentum ?? D.momentum;
  const trainer = new Trainer(rt, model, data, theta0, { loss: options.loss, batch: n, momentum });
  const zero = new Float64Array(model.size);
  if (options.runningStats) trainer.runningStats = options.runningStats;
  const bn = model.stateSize > 0;
  const blas = new Blas(rt);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const history: TrainRecord[] = [];
  let logT = options.logT0 ?? -Infinity, steps = 0, rejected = 0;
  const start = performance.now();
  const record = (logL: number, theta: Float64Array) => {
    const ev = trainer.evaluate(data.X, data.labels, theta);
    const te = options.test ? trainer.evaluate(options.test.X, options.test.labels, theta) : null;
    let nc: TrainRecord["collapse"] = null, H: Matrix | null = null;
    if (collapse) {
      const keep = trainer.params;
      trainer.params = theta;
      H = trainer.features(data.X, layer);
      nc = measureCollapse(H, data.labels, K, lastClassifier(model, theta) ?? undefined, { blas });
      trainer.params = keep;
    }
    const rec: TrainRecord = { epoch: options.epoch ?? 0, steps, logT, batchLogL: logL, logL: ev.logL, accuracy: ev.accuracy, qmin: ev.qmin, testAccuracy: te?.accuracy ?? null, testLogL: te?.logL ?? null, lr: alpha, collapse: nc };
    history.push(rec);
    options.onRecord?.(rec, { theta, features: H });
  };
  try {
    // θ_acc: the accepted point; the trainer holds the candidate one step (α) beyond it
    let acc = trainer.params;
    record(NaN, acc); // before any step: evaluation sees the running statistics as given
    let first = trainer.steps(order, Float64Array.of(alpha), true);
    let logAcc = first.logLosses[0]!;
    if (!Number.isFinite(logAcc)) throw new ArgumentError("theta0", "a non-finite loss", "parameters with a finite training loss");
    history[0]!.batchLogL = logAcc;
    let nextRecord = logAcc - every;
    let status: TerminalStatus = "steps", note = `${maxSteps} steps, log L = ${logAcc.toFixed(2)}`;
    while (steps < maxSteps) {
      const cand = trainer.params;
      const sBefore = bn ? trainer.runningStats : null; // the speculative step's statistics are undone on a rejection
      const tryAlpha = alpha * grow;
      const r = trainer.steps(order, Float64Array.of(tryAlpha), true);
      const logCand = r.logLosses[0]!;
      if (first.completed === 1 && logCand <= logAcc) {
        // accept the candidate (reached with α); the trainer now holds the next candidate (reached with tryAlpha)
        logT = logAddExp(logT, log(alpha) - logAcc);
        steps++;
        acc = cand;
        logAcc = logCand;
        alpha = tryAlpha;
        first = r;
        if (logAcc <= nextRecord || logAcc < target) {
          record(logAcc, acc);
          nextRecord = logAcc - every;
          if (options.onProgress?.({ steps, logL: logAcc, logT }) === true) {
            status = "interrupted";
            note = `interrupted at step ${steps}, log L = ${logAcc.toFixed(2)}`;
            break;
          }
        }
        if (logAcc < target) {
          status = "target";
          note = `log L = ${logAcc.toFixed(2)} < ${target} after ${steps} steps`;
          break;
        }
      } else {
        // the step from θ_acc with α raised the loss (or overflowed): roll back, retry with a smaller α
        rejected++;
        alpha *= shrink;
        if (alpha < floor) {
          status = "stalled";
          note = `α fell below ${floor} at step ${steps} (log L = ${logAcc.toFixed(2)}): no step lowers the loss`;
          break;
        }
        trainer.params = acc;
        if (sBefore) trainer.runningStats = sBefore;
        if (momentum > 0) trainer.velocity = zero;
        first = trainer.steps(order, Float64Array.of(alpha), true);
      }
      if (performance.now() - start > budgetMs) {
        status = "budget";
        note = `the budget of ${budgetMs} ms ran out at step ${steps}, log L = ${logAcc.toFixed(2)}`;
        break;
      }
    }
    if (history[history.length - 1]!.steps !== steps) record(logAcc, acc);
    return { status, note, theta: acc, steps, rejected, logL: logAcc, logT, runningStats: trainer.runningStats, history };
  } finally {
    trainer.dispose();
  }
}
