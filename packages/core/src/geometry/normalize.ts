// Λ-normalization (Kunin et al. 2023, §3): θ̄ = ψ_{−τ}(θ) = e^{−τΛ}θ with ‖θ̄‖_Λ = 1, where z = e^{−2τ} is the unique
// positive root of Σ λ_i θ_i² z^{λ_i} = 1; the action ψ_α itself; the tangent vector Λθ of the ψ-orbit and its
// angle ω with the velocity.
//
// Root finding works in u = log z: g(u) = log Σ_{λ_i>0, θ_i≠0} λ_i θ_i² e^{λ_i u} is a log-sum-exp of affine
// functions, hence convex, with slope g'(u) ∈ [λmin, λmax] (over the live terms), so strictly increasing, and
// the root lies in the bracket between −g(0)/λmin and −g(0)/λmax. Newton from the bracket's right end (g ≥ 0)
// descends monotonically onto the root for a convex increasing g; a bisection step replaces any step that
// leaves the bracket. All terms are in log domain (log θ_i² = 2 log|θ_i|), so |θ| from 1e-300 to 1e300, or
// far beyond through the log variant, and rate ratios such as 1 : 0.1 are fine.
//
// Accuracy: u = log z can only be as exact as g(u), whose terms are as large as 2·log|θ_i| ≈ 1400, so u may be
// off by ~1e-13. θ̄ is therefore computed as θ_i·e^{λ_i u/2} with the exponent carried exactly (a two-product
// and a Cody–Waite split, never a rounded e^{λ_i u/2}), which keeps every θ̄_i on the ψ-orbit of θ to a few ulps;
// a final Newton "polish" along that orbit, in θ̄ space where everything is O(1), then moves θ̄ to
// ‖θ̄‖_Λ = 1 within a few ulps and folds the correction into log z.
import { ArgumentError, checkAllFinite, checkF64 } from "../errors.js";
import { checkLambda, checkLogParams, type LogParams } from "./seminorm.js";
import { atan2, exp, expm1, log, log1p } from "../runtime/detmath.js";

const EPS = Number.EPSILON;
const LN2_HI = 6.93147180369123816490e-1; // fdlibm: ln 2 split so that k·LN2_HI is exact for |k| < 2^20
const LN2_LO = 1.90821492927058770002e-10;
const SPLIT = 134217729; // 2^27 + 1

/** Veltkamp split x = hi + lo into 26-bit halves (rescaled for |x| > 2^995, where SPLIT·x would overflow). */
function split(x: number): [number, number] {
  if (Math.abs(x) > 2 ** 995) {
    const [h, l] = split(x * 2 ** -60);
    return [h * 2 ** 60, l * 2 ** 60];
  }
  const c = SPLIT * x, h = c - (c - x);
  return [h, x - h];
}
/** a·b = hi + lo exactly (Dekker), lo exact unless it underflows. */
function twoProd(a: number, b: number): [number, number] {
  const p = a * b;
  if (!Number.isFinite(p) || p === 0) return [p, 0];
  const [ah, al] = split(a), [bh, bl] = split(b);
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}
/** a + b = hi + lo exactly (Knuth). */
function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}
function ldexp(v: number, k: number): number {
  while (k > 1000) (v *= 2 ** 1000), (k -= 1000);
  while (k < -1000) (v *= 2 ** -1000), (k += 1000);
  return v * 2 ** k;
}

/**
 * x·e^{h + l} (l a small correction to h) without intermediate overflow or underflow: e^{h} = 2^k·e^r with
 * |r| ≤ ln2/2 via a Cody–Waite reduction, so the only roundings are those of e^r and one product.
 */
export function scaleExp(x: number, h: number, l = 0): number {
  if (x === 0 || (h === 0 && l === 0)) return x;
  if (!(Math.abs(h) < 1e5)) return Number.isNaN(h) ? NaN : h > 0 ? x * Infinity : x * 0;
  const k = Math.round(h / Math.LN2);
  const r = h - k * LN2_HI - k * LN2_LO + l;
  // Apply 2^k first when it shrinks (x·e^r could overflow for |x| near the top), last when it grows.
  return k < 0 ? ldexp(x, k) * exp(r) : ldexp(x * exp(r), k);
}

