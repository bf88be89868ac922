// One call into the kernels' integration driver (ode_solve: Dormand–Prince 5(4) or Radau IIA(5) steppers) on data
// already laid out in the arena — its configuration block filled by slot name — and the decoding of its result.
// integrate() and gradientFlow() both go through here.
import { MarginflowError } from "../errors.js";
import type { Arena } from "../runtime/arena.js";
import type { ProgressHandler, Runtime } from "../runtime/kernels.js";

export type Method = "dopri5" | "radau5";
/** "stiff": the explicit stepper's stiffness test fired (only when the run asks for it: SolverRun.stiffStop). */
export type IntegrationStatus = "done" | "event" | "max-steps" | "step-too-small" | "nonfinite" | "deadline" | "interrupted" | "chattering" | "stiff";

export interface SolverStats {
  accepted: number;
  rejected: number;
  /** right-hand-side evaluations by the stepper */
  nfev: number;
  lastStep: number;
  /** Radau only: Jacobians formed, RHS evaluations spent forming them, LU factorizations (pairs) */
  jacobians: number;
  nfevJacobian: number;
  lu: number;
  /** switches of a switching system (modes of ReLU units changed at located kinks) */
  switches: number;
}

/** What one integration returns (integrate()'s result; gradientFlow() decodes its phases from it). */
export interface OdeSolution {
  status: IntegrationStatus;
  /** Time reached (t1, an event time, or where the integration stopped). */
  t: number;
  /** State at t. */
  y: Float64Array;
  /** The requested output times that were reached, with their states. */
  tOut: Float64Array;
  yOut: Float64Array[];
  /** Every root located, in order: which event, when, and the state there. */
  events: { index: number; t: number; y: Float64Array }[];
  stats: SolverStats;
}

/** What one kernel call returns. */
export type RawSolution = OdeSolution;

export interface RawRun {
  method: Method;
  n: number;
  rhs: number;
  paramsPtr: number;
  t0: number;
  t1: number;
  y0: Float64Array;
  rtol: number;
  atol: number;
  /** 0: automatic */
  h0: number;
  /** 0: none */
  hmax: number;
  maxSteps: number;
  tOut: Float64Array;
  /** encoded event records (eventRecord) */
  events: Float64Array;
  nEvents: number;
  evCap: number;
  /** absolute performance.now() milliseconds; 0: none */
  deadline: number;
  /** Radau: fixed steps of h0 */
  fixed: boolean;
  /** Radau: GMRES restart length of the matrix-free (Jacobian-free Newton–Krylov) mode; 0 or absent: dense */
  krylov?: number;
  /** progress reports every this many milliseconds of wall clock (with `onProgress`) */
  progressMs?: number;
  /** DOPRI5: stop with status "stiff" when its stiffness test fires (the caller goes on with Radau). Default false. */
  stiffStop?: boolean;
  /** receives (t, steps); returning true stops the integration ("interrupted") */
  onProgress?: ProgressHandler;
}

/** One event record as the kernels read it: [kind, direction, terminal, 0, c0, coefficients…]. */
export function eventRecord(n: number, kind: number, direction: number, terminal: boolean, c0: number, coefficients?: ArrayLike<number>): Float64Array {
  const r = new Float64Array(5 + n);
  r[0] = kind;
  r[1] = direction;
  r[2] = terminal ? 1 : 0;
  r[4] = c0;
  if (coefficients) r.set(coefficients, 5);
  return r;
}

let statusNames: Map<number, IntegrationStatus> | undefined;

