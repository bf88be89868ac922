// Seed 001's equations for the scale ρ alone, with the margins f̄_n given (held fixed, or read off a network's flow):
// the unnormalized network with equal layer norms (the logistic-like equation of Fig. 10, from App. G's eq. 51) and the
// exponential loss of App. J.2 with its fixed point — the root of a decreasing function, found by bisection down to
// adjacent doubles, with Lambert's W as the closed form when all margins are equal.
import { ArgumentError, checkFinite, checkInt, checkPositive } from "../errors.js";
import { exp, log1p, pow } from "../runtime/detmath.js";

/**
 * Fig. 10: ρ' of an unnormalized bias-free network of L layers with equal layer norms ρ_k = ρ^{1/L}, in the paper's
 * convention (the summed loss Σ_n (1 − ρf̄_n)², no 1/N): 2Lρ^{(2L−2)/L}[Σf̄ − ρΣf̄²]. (For the kernels' loss
 * (1/N)Σ½(f − y)² the same state moves 2N times slower: divide by 2N.)
 */
export function balancedScaleRate(layers: number, rho: number, sumF: number, sumF2: number): number {
  checkInt("layers", layers, 1);
  return 2 * layers * pow(rho, (2 * layers - 2) / layers) * (sumF - rho * sumF2);
}

/** App. J.2: ρ' = (1/N)Σ_n e^{−ρf̄_n} f̄_n − λρ (exponential loss, weight decay λ, margins f̄ fixed). */
export function expScaleRate(rho: number, fbar: ArrayLike<number>, lambda: number): number {
  let s = 0;
  for (let i = 0; i < fbar.length; i++) s += exp(-rho * fbar[i]!) * fbar[i]!;
  return s / fbar.length - lambda * rho;
}

/**
 * The fixed point ρ* > 0 of App. J.2's flow: the root of g(ρ) = (1/N)Σe^{−ρf̄_n}f̄_n − λρ, which decreases
 * (g' = −(1/N)Σe^{−ρf̄}f̄² − λ < 0), so one root, bracketed by [0, (1/N)Σ_{f̄>0} f̄ / λ] when μ > 0; bisection until
 * the bracket is two adjacent doubles. Needs λ > 0 and average separability (μ > 0).
 */
export function expScaleEquilibrium(fbar: ArrayLike<number>, lambda: number): { rho: number; iterations: number } {
  checkPositive("lambda", lambda);
  if (fbar.length === 0) throw new ArgumentError("fbar", fbar, "at least one margin");
  let pos = 0, sum = 0;
  for (let i = 0; i < fbar.length; i++) {
    const v = checkFinite(`fbar[${i}]`, fbar[i]);
    sum += v;
    if (v > 0) pos += v;
  }
  if (!(sum > 0)) throw new ArgumentError("fbar", `mean ${sum / fbar.length}`, "margins with a positive mean (average separability: g(0) = μ > 0)");
  let lo = 0, hi = pos / fbar.length / lambda, iterations = 0;
  for (;;) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (expScaleRate(mid, fbar, lambda) > 0) lo = mid;
    else hi = mid;
    iterations++;
  }
  return { rho: 0.5 * (lo + hi), iterations };
}

/** Lambert's W on [0, ∞) (the principal branch: W e^W = z), by Halley's iteration from log(1 + z). */
export function lambertW(z: number): number {
  checkFinite("z", z);
  if (!(z >= 0)) throw new ArgumentError("z", z, "z ≥ 0 (the principal branch on [0, ∞))");
  let w = log1p(z);
  for (let i = 0; i < 100; i++) {
    const ew = exp(w), f = w * ew - z;
    const step = f / (ew * (w + 1) - ((w + 2) * f) / (2 * w + 2));
    w -= step;
    if (Math.abs(step) <= 1e-16 * Math.max(1, Math.abs(w))) break;
  }
  return w;
}
