// gradientFlow(): the flow dθ/dt = −∇L(θ) of a model's training loss, followed as far as the theory talks
// about. Phase 1 integrates in ordinary time t (state θ and s = ∫L dt). Once A5 holds (L < 1/n, so the data
// are separated) it switches — automatically — to the terminal-phase clock σ = log s with Radau IIA, where
// the state is (θ, log t): the same trajectory, but neither L nor t is ever formed, so t = 1e100 or 10^1000
// costs little more than t = 1e5. The change of clock is exact at any t > 0; it is made once A5 holds or the
// loss-normalized time s reaches 1, whichever is first (early enough that the explicit phase never becomes
// stiffness-bound). Checkpoints are log-spaced times, located as events on log t.
import { ArgumentError, checkF64, checkAllFinite, checkFinite, checkInt, checkPositive } from "../errors.js";
import type { Runtime } from "../runtime/kernels.js";
import type { CompiledModel } from "../models/compile.js";
import { BoundProblem, type KinkReport, type LossName, type TrainingSet } from "./problem.js";
import { eventRecord, runSolver, type IntegrationStatus, type Method, type SolverStats } from "./solver.js";
import { checkLambdaVector, pointMonitors, type PointMonitors } from "./monitors.js";

/** Defaults of gradientFlow's options — the one place they are written. Tolerances and the horizon have none. */
export const GRADIENT_FLOW_DEFAULTS = {
  /** Enter the terminal-phase clock once A5 holds ("off" is the default for the square loss, which has no terminal phase). */
  terminal: "auto",
  /** Integrator of phase 1 (ordinary time t). */
  method: "dopri5",
  /** Integrator of the terminal phase (σ = log s): its flow is stiff. */
  terminalMethod: "radau5",
  /** Radau's linear algebra: krylov beyond `krylovAbove` parameters. */
  linearSolver: "auto",
  /** Parameters beyond which "auto" solves Radau's systems matrix-free. */
  krylovAbove: 400,
  /** GMRES restart length of the matrix-free mode. */
  krylovRestart: 30,
  /** Step limit per phase (accepted + rejected steps). */
  maxSteps: 1_000_000,
  /** Follow the kinks of ReLU networks as a Filippov system ("auto": whenever the model has ReLUs). */
  kinks: "auto",
  /** Most units sliding on their kinks at once. */
  kinkCapacity: 256,
  /** Sliding intervals kept in the result (later ones are counted). */
  kinkLog: 1000,
} as const;

export interface GradientFlowOptions {
  /** Relative tolerance (required; used in both phases). */
  rtol: number;
  /** Absolute tolerance (required). */
  atol: number;
  /** Where to stop, as log10 t: 5 for t = 1e5, 100 for 1e100; beyond 300 needs the terminal phase. */
  log10T: number;
  /** Checkpoint times as log10 t, ascending. Default: every decade 0, 1, …, ⌊log10T⌋. */
  checkpoints?: number[];
  /** "auto": enter the terminal-phase clock once A5 holds; "off": ordinary time only. Default "auto" ("off" for the square loss). */
  terminal?: "auto" | "off";
  /** Integrator of phase 1. Default GRADIENT_FLOW_DEFAULTS.method ("dopri5"). */
  method?: Method;
  /** Integrator of the terminal phase. Default GRADIENT_FLOW_DEFAULTS.terminalMethod ("radau5"). */
  terminalMethod?: Method;
  /** Radau's linear algebra: "dense" (finite-difference Jacobian, LU), "krylov" (Jacobian-free Newton–Krylov:
   *  GMRES on Hessian-vector products, no m² storage), or "auto": krylov beyond 400 parameters. Default "auto". */
  linearSolver?: "auto" | "dense" | "krylov";
  /** Stop once log L (natural log) falls below this. Default: no loss threshold. */
  stopLogLoss?: number;
  /** Wall-clock budget in milliseconds. Default: none. */
  budgetMs?: number;
  /** Step limit per phase. Default 1 000 000. */
  maxSteps?: number;
  /** Per-parameter Λ: when given, every checkpoint carries its monitors (margins, Lemma 4.1 slacks, …). Default: none. */
  lambda?: Float64Array;
  /** "auto": follow the kinks of ReLU networks as a Filippov system (crossings located, sliding on kink surfaces);
   *  "off": integrate the nonsmooth field as it is. Default "auto". */
  kinks?: "auto" | "off";
}

