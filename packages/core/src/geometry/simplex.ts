// Seed 004 (E & Wojtowytsch 2021), §3–4: the cross-entropy Φ_i(z) = logsumexp(z) − z_i minimized over a ball — its
// closed forms (the regular simplex z_i = α e_i + β Σ_{j≠i} e_j, L*(k, R), the ℓp variants) and the numerical optima
// they are checked against: projected gradient on the ℓ2 or ℓp ball (the ℓp projection by nested bisection, exact to
// rounding) and on the penultimate-layer model (rows of Y on the ball, ‖A‖₂ ≤ 1 by clipping singular values).
import { ArgumentError, checkInt } from "../errors.js";
import { symmetricEigen } from "../linalg/symmetric-eigen.js";
import { exp, log, log1p, pow } from "../runtime/detmath.js";

/** Φ_i(z) = log Σ_j e^{z_j} − z_i and its gradient softmax(z) − e_i (into g when given). */
export function crossEntropyAt(z: ArrayLike<number>, i: number, g?: Float64Array): number {
  let m = -Infinity;
  for (let j = 0; j < z.length; j++) m = Math.max(m, z[j]!);
  let s = 0;
  for (let j = 0; j < z.length; j++) s += exp(z[j]! - m);
  if (g) for (let j = 0; j < z.length; j++) g[j] = exp(z[j]! - m) / s - (j === i ? 1 : 0);
  return m + log(s) - z[i]!;
}

function checkKR(k: number, R: number): void {
  checkInt("k", k, 2);
  if (!(Number.isFinite(R) && R > 0)) throw new ArgumentError("R", R, "a radius R > 0");
}

/** L*(k, R) = log(1 + (k−1) e^{−R√(k/(k−1))}): the smallest risk over the ℓ2 ball of radius R (log1p-exact). */
export function simplexRisk(k: number, R: number): number {
  checkKR(k, R);
  return log1p((k - 1) * exp(-R * Math.sqrt(k / (k - 1))));
}

/** The minimizer over the ℓp ball (1 < p < ∞) of Φ_1: z = (α, β, …, β) with |α|^p + (k−1)|β|^p = R^p,
 *  c = (k−1)^{1/(p−1)}, α = (c/(1+c))^{1/p} R, β = −R/((k−1)(1+c))^{1/p}; p = 2 is the regular simplex. */
export function lpSimplex(k: number, R: number, p: number): { alpha: number; beta: number; risk: number } {
  checkKR(k, R);
  if (!(Number.isFinite(p) && p > 1)) throw new ArgumentError("p", p, "an exponent 1 < p < ∞");
  const c = pow(k - 1, 1 / (p - 1));
  const alpha = pow(c / (1 + c), 1 / p) * R, beta = -R / pow((k - 1) * (1 + c), 1 / p);
  const z = [alpha, ...Array.from({ length: k - 1 }, () => beta)];
  return { alpha, beta, risk: crossEntropyAt(z, 0) };
}

/** ‖x‖_p. */
function pnorm(x: ArrayLike<number>, p: number): number {
  let m = 0;
  for (let j = 0; j < x.length; j++) m = Math.max(m, Math.abs(x[j]!));
  if (m === 0) return 0;
  let s = 0;
  for (let j = 0; j < x.length; j++) s += pow(Math.abs(x[j]!) / m, p);
  return m * pow(s, 1 / p);
}

/** The Euclidean projection of v onto {‖x‖_p ≤ R}, 1 < p < ∞: x_j = sign(v_j)·t_j with t_j + μ p t_j^{p−1} = |v_j|, the
 *  multiplier μ ≥ 0 by bisection on Σ t_j^p = R^p, each t_j by bisection (both monotone) — to rounding. */
export function projectLpBall(v: ArrayLike<number>, R: number, p: number): Float64Array {
  const out = Float64Array.from(v);
  if (pnorm(v, p) <= R) return out;
  if (p === 2) {
    const s = R / pnorm(v, 2);
    for (let j = 0; j < out.length; j++) out[j]! *= s;
    return out;
  }
  const t = (a: number, mu: number) => {
    let lo = 0, hi = a;
    for (let it = 0; it < 200 && hi - lo > 0; it++) {
      const mid = 0.5 * (lo + hi);
      if (mid === lo || mid === hi) break;
      if (mid + mu * p * pow(mid, p - 1) > a) hi = mid;
      else lo = mid;
    }
    return 0.5 * (lo + hi);
  };
  const sumP = (mu: number) => Array.from(v).reduce((s, x) => s + pow(t(Math.abs(x), mu), p), 0);
  let lo = 0, hi = 1;
  while (sumP(hi) > pow(R, p)) hi *= 2;
  for (let it = 0; it < 200; it++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (sumP(mid) > pow(R, p)) lo = mid;
    else hi = mid;
  }
  const mu = 0.5 * (lo + hi);
  for (let j = 0; j < out.length; j++) out[j] = Math.sign(v[j]!) * t(Math.abs(v[j]!), mu);
  return out;
}

