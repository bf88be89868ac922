// gradientFlow(): the flow dθ/dt = −∇L(θ) (− λθ with weight decay) of a model's training loss, followed as far as the
// theory talks about. Phase 1 integrates in ordinary time t (state θ and s = ∫L dt). Once A5 holds (L < 1/n) or the
// loss-normalized time s reaches 1, whichever is first (early enough that the explicit phase never becomes
// stiffness-bound), it switches — automatically — to the terminal-phase clock σ = log s with Radau IIA, where the
// state is (θ, log t): the same trajectory, but neither L nor t is ever formed, so t = 1e100 or 10^1000 costs little
// more than t = 1e5. ReLU networks are followed through their kinks as Filippov systems (rhs/filippov.ts in the
// kernels). Checkpoints are log-spaced times, located as events on log t. Every flow has a step and a wall-clock
// budget, reports its progress, and says in words why it stopped anywhere but the horizon.
import { ArgumentError, checkF64, checkAllFinite, checkFinite, checkInt, checkPositive } from "../errors.js";
import type { Runtime } from "../runtime/kernels.js";
import type { CompiledModel } from "../models/compile.js";
import { inferLambda } from "../models/infer.js";
import { BoundProblem, toTrainingSet, type KinkReport, type LossName, type TrainingSetLike } from "./problem.js";
import { eventRecord, runSolver, type IntegrationStatus, type Method, type SolverStats } from "./solver.js";
import { checkLambdaVector, pointMonitors, type PointMonitors } from "./monitors.js";
import { cascadeLevel, type CascadeLevel } from "../certify/cascade.js";
import type { SlidingUnit } from "../certify/certify.js";
import { cascadeNote, stopNote } from "./flow-notes.js";
import { exp, log, log10, pow } from "../runtime/detmath.js";

/** Defaults of gradientFlow's options — the one place they are written. Tolerances and the horizon have none. */
export const GRADIENT_FLOW_DEFAULTS = {
  /** Enter the terminal-phase clock once A5 holds ("off" is the default for the square loss and weight decay). */
  terminal: "auto",
  /** Integrator of phase 1 (ordinary time t). */
  method: "dopri5",
  /** Integrator of the terminal phase (σ = log s), whose flow is stiff: Radau IIA — but for ReLU networks followed
   *  through their kinks, DOPRI5 first, until its stiffness test fires (their early terminal phase crosses
   *  thousands of kinks, each cutting a step, and an explicit step costs ~7 evaluations against Radau's ~40). */
  terminalMethod: "auto",
  /** Radau's linear algebra: krylov beyond `krylovAbove` parameters. */
  linearSolver: "auto",
  /** Parameters beyond which "auto" solves Radau's systems matrix-free. */
  krylovAbove: 400,
  /** GMRES restart length of the matrix-free mode. */
  krylovRestart: 30,
  /** Step limit per phase (accepted + rejected steps). */
  maxSteps: 1_000_000,
  /** Wall-clock budget of the whole flow, in milliseconds (10 minutes). */
  budgetMs: 600_000,
  /** Progress reports (with onProgress) every this many milliseconds. */
  progressMs: 250,
  /** Follow the kinks of ReLU networks as a Filippov system ("auto": whenever the model has ReLUs). */
  kinks: "auto",
  /** Most units sliding on their kinks at once. */
  kinkCapacity: 256,
  /** Sliding intervals kept in the result (later ones are counted). */
  kinkLog: 1000,
  /** Weight decay λ: θ' = −∇L − λθ (0: none). */
  weightDecay: 0,
  /** Report the cascade level of the end point (and a note when the Λmax problem is degenerate there). */
  cascade: "auto",
  /** A terminal phase entered (s = ∫L dt = 1) before the data were separated stops with status "plateau" if they are
   *  still not separated once σ = log s has grown by this much (s × e^12 ≈ 1.6e5) and log L has moved by less than
   *  1e-3 over its last half: the flow converges to a stationary point of the loss (or leaves it too slowly to
   *  follow), and there is no terminal phase to follow. While log L still moves, the test is repeated every half
   *  window (each costlier: an unseparated flow grows stiff in the terminal-phase clock). */
  plateauSigma: 12,
} as const;