/** Solves g(u) = log Σ_i e^{a_i + lam_i·u} = 0 (lam_i > 0) by safeguarded Newton; see the file header. */
function solveLogZ(a: Float64Array, lam: Float64Array): { u: number; iterations: number } {
  const k = a.length;
  let lmin = Infinity, lmax = 0;
  for (let i = 0; i < k; i++) (lmin = Math.min(lmin, lam[i]!)), (lmax = Math.max(lmax, lam[i]!));
  /** [g(u), g'(u), noise floor of the computed g(u)]. */
  const evalG = (u: number): [number, number, number] => {
    let m = -Infinity, j = 0;
    for (let i = 0; i < k; i++) {
      const x = a[i]! + lam[i]! * u;
      if (x > m) (m = x), (j = i);
    }
    if (!Number.isFinite(m)) return [m, NaN, 0];
    let rest = 0, slope = lam[j]!;
    for (let i = 0; i < k; i++) {
      if (i === j) continue;
      const e = exp(a[i]! + lam[i]! * u - m);
      rest += e;
      slope += lam[i]! * e;
    }
    return [m + log1p(rest), slope / (1 + rest), 4 * EPS * (1 + Math.abs(a[j]!) + Math.abs(lam[j]! * u))];
  };
  const g0 = evalG(0)[0];
  if (g0 === 0) return { u: 0, iterations: 0 };
  let lo = g0 > 0 ? -g0 / lmin : -g0 / lmax;
  let hi = g0 > 0 ? -g0 / lmax : -g0 / lmin;
  // The bracket is exact for the exact g(0); widen it geometrically if rounding put the root just outside.
  let [ghi, dhi, nhi] = evalG(hi);
  for (let w = hi - lo + 1; ghi < 0; w *= 2) (lo = hi), (hi += w), ([ghi, dhi, nhi] = evalG(hi));
  for (let w = hi - lo + 1; evalG(lo)[0] > 0; w *= 2) (hi = lo), (lo -= w), ([ghi, dhi, nhi] = evalG(hi));
  let u = hi, gu = ghi, du = dhi, noise = nhi, iterations = 0;
  while (iterations < 300 && gu !== 0 && Math.abs(gu) > noise) {
    iterations++;
    let next = u - gu / du;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi); // bisection fallback (also for a non-finite step)
    if (next === u) break;
    const step = Math.abs(next - u);
    [gu, du, noise] = evalG(next);
    if (gu > 0) hi = next;
    else if (gu < 0) lo = next;
    u = next;
    if (step <= 2 * EPS * Math.max(1, Math.abs(u)) || hi - lo <= 2 * EPS * Math.max(Math.abs(lo), Math.abs(hi))) break;
  }
  return { u, iterations };
}

/**
 * Moves θ̄ along its ψ-orbit until Σ λ_i θ̄_i² = 1 to rounding (Newton on log Σ λ_i θ̄_i² e^{λ_i δ} = 0 from δ = 0);
 * returns the total δ, a correction of log z.
 */
function polish(bar: Float64Array, lambda: Float64Array): number {
  let total = 0;
  for (let pass = 0; pass < 4; pass++) {
    let s = 0, d = 0;
    for (let i = 0; i < bar.length; i++) {
      const l = lambda[i]!;
      if (l > 0) {
        const t = l * bar[i]! * bar[i]!;
        s += t;
        d += l * t;
      }
    }
    const h = log(s);
    if (Math.abs(h) <= 2 * EPS || !(d > 0)) break;
    const delta = (-h * s) / d;
    for (let i = 0; i < bar.length; i++) if (lambda[i]! > 0) bar[i] = bar[i]! + bar[i]! * expm1(0.5 * lambda[i]! * delta);
    total += delta;
  }
  return total;
}