export function runSolver(rt: Runtime, a: Arena, run: RawRun): RawSolution {
  const e = rt.exports;
  const n = run.n;
  statusNames ??= new Map([
    [rt.constant("STATUS_DONE"), "done"],
    [rt.constant("STATUS_EVENT"), "event"],
    [rt.constant("STATUS_MAX_STEPS"), "max-steps"],
    [rt.constant("STATUS_STEP_TOO_SMALL"), "step-too-small"],
    [rt.constant("STATUS_NONFINITE"), "nonfinite"],
    [rt.constant("STATUS_DEADLINE"), "deadline"],
    [rt.constant("STATUS_INTERRUPTED"), "interrupted"],
    [rt.constant("STATUS_CHATTERING"), "chattering"],
    [rt.constant("STATUS_STIFF"), "stiff"],
  ]);
  const method = rt.constant(run.method === "radau5" ? "STEPPER_RADAU5" : "STEPPER_DOPRI5");
  const krylov = run.method === "radau5" ? run.krylov ?? 0 : 0;
  const yb = a.f64(n, run.y0);
  const tb = a.f64(run.tOut.length, run.tOut);
  const yOutB = a.f64(run.tOut.length * n);
  const evB = a.f64(run.events.length, run.events);
  const evOutB = a.f64(run.evCap * (2 + n));
  const st = a.f64(rt.constant("STATS_LEN"));
  const work = a.allocBytes(e.ode_workspace_bytes(method, n, run.nEvents, krylov));
  const cfg = a.f64(rt.constant("CFG_LEN"));
  const c = cfg.view; // after the allocations: they may have grown (and detached) the memory
  const slot = (name: Parameters<Runtime["constant"]>[0], v: number) => (c[rt.constant(name)] = v);
  slot("CFG_METHOD", method);
  slot("CFG_N", n);
  slot("CFG_RHS", run.rhs);
  slot("CFG_PARAMS", run.paramsPtr);
  slot("CFG_T0", run.t0);
  slot("CFG_T1", run.t1);
  slot("CFG_Y", yb.ptr);
  slot("CFG_RTOL", run.rtol);
  slot("CFG_ATOL", run.atol);
  slot("CFG_H0", run.h0);
  slot("CFG_HMAX", run.hmax);
  slot("CFG_MAX_STEPS", run.maxSteps);
  slot("CFG_TOUT", tb.ptr);
  slot("CFG_NOUT", run.tOut.length);
  slot("CFG_YOUT", yOutB.ptr);
  slot("CFG_EVENTS", evB.ptr);
  slot("CFG_NEVENTS", run.nEvents);
  slot("CFG_EVOUT", evOutB.ptr);
  slot("CFG_EVCAP", run.evCap);
  slot("CFG_WORK", work);
  slot("CFG_STATS", st.ptr);
  slot("CFG_DEADLINE", run.deadline);
  slot("CFG_FIXED", +run.fixed);
  slot("CFG_KRYLOV", krylov);
  slot("CFG_PROGRESS_MS", run.onProgress ? run.progressMs ?? 0 : 0);
  slot("CFG_STIFF_STOP", +(run.stiffStop ?? false));
  const previous = rt.progress;
  rt.progress = run.onProgress;
  let code: number;
  try {
    code = e.ode_solve(cfg.ptr);
  } finally {
    rt.progress = previous;
  }
  const status = statusNames.get(code);
  if (status === undefined) throw new MarginflowError("E_KERNEL", `ode_solve (${run.method}) returned status ${code}`);
  const s = st.toArray();
  const filled = s[rt.constant("STAT_OUT_FILLED")]!;
  const nev = s[rt.constant("STAT_EVENTS")]!;
  const yOutAll = yOutB.view;
  const evAll = evOutB.view;
  return {
    status,
    t: s[rt.constant("STAT_T")]!,
    y: yb.toArray(),
    tOut: run.tOut.slice(0, filled),
    yOut: Array.from({ length: filled }, (_, i) => yOutAll.slice(i * n, (i + 1) * n)),
    events: Array.from({ length: nev }, (_, i) => {
      const r = evAll.subarray(i * (2 + n), (i + 1) * (2 + n));
      return { t: r[0]!, index: r[1]!, y: r.slice(2) };
    }),
    stats: {
      accepted: s[rt.constant("STAT_ACCEPTED")]!,
      rejected: s[rt.constant("STAT_REJECTED")]!,
      nfev: s[rt.constant("STAT_NFEV")]!,
      lastStep: s[rt.constant("STAT_H")]!,
      jacobians: s[rt.constant("STAT_NJEV")]!,
      nfevJacobian: s[rt.constant("STAT_NFEV_JAC")]!,
      lu: s[rt.constant("STAT_NLU")]!,
      switches: s[rt.constant("STAT_SWITCHES")]!,
    },
  };
}
