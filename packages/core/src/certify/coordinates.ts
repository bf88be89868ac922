// Coordinate sets of the asymmetric problems: which coordinates carry λmax (penalized), and the rate levels of
// the unbalanced diagonal network β_i = Π_{j≤D_i} θ_ij, whose parameters have rate λ_ij = 1/D_i (seed 000, §3).
import { ArgumentError } from "../errors.js";

/** A mask of the λmax coordinates: a count m (the first m coordinates, 1 ≤ m ≤ d) or a boolean per coordinate. */
export type CoordinateSpec = number | ArrayLike<boolean>;

export function coordinateMask(name: string, spec: CoordinateSpec, d: number): Uint8Array {
  const mask = new Uint8Array(d);
  if (typeof spec === "number") {
    if (!Number.isInteger(spec) || spec < 1 || spec > d) throw new ArgumentError(name, spec, `a count of leading coordinates in [1, ${d}]`);
    mask.fill(1, 0, spec);
    return mask;
  }
  if (typeof spec !== "object" || spec === null || spec.length !== d) throw new ArgumentError(name, spec, `a count m or ${d} booleans`);
  let any = false;
  for (let i = 0; i < d; i++) {
    if (typeof spec[i] !== "boolean") throw new ArgumentError(`${name}[${i}]`, spec[i], "a boolean");
    mask[i] = spec[i] ? 1 : 0;
    any ||= !!spec[i];
  }
  if (!any) throw new ArgumentError(name, spec, "at least one λmax coordinate");
  return mask;
}

/** Depths D_i: positive integers, one per coordinate. */
export function checkDepths(depths: unknown, d: number, name = "depths"): Int32Array {
  const ds = depths as ArrayLike<number>;
  if (typeof depths !== "object" || depths === null || ds.length !== d) throw new ArgumentError(name, depths, `${d} depths (one positive integer per coordinate)`);
  const out = new Int32Array(d);
  for (let i = 0; i < d; i++) {
    const v = ds[i];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 1e6) throw new ArgumentError(`${name}[${i}]`, v, "a positive integer depth");
    out[i] = v;
  }
  return out;
}

/** The distinct depths in increasing order = the rate levels 1/D in decreasing order (level 0 is λmax). */
export function rateLevels(depths: Int32Array): number[] {
  return Array.from(new Set(depths)).sort((a, b) => a - b);
}

export type CoordinateRole = "penalized" | "free" | "zeroed";

/** Conjecture 5.1 at the level of depth D: higher rates (D_i < D) zeroed, rate 1/D penalized, lower rates free. */
export function rolesAtDepth(depths: Int32Array, D: number): CoordinateRole[] {
  return Array.from(depths, (Di) => (Di < D ? "zeroed" : Di === D ? "penalized" : "free"));
}
