// Seeded data for the certificate tests.
import { Rng, matrix, type Matrix } from "../src/index.js";

/** The paper's Fig. 4 mean (‖µ‖ = 1 to 7 digits). */
export const FIG4_MU = Float64Array.of(0.8660254, 0.4330127, 0.25);
export const FIG4_DEPTHS = [1, 5, 10];

/** n points on the SURFACES of B(±µ, r), alternating labels +1, −1 (Rng normals normalized to the sphere). */
export function ballSurfaceSample(mu: Float64Array, r: number, n: number, seed: number): { X: Matrix; y: Float64Array } {
  const d = mu.length;
  const rng = Rng.fromSeed(seed);
  const X = matrix(n, d), y = new Float64Array(n), z = new Float64Array(d);
  for (let k = 0; k < n; k++) {
    rng.fillNormal(z);
    let s = 0;
    for (let j = 0; j < d; j++) s += z[j]! ** 2;
    s = Math.sqrt(s);
    const label = k % 2 === 0 ? 1 : -1;
    for (let j = 0; j < d; j++) X.data[k * d + j] = label * mu[j]! + (r * z[j]!) / s;
    y[k] = label;
  }
  return { X, y };
}

/** Gaussian data in R^d labelled by a random hyperplane (w*, b*), keeping only points with |w*·x + b*| ≥ gap. */
export function separableGaussians(n: number, d: number, seed: number, gap = 0.1, bias = true): { X: Matrix; y: Float64Array; w: Float64Array; b: number } {
  const rng = Rng.fromSeed(seed);
  const w = rng.fillNormal(new Float64Array(d));
  const wn = Math.hypot(...w);
  for (let j = 0; j < d; j++) w[j]! /= wn;
  const b = bias ? 0.3 * rng.normal() : 0;
  const X = matrix(n, d), y = new Float64Array(n), x = new Float64Array(d);
  for (let k = 0; k < n; ) {
    rng.fillNormal(x);
    let s = b;
    for (let j = 0; j < d; j++) s += w[j]! * x[j]!;
    if (Math.abs(s) < gap) continue;
    X.data.set(x, k * d);
    y[k++] = Math.sign(s);
  }
  return { X, y, w, b };
}

export function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! ** 2;
  return Math.sqrt(s);
}

export function expectThrowsArgument(f: () => unknown, argument: string | RegExp): void {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  if (!(caught instanceof Error) || caught.name !== "ArgumentError") throw new Error(`expected ArgumentError, got ${String(caught)}`);
  const arg = (caught as unknown as { argument: string }).argument;
  if (typeof argument === "string" ? arg !== argument : !argument.test(arg)) throw new Error(`expected argument ${argument}, got ${arg}: ${caught.message}`);
}
