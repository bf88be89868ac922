// solveRk(): an explicit Runge–Kutta integrator in plain TypeScript, for right-hand sides that are written in TS and
// call into the kernels themselves (seed 001's normalized flow, whose ρ and V_k equations are not a model's gradient
// flow). The kernels' DOPRI5 (dynamics/ode.ts) integrates only the right-hand sides built into WASM, and gradientFlow()
// only a model's own −∇L; this is the host-side counterpart for everything else, kept small: a method is a Butcher
// tableau with an embedded lower-order solution (here Dormand–Prince 5(4), Hairer, Nørsett & Wanner I, II.5), the
// step-size controller is the standard one (err^{−1/5}, safety 0.9, factors in [0.2, 5]) on the weighted RMS norm of
// the embedded error, and output times are hit exactly by cutting the step that would pass them (no dense output).
// `fixedStep` turns the controller off for convergence-order studies (test/explicit-rk.test.ts fits the order).
import { ArgumentError, checkAllFinite, checkF64, checkFinite, checkInt, checkPositive } from "../errors.js";
import { pow } from "../runtime/detmath.js";

/** An explicit Runge–Kutta method with an embedded solution: c, the strictly lower-triangular a (row i has i
 *  entries), the weights b of the solution and e = b − b̂ (b̂ the embedded solution's weights). */
export interface RkTableau {
  name: string;
  /** order of the solution b */
  order: number;
  c: readonly number[];
  a: readonly (readonly number[])[];
  b: readonly number[];
  e: readonly number[];
}

/** Dormand–Prince 5(4): order 5, embedded order 4, 7 stages, first-same-as-last (the 7th stage is f at the new point). */
export const DOPRI5: RkTableau = {
  name: "dopri5",
  order: 5,
  c: [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1],
  a: [
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
  ],
  b: [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0],
  e: [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40],
};

/** Defaults of solveRk's options — the one place they are written. Tolerances have none. */
export const RK_DEFAULTS = {
  /** most steps (accepted + rejected) */
  maxSteps: 200_000,
  /** the controller's safety factor and its bounds on h_new/h */
  safety: 0.9,
  minFactor: 0.2,
  maxFactor: 5,
} as const;

/** y' = f(t, y): writes f into dy (length n); must not keep y or dy. */
export type RkRhs = (t: number, y: Float64Array, dy: Float64Array) => void;

export interface RkOptions {
  /** Relative tolerance (required unless fixedStep). */
  rtol?: number;
  /** Absolute tolerance (required unless fixedStep). */
  atol?: number;
  /** Times at which to report y, ascending, inside [t0, t1]; each is hit by a step's end. Default: none. */
  tOut?: ArrayLike<number>;
  /** First step. Default: (t1 − t0)·1e-3, or the distance to the first output time if smaller. */
  h0?: number;
  /** Steps of exactly this size (the last one cut to end at t1), no error control (convergence-order studies). */
  fixedStep?: number;
  /** Default RK_DEFAULTS.maxSteps. */
  maxSteps?: number;
  /** Smallest step: a step of this size is accepted whatever its error estimate (counted in stats.forced) — for
   *  right-hand sides with discontinuities that the solution slides along (Filippov sliding: an error-controlled
   *  explicit step never crosses the surface and creeps along it). Default: none (the step may shrink to rounding). */
  hmin?: number;
  /** Called after every accepted step with the new (t, y); returning true stops the integration ("interrupted"). */
  onStep?: (t: number, y: Float64Array) => boolean | void;
}

export interface RkSolution {
  status: "done" | "max-steps" | "step-too-small" | "nonfinite" | "interrupted";
  /** where it stopped */
  t: number;
  y: Float64Array;
  /** the output times reached and y there */
  tOut: number[];
  yOut: Float64Array[];
  stats: { accepted: number; rejected: number; nfev: number; forced: number };
}

