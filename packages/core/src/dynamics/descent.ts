// gradientDescent(): discrete training, the finite-step counterpart of gradientFlow — full-batch GD, SGD with
// heavy-ball momentum and weight decay, and a loss-adaptive learning rate (step η/L, i.e. θ ← θ − η ∇log L: the
// normalized GD that keeps moving in the terminal phase) with rollback whenever a step increases the loss.
// Forward/backward passes and the loss run in WASM (gf_grad_log_loss); this loop only combines vectors. Every
// loss is carried as log L, so runs below the double range stay meaningful; the "time" t = Σ_k η_k (η_k/L_k
// when adaptive) is carried as log t. It also follows ReLU networks whose gradient flow slides along a kink,
// where an adaptive ODE integrator stalls.
import { ArgumentError, checkAllFinite, checkF64, checkInt, checkPositive, checkFinite } from "../errors.js";
import type { Runtime } from "../runtime/kernels.js";
import { Rng } from "../runtime/rng.js";
import type { CompiledModel } from "../models/compile.js";
import { BoundProblem, checkTrainingSet, type LossName, type TrainingSet } from "./problem.js";
import { checkLambdaVector, pointMonitors, type PointMonitors } from "./monitors.js";
import { exp, log, log1p } from "../runtime/detmath.js";

/** Defaults of gradientDescent's options — the one place they are written (lr and steps have none). */
export const GRADIENT_DESCENT_DEFAULTS = {
  /** Heavy-ball momentum μ. */
  momentum: 0,
  /** Weight decay ω (coupled: g = ∇L + ωθ). */
  weightDecay: 0,
  /** Seed of the minibatch shuffling. */
  seed: 0,
  /** Loss-adaptive rate: "none" or "loss". */
  adaptive: "none",
  /** With adaptive "loss": a rejected step halves η; below lr × rollbackFloor the run stops as a failure. */
  rollbackFloor: 1e-12,
  /** With adaptive "loss": after an accepted step η grows by this factor, up to lr. */
  regrowth: 1.25,
  /** Progress reports (with onProgress) every this many milliseconds. */
  progressMs: 250,
} as const;

/** A progress report of a running descent. */
export interface DescentProgress {
  step: number;
  /** log10 of t = Σ effective learning rates so far */
  log10t: number;
  /** the last full-batch log L computed (with minibatches: at the last checkpoint or epoch) */
  logL: number;
  /** a copy of θ after the last accepted step */
  theta: Float64Array;
}

export interface DescentOptions {
  /** learning rate η (> 0); with adaptive "loss" the largest step multiplier */
  lr: number;
  /** number of (accepted) steps */
  steps: number;
  /** heavy-ball momentum μ ∈ [0, 1): v ← μv + g, θ ← θ − ηv. Default 0. */
  momentum?: number;
  /** weight decay ω ≥ 0: g = ∇L + ωθ. Default 0. */
  weightDecay?: number;
  /** SGD minibatch size; batches are reshuffled every epoch from `seed`. Default n (full batch). */
  batchSize?: number;
  /** seed of the minibatch shuffling. Default 0. */
  seed?: number;
  /** "loss": step η_k/L(θ_k) with rollback (halve η_k) on a loss increase, regrowth ×1.25 up to η; "none". Default "none". */
  adaptive?: "none" | "loss";
  /** step indices at which θ is recorded. Default: 0 and the last step. */
  checkpoints?: number[];
  /** stop once (full-batch) log L (natural log) falls below this. Default: no threshold. */
  stopLogLoss?: number;
  /** wall-clock budget in milliseconds. Default: none. */
  budgetMs?: number;
  /** per-parameter Λ: checkpoints then carry the monitors (margins, Lemma 4.1 slacks, …). Default: none. */
  lambda?: Float64Array;
  /** Called every progressMs of wall clock; returning true stops the run (stop "budget", with a note). Default: none. */
  onProgress?: (p: DescentProgress) => boolean | void;
  /** Milliseconds between progress reports (> 0). Default 250. */
  progressMs?: number;
}

export interface DescentCheckpoint {
  step: number;
  theta: Float64Array;
  /** full-batch log L */
  logL: number;
  /** log10 of t = Σ effective learning rates so far (−Infinity at step 0) */
  log10t: number;
  monitors?: PointMonitors;
}

