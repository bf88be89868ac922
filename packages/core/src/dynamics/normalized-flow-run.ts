// normalizedFlow(): the driver of seed 001's normalized flow (dynamics/normalized-flow.ts) — the host's DOPRI5
// (dynamics/explicit-rk.ts) in segments that restart where the set of sliding ReLU units changes, observations at the
// requested times, a step limit over the whole flow and a wall-clock budget, each saying why it stopped.
import { checkAllFinite, checkF64, checkFinite, checkPositive } from "../errors.js";
import { solveRk, type RkSolution } from "./explicit-rk.js";
import type { NormalizedFlow, NormalizedPoint } from "./normalized-flow.js";

export interface NormalizedFlowOptions {
  /** ρ(0) > 0 */
  rho0: number;
  /** V(0): every layer is scaled onto its unit sphere first */
  V0: Float64Array;
  /** the horizon T > 0 */
  horizon: number;
  /** observation times in [0, T], ascending (a flow that stops short is observed where it stopped as well) */
  tOut: ArrayLike<number>;
  rtol: number;
  atol: number;
  /** the step limit over the whole flow (accepted + rejected; default solveRk's) */
  maxSteps?: number;
  /** the integrator's smallest step (solveRk's hmin) */
  hmin?: number;
  /** wall-clock budget in milliseconds (status "budget" when spent). Default: none. */
  budgetMs?: number;
}

export interface NormalizedFlowResult {
  status: RkSolution["status"] | "budget";
  /** where it stopped */
  tEnd: number;
  t: number[];
  points: NormalizedPoint[];
  /** the final V (not renormalized) */
  V: Float64Array;
  stats: RkSolution["stats"] & { segments: number };
  kinks: { crossed: number; entered: number; left: number; slidingAtEnd: number };
}

/** Integrates eq. 6–7 from (ρ0, V0/‖V0‖), following the ReLU kinks, and observes the flow at tOut. */
export function normalizedFlow(flow: NormalizedFlow, options: NormalizedFlowOptions): NormalizedFlowResult {
  const rho0 = checkPositive("options.rho0", options.rho0);
  checkF64("options.V0", options.V0, flow.model.size);
  checkAllFinite("options.V0", options.V0);
  const T = checkPositive("options.horizon", options.horizon);
  const outs = Array.from(options.tOut, (v, i) => checkFinite(`options.tOut[${i}]`, v));
  const budget = options.maxSteps ?? 200_000;
  let y = new Float64Array(1 + flow.model.size);
  y[0] = rho0;
  y.set(flow.normalize(options.V0), 1);
  return flow.use((sys) => {
    const t: number[] = [], points: NormalizedPoint[] = [];
    const stats = { accepted: 0, rejected: 0, nfev: 0, forced: 0, segments: 0 };
    let next = 0, t0 = 0, status: NormalizedFlowResult["status"] = "done", late = false;
    const deadline = options.budgetMs === undefined ? Infinity : Date.now() + checkPositive("options.budgetMs", options.budgetMs);
    const observe = (tt: number, yy: Float64Array) => {
      while (next < outs.length && outs[next]! <= tt) {
        t.push(outs[next]!);
        points.push(sys.observe(yy));
        next++;
      }
    };
    sys.prime(y);
    observe(0, y);
    while (t0 < T) {
      const left = budget - stats.accepted - stats.rejected;
      if (left <= 0) {
        status = "max-steps";
        break;
      }
      const sol = solveRk((_t, yy, dy) => sys.rhs(yy, dy), y, t0, T, {
        rtol: options.rtol, atol: options.atol, tOut: outs.slice(next).filter((v) => v > t0), maxSteps: left, hmin: options.hmin, h0: stats.segments > 0 ? Math.min(1e-6 * T, T - t0) : undefined,
        onStep: (tt, yy) => {
          const changed = sys.update(yy);
          observe(tt, yy);
          late = Date.now() > deadline;
          return changed || late;
        },
      });
      stats.accepted += sol.stats.accepted;
      stats.rejected += sol.stats.rejected;
      stats.nfev += sol.stats.nfev;
      stats.forced += sol.stats.forced;
      stats.segments++;
      y = Float64Array.from(sol.y);
      t0 = sol.t;
      if (sol.status !== "interrupted" || (late && t0 < T)) {
        status = sol.status === "interrupted" ? "budget" : sol.status;
        break;
      }
    }
    // a flow that stopped short is observed where it stopped, too
    if (t0 > (t.at(-1) ?? -Infinity)) {
      t.push(t0);
      points.push(sys.observe(y));
    }
    return { status, tEnd: t0, t, points, V: y.slice(1), stats, kinks: { ...sys.counts, slidingAtEnd: sys.sliding.size } };
  });
}
