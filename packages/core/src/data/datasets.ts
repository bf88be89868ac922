// Seeded datasets. Every sample i draws from the stream rng.split(i), so a dataset is the same whatever part
// of it is generated, in whichever worker.
import { ArgumentError, checkFinite, checkInt } from "../errors.js";
import { Rng } from "../runtime/rng.js";
import type { TrainingSet } from "../dynamics/problem.js";
import { hypotOf } from "../runtime/detmath.js";

function unitVector(mu: readonly number[], path: string): number[] {
  mu.forEach((v, i) => checkFinite(`${path}[${i}]`, v));
  const nrm = hypotOf(mu);
  if (!(nrm > 0)) throw new ArgumentError(path, mu, "a non-zero vector");
  return [...mu];
}

/**
 * n points on the SURFACES of the balls B(±µ, r) (seed 000, Fig. 4): the first ⌈n/2⌉ with label +1 on the
 * sphere around +µ, the rest with label −1 around −µ; directions uniform on the sphere.
 */
export function ballSurfaces(opts: { mu: readonly number[]; r: number; n: number; seed: number }): TrainingSet {
  const mu = unitVector(opts.mu, "mu");
  const r = checkFinite("r", opts.r);
  if (!(r > 0)) throw new ArgumentError("r", r, "a radius > 0");
  const n = checkInt("n", opts.n, 2);
  const d = mu.length;
  const U = sphereDirections(d, n, opts.seed);
  const X = new Float64Array(n * d);
  const labels = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const y = i < Math.ceil(n / 2) ? 1 : -1;
    labels[i] = y;
    for (let k = 0; k < d; k++) X[i * d + k] = y * mu[k]! + r * U[i * d + k]!;
  }
  return { X: { rows: n, cols: d, data: X }, labels };
}

// A sweep over radii draws the same directions for every radius: the last set is kept (per realm/worker).
let lastDirections: { key: string; U: Float64Array } | undefined;

/** n unit directions in R^d, uniform on the sphere; sample i from the stream split(i) of the seed (ballSurfaces puts
 *  sample i at y_i µ + r·u_i: a peer given these directions and the labels has the very same samples). */
export function sphereDirections(d: number, n: number, seed: number): Float64Array {
  const key = `${d}:${n}:${seed}`;
  if (lastDirections?.key === key) return lastDirections.U;
  const root = Rng.fromSeed(seed);
  const U = new Float64Array(n * d);
  const u = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const rng = root.split(i);
    let s = 0;
    do {
      rng.fillNormal(u);
      s = 0;
      for (let k = 0; k < d; k++) s += u[k]! * u[k]!;
      s = Math.sqrt(s);
    } while (s === 0);
    for (let k = 0; k < d; k++) U[i * d + k] = u[k]! / s;
  }
  lastDirections = { key, U };
  return U;
}

/** n samples from N(±µ, σ²I) (binary, labels ±1) — seed 000, Fig. 1. */
export function gaussianPair(opts: { mu: readonly number[]; sigma: number; n: number; seed: number }): TrainingSet {
  const mu = unitVector(opts.mu, "mu");
  const sigma = checkFinite("sigma", opts.sigma);
  if (!(sigma >= 0)) throw new ArgumentError("sigma", sigma, "a standard deviation ≥ 0");
  const n = checkInt("n", opts.n, 2);
  const d = mu.length;
  const root = Rng.fromSeed(opts.seed);
  const X = new Float64Array(n * d);
  const labels = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const rng = root.split(i);
    const y = i < Math.ceil(n / 2) ? 1 : -1;
    labels[i] = y;
    for (let k = 0; k < d; k++) X[i * d + k] = y * mu[k]! + sigma * rng.normal();
  }
  return { X: { rows: n, cols: d, data: X }, labels };
}

/** C classes in R^d, n samples each around means drawn uniformly on the unit sphere (class index labels). */
export function gaussianClasses(opts: { classes: number; dim: number; perClass: number; sigma: number; seed: number }): TrainingSet {
  const C = checkInt("classes", opts.classes, 2);
  const d = checkInt("dim", opts.dim, 1);
  const k = checkInt("perClass", opts.perClass, 1);
  const sigma = checkFinite("sigma", opts.sigma);
  const root = Rng.fromSeed(opts.seed);
  const means = Array.from({ length: C }, (_, c) => {
    const v = root.split(1_000_000 + c).fillNormal(new Float64Array(d));
    const s = hypotOf(v);
    return v.map((x) => x / s);
  });
  const n = C * k;
  const X = new Float64Array(n * d);
  const labels = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const rng = root.split(i);
    const c = i % C;
    labels[i] = c;
    for (let j = 0; j < d; j++) X[i * d + j] = means[c]![j]! + sigma * rng.normal();
  }
  return { X: { rows: n, cols: d, data: X }, labels };
}