export interface LambdaNormalization {
  /** θ̄ = ψ_{−τ}(θ); for Λ = I, τ = log‖θ‖. */
  readonly tau: number;
  /** log z = −2τ, z the unique positive root of Σ λ_i θ_i² z^{λ_i} = 1. */
  readonly logZ: number;
  /** The Λ-normalized parameters, ‖θ̄‖_Λ = 1 to a few ulps. Coordinates with λ_i = 0 are copied unchanged. */
  readonly thetaBar: Float64Array;
  /** Newton/bisection steps after bracketing (0 when a bracket end is already the root, e.g. all live λ_i equal). */
  readonly iterations: number;
}
export interface LambdaNormalizationLog extends LambdaNormalization {
  /** log|θ̄_i| (−Infinity for zeros), exact even where θ̄_i itself overflows (possible only when λ_i = 0). */
  readonly logAbsThetaBar: Float64Array;
}

function noRoot(theta: unknown): never {
  throw new ArgumentError("theta", theta, "some θ_i ≠ 0 with λ_i > 0 (‖θ‖_Λ > 0), otherwise no τ normalizes θ");
}

/** Λ-normalizes θ: returns τ, log z = −2τ and θ̄ = e^{−τΛ}θ with ‖θ̄‖_Λ = 1. */
export function lambdaNormalize(theta: Float64Array, lambda: Float64Array): LambdaNormalization {
  checkAllFinite("theta", checkF64("theta", theta));
  checkLambda(lambda, theta.length);
  const idx: number[] = [];
  for (let i = 0; i < theta.length; i++) if (lambda[i]! > 0 && theta[i] !== 0) idx.push(i);
  if (idx.length === 0) noRoot(theta);
  const a = Float64Array.from(idx, (i) => log(lambda[i]!) + 2 * log(Math.abs(theta[i]!)));
  const { u, iterations } = solveLogZ(a, Float64Array.from(idx, (i) => lambda[i]!));
  const bar = Float64Array.from(theta);
  for (const i of idx) bar[i] = scaleExp(theta[i]!, ...twoProd(lambda[i]!, 0.5 * u));
  const logZ = u + polish(bar, lambda);
  return { tau: -0.5 * logZ, logZ, thetaBar: bar, iterations };
}

/** Λ-normalizes θ given as logarithms (θ_i = sign_i·e^{logAbs_i}), for parameters beyond the double range. */
export function lambdaNormalizeLog(theta: LogParams, lambda: Float64Array): LambdaNormalizationLog {
  const { logAbs, sign } = checkLogParams("theta", theta);
  checkLambda(lambda, logAbs.length);
  const sg = (i: number) => (sign === undefined ? 1 : sign[i]!);
  const idx: number[] = [];
  for (let i = 0; i < logAbs.length; i++) if (lambda[i]! > 0 && logAbs[i]! > -Infinity && sg(i) !== 0) idx.push(i);
  if (idx.length === 0) noRoot(theta);
  const a = Float64Array.from(idx, (i) => log(lambda[i]!) + 2 * logAbs[i]!);
  const { u, iterations } = solveLogZ(a, Float64Array.from(idx, (i) => lambda[i]!));
  const bar = new Float64Array(logAbs.length);
  const logBar = Float64Array.from(logAbs);
  for (let i = 0; i < logAbs.length; i++) {
    bar[i] = sg(i) === 0 ? 0 : scaleExp(sg(i), logAbs[i]!);
    if (sg(i) === 0) logBar[i] = -Infinity;
  }
  for (const i of idx) {
    const [ph, pl] = twoProd(lambda[i]!, 0.5 * u);
    const [sh, sl] = twoSum(logAbs[i]!, ph);
    bar[i] = scaleExp(sg(i), sh, sl + pl);
  }
  const delta = polish(bar, lambda);
  for (const i of idx) logBar[i] = logAbs[i]! + lambda[i]! * 0.5 * (u + delta);
  const logZ = u + delta;
  return { tau: -0.5 * logZ, logZ, thetaBar: bar, logAbsThetaBar: logBar, iterations };
}

