// The asymmetric max-margin problem on the EXACT balls B(±µ, r) (seed 000, §5, Eq. 4):
//   minimize ½‖Pw‖²  s.t.  y(x)·w·x ≥ 1 for every x ∈ B(±µ, r)   ⇔   w·µ − r‖w‖ ≥ 1   (one cone constraint),
// with P the projection on the λmax coordinates; coordinates may also be zeroed (w_Z = 0), as in the cascade of
// Conjecture 5.1. Solved numerically, independently of Lemma 5.1's closed form: for fixed s = ‖Pw‖, t = ‖P⊥w‖ the
// constraint is loosest with Pw ∥ Pµ and P⊥w ∥ P⊥µ, leaving  s·a + t·c − r·sqrt(s² + t²) ≥ 1  (a = ‖Pµ‖,
// c = ‖P⊥µ‖). The left side is 1-homogeneous in (s, t), so s* = 1/φ(τ*) with φ(τ) = a + τc − r·sqrt(1 + τ²)
// maximized over τ = t/s ≥ 0: φ is concave and φ' is strictly decreasing, and its root is found by bracketing and
// bisection down to adjacent doubles.
import { ArgumentError } from "../errors.js";
import { ballRobustness } from "./closed-forms.js";
import { checkDepths, coordinateMask, rateLevels, rolesAtDepth, type CoordinateRole, type CoordinateSpec } from "./coordinates.js";

export interface BallLimitOptions {
  /** Coordinates fixed to 0 (Conjecture 5.1's higher-rate parameters). Default: none. */
  zeroed?: ArrayLike<boolean>;
}

export interface BallLimitResult {
  /** The minimizer, scaled so that the cone constraint is active: w·µ − r‖w‖ = 1. */
  w: Float64Array;
  /** w/‖w‖ */
  direction: Float64Array;
  /** The robustness of the limit classifier: direction·µ − r. */
  robustness: number;
  /** The optimal value ½‖Pw‖². */
  objective: number;
  /** ρ = ‖P⊥µ‖ over the free (neither penalized nor zeroed) coordinates. */
  rho: number;
  /** τ* = ‖P⊥w‖/‖Pw‖ */
  tau: number;
  /** Bisection steps of the root finder. */
  iterations: number;
}

/** φ'(τ) = c − r·τ/sqrt(1 + τ²), written to stay accurate for large τ. */
function slope(tau: number, c: number, r: number): number {
  return c - (tau > 1 ? r / Math.sqrt(1 + 1 / (tau * tau)) : (r * tau) / Math.sqrt(1 + tau * tau));
}

/**
 * The exact-ball asymmetric max-margin solution. Throws ArgumentError naming `r` when the allowed coordinates do
 * not separate the balls (r ≥ ‖µ‖ on them) or when the free coordinates alone do (r ≤ ρ: the infimum 0 is not
 * attained — conditional separability, A7, fails).
 */