/** How a flow ended: at its horizon, at the loss threshold, or why not ("plateau": the data are still not separated
 *  long after ∫L dt reached 1 — see GRADIENT_FLOW_DEFAULTS.plateauSigma). */
export type FlowStatus = "horizon" | "loss" | "budget" | "max-steps" | "step-too-small" | "nonfinite" | "interrupted" | "chattering" | "plateau";

/** A progress report of a running flow. */
export interface FlowProgress {
  phase: "time" | "terminal";
  log10t: number;
  /** log L at the integrator's last evaluation */
  logL: number;
  /** steps (accepted + rejected) of both phases so far */
  steps: number;
  /** a copy of θ at the integrator's last accepted step (what a live view draws) */
  theta: Float64Array;
}

export interface GradientFlowOptions {
  /** Relative tolerance (required; used in both phases). */
  rtol: number;
  /** Absolute tolerance (required). */
  atol: number;
  /** Where to stop, as log10 t: 5 for t = 1e5, 100 for 1e100; beyond 300 needs the terminal phase. */
  log10T: number;
  /** Checkpoint times as log10 t, ascending. Default: every decade 0, 1, …, ⌊log10T⌋. */
  checkpoints?: number[];
  /** "auto": enter the terminal-phase clock once A5 holds; "off": ordinary time only. Default "auto" ("off" for the square loss and with weight decay). */
  terminal?: "auto" | "off";
  /** Integrator of phase 1. Default GRADIENT_FLOW_DEFAULTS.method ("dopri5"). */
  method?: Method;
  /** Integrator of the terminal phase: "auto" — for ReLU networks followed through their kinks, DOPRI5 until its
   *  stiffness test fires, then Radau IIA; Radau IIA otherwise. Default GRADIENT_FLOW_DEFAULTS.terminalMethod ("auto"). */
  terminalMethod?: Method | "auto";
  /** Radau's linear algebra: "dense" (finite-difference Jacobian, LU), "krylov" (Jacobian-free Newton–Krylov:
   *  GMRES on Hessian-vector products, no m² storage), or "auto": krylov beyond 400 parameters. Default "auto". */
  linearSolver?: "auto" | "dense" | "krylov";
  /** Stop once log L (natural log) falls below this. Default: no loss threshold. */
  stopLogLoss?: number;
  /** Wall-clock budget in milliseconds (> 0). Default 600 000 (10 minutes). */
  budgetMs?: number;
  /** Step limit per phase. Default 1 000 000. */
  maxSteps?: number;
  /** Per-parameter Λ: when given, every checkpoint carries its monitors (margins, Lemma 4.1 slacks, the cascade level, …). Default: none. */
  lambda?: Float64Array;
  /** "auto": follow the kinks of ReLU networks as a Filippov system (crossings located, sliding on kink surfaces);
   *  "off": integrate the nonsmooth field as it is. Default "auto". */
  kinks?: "auto" | "off";
  /** Stop with status "plateau" when the data are still not separated once log ∫L dt has grown by this much past 0
   *  (> 0; Infinity: never). Default GRADIENT_FLOW_DEFAULTS.plateauSigma (12). */
  plateauSigma?: number;
  /** "auto": the result's `cascade` (and a note when the Λmax problem is degenerate at the end point); "off": skip it
   *  (≈ 1 ms per 1e4 samples — sweeps that certify their own end points). Default "auto". */
  cascade?: "auto" | "off";
  /** Weight decay λ ≥ 0: θ' = −∇L − λθ. The flow then goes to a stationary point, in ordinary time (log10T ≤ 300); the result's `stationarity` certifies it. Default 0. */
  weightDecay?: number;
  /** Called every progressMs of wall clock; returning true stops the flow ("interrupted"). */
  onProgress?: (p: FlowProgress) => boolean | void;
  /** Milliseconds between progress reports (> 0). Default 250. */
  progressMs?: number;
}