/** Integrates y' = f(t, y) from t0 to t1 > t0 with the tableau (default Dormand–Prince 5(4)). */
export function solveRk(f: RkRhs, y0: Float64Array, t0: number, t1: number, options: RkOptions, tableau: RkTableau = DOPRI5): RkSolution {
  checkF64("y0", y0);
  checkAllFinite("y0", y0);
  checkFinite("t0", t0);
  checkFinite("t1", t1);
  if (!(t1 > t0)) throw new ArgumentError("t1", t1, `a time after t0 = ${t0}`);
  if (typeof options !== "object" || options === null) throw new ArgumentError("options", options, "options, e.g. solveRk(f, y0, 0, 10, { rtol: 1e-10, atol: 1e-12 })");
  const fixed = options.fixedStep === undefined ? undefined : checkPositive("options.fixedStep", options.fixedStep);
  if (fixed === undefined && (options.rtol === undefined || options.atol === undefined)) {
    throw new ArgumentError("options", options, "tolerances (no silent default), e.g. solveRk(f, y0, 0, 10, { rtol: 1e-10, atol: 1e-12 })");
  }
  const rtol = fixed === undefined ? checkPositive("options.rtol", options.rtol) : 0;
  const atol = fixed === undefined ? checkPositive("options.atol", options.atol) : 0;
  const hmin = options.hmin === undefined ? 0 : checkPositive("options.hmin", options.hmin);
  const maxSteps = checkInt("options.maxSteps", options.maxSteps ?? RK_DEFAULTS.maxSteps, 1);
  const outs = Array.from(options.tOut ?? [], (v, i) => checkFinite(`options.tOut[${i}]`, v));
  outs.forEach((v, i) => {
    if (v < t0 || v > t1 || (i > 0 && v < outs[i - 1]!)) throw new ArgumentError(`options.tOut[${i}]`, v, `ascending times in [${t0}, ${t1}]`);
  });

  const n = y0.length, s = tableau.c.length;
  const k = Array.from({ length: s }, () => new Float64Array(n));
  const y = Float64Array.from(y0), ynew = new Float64Array(n), tmp = new Float64Array(n);
  const sol: RkSolution = { status: "done", t: t0, y, tOut: [], yOut: [], stats: { accepted: 0, rejected: 0, nfev: 0, forced: 0 } };
  let next = 0;
  const emit = (t: number) => {
    while (next < outs.length && outs[next]! <= t) {
      sol.tOut.push(outs[next]!);
      sol.yOut.push(Float64Array.from(y));
      next++;
    }
  };
  const finite = (v: Float64Array) => v.every(Number.isFinite);
  let t = t0;
  emit(t);
  f(t, y, k[0]!);
  sol.stats.nfev++;
  if (!finite(k[0]!)) return { ...sol, status: "nonfinite" };
  let h = fixed ?? options.h0 ?? Math.min((t1 - t0) * 1e-3, next < outs.length && outs[next]! > t0 ? outs[next]! - t0 : Infinity);
  checkPositive("options.h0", h);
  const q = tableau.order - 1; // the embedded solution's order sets the controller's exponent
  for (let steps = 0; t < t1; steps++) {
    if (steps >= maxSteps) return { ...sol, t, status: "max-steps" };
    // the step ends at t1 or at the next output time if it would pass them
    const stop = next < outs.length ? Math.min(outs[next]!, t1) : t1;
    const hs = t + h >= stop || stop - (t + h) < 1e-12 * Math.abs(stop) ? stop - t : h;
    if (!(hs > 0) || t + hs === t) return { ...sol, t, status: "step-too-small" };
    for (let i = 1; i < s; i++) {
      const ai = tableau.a[i]!;
      for (let m = 0; m < n; m++) {
        let acc = 0;
        for (let j = 0; j < i; j++) acc += ai[j]! * k[j]![m]!;
        tmp[m] = y[m]! + hs * acc;
      }
      f(t + tableau.c[i]! * hs, tmp, k[i]!);
      sol.stats.nfev++;
    }
    // the last stage is evaluated at y + h Σ b_j k_j (first same as last): that point is the new solution
    ynew.set(tmp);
    let err = 0;
    if (fixed === undefined) {
      for (let m = 0; m < n; m++) {
        let e = 0;
        for (let j = 0; j < s; j++) e += tableau.e[j]! * k[j]![m]!;
        const w = atol + rtol * Math.max(Math.abs(y[m]!), Math.abs(ynew[m]!));
        err += ((hs * e) / w) ** 2;
      }
      err = Math.sqrt(err / n);
    }
    if (!finite(ynew) || !finite(k[s - 1]!)) {
      if (fixed !== undefined) return { ...sol, t, status: "nonfinite" };
      h = hs * RK_DEFAULTS.minFactor; // a non-finite trial point: shrink and retry
      sol.stats.rejected++;
      continue;
    }
    const forced = err > 1 && hmin > 0 && h <= hmin; // the step was already at the floor
    if (forced) sol.stats.forced++;
    if (err <= 1 || forced) {
      t = hs === stop - t ? stop : t + hs;
      y.set(ynew);
      k[0]!.set(k[s - 1]!);
      sol.stats.accepted++;
      emit(t);
      if (options.onStep?.(t, y)) return { ...sol, t, status: "interrupted" };
    } else sol.stats.rejected++;
    if (fixed === undefined) {
      const factor = err === 0 ? RK_DEFAULTS.maxFactor : Math.min(RK_DEFAULTS.maxFactor, Math.max(RK_DEFAULTS.minFactor, RK_DEFAULTS.safety * pow(err, -1 / (q + 1))));
      // after a rejection never grow; a step cut to reach an output time does not shrink the next one
      h = Math.max(err > 1 ? Math.min(1, factor) * hs : factor * hs, err <= 1 && hs < h ? h : 0, hmin);
    }
  }
  sol.t = t;
  return sol;
}