export interface FlowCheckpoint {
  log10t: number;
  theta: Float64Array;
  phase: "time" | "terminal";
  monitors?: PointMonitors;
}

export interface GradientFlowResult {
  status: IntegrationStatus;
  /** why it stopped: reached log10T, the loss threshold, the budget, or a failure status */
  stop: "horizon" | "loss" | "budget" | "failure";
  log10t: number;
  theta: Float64Array;
  /** log L at the final θ */
  logL: number;
  checkpoints: FlowCheckpoint[];
  /** log10 t of: the first zero training error (−Infinity: separated at t = 0), A5, entering the terminal phase */
  milestones: { firstZeroError?: number; a5?: number; terminalFrom?: number };
  /** why a run ended in "failure", when the cause is known */
  note?: string;
  /** ReLU networks followed through their kinks: crossings and sliding intervals */
  kinks?: KinkReport;
  stats: {
    time: SolverStats;
    terminal?: SolverStats;
    /** right-hand-side evaluations of both phases, those spent forming Jacobians included */
    rhsEvaluations: number;
  };
}

const LN10 = Math.LN10;
const D = GRADIENT_FLOW_DEFAULTS;

/** The clock a flow of this loss uses when options.terminal is not given: "auto", but "off" for the square loss. */
export function defaultTerminal(loss: LossName): "auto" | "off" {
  return loss === "square" ? "off" : D.terminal;
}