export interface FlowCheckpoint {
  log10t: number;
  theta: Float64Array;
  phase: "time" | "terminal";
  /** log L at θ */
  logL: number;
  /** ReLU units sliding on their kinks here, with their Filippov weights (for certify at this checkpoint) */
  sliding?: SlidingUnit[];
  monitors?: PointMonitors & { cascade: Pick<CascadeLevel, "rate" | "index" | "seminorm" | "normalizedMargin"> | null };
}

export interface GradientFlowResult {
  /** "horizon" on a normal stop; otherwise the loss threshold or why the integration stopped */
  status: FlowStatus;
  /** the same, coarser: reached log10T, the loss threshold, the budget, or a failure */
  stop: "horizon" | "loss" | "budget" | "failure";
  log10t: number;
  theta: Float64Array;
  /** log L at the final θ */
  logL: number;
  checkpoints: FlowCheckpoint[];
  /** log10 t of: the first zero training error (−Infinity: separated at t = 0), A5, entering the terminal phase, and
   *  (terminalMethod "auto" on ReLU networks) where DOPRI5 found the terminal phase stiff and Radau IIA took over */
  milestones: { firstZeroError?: number; a5?: number; terminalFrom?: number; stiffFrom?: number };
  /** why the flow stopped, in words (every stop other than the horizon), and what a degenerate end point means */
  note?: string;
  /** things worth knowing that did not stop the flow (a stationary start, …) */
  warnings: string[];
  /** ReLU networks followed through their kinks: crossings and sliding intervals */
  kinks?: KinkReport;
  /** units sliding at the end, with their weights (certify(…, { sliding })) */
  sliding?: SlidingUnit[];
  /** the cascade level of the end point (Conjecture 5.1), when it separates the data and Λ is known */
  cascade?: CascadeLevel;
  /** weight decay: ‖∇L + λθ‖ / ‖λθ‖ at the end (0 at a stationary point) */
  stationarity?: number;
  stats: {
    time: SolverStats;
    terminal?: SolverStats;
    /** right-hand-side evaluations of both phases, those spent forming Jacobians and deciding kinks included */
    rhsEvaluations: number;
  };
}

const LN10 = Math.LN10;
const D = GRADIENT_FLOW_DEFAULTS;
/** log L has stalled (a plateau) when it moved by less than this over the last half plateauSigma (e^6 in s: ≥ 2.6
 *  decades of t): L would need more than 1000 such windows to fall by a factor e. */
const PLATEAU_DLOGL = 1e-3;

/** The clock a flow of this loss uses when options.terminal is not given: "auto", but "off" for the square loss. */
export function defaultTerminal(loss: LossName): "auto" | "off" {
  return loss === "square" ? "off" : D.terminal;
}

function addStats(a: SolverStats, b: SolverStats): SolverStats {
  return {
    accepted: a.accepted + b.accepted, rejected: a.rejected + b.rejected, nfev: a.nfev + b.nfev, lastStep: b.lastStep,
    jacobians: a.jacobians + b.jacobians, nfevJacobian: a.nfevJacobian + b.nfevJacobian, lu: a.lu + b.lu, switches: a.switches + b.switches,
  };
}

function statusOf(s: IntegrationStatus | FlowStatus): FlowStatus {
  // "stiff" only ends a DOPRI5 segment that Radau then continues
  return s === "deadline" ? "budget" : s === "done" || s === "event" || s === "stiff" ? "horizon" : s;
}