/** min Φ_i(z) over ‖z‖_p ≤ R by projected gradient from z0 (default 0) with a backtracking step (doubled after an
 *  accepted step, halved after a rejected one: far out the loss is flat, e^{−R}, and step 1 would crawl), until a step
 *  moves z by less than 1e-15·R or `maxIter` steps; no symmetry assumed. */
export function minimizeOnBall(k: number, i: number, R: number, p = 2, z0?: ArrayLike<number>, maxIter = 100_000): { z: Float64Array; risk: number; iterations: number } {
  checkKR(k, R);
  let z = z0 ? projectLpBall(z0, R, p) : new Float64Array(k);
  const g = new Float64Array(k), g2 = new Float64Array(k);
  let f = crossEntropyAt(z, i, g), t = 1, it = 0;
  for (; it < maxIter; it++) {
    const zn = projectLpBall(z.map((v, j) => v - t * g[j]!), R, p);
    const fn = crossEntropyAt(zn, i, g2);
    let dec = 0, move = 0;
    for (let j = 0; j < k; j++) {
      dec += g[j]! * (z[j]! - zn[j]!);
      move = Math.max(move, Math.abs(z[j]! - zn[j]!));
    }
    if (fn <= f - 1e-4 * dec) {
      z = zn;
      f = fn;
      g.set(g2);
      t *= 2;
      if (move <= 1e-15 * R) break;
    } else {
      t /= 2;
      if (t < 1e-300) break;
    }
  }
  return { z, risk: f, iterations: it };
}

/** The penultimate-layer model: min over Y (k×m, rows in the ℓ2 ball of radius R) and A (k×m, ‖A‖₂ ≤ 1) of
 *  (1/k)Σ_i Φ_i(A y_i), by projected gradient from a given start (rows of Y projected, A's singular values clipped). */
export function penultimatePgd(k: number, m: number, R: number, Y0: Float64Array, A0: Float64Array, options: { step?: number; iterations?: number } = {}): { Y: Float64Array; A: Float64Array; risk: number } {
  checkKR(k, R);
  checkInt("m", m, k - 1);
  const step = options.step ?? 0.5, iters = options.iterations ?? 100_000;
  const Y = Float64Array.from(Y0), A = Float64Array.from(A0);
  const z = new Float64Array(k), g = new Float64Array(k);
  const gY = new Float64Array(k * m), gA = new Float64Array(k * m);
  const risk = () => {
    let s = 0;
    for (let i = 0; i < k; i++) {
      for (let a = 0; a < k; a++) { let acc = 0; for (let b = 0; b < m; b++) acc += A[a * m + b]! * Y[i * m + b]!; z[a] = acc; }
      s += crossEntropyAt(z, i);
    }
    return s / k;
  };
  for (let it = 0; it < iters; it++) {
    gY.fill(0);
    gA.fill(0);
    for (let i = 0; i < k; i++) {
      for (let a = 0; a < k; a++) { let acc = 0; for (let b = 0; b < m; b++) acc += A[a * m + b]! * Y[i * m + b]!; z[a] = acc; }
      crossEntropyAt(z, i, g);
      for (let a = 0; a < k; a++) for (let b = 0; b < m; b++) {
        gY[i * m + b]! += (A[a * m + b]! * g[a]!) / k;
        gA[a * m + b]! += (g[a]! * Y[i * m + b]!) / k;
      }
    }
    for (let j = 0; j < k * m; j++) {
      Y[j]! -= step * gY[j]!;
      A[j]! -= step * gA[j]!;
    }
    for (let i = 0; i < k; i++) {
      let s = 0;
      for (let b = 0; b < m; b++) s += Y[i * m + b]! ** 2;
      const nr = Math.sqrt(s);
      if (nr > R) for (let b = 0; b < m; b++) Y[i * m + b]! *= R / nr;
    }
    clipSpectralNorm(A, k, m);
  }
  return { Y, A, risk: risk() };
}

/** A (k×m) ← U·diag(min(σ, 1))·Vᵀ: A's singular values clipped at 1 (via the eigen-decomposition of AAᵀ). */
export function clipSpectralNorm(A: Float64Array, k: number, m: number): void {
  const G = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let c = 0; c < k; c++) { let acc = 0; for (let b = 0; b < m; b++) acc += A[a * m + b]! * A[c * m + b]!; G[a * k + c] = acc; }
  const { values, vectors } = symmetricEigen(G, k);
  if (Math.max(...values) <= 1) return;
  // A ← U diag(min(1, 1/σ)) Uᵀ A
  const S = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let c = 0; c < k; c++) {
    let acc = 0;
    for (let e = 0; e < k; e++) {
      const sig = Math.sqrt(Math.max(values[e]!, 0));
      acc += vectors[a * k + e]! * vectors[c * k + e]! * (sig > 1 ? 1 / sig : 1);
    }
    S[a * k + c] = acc;
  }
  const out = new Float64Array(k * m);
  for (let a = 0; a < k; a++) for (let b = 0; b < m; b++) { let acc = 0; for (let c = 0; c < k; c++) acc += S[a * k + c]! * A[c * m + b]!; out[a * m + b] = acc; }
  A.set(out);
}
