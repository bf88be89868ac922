// Initial parameters for a compiled model, the schemes a researcher reaches for: standard normal with a scale, He
// (N(0, 2/fan_in) weights, zero biases), Glorot (N(0, 2/(fan_in + fan_out)) weights, zero biases), and seed 001's
// "normal, rescaled so that every layer's weight matrix has a given Frobenius norm" (biases 0; a weight-normalized
// layer W = ρ·V/‖V‖_F gets ρ = norm, one with a gain per row g_r = norm/√rows, so that ‖W‖_F = norm too). Deterministic:
// the seed and the layout fix every entry (each group draws from its own split of the seed's stream).
import { ArgumentError, checkFinite, checkInt } from "../errors.js";
import { Rng } from "../runtime/rng.js";
import type { CompiledModel } from "./compile.js";

/** Defaults of initialize() — the one place they are written. */
export const INIT_DEFAULTS = {
  /** the scheme */
  kind: "normal",
  /** multiplies every entry ("normal": the standard deviation) */
  scale: 1,
  /** "frobenius": each weight matrix's Frobenius norm */
  norm: 1,
  seed: 0,
} as const;

export interface InitOptions {
  /** "normal": N(0, scale²) everywhere; "he", "glorot": weights by fan, biases 0, times scale; "frobenius": normal
   *  weights rescaled to Frobenius norm `norm` per layer (weight-normalized layers: their scale or gains set so that
   *  ‖W‖_F = norm, the directions unit normal), biases 0. Default "normal". */
  kind?: "normal" | "he" | "glorot" | "frobenius";
  /** > 0. Default 1. */
  scale?: number;
  /** "frobenius": the norm of each layer's weight matrix (> 0). Default 1. */
  norm?: number;
  /** Default 0. */
  seed?: number;
}

/** θ0 for the model by the chosen scheme. */
export function initialize(model: CompiledModel, options: InitOptions = {}): Float64Array {
  const kind = options.kind ?? INIT_DEFAULTS.kind;
  if (!["normal", "he", "glorot", "frobenius"].includes(kind)) throw new ArgumentError("options.kind", kind, '"normal", "he", "glorot" or "frobenius"');
  const scale = checkFinite("options.scale", options.scale ?? INIT_DEFAULTS.scale);
  if (!(scale > 0)) throw new ArgumentError("options.scale", scale, "a scale > 0");
  const norm = checkFinite("options.norm", options.norm ?? INIT_DEFAULTS.norm);
  if (!(norm > 0)) throw new ArgumentError("options.norm", norm, "a Frobenius norm > 0");
  const seed = checkInt("options.seed", options.seed ?? INIT_DEFAULTS.seed, 0);
  const theta = new Float64Array(model.size);
  const root = Rng.fromSeed(seed);
  model.groups.forEach((g, k) => {
    const part = theta.subarray(g.offset, g.offset + g.size);
    const weight = g.name.endsWith(".weight");
    const bias = g.name.endsWith(".bias");
    if (kind !== "normal" && bias) return; // fan-based schemes start biases at 0
    if (kind === "frobenius" && (g.name.endsWith(".scale") || g.name.endsWith(".gain"))) {
      part.fill(g.name.endsWith(".scale") ? norm : norm / Math.sqrt(g.size)); // ‖W‖_F = norm: ρ, or g_r over the rows
      return;
    }
    root.split(k).fillNormal(part, 0, 1);
    let s = scale;
    if (weight && (kind === "he" || kind === "glorot")) {
      const [fanOut, fanIn] = g.shape as [number, number];
      s *= Math.sqrt(kind === "he" ? 2 / fanIn : 2 / (fanIn + fanOut));
    } else if (weight && kind === "frobenius") {
      let f2 = 0;
      for (const v of part) f2 += v * v;
      s = norm / Math.sqrt(f2);
    } // other groups (the factors of diagonal networks): unit normal times scale
    for (let i = 0; i < part.length; i++) part[i]! *= s;
  });
  return theta;
}
