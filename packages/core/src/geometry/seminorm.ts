// Λ-seminorms of a parameter vector (Kunin et al. 2023, §3): ‖θ‖²_Λ = Σ λ_i θ_i² and the Λmax-seminorm, which
// sums only the coordinates with λ_i = λmax. Every sum is scaled by the largest |θ_i| (or, for parameters given
// as logarithms, by the largest log|θ_i|) so nothing overflows or underflows for |θ_i| anywhere in
// 1e-308 … 1e308; the log versions stay exact far beyond the double range.
import { ArgumentError, checkAllFinite, checkF64 } from "../errors.js";
import { exp, log } from "../runtime/detmath.js";

/**
 * Parameters carried as logarithms, for values beyond the double range: θ_i = sign_i · e^{logAbs_i}.
 * `logAbs[i]` is finite or −Infinity (θ_i = 0); `sign[i]` ∈ {−1, 0, +1} (0 also means θ_i = 0); signs
 * default to +1 and do not matter for seminorms.
 */
export interface LogParams {
  readonly logAbs: Float64Array;
  readonly sign?: ArrayLike<number>;
}
/** A parameter vector: plain doubles, or logarithms of magnitudes plus signs. */
export type ParamsLike = Float64Array | LogParams;

export interface SeminormOptions {
  /**
   * Relative tolerance for "λ_i = λmax": coordinate i belongs to the Λmax-seminorm when
   * λ_i ≥ (1 − rtol)·λmax. Default 0, i.e. exact floating-point equality with max_i λ_i — pass e.g. 1e-12
   * when λ comes out of arithmetic such as 1/3.
   */
  readonly rtol?: number;
}

// ---- validation (shared by the geometry and loss modules) ----

/** Checks a log-parameter object; returns the number of coordinates. */
export function checkLogParams(argument: string, p: unknown): LogParams {
  const lp = p as LogParams;
  if (typeof p !== "object" || p === null || !(lp.logAbs instanceof Float64Array)) {
    throw new ArgumentError(argument, p, "a Float64Array or {logAbs: Float64Array, sign?}");
  }
  for (let i = 0; i < lp.logAbs.length; i++) {
    const v = lp.logAbs[i]!;
    if (Number.isNaN(v) || v === Infinity) throw new ArgumentError(`${argument}.logAbs[${i}]`, v, "a finite number or −Infinity");
  }
  if (lp.sign !== undefined) {
    if (typeof lp.sign !== "object" || lp.sign === null || lp.sign.length !== lp.logAbs.length) {
      throw new ArgumentError(`${argument}.sign`, lp.sign, `an array of ${lp.logAbs.length} signs`);
    }
    for (let i = 0; i < lp.sign.length; i++) {
      const s = lp.sign[i];
      if (s !== 1 && s !== -1 && s !== 0) throw new ArgumentError(`${argument}.sign[${i}]`, s, "−1, 0 or +1");
    }
  }
  return lp;
}

/** Checks θ (doubles or logs); returns its length. */
export function checkParams(argument: string, theta: unknown): number {
  if (theta instanceof Float64Array) return checkAllFinite(argument, theta).length;
  return checkLogParams(argument, theta).logAbs.length;
}

/** Checks the diagonal of Λ (finite, ≥ 0, length m, max > 0) and returns λmax = max_i λ_i. */
export function checkLambda(lambda: unknown, m?: number): number {
  checkF64("lambda", lambda, m);
  const l = lambda as Float64Array;
  let max = -Infinity;
  for (let i = 0; i < l.length; i++) {
    const v = l[i]!;
    if (!(Number.isFinite(v) && v >= 0)) throw new ArgumentError(`lambda[${i}]`, v, "a finite number ≥ 0 (Λ is diagonal positive semidefinite)");
    if (v > max) max = v;
  }
  if (!(max > 0)) throw new ArgumentError("lambda", lambda, "at least one λ_i > 0 (λmax > 0)");
  return max;
}

/** λmax = max_i λ_i of the diagonal of Λ; throws ArgumentError unless all λ_i ≥ 0 are finite and λmax > 0. */
export function lambdaMax(lambda: Float64Array): number {
  return checkLambda(lambda);
}

// ---- scaled sums ----

