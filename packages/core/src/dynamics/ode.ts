// integrate(): the typed driver over the kernels' Dormand–Prince 5(4). The whole step loop — right-hand side,
// error control, dense output, event location — runs inside WASM; this file validates, lays out memory,
// makes one call and decodes the result.
import { ArgumentError, checkAllFinite, checkF64, checkFinite, checkInt, checkPositive } from "../errors.js";
import type { Runtime } from "../runtime/kernels.js";
import { eventRecord, runSolver, type Method, type OdeSolution } from "./solver.js";

export type { IntegrationStatus, Method, SolverStats, OdeSolution } from "./solver.js";

/** Defaults of integrate()'s options — the one place they are written. Tolerances have none: they are required. */
export const INTEGRATE_DEFAULTS = {
  /** Integrator: explicit Dormand–Prince 5(4). */
  method: "dopri5",
  /** Most steps (accepted + rejected) before giving up. */
  maxSteps: 1_000_000,
  /** Most event records kept. */
  maxEventRecords: 1000,
  /** Radau's linear algebra. */
  linearSolver: "dense",
  /** GMRES restart length when linearSolver is "krylov". */
  krylovRestart: 30,
} as const;

/** Right-hand sides built into the kernels (kernels/assembly/rhs/toy.ts). */
export type OdeRhs =
  | { kind: "linear"; /** n×n row-major: y' = A·y */ matrix: Float64Array }
  | { kind: "logistic"; /** y_i' = r·y_i·(1 − y_i) */ rate: number }
  | { kind: "quadratic" /** y_i' = y_i² */ };

/** An event g(t, y) = 0 located on the dense output. */
export type OdeEvent = (
  | { kind: "linear"; /** g = Σ c_i y_i − level */ coefficients: Float64Array; level?: number }
  | { kind: "time"; /** g = t − at */ at: number }
) & {
  /** +1: only rising zero crossings, −1: only falling, 0 (default): both. */
  direction?: -1 | 0 | 1;
  /** Stop the integration at the first root (default false). */
  terminal?: boolean;
};

export interface IntegrateOptions {
  /** "dopri5": explicit Dormand–Prince 5(4); "radau5": implicit Radau IIA(5) for stiff problems. Default "dopri5". */
  method?: Method;
  /** Relative tolerance (required: there is no silent default). */
  rtol: number;
  /** Absolute tolerance (required). */
  atol: number;
  /** Times at which to report y (dense output), sorted in the direction of integration, inside [t0, t1]. */
  tOut?: ArrayLike<number>;
  events?: readonly OdeEvent[];
  /** First step size; default: chosen automatically (Hairer's HINIT). */
  h0?: number;
  /** Largest step size; default: no limit. */
  hmax?: number;
  /** Most steps (accepted + rejected) before giving up; default 1 000 000. */
  maxSteps?: number;
  /** Most event records kept; default 1000. */
  maxEventRecords?: number;
  /**
   * Take steps of exactly this size with no error control (convergence-order studies); rtol and atol are then
   * not used and may be omitted.
   */
  fixedStep?: number;
  /** Radau's linear algebra: "dense" (the default; finite-difference Jacobian and LU) or "krylov" (matrix-free GMRES on
   *  J·v products: no n² storage, for large systems). */
  linearSolver?: "dense" | "krylov";
}

function rhsKind(rt: Runtime, rhs: OdeRhs, n: number): { kind: number; params: Float64Array } {
  switch (rhs?.kind) {
    case "linear":
      checkF64("rhs.matrix", rhs.matrix, n * n);
      checkAllFinite("rhs.matrix", rhs.matrix);
      return { kind: rt.constant("RHS_LINEAR"), params: rhs.matrix };
    case "logistic":
      return { kind: rt.constant("RHS_LOGISTIC"), params: Float64Array.of(checkFinite("rhs.rate", rhs.rate)) };
    case "quadratic":
      return { kind: rt.constant("RHS_QUADRATIC"), params: new Float64Array(1) };
    default:
      throw new ArgumentError("rhs.kind", (rhs as { kind?: unknown })?.kind, '"linear", "logistic" or "quadratic"');
  }
}

function encodeEvents(rt: Runtime, events: readonly OdeEvent[], n: number): Float64Array {
  const stride = 5 + n;
  const out = new Float64Array(events.length * stride);
  events.forEach((ev, i) => {
    const at = `options.events[${i}]`;
    const dir = ev.direction ?? 0;
    if (dir !== -1 && dir !== 0 && dir !== 1) throw new ArgumentError(`${at}.direction`, dir, "-1, 0 or 1");
    let rec: Float64Array;
    if (ev.kind === "linear") {
      checkF64(`${at}.coefficients`, ev.coefficients, n);
      checkAllFinite(`${at}.coefficients`, ev.coefficients);
      rec = eventRecord(n, rt.constant("EVENT_LINEAR"), dir, !!ev.terminal, checkFinite(`${at}.level`, ev.level ?? 0), ev.coefficients);
    } else if (ev.kind === "time") {
      rec = eventRecord(n, rt.constant("EVENT_TIME"), dir, !!ev.terminal, checkFinite(`${at}.at`, ev.at));
    } else {
      throw new ArgumentError(`${at}.kind`, (ev as { kind?: unknown }).kind, '"linear" or "time"');
    }
    out.set(rec, i * stride);
  });
  return out;
}