export function gradientFlow(
  rt: Runtime,
  model: CompiledModel,
  data: TrainingSet,
  loss: LossName,
  theta0: Float64Array,
  options: GradientFlowOptions,
): GradientFlowResult {
  checkF64("theta0", theta0, model.size);
  checkAllFinite("theta0", theta0);
  if (typeof options !== "object" || options === null || options.rtol === undefined || options.atol === undefined) {
    throw new ArgumentError("options", options, "tolerances, e.g. gradientFlow(rt, model, data, \"exp\", theta0, { rtol: 1e-8, atol: 1e-10, log10T: 100 })");
  }
  const rtol = checkPositive("options.rtol", options.rtol);
  const atol = checkPositive("options.atol", options.atol);
  const log10T = checkFinite("options.log10T", options.log10T);
  const terminal = options.terminal ?? defaultTerminal(loss);
  if (terminal !== "auto" && terminal !== "off") throw new ArgumentError("options.terminal", terminal, '"auto" or "off"');
  if (terminal === "auto" && loss === "square") throw new ArgumentError("options.terminal", terminal, '"off" for the square loss (it has no terminal phase)');
  if (terminal === "off" && log10T > 300) throw new ArgumentError("options.log10T", log10T, "≤ 300 in ordinary time (use terminal: \"auto\" beyond)");
  const maxSteps = checkInt("options.maxSteps", options.maxSteps ?? D.maxSteps, 1, 2 ** 31 - 1);
  const checkpoints = options.checkpoints ?? Array.from({ length: Math.max(0, Math.floor(log10T)) + 1 }, (_, i) => i);
  checkpoints.forEach((c, i) => {
    checkFinite(`options.checkpoints[${i}]`, c);
    if (i > 0 && c <= checkpoints[i - 1]!) throw new ArgumentError(`options.checkpoints[${i}]`, c, `ascending log10 t values (after ${checkpoints[i - 1]})`);
  });
  const deadline = options.budgetMs === undefined ? 0 : performance.now() + checkPositive("options.budgetMs", options.budgetMs);
  const stopLogLoss = options.stopLogLoss === undefined ? undefined : checkFinite("options.stopLogLoss", options.stopLogLoss);
  const lambda = options.lambda === undefined ? undefined : checkLambdaVector(model, options.lambda);
  const linearSolver = options.linearSolver ?? D.linearSolver;
  if (!["auto", "dense", "krylov"].includes(linearSolver)) throw new ArgumentError("options.linearSolver", linearSolver, '"auto", "dense" or "krylov"');
  const krylov = linearSolver === "krylov" || (linearSolver === "auto" && model.size > D.krylovAbove) ? D.krylovRestart : 0;

  const kinks = options.kinks ?? D.kinks;
  if (kinks !== "auto" && kinks !== "off") throw new ArgumentError("options.kinks", kinks, '"auto" or "off"');

  return rt.arena.scope((a) => {
    const p = new BoundProblem(rt, a, model, data, loss, kinks === "auto" ? { kinks: { capacity: D.kinkCapacity, logCapacity: D.kinkLog } } : {});
    p.resetKinks(theta0);
    const withMonitors = (r: Omit<GradientFlowResult, "logL">): GradientFlowResult => {
      const report = p.kinkReport();
      if (lambda) for (const c of r.checkpoints) c.monitors = pointMonitors(p, model, data, lambda, c.theta);
      return { ...r, logL: p.logLoss(r.theta), ...(report ? { kinks: report } : {}) };
    };
    const m = model.size, n = p.n, dim = m + 1;
    // log L and q_min only (no outputs, no gradient): the first milestones need nothing else
    const start = { logL: p.logLoss(theta0), qmin: p.qmin };
    const milestones: GradientFlowResult["milestones"] = {};
    if (start.qmin > 0) milestones.firstZeroError = -Infinity;
    // A5: L < 1/n for the exponential loss; L < log(2)/n for the logistic loss / cross-entropy (App. H, A10).
    const a5Level = (loss === "logistic" ? Math.log(Math.LN2) : 0) - Math.log(n);

    // ---- phase 1: ordinary time, y = (θ, s) ----
    const T = 10 ** Math.min(log10T, 300);
    const ev1: Float64Array[] = [];
    const MARGIN = ev1.length;
    if (start.qmin <= 0) ev1.push(eventRecord(dim, rt.constant("EVENT_MARGIN"), 1, false, 0));
    const A5 = ev1.length;
    if (start.logL >= a5Level) ev1.push(eventRecord(dim, rt.constant("EVENT_LOG_LOSS"), -1, terminal === "auto", a5Level));
    else milestones.a5 = -Infinity;
    const S1 = terminal === "auto" ? ev1.length : -1;
    if (terminal === "auto") {
      const sUnit = new Float64Array(dim);
      sUnit[m] = 1;
      ev1.push(eventRecord(dim, rt.constant("EVENT_LINEAR"), 1, true, 1, sUnit)); // s = ∫L dt reaches 1
    }
    const LOSS1 = stopLogLoss === undefined ? -1 : ev1.length;
    if (stopLogLoss !== undefined) ev1.push(eventRecord(dim, rt.constant("EVENT_LOG_LOSS"), -1, true, stopLogLoss));
    const tOut = Float64Array.from(checkpoints.filter((c) => c <= Math.min(log10T, 300)).map((c) => 10 ** c));
    const y0 = new Float64Array(dim);
    y0.set(theta0);
    const r1 = runSolver(rt, a, {
      method: options.method ?? D.method, n: dim, rhs: rt.constant("RHS_GF_TIME"), paramsPtr: p.block.ptr, t0: 0, t1: T, y0,
      rtol, atol, h0: 0, hmax: 0, maxSteps, tOut, events: concat(ev1), nEvents: ev1.length, evCap: 16, deadline, fixed: false,
    });
    const out: FlowCheckpoint[] = r1.tOut.length
      ? Array.from(r1.tOut, (t, i) => ({ log10t: Math.log10(t), theta: r1.yOut[i]!.slice(0, m), phase: "time" as const }))
      : [];
    let switchedAt: number | undefined;
    let lossStop = false;
    for (const e of r1.events) {
      if (e.index === MARGIN && start.qmin <= 0) milestones.firstZeroError ??= Math.log10(e.t);
      if (e.index === A5 && milestones.a5 === undefined) milestones.a5 = Math.log10(e.t);
      if (terminal === "auto" && (e.index === A5 || e.index === S1)) switchedAt ??= e.t;
      if (e.index === LOSS1) lossStop = true;
    }
    // A checkpoint exactly at the switch time belongs to phase 1 (dense output); later ones to phase 2.
    if (r1.status !== "event" || switchedAt === undefined || lossStop) {
      const reached = Math.log10(r1.t);
      return withMonitors({
        status: r1.status,
        stop: lossStop ? "loss" : r1.status === "done" ? "horizon" : r1.status === "deadline" ? "budget" : "failure",
        log10t: reached,
        theta: r1.y.slice(0, m),
        checkpoints: out,
        milestones,
        stats: { time: r1.stats, rhsEvaluations: r1.stats.nfev },
      });
    }

    // ---- phase 2: σ = log s, y = (θ, log t) ----
    milestones.terminalFrom = Math.log10(r1.t);
    const s = r1.y[m]!;
    const y2 = new Float64Array(dim);
    y2.set(r1.y.subarray(0, m));
    y2[m] = Math.log(r1.t);
    const unit = new Float64Array(dim);
    unit[m] = 1;
    const ev2: Float64Array[] = [eventRecord(dim, rt.constant("EVENT_LINEAR"), 1, true, log10T * LN10, unit)];
    const later = checkpoints.filter((c) => c * LN10 > y2[m]! && c <= log10T);
    for (const c of later) ev2.push(eventRecord(dim, rt.constant("EVENT_LINEAR"), 1, false, c * LN10, unit));
    const LOSS2 = stopLogLoss === undefined ? -1 : ev2.length;
    if (stopLogLoss !== undefined) ev2.push(eventRecord(dim, rt.constant("EVENT_LOG_LOSS"), -1, true, stopLogLoss));
    const A5b = milestones.a5 === undefined ? ev2.length : -1;
    if (A5b >= 0) ev2.push(eventRecord(dim, rt.constant("EVENT_LOG_LOSS"), -1, false, a5Level));
    const sigma0 = Math.log(s);
    const r2 = runSolver(rt, a, {
      method: options.terminalMethod ?? D.terminalMethod, n: dim, rhs: rt.constant("RHS_GF_LOGS"), paramsPtr: p.block.ptr, t0: sigma0, t1: sigma0 + 700, y0: y2,
      rtol, atol, h0: 0, hmax: 0, maxSteps, tOut: new Float64Array(0), events: concat(ev2), nEvents: ev2.length,
      evCap: later.length + 4, deadline, fixed: false, krylov,
    });
    let reachedEnd = false;
    for (const e of r2.events) {
      if (e.index === 0) reachedEnd = true;
      else if (e.index === LOSS2) lossStop = true;
      else if (e.index === A5b) milestones.a5 ??= e.y[m]! / LN10;
      else out.push({ log10t: later[e.index - 1]!, theta: e.y.slice(0, m), phase: "terminal" });
    }
    if (reachedEnd) out.push({ log10t: log10T, theta: r2.y.slice(0, m), phase: "terminal" });
    const stats = { time: r1.stats, terminal: r2.stats, rhsEvaluations: r1.stats.nfev + r2.stats.nfev + r2.stats.nfevJacobian };
    const stop = reachedEnd ? "horizon" : lossStop ? "loss" : r2.status === "deadline" ? "budget" : "failure";
    return withMonitors({
      status: r2.status,
      stop,
      ...(stop === "failure" && hasKinks(model.spec) && (r2.status === "step-too-small" || r2.status === "max-steps")
        ? { note: `the integrator stalled (${r2.status}) at log10 t = ${(r2.y[m]! / LN10).toFixed(3)}: the gradient flow of a ReLU network is not smooth, and a trajectory that slides along a kink (a pre-activation held at 0) cannot be followed by an adaptive ODE method — gradientDescent with adaptive: "loss" follows such runs` }
        : {}),
      log10t: r2.y[m]! / LN10,
      theta: r2.y.slice(0, m),
      checkpoints: dedupe(out),
      milestones,
      stats,
    });
  });
}

function hasKinks(spec: CompiledModel["spec"]): boolean {
  return spec.kind === "mlp" || (spec.kind === "ensemble" && spec.members.some(hasKinks));
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