/** ψ_α(θ) = e^{αΛ}θ, each θ_i·e^{αλ_i} with an exactly carried exponent; ±Infinity/0 only if out of range. */
export function lambdaScale(theta: Float64Array, lambda: Float64Array, alpha: number): Float64Array {
  checkAllFinite("theta", checkF64("theta", theta));
  checkLambda(lambda, theta.length);
  if (!Number.isFinite(alpha)) throw new ArgumentError("alpha", alpha, "a finite number");
  return Float64Array.from(theta, (t, i) => scaleExp(t, ...twoProd(alpha, lambda[i]!)));
}

/** ψ_α in log domain: logAbs_i + αλ_i, signs unchanged. */
export function lambdaScaleLog(theta: LogParams, lambda: Float64Array, alpha: number): LogParams {
  const { logAbs, sign } = checkLogParams("theta", theta);
  checkLambda(lambda, logAbs.length);
  if (!Number.isFinite(alpha)) throw new ArgumentError("alpha", alpha, "a finite number");
  const out = Float64Array.from(logAbs, (l, i) => l + alpha * lambda[i]!);
  return sign === undefined ? { logAbs: out } : { logAbs: out, sign: Array.from(sign) };
}

/** The tangent vector Λθ of the ψ-orbit through θ (d/dα ψ_α(θ) at α = 0). */
export function tangent(theta: Float64Array, lambda: Float64Array): Float64Array {
  checkAllFinite("theta", checkF64("theta", theta));
  checkLambda(lambda, theta.length);
  return Float64Array.from(theta, (t, i) => lambda[i]! * t);
}

/** x/‖x‖ computed with a max-scaling (no overflow or underflow); null for the zero vector. */
function unit(x: Float64Array): Float64Array | null {
  let s = 0;
  for (let i = 0; i < x.length; i++) s = Math.max(s, Math.abs(x[i]!));
  if (s === 0) return null;
  const y = Float64Array.from(x, (v) => v / s);
  let n = 0;
  for (let i = 0; i < y.length; i++) n += y[i]! * y[i]!;
  n = Math.sqrt(n);
  for (let i = 0; i < y.length; i++) y[i] = y[i]! / n;
  return y;
}

export interface TangentAngle {
  /** cos ω = ⟨Λθ, v⟩/(‖Λθ‖‖v‖), clamped to [−1, 1]; 0 when degenerate. */
  readonly cos: number;
  /** ω ∈ [0, π] by Kahan's ω = 2·atan2(‖â − v̂‖, ‖â + v̂‖) (accurate also near 0 and π); π/2 when degenerate. */
  readonly omega: number;
  /** true when Λθ = 0 or v = 0: the angle is undefined and reported, by convention, as ω = π/2, cos ω = 0. */
  readonly degenerate: boolean;
}

/** The angle ω between the tangent vector Λθ and a velocity v (e.g. dθ/dt = −∇L), for any magnitudes. */
export function cosAngle(theta: Float64Array, lambda: Float64Array, velocity: Float64Array): TangentAngle {
  checkAllFinite("theta", checkF64("theta", theta));
  checkLambda(lambda, theta.length);
  checkAllFinite("velocity", checkF64("velocity", velocity, theta.length));
  let s = 0;
  for (let i = 0; i < theta.length; i++) if (lambda[i]! > 0) s = Math.max(s, Math.abs(theta[i]!));
  const a = s === 0 ? null : unit(Float64Array.from(theta, (t, i) => lambda[i]! * (t / s)));
  const b = unit(velocity);
  if (a === null || b === null) return { cos: 0, omega: Math.PI / 2, degenerate: true };
  let dot = 0, dm = 0, dp = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    dm += (a[i]! - b[i]!) ** 2;
    dp += (a[i]! + b[i]!) ** 2;
  }
  return { cos: Math.min(1, Math.max(-1, dot)), omega: 2 * atan2(Math.sqrt(dm), Math.sqrt(dp)), degenerate: false };
}