export function ballLimit(mu: Float64Array, r: number, lambdaMaxCoords: CoordinateSpec, options: BallLimitOptions = {}): BallLimitResult {
  if (!(mu instanceof Float64Array) || mu.length < 1) throw new ArgumentError("mu", mu, "a non-empty Float64Array");
  const d = mu.length;
  for (let i = 0; i < d; i++) if (!Number.isFinite(mu[i]!)) throw new ArgumentError(`mu[${i}]`, mu[i], "a finite number");
  if (typeof r !== "number" || !Number.isFinite(r) || r < 0) throw new ArgumentError("r", r, "a radius ≥ 0");
  const pen = coordinateMask("lambdaMaxCoords", lambdaMaxCoords, d);
  const zero = new Uint8Array(d);
  if (options.zeroed !== undefined) {
    const z = options.zeroed;
    if (typeof z !== "object" || z === null || z.length !== d) throw new ArgumentError("options.zeroed", z, `${d} booleans`);
    for (let i = 0; i < d; i++) {
      zero[i] = z[i] ? 1 : 0;
      if (zero[i] && pen[i]) throw new ArgumentError(`options.zeroed[${i}]`, z[i], "false for a λmax coordinate");
    }
  }
  let a2 = 0, c2 = 0;
  for (let i = 0; i < d; i++) {
    if (zero[i]) continue;
    if (pen[i]) a2 += mu[i]! ** 2;
    else c2 += mu[i]! ** 2;
  }
  const a = Math.sqrt(a2), c = Math.sqrt(c2);
  if (!(r < Math.sqrt(a2 + c2))) {
    throw new ArgumentError("r", r, `r < ${Math.sqrt(a2 + c2)} = ‖µ‖ on the allowed coordinates (the balls are not separable by them)`);
  }
  if (!(r > c)) {
    throw new ArgumentError("r", r, `r > ρ = ‖P⊥µ‖ = ${c} (conditional separability: otherwise the free coordinates alone separate the balls and the infimum 0 is not attained)`);
  }
  // Maximize φ(τ) = a + τc − r·sqrt(1 + τ²) over τ ≥ 0: the root of the decreasing φ'.
  let lo = 0, hi = 0, iterations = 0;
  if (c > 0) {
    hi = 1;
    while (slope(hi, c, r) > 0) {
      lo = hi;
      hi *= 2;
    }
    for (; iterations < 2200; iterations++) {
      const mid = 0.5 * (lo + hi);
      if (mid <= lo || mid >= hi) break;
      if (slope(mid, c, r) > 0) lo = mid;
      else hi = mid;
    }
  }
  const tau = Math.abs(slope(lo, c, r)) <= Math.abs(slope(hi, c, r)) ? lo : hi;
  const phi = a + tau * c - r * Math.sqrt(1 + tau * tau);
  const s = 1 / phi;
  const w = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    if (zero[i]) continue;
    w[i] = pen[i] ? (s * mu[i]!) / a : c > 0 ? (s * tau * mu[i]!) / c : 0;
  }
  let wn = 0;
  for (let i = 0; i < d; i++) wn += w[i]! ** 2;
  wn = Math.sqrt(wn);
  const direction = Float64Array.from(w, (v) => v / wn);
  return { w, direction, robustness: ballRobustness(direction, mu, r), objective: 0.5 * s * s, rho: c, tau, iterations };
}

export interface BallCascadeResult extends BallLimitResult {
  /** 0 = the highest rate level (λmax); each degenerate level moves the cascade one down. */
  level: number;
  rate: number;
  depth: number;
  roles: CoordinateRole[];
}

/**
 * Conjecture 5.1 on the exact balls for the unbalanced diagonal network of the given depths (rates 1/D_i): walk
 * the levels from the highest rate down, skipping a level when the lower-rate coordinates alone separate the
 * balls (‖µ_free‖ > r). At each level the penalty Σ_P |w_i|^{2/D} must be a function of ‖Pw‖ — depth 1, or a
 * single penalized coordinate (then |w|^{2/D} is a monotone transform of w²) — else ArgumentError naming `depths`.
 */
export function ballCascade(mu: Float64Array, r: number, depths: ArrayLike<number>): BallCascadeResult {
  if (!(mu instanceof Float64Array)) throw new ArgumentError("mu", mu, "a Float64Array");
  const D = checkDepths(depths, mu.length);
  const levels = rateLevels(D);
  for (let level = 0; level < levels.length; level++) {
    const depth = levels[level]!;
    const roles = rolesAtDepth(D, depth);
    let free2 = 0, allowed2 = 0, nPen = 0;
    roles.forEach((role, i) => {
      if (role === "free") free2 += mu[i]! ** 2;
      if (role !== "zeroed") allowed2 += mu[i]! ** 2;
      if (role === "penalized") nPen++;
    });
    if (level === 0 && !(r < Math.sqrt(allowed2))) throw new ArgumentError("r", r, `r < ‖µ‖ = ${Math.sqrt(allowed2)} (separable balls)`);
    if (Math.sqrt(free2) >= r && level < levels.length - 1) continue; // degenerate level: move down
    if (depth > 1 && nPen > 1) {
      throw new ArgumentError("depths", depths, `at most one coordinate of depth ${depth} at the cascade's level (the ball problem is solved for the penalty ‖Pw‖²)`);
    }
    const res = ballLimit(
      mu,
      r,
      roles.map((x) => x === "penalized"),
      { zeroed: roles.map((x) => x === "zeroed") },
    );
    return { ...res, level, rate: 1 / depth, depth, roles };
  }
  throw new ArgumentError("depths", depths, "at least one coordinate");
}