/**
 * Integrates y' = f(t, y) from t0 to t1 with Dormand–Prince 5(4), PI step control, dense output and events.
 * Example: `integrate(rt, { kind: "linear", matrix }, y0, 0, 10, { rtol: 1e-8, atol: 1e-10 })`.
 */
export function integrate(rt: Runtime, rhs: OdeRhs, y0: Float64Array, t0: number, t1: number, options: IntegrateOptions): OdeSolution {
  checkF64("y0", y0);
  const n = y0.length;
  if (n === 0) throw new ArgumentError("y0", y0, "a non-empty Float64Array");
  checkAllFinite("y0", y0);
  checkFinite("t0", t0);
  checkFinite("t1", t1);
  if (typeof options !== "object" || options === null) throw new ArgumentError("options", options, "an options object");
  const fixed = options.fixedStep === undefined ? 0 : checkPositive("options.fixedStep", options.fixedStep);
  if (!fixed && (options.rtol === undefined || options.atol === undefined)) {
    throw new ArgumentError(
      "options",
      options,
      "tolerances, e.g. integrate(rt, rhs, y0, t0, t1, { rtol: 1e-8, atol: 1e-10 }) — there are no silent defaults",
    );
  }
  // A fixed step: every error norm is 0 (atol = ∞), so every step is accepted and h stays at hmax.
  const rtol = fixed ? 0 : checkPositive("options.rtol", options.rtol);
  const atol = fixed ? Infinity : checkPositive("options.atol", options.atol);
  if (!fixed && rtol < 1e-15) throw new ArgumentError("options.rtol", rtol, "≥ 1e-15 (below that f64 rounding dominates)");
  const h0 = fixed || (options.h0 === undefined ? 0 : checkPositive("options.h0", options.h0));
  const hmax = fixed || (options.hmax === undefined ? 0 : checkPositive("options.hmax", options.hmax));
  const maxSteps = checkInt("options.maxSteps", options.maxSteps ?? INTEGRATE_DEFAULTS.maxSteps, 1, 2 ** 31 - 1);
  const evCap = checkInt("options.maxEventRecords", options.maxEventRecords ?? INTEGRATE_DEFAULTS.maxEventRecords, 0, 1e7);
  const tOut = Float64Array.from(options.tOut ?? []);
  const dir = t1 >= t0 ? 1 : -1;
  for (let i = 0; i < tOut.length; i++) {
    const v = tOut[i]!;
    if (!Number.isFinite(v) || dir * (v - t0) < 0 || dir * (v - t1) > 0) {
      throw new ArgumentError(`options.tOut[${i}]`, v, `a time in [${Math.min(t0, t1)}, ${Math.max(t0, t1)}]`);
    }
    if (i > 0 && dir * (v - tOut[i - 1]!) < 0) {
      throw new ArgumentError(`options.tOut[${i}]`, v, `times sorted in the direction of integration (after ${tOut[i - 1]})`);
    }
  }
  const { kind, params } = rhsKind(rt, rhs, n);
  const events = options.events ?? [];
  const evSpec = encodeEvents(rt, events, n);

  const method = options.method ?? INTEGRATE_DEFAULTS.method;
  if (method !== "dopri5" && method !== "radau5") throw new ArgumentError("options.method", method, '"dopri5" or "radau5"');
  const linearSolver = options.linearSolver ?? INTEGRATE_DEFAULTS.linearSolver;
  if (linearSolver !== "dense" && linearSolver !== "krylov") throw new ArgumentError("options.linearSolver", linearSolver, '"dense" or "krylov"');
  return rt.arena.scope((a) => {
    const pb = a.f64(params.length, params);
    return runSolver(rt, a, {
      method, n, rhs: kind, paramsPtr: pb.ptr, t0, t1, y0,
      // Radau with fixed steps still solves its Newton systems to a tight tolerance
      rtol: fixed && method === "radau5" ? 1e-13 : rtol,
      atol: fixed && method === "radau5" ? 1e-13 : atol,
      h0: h0 as number, hmax: hmax as number, maxSteps, tOut,
      events: evSpec, nEvents: events.length, evCap, deadline: 0, fixed: fixed > 0, krylov: linearSolver === "krylov" ? INTEGRATE_DEFAULTS.krylovRestart : 0,
    });
  });
}