export interface DescentResult {
  stop: "steps" | "loss" | "budget" | "failure";
  steps: number;
  theta: Float64Array;
  logL: number;
  log10t: number;
  checkpoints: DescentCheckpoint[];
  /** step of the first zero training error, and of A5 (L < 1/n; log 2/n for the logistic loss); with minibatches
   *  the full-batch loss is only evaluated at checkpoints (and once per epoch with stopLogLoss), so these are upper bounds */
  milestones: { firstZeroError?: number; a5?: number };
  stats: { gradients: number; rollbacks: number; finalLr: number };
  /** why a run ended in "failure" */
  note?: string;
}

const LN10 = Math.LN10;
const logAdd = (a: number, b: number) => (a === -Infinity ? b : b === -Infinity ? a : Math.max(a, b) + log1p(exp(-Math.abs(a - b))));

export function gradientDescent(
  rt: Runtime,
  model: CompiledModel,
  data: TrainingSet,
  loss: LossName,
  theta0: Float64Array,
  options: DescentOptions,
): DescentResult {
  checkF64("theta0", theta0, model.size);
  checkAllFinite("theta0", theta0);
  if (typeof options !== "object" || options === null) throw new ArgumentError("options", options, "{ lr, steps, … }");
  checkTrainingSet(model, data);
  const n = data.X.rows, d = data.X.cols, m = model.size;
  const lr = checkPositive("options.lr", options.lr);
  const steps = checkInt("options.steps", options.steps, 0, 2 ** 31 - 1);
  const D = GRADIENT_DESCENT_DEFAULTS;
  const mu = options.momentum ?? D.momentum;
  if (!(typeof mu === "number" && mu >= 0 && mu < 1)) throw new ArgumentError("options.momentum", mu, "a number in [0, 1)");
  const wd = options.weightDecay ?? D.weightDecay;
  if (!(typeof wd === "number" && Number.isFinite(wd) && wd >= 0)) throw new ArgumentError("options.weightDecay", wd, "a finite number ≥ 0");
  const B = checkInt("options.batchSize", options.batchSize ?? n, 1, n);
  const adaptive = options.adaptive ?? D.adaptive;
  if (adaptive !== "none" && adaptive !== "loss") throw new ArgumentError("options.adaptive", adaptive, '"none" or "loss"');
  if (adaptive === "loss" && B !== n) throw new ArgumentError("options.adaptive", adaptive, `"none" with minibatches (batchSize ${B} < n = ${n}): rollback needs the full-batch loss`);
  const seed = options.seed ?? D.seed;
  const checkpoints = options.checkpoints ?? [0, steps];
  checkpoints.forEach((c, i) => {
    checkInt(`options.checkpoints[${i}]`, c, 0, steps);
    if (i > 0 && c <= checkpoints[i - 1]!) throw new ArgumentError(`options.checkpoints[${i}]`, c, `ascending step indices (after ${checkpoints[i - 1]})`);
  });
  const stopLogLoss = options.stopLogLoss === undefined ? undefined : checkFinite("options.stopLogLoss", options.stopLogLoss);
  const deadline = options.budgetMs === undefined ? Infinity : performance.now() + checkPositive("options.budgetMs", options.budgetMs);
  const lambda = options.lambda === undefined ? undefined : checkLambdaVector(model, options.lambda);
  const onProgress = options.onProgress;
  if (onProgress !== undefined && typeof onProgress !== "function") throw new ArgumentError("options.onProgress", onProgress, "a function (progress) => boolean | void");
  const progressMs = checkPositive("options.progressMs", options.progressMs ?? D.progressMs);
  let nextProgress = onProgress ? performance.now() + progressMs : Infinity;

  return rt.arena.scope((a) => {
    const full = new BoundProblem(rt, a, model, data, loss);
    const batch = B === n ? full : new BoundProblem(rt, a, model, { X: { rows: B, cols: d, data: data.X.data.subarray(0, B * d) }, labels: data.labels.subarray(0, B) }, loss);
    const rng = Rng.fromSeed(seed);
    const order = Uint32Array.from({ length: n }, (_, i) => i);
    const bX = new Float64Array(B * d), bY = new Float64Array(B);
    let cursor = n; // forces a shuffle before the first minibatch
    const nextBatch = () => {
      if (cursor + B > n) {
        for (let i = n - 1; i > 0; i--) {
          const j = Math.floor(rng.uniform() * (i + 1));
          const t = order[i]!;
          order[i] = order[j]!;
          order[j] = t;
        }
        cursor = 0;
      }
      for (let k = 0; k < B; k++) {
        const i = order[cursor + k]!;
        bX.set(data.X.data.subarray(i * d, (i + 1) * d), k * d);
        bY[k] = data.labels[i]!;
      }
      cursor += B;
      batch.setRows(bX, bY);
    };

    const a5Level = (loss === "logistic" ? log(Math.LN2) : 0) - log(n);
    const theta = Float64Array.from(theta0);
    const trial = new Float64Array(m), v = new Float64Array(m), vTrial = new Float64Array(m), g = new Float64Array(m);
    let logL = full.gradLogLoss(theta);
    let gradients = 1, rollbacks = 0, eta = lr, logT = -Infinity, k = 0;
    const milestones: DescentResult["milestones"] = {};
    const notice = (step: number, l: number, q: number) => {
      if (q > 0) milestones.firstZeroError ??= step;
      if (l < a5Level) milestones.a5 ??= step;
    };
    notice(0, logL, full.qmin);
    const out: DescentCheckpoint[] = [];
    let ci = 0;
    const record = () => {
      while (ci < checkpoints.length && checkpoints[ci]! <= k) {
        if (checkpoints[ci] === k) out.push({ step: k, theta: theta.slice(), logL, log10t: logT / LN10 });
        ci++;
      }
    };
    record();
    let stop: DescentResult["stop"] = "steps";
    let note: string | undefined;
    const sgd = B < n;
    let fresh = true; // full.grad holds ∇log L at θ and logL is current (always true in full-batch mode)
    const refresh = () => {
      if (!fresh) {
        logL = full.gradLogLoss(theta);
        gradients++;
        notice(k, logL, full.qmin);
        fresh = true;
      }
    };
    while (k < steps) {
      if (stopLogLoss !== undefined && (!sgd || cursor + B > n)) {
        refresh(); // once per epoch with minibatches
        if (logL < stopLogLoss) {
          stop = "loss";
          break;
        }
      }
      const now = performance.now();
      if (now > deadline) {
        stop = "budget";
        break;
      }
      if (now >= nextProgress) {
        nextProgress = now + progressMs;
        if (onProgress!({ step: k, log10t: logT / LN10, logL, theta: theta.slice() }) === true) {
          stop = "budget";
          note = `interrupted by the progress callback at step ${k}`;
          break;
        }
      }
      let scale: number; // g = scale·∇log L(batch) + ωθ
      if (sgd) {
        nextBatch();
        scale = exp(batch.gradLogLoss(theta));
        gradients++;
        g.set(batch.grad.view);
      } else {
        g.set(full.grad.view);
        scale = adaptive === "loss" ? 1 : exp(logL);
      }
      let finite = true;
      for (let i = 0; i < m; i++) {
        vTrial[i] = mu * v[i]! + scale * g[i]! + wd * theta[i]!;
        trial[i] = theta[i]! - eta * vTrial[i]!;
        finite &&= Number.isFinite(trial[i]!);
      }
      const stepLogT = log(eta) - (adaptive === "loss" ? logL : 0);
      let newLogL = 0;
      if (!sgd && finite) {
        newLogL = full.gradLogLoss(trial);
        gradients++;
      }
      const bad = !finite || Number.isNaN(newLogL) || newLogL === Infinity;
      if (bad || (adaptive === "loss" && newLogL > logL)) {
        if (!sgd) full.gradLogLoss(theta); // restore ∇log L at θ
        if (adaptive === "loss" && eta > lr * D.rollbackFloor) {
          eta /= 2;
          rollbacks++;
          gradients++;
          continue;
        }
        stop = "failure";
        note = bad
          ? `step ${k + 1} produced a non-finite ${finite ? "loss" : "parameter"} at learning rate ${eta}; the state before it is returned`
          : `the loss increases for every learning rate down to ${eta.toExponential(2)} at step ${k}: a stationary or non-smooth point`;
        break;
      }
      theta.set(trial);
      v.set(vTrial);
      logT = logAdd(logT, stepLogT);
      k++;
      if (sgd) fresh = false;
      else {
        logL = newLogL;
        notice(k, logL, full.qmin);
      }
      if (adaptive === "loss") eta = Math.min(lr, eta * D.regrowth);
      if (ci < checkpoints.length && checkpoints[ci] === k) refresh();
      record();
    }
    refresh();
    if (stop !== "steps" && (out.length === 0 || out[out.length - 1]!.step !== k)) out.push({ step: k, theta: theta.slice(), logL, log10t: logT / LN10 });
    if (lambda) for (const c of out) c.monitors = pointMonitors(full, model, data, lambda, c.theta);
    return {
      stop,
      steps: k,
      theta,
      logL,
      log10t: logT / LN10,
      checkpoints: out,
      milestones,
      stats: { gradients, rollbacks, finalLr: eta },
      ...(note ? { note } : {}),
    };
  });
}