export function gradientFlow(
  rt: Runtime,
  model: CompiledModel,
  dataIn: TrainingSetLike,
  loss: LossName,
  theta0: Float64Array,
  options: GradientFlowOptions,
): GradientFlowResult {
  const data = toTrainingSet(dataIn);
  checkF64("theta0", theta0, model.size);
  checkAllFinite("theta0", theta0);
  if (typeof options !== "object" || options === null || options.rtol === undefined || options.atol === undefined) {
    throw new ArgumentError("options", options, "tolerances, e.g. gradientFlow(rt, model, data, \"exp\", theta0, { rtol: 1e-8, atol: 1e-10, log10T: 100 })");
  }
  const rtol = checkPositive("options.rtol", options.rtol);
  const atol = checkPositive("options.atol", options.atol);
  const log10T = checkFinite("options.log10T", options.log10T);
  const decay = checkFinite("options.weightDecay", options.weightDecay ?? D.weightDecay);
  if (!(decay >= 0)) throw new ArgumentError("options.weightDecay", decay, "a weight decay λ ≥ 0");
  const terminal = options.terminal ?? (decay > 0 ? "off" : defaultTerminal(loss));
  if (terminal !== "auto" && terminal !== "off") throw new ArgumentError("options.terminal", terminal, '"auto" or "off"');
  if (terminal === "auto" && loss === "square") throw new ArgumentError("options.terminal", terminal, '"off" for the square loss (it has no terminal phase)');
  if (terminal === "auto" && decay > 0) throw new ArgumentError("options.terminal", terminal, '"off" with weight decay (the flow goes to a stationary point: there is no terminal phase)');
  if (terminal === "off" && log10T > 300) throw new ArgumentError("options.log10T", log10T, "≤ 300 in ordinary time (use terminal: \"auto\" beyond)");
  const maxSteps = checkInt("options.maxSteps", options.maxSteps ?? D.maxSteps, 1, 2 ** 31 - 1);
  const checkpoints = options.checkpoints ?? Array.from({ length: Math.max(0, Math.floor(log10T)) + 1 }, (_, i) => i);
  if (!Array.isArray(checkpoints)) throw new ArgumentError("options.checkpoints", checkpoints, "an array of log10 t values");
  checkpoints.forEach((c, i) => {
    checkFinite(`options.checkpoints[${i}]`, c);
    if (i > 0 && c <= checkpoints[i - 1]!) throw new ArgumentError(`options.checkpoints[${i}]`, c, `ascending log10 t values (after ${checkpoints[i - 1]})`);
  });
  const budgetMs = options.budgetMs ?? D.budgetMs;
  if (typeof budgetMs !== "number" || !(budgetMs > 0) || budgetMs === Infinity) throw new ArgumentError("options.budgetMs", budgetMs, "a finite wall-clock budget in milliseconds, > 0");
  const progressMs = checkPositive("options.progressMs", options.progressMs ?? D.progressMs);
  if (options.onProgress !== undefined && typeof options.onProgress !== "function") throw new ArgumentError("options.onProgress", options.onProgress, "a function (progress) => boolean | void");
  const stopLogLoss = options.stopLogLoss === undefined ? undefined : checkFinite("options.stopLogLoss", options.stopLogLoss);
  const lambda = options.lambda === undefined ? undefined : checkLambdaVector(model, options.lambda);
  const linearSolver = options.linearSolver ?? D.linearSolver;
  if (!["auto", "dense", "krylov"].includes(linearSolver)) throw new ArgumentError("options.linearSolver", linearSolver, '"auto", "dense" or "krylov"');
  const krylov = linearSolver === "krylov" || (linearSolver === "auto" && model.size > D.krylovAbove) ? D.krylovRestart : 0;
  const terminalMethod = options.terminalMethod ?? D.terminalMethod;
  if (!["auto", "dopri5", "radau5"].includes(terminalMethod)) throw new ArgumentError("options.terminalMethod", terminalMethod, '"auto", "dopri5" or "radau5"');
  const method1 = options.method ?? D.method;
  if (!["dopri5", "radau5"].includes(method1)) throw new ArgumentError("options.method", method1, '"dopri5" or "radau5"');
  const kinks = options.kinks ?? D.kinks;
  const cascadeMode = options.cascade ?? D.cascade;
  if (cascadeMode !== "auto" && cascadeMode !== "off") throw new ArgumentError("options.cascade", cascadeMode, '"auto" or "off"');
  const plateauSigma = options.plateauSigma ?? D.plateauSigma;
  if (typeof plateauSigma !== "number" || !(plateauSigma > 0)) throw new ArgumentError("options.plateauSigma", plateauSigma, "a growth of log ∫L dt > 0 (Infinity: never stop at a plateau)");
  if (kinks !== "auto" && kinks !== "off") throw new ArgumentError("options.kinks", kinks, '"auto" or "off"');
  const deadline = performance.now() + budgetMs;

  return rt.arena.scope((a) => {
    const p = new BoundProblem(rt, a, model, data, loss, { ...(kinks === "auto" ? { kinks: { capacity: D.kinkCapacity, logCapacity: D.kinkLog } } : {}), decay });
    const followKinks = p.followsKinks; // a kink block only when the program has ReLU units
    p.resetKinks(theta0);
    const m = model.size, n = p.n, dim = m + 1;
    const warnings: string[] = [];
    const start = p.evaluate(theta0);
    if (start.grad.every((g) => g === 0) && decay === 0) {
      warnings.push("θ0 is a stationary point: ∇L(θ0) = 0 (e.g. all-zero ReLU weights or a dead network), so the flow does not move; start elsewhere");
    }
    const milestones: GradientFlowResult["milestones"] = {};
    let separated = start.qmin > 0;
    if (separated) milestones.firstZeroError = -Infinity;
    // A5: L < 1/n for the exponential loss; L < log(2)/n for the logistic loss / cross-entropy (App. H, A10).
    const a5Level = (loss === "logistic" ? log(Math.LN2) : 0) - log(n);
    let a5 = start.logL < a5Level;
    if (a5) milestones.a5 = -Infinity;

    // progress: log10 t from t (phase 1) or the state's log t (phase 2), log L of the kernels' last evaluation
    let stepsBefore = 0;
    const progress = (phase: "time" | "terminal") => options.onProgress
      ? {
        progressMs,
        onProgress: (t: number, steps: number, y: number) => {
          const log10t = phase === "time" ? log10(t) : new Float64Array(rt.exports.memory.buffer, y + 8 * m, 1)[0]! / LN10;
          const theta = new Float64Array(rt.exports.memory.buffer, y, m).slice();
          return options.onProgress!({ phase, log10t, logL: p.lastLogLoss, steps: stepsBefore + steps, theta }) === true;
        },
      }
      : {};

    const out: FlowCheckpoint[] = [];
    /** log L at points the notes look at besides the checkpoints (half-way to the plateau stop) */
    const probes: { log10t: number; logL: number }[] = [];
    const checkpointAt = (log10t: number, theta: Float64Array, phase: "time" | "terminal", sliding?: SlidingUnit[]) =>
      out.push({ log10t, theta, phase, logL: NaN, ...(followKinks ? { sliding: sliding ?? [] } : {}) });

    // ---- phase 1: ordinary time, y = (θ, s) ----
    const T = pow(10, Math.min(log10T, 300));
    const ev1: Float64Array[] = [];
    const MARGIN = separated ? -1 : ev1.length;
    if (!separated) ev1.push(eventRecord(dim, rt.constant("EVENT_MARGIN"), 1, false, 0));
    const A5 = a5 ? -1 : ev1.length;
    if (!a5) ev1.push(eventRecord(dim, rt.constant("EVENT_LOG_LOSS"), -1, terminal === "auto", a5Level));
    const S1 = terminal === "auto" ? ev1.length : -1;
    if (terminal === "auto") {
      const sUnit = new Float64Array(dim);
      sUnit[m] = 1;
      ev1.push(eventRecord(dim, rt.constant("EVENT_LINEAR"), 1, true, 1, sUnit)); // s = ∫L dt reaches 1
    }
    const LOSS1 = stopLogLoss === undefined ? -1 : ev1.length;
    if (stopLogLoss !== undefined) ev1.push(eventRecord(dim, rt.constant("EVENT_LOG_LOSS"), -1, true, stopLogLoss));
    const tOut = Float64Array.from(checkpoints.filter((c) => c <= Math.min(log10T, 300)).map((c) => pow(10, c)));
    const y0 = new Float64Array(dim);
    y0.set(theta0);
    const snaps1 = p.prepareSnapshots(a, tOut.length, 0);
    const r1 = runSolver(rt, a, {
      method: method1, n: dim, rhs: rt.constant("RHS_GF_TIME"), paramsPtr: p.block.ptr, t0: 0, t1: T, y0,
      rtol, atol, h0: 0, hmax: 0, maxSteps, tOut, events: concat(ev1), nEvents: ev1.length, evCap: 16, deadline, fixed: false,
      ...progress("time"),
    });
    stepsBefore = r1.stats.accepted + r1.stats.rejected;
    r1.tOut.forEach((t, i) => checkpointAt(log10(t), r1.yOut[i]!.slice(0, m), "time", snaps1?.("output", i)));
    let switchedAt: number | undefined;
    let lossStop = false;
    for (const e of r1.events) {
      if (e.index === MARGIN) milestones.firstZeroError ??= log10(e.t);
      if (e.index === A5) milestones.a5 ??= log10(e.t);
      if (terminal === "auto" && (e.index === A5 || e.index === S1)) switchedAt ??= e.t;
      if (e.index === LOSS1) lossStop = true;
    }
    if (lossStop) switchedAt = undefined;
    const timeStats = r1.stats;
    const finish = (status: IntegrationStatus | FlowStatus, reached: number, theta: Float64Array, phase: "time" | "terminal", stats: GradientFlowResult["stats"], lastStats: SolverStats): GradientFlowResult => {
      // weight decay: the residual of the end point's field (with its sliding units held, as the flow holds them)
      let stationarity: number | undefined;
      if (decay > 0) {
        const ev = p.evaluate(theta);
        const L = exp(ev.logL);
        let r2 = 0, t2 = 0;
        for (let j = 0; j < m; j++) {
          r2 += (L * ev.grad[j]! + decay * theta[j]!) ** 2;
          t2 += (decay * theta[j]!) ** 2;
        }
        stationarity = t2 > 0 ? Math.sqrt(r2 / t2) : Math.sqrt(r2);
      }
      return p.natural(() => finishNatural(status, reached, theta, phase, stats, lastStats, stationarity));
    };
    // everything else at the natural ReLU: checkpoints are not at the end point's kink state
    const finishNatural = (status: IntegrationStatus | FlowStatus, reached: number, theta: Float64Array, phase: "time" | "terminal", stats: GradientFlowResult["stats"], lastStats: SolverStats, stationarity: number | undefined): GradientFlowResult => {
      const flowStatus: FlowStatus = lossStop ? "loss" : statusOf(status);
      for (const c of out) {
        c.logL = p.logLoss(c.theta);
        if (lambda) {
          const mon = pointMonitors(p, model, data, lambda, c.theta);
          let level: NonNullable<FlowCheckpoint["monitors"]>["cascade"] = null;
          if (mon.qmin > 0 && cascadeMode === "auto") {
            const cl = cascadeLevel(rt, model, data, lambda, c.theta);
            level = { rate: cl.rate, index: cl.index, seminorm: cl.seminorm, normalizedMargin: cl.normalizedMargin };
          }
          c.monitors = { ...mon, cascade: level };
        }
      }
      const logL = p.logLoss(theta);
      const qmin = p.qmin;
      const report = p.kinkReport();
      const notes: string[] = [];
      if (flowStatus !== "horizon") {
        notes.push(stopNote({
          status: flowStatus, phase, log10t: reached, qmin, logL, budgetMs, maxSteps, rejected: lastStats.rejected, accepted: lastStats.accepted,
          trail: [...out.map((c) => ({ log10t: c.log10t, logL: c.logL })), ...probes].sort((x, y) => x.log10t - y.log10t),
          ...(report ? { kinks: report } : {}), ...(stopLogLoss === undefined ? {} : { stopLogLoss }),
        }));
      }
      let cascade: CascadeLevel | undefined;
      if (qmin > 0 && decay === 0 && cascadeMode === "auto") {
        let lam = lambda;
        if (!lam) {
          try {
            lam = inferLambda(model).lambda;
          } catch {
            warnings.push("Λ could not be inferred for this model: no cascade level is reported");
          }
        }
        if (lam) {
          cascade = cascadeLevel(rt, model, data, lam, theta);
          if (cascade.degenerate) notes.push(cascadeNote(cascade));
        }
      }
      const sliding = followKinks ? p.slidingUnits() : undefined;
      return {
        status: flowStatus,
        stop: flowStatus === "horizon" ? "horizon" : flowStatus === "loss" ? "loss" : flowStatus === "budget" ? "budget" : "failure",
        log10t: reached, theta, logL, checkpoints: dedupe(out), milestones,
        ...(notes.length ? { note: notes.join("; and ") } : {}),
        warnings,
        ...(report ? { kinks: report, sliding } : {}),
        ...(cascade ? { cascade } : {}),
        ...(stationarity === undefined ? {} : { stationarity }),
        stats: { ...stats, rhsEvaluations: stats.rhsEvaluations + (report?.evaluations ?? 0) },
      };
    };
    // A checkpoint exactly at the switch time belongs to phase 1 (dense output); later ones to phase 2.
    if (r1.status !== "event" || switchedAt === undefined) return finish(r1.status, log10(r1.t), r1.y.slice(0, m), "time", { time: timeStats, rhsEvaluations: timeStats.nfev }, timeStats);

    // ---- phase 2: σ = log s, y = (θ, log t) ----
    milestones.terminalFrom = log10(r1.t);
    const s = r1.y[m]!;
    const y2 = new Float64Array(dim);
    y2.set(r1.y.subarray(0, m));
    y2[m] = log(r1.t);
    const unit = new Float64Array(dim);
    unit[m] = 1;
    const sigma0 = log(s);
    let plateauAt = milestones.firstZeroError === undefined && plateauSigma < Infinity ? sigma0 + plateauSigma : Infinity;
    let reachedEnd = false, plateau = false, probed = false, plateauCheck = false;
    let stats2: SolverStats | undefined;
    // One segment of the terminal phase from (σ, y): its events are the horizon, the checkpoints still ahead, the
    // loss threshold, the milestones not yet seen and the plateau stop (with its half-way probe).
    const segment = (method: Method, from: number, y: Float64Array, stiffStop: boolean) => {
      const ev2: Float64Array[] = [eventRecord(dim, rt.constant("EVENT_LINEAR"), 1, true, log10T * LN10, unit)];
      const later = checkpoints.filter((c) => c * LN10 > y[m]! && c <= log10T);
      for (const c of later) ev2.push(eventRecord(dim, rt.constant("EVENT_LINEAR"), 1, false, c * LN10, unit));
      const LOSS2 = stopLogLoss === undefined ? -1 : ev2.length;
      if (stopLogLoss !== undefined) ev2.push(eventRecord(dim, rt.constant("EVENT_LOG_LOSS"), -1, true, stopLogLoss));
      const A5b = milestones.a5 === undefined ? ev2.length : -1;
      if (A5b >= 0) ev2.push(eventRecord(dim, rt.constant("EVENT_LOG_LOSS"), -1, false, a5Level));
      const unseparated = milestones.firstZeroError === undefined;
      const MARGIN2 = unseparated ? ev2.length : -1;
      if (unseparated) ev2.push(eventRecord(dim, rt.constant("EVENT_MARGIN"), 1, false, 0));
      const PLATEAU = unseparated && plateauAt < Infinity ? ev2.length : -1;
      if (PLATEAU >= 0) ev2.push(eventRecord(dim, rt.constant("EVENT_UNSEPARATED_AT"), 1, true, plateauAt));
      const PROBE = PLATEAU >= 0 && !probed ? ev2.length : -1;
      if (PROBE >= 0) ev2.push(eventRecord(dim, rt.constant("EVENT_UNSEPARATED_AT"), 1, false, plateauAt - plateauSigma / 2));
      const evCap = later.length + 7;
      const snaps = p.prepareSnapshots(a, 0, evCap);
      const r = runSolver(rt, a, {
        method, n: dim, rhs: rt.constant("RHS_GF_LOGS"), paramsPtr: p.block.ptr, t0: from, t1: sigma0 + 700, y0: y,
        rtol, atol, h0: 0, hmax: 0, maxSteps: maxSteps - (stats2 ? stats2.accepted + stats2.rejected : 0), tOut: new Float64Array(0),
        events: concat(ev2), nEvents: ev2.length, evCap, deadline, fixed: false, krylov: method === "radau5" ? krylov : 0, stiffStop, ...progress("terminal"),
      });
      r.events.forEach((e, k) => {
        if (e.index === 0) reachedEnd = true;
        else if (e.index === LOSS2) lossStop = true;
        else if (e.index === A5b) milestones.a5 ??= e.y[m]! / LN10;
        else if (e.index === MARGIN2) milestones.firstZeroError ??= e.y[m]! / LN10;
        else if (e.index === PLATEAU) plateauCheck = true;
        else if (e.index === PROBE) {
          probed = true;
          // after the segment: the kink state is its end's, not the probe's (natural ReLU, as at checkpoints)
          probes.push({ log10t: e.y[m]! / LN10, logL: p.natural(() => p.logLoss(e.y.subarray(0, m))) });
        } else checkpointAt(later[e.index - 1]!, e.y.slice(0, m), "terminal", snaps?.("event", k));
      });
      stats2 = stats2 ? addStats(stats2, r.stats) : r.stats;
      stepsBefore += r.stats.accepted + r.stats.rejected;
      return r;
    };
    // ReLU networks cross thousands of kinks early in the terminal phase, each crossing cutting a step: explicit steps
    // (~7 evaluations) until DOPRI5's stiffness test fires, then Radau (~40 with its Newton–Krylov solves).
    const explicitFirst = terminalMethod === "auto" && followKinks;
    let method2: Method = terminalMethod === "auto" ? (explicitFirst ? "dopri5" : "radau5") : terminalMethod;
    let r2 = segment(method2, sigma0, y2, explicitFirst);
    for (;;) {
      if (r2.status === "stiff") {
        milestones.stiffFrom = r2.y[m]! / LN10;
        method2 = "radau5";
      } else if (plateauCheck) {
        // still not separated at plateauAt: a plateau if log L has not moved since the probe half a window back;
        // otherwise the next window
        plateauCheck = false;
        const logLNow = p.natural(() => p.logLoss(r2.y.subarray(0, m))), probe = probes[probes.length - 1]!;
        if (Math.abs(logLNow - probe.logL) <= PLATEAU_DLOGL) {
          plateau = true;
          break;
        }
        probes.push({ log10t: r2.y[m]! / LN10, logL: logLNow });
        plateauAt += plateauSigma / 2;
      } else break;
      r2 = segment(method2, r2.t, r2.y, method2 === "dopri5" && explicitFirst);
    }
    if (reachedEnd) checkpointAt(log10T, r2.y.slice(0, m), "terminal", followKinks ? p.slidingUnits() : undefined);
    const stats = { time: timeStats, terminal: stats2!, rhsEvaluations: timeStats.nfev + stats2!.nfev + stats2!.nfevJacobian };
    // phase 2 "done" is σ0 + 700 (s = e^700), not the horizon: only an unseparated flow gets there
    return finish(plateau || (!reachedEnd && r2.status === "done") ? "plateau" : reachedEnd ? "event" : r2.status, r2.y[m]! / LN10, r2.y.slice(0, m), "terminal", stats, stats2!);
  });
}

function concat(records: Float64Array[]): Float64Array {
  const out = new Float64Array(records.reduce((k, r) => k + r.length, 0));
  let o = 0;
  for (const r of records) {
    out.set(r, o);
    o += r.length;
  }
  return out;
}

/** A checkpoint equal to the horizon may be reported by both the horizon event and the checkpoint event. */
function dedupe(cs: FlowCheckpoint[]): FlowCheckpoint[] {
  return cs.filter((c, i) => i === 0 || c.log10t !== cs[i - 1]!.log10t);
}