/**
 * Σ_{i ∈ S} λ_i θ_i² = e^{2·logScale}·sum, over S = {i : λ_i ≥ threshold, λ_i > 0}, with the scale the largest
 * |θ_i| on S (every scaled term is ≤ λ_i, nothing overflows or underflows harmfully). `scale` is that |θ_i| itself for double input (exact
 * division keeps full precision), NaN for log input. An empty or all-zero S gives sum = 0, logScale = −∞.
 */
export function scaledSquares(theta: ParamsLike, lambda: Float64Array, threshold = 0): { logScale: number; scale: number; sum: number } {
  let sum = 0;
  if (theta instanceof Float64Array) {
    let s = 0;
    for (let i = 0; i < theta.length; i++) if (lambda[i]! > 0 && lambda[i]! >= threshold) s = Math.max(s, Math.abs(theta[i]!));
    if (s === 0) return { logScale: -Infinity, scale: 0, sum: 0 };
    for (let i = 0; i < theta.length; i++) {
      const l = lambda[i]!;
      if (l > 0 && l >= threshold) {
        const r = theta[i]! / s;
        sum += l * r * r;
      }
    }
    return { logScale: log(s), scale: s, sum };
  }
  const { logAbs, sign } = theta;
  const live = (i: number) => lambda[i]! > 0 && lambda[i]! >= threshold && logAbs[i]! > -Infinity && (sign === undefined || sign[i] !== 0);
  let m = -Infinity;
  for (let i = 0; i < logAbs.length; i++) if (live(i)) m = Math.max(m, logAbs[i]!);
  if (m === -Infinity) return { logScale: -Infinity, scale: NaN, sum: 0 };
  for (let i = 0; i < logAbs.length; i++) if (live(i)) sum += lambda[i]! * exp(2 * (logAbs[i]! - m));
  return { logScale: m, scale: NaN, sum };
}

function threshold(lambda: Float64Array, lmax: number, opts?: SeminormOptions): number {
  const rtol = opts?.rtol ?? 0;
  if (typeof rtol !== "number" || !(rtol >= 0 && rtol < 1)) throw new ArgumentError("opts.rtol", rtol, "a number in [0, 1)");
  return rtol === 0 ? lmax : lmax * (1 - rtol);
}

function prepare(theta: ParamsLike, lambda: Float64Array): number {
  const m = checkParams("theta", theta);
  return checkLambda(lambda, m);
}

function valueOf(s: { logScale: number; scale: number; sum: number }): number {
  if (s.sum === 0) return 0;
  if (!Number.isNaN(s.scale)) return s.scale * Math.sqrt(s.sum);
  return exp(s.logScale + 0.5 * log(s.sum));
}
function logOf(s: { logScale: number; sum: number }): number {
  return s.sum === 0 ? -Infinity : s.logScale + 0.5 * log(s.sum);
}

/** ‖θ‖_Λ = √(Σ λ_i θ_i²); overflows to Infinity only if the seminorm itself exceeds the double range. */
export function lambdaSeminorm(theta: ParamsLike, lambda: Float64Array): number {
  prepare(theta, lambda);
  return valueOf(scaledSquares(theta, lambda));
}

/** log ‖θ‖_Λ (−Infinity when ‖θ‖_Λ = 0), valid for any magnitudes, including log-domain parameters. */
export function logLambdaSeminorm(theta: ParamsLike, lambda: Float64Array): number {
  prepare(theta, lambda);
  return logOf(scaledSquares(theta, lambda));
}

/** ‖θ‖_{Λmax} = √(Σ_{λ_i = λmax} λ_i θ_i²); "= λmax" per `opts.rtol` (default exact). */
export function lambdaMaxSeminorm(theta: ParamsLike, lambda: Float64Array, opts?: SeminormOptions): number {
  const lmax = prepare(theta, lambda);
  return valueOf(scaledSquares(theta, lambda, threshold(lambda, lmax, opts)));
}

/** log ‖θ‖_{Λmax} (−Infinity when it is 0). */
export function logLambdaMaxSeminorm(theta: ParamsLike, lambda: Float64Array, opts?: SeminormOptions): number {
  const lmax = prepare(theta, lambda);
  return logOf(scaledSquares(theta, lambda, threshold(lambda, lmax, opts)));
}
