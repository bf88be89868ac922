// The neural-collapse page's model, DOM-free: its state (which network, K, sizes, seed), the state in the URL, and
// the experiment spec it runs — core's `ulpm` (seed 002's unconstrained layer-peeled model: GD, then gradient flow to
// t = 1e100 and beyond) or `nc-mnist` (an MLP on K MNIST digits: SGD to 100% training accuracy, then the
// loss-adaptive rate to L far below the double range) — with the `marginflow reproduce` command that makes the same
// result. The page validates every field here (naming the control) before core validates the spec again.
import { ArgumentError, getExperiment, parseExperimentSpec } from "@marginflow/core";
import { num, oneOf } from "./state.js";

export const NC_MODELS = ["ulpm", "layernorm", "plain"] as const;
export type NcModel = (typeof NC_MODELS)[number];

export interface NcState {
  /** "ulpm", or an MLP on MNIST: "layernorm" (784-w-w-LN-K) or "plain" (784-w-w-K) */
  model: NcModel;
  /** K, the classes (MNIST: the digits 0…K−1) */
  classes: number;
  seed: number;
  /** ULPM: n per class, d, the initialization scale, GD's epochs, the flow's horizon log10 t */
  perClass: number;
  dim: number;
  scale: number;
  epochs: number;
  log10T: number;
  /** MNIST: training images per digit, the hidden width, the continuation's target log10 L */
  images: number;
  width: number;
  log10Target: number;
}

/** The page's defaults: a ULPM small enough to reach t = 1e100 in a few seconds on one core (K = 3: the simplex
 *  plane; seed 002's d = 20, n = 10, 10⁴ of its 10⁵ GD epochs), an MLP of 32 units on 30 images per digit to
 *  L = 1e-100. */
export const DEFAULT_NC: Readonly<NcState> = Object.freeze({
  model: "ulpm", classes: 3, seed: 0, perClass: 10, dim: 20, scale: 1, epochs: 10_000, log10T: 100, images: 30, width: 32, log10Target: -100,
} as NcState);

export const NC_LIMITS = {
  classes: [3, 10], seed: [0, 2 ** 31 - 1], perClass: [1, 50], dim: [3, 200], scale: [0.001, 100], epochs: [1, 1_000_000], log10T: [1, 1000],
  images: [2, 200], width: [3, 256], log10Target: [-1000, -1],
} as const;
const INTS = new Set(["classes", "seed", "perClass", "dim", "epochs", "images", "width"]);
const FIELDS = Object.keys(DEFAULT_NC) as (keyof NcState)[];

/** One field from text (a control or the URL): the ArgumentError names `name`. */
export function parseField(k: keyof NcState, raw: string, name: string = k): NcState[keyof NcState] {
  if (k === "model") return oneOf(name, raw, NC_MODELS);
  return num(name, raw, NC_LIMITS[k], INTS.has(k));
}

/** Cross-field checks: the ULPM needs d ≥ K (the experiment's own rule), the MLP's features K − 1 dimensions. */
export function checkNc(s: NcState): void {
  if (s.model === "ulpm" && s.dim < s.classes) throw new ArgumentError("dim", s.dim, `d ≥ K = ${s.classes} (the collapsed optimum is a simplex of K vectors in R^d)`);
  if (s.model !== "ulpm" && s.width < s.classes) throw new ArgumentError("width", s.width, `a width ≥ K = ${s.classes} (the features must span the simplex)`);
}

/** The state as a URL hash: only what differs from the defaults. */
export function encodeNc(s: NcState): string {
  const out = new URLSearchParams();
  for (const k of FIELDS) if (s[k] !== DEFAULT_NC[k]) out.set(k, String(s[k]));
  return out.toString();
}

/** A URL hash back to a state (defaults for what it leaves out); the first bad field is an ArgumentError naming it. */
export function decodeNc(hash: string): NcState {
  const s: Record<string, unknown> = { ...DEFAULT_NC };
  for (const [k, raw] of new URLSearchParams(hash.replace(/^#/, ""))) {
    if (!FIELDS.includes(k as keyof NcState)) throw new ArgumentError(`#${k}`, raw, `a field of the page (${FIELDS.join(", ")})`);
    s[k] = parseField(k as keyof NcState, raw, `#${k}`);
  }
  const st = s as unknown as NcState;
  checkNc(st);
  return st;
}

/** The experiment and its spec (one item): what `marginflow reproduce` takes. */
export function ncSpecOf(s: NcState): { experiment: "ulpm" | "nc-mnist"; spec: Record<string, unknown> } {
  checkNc(s);
  if (s.model === "ulpm") {
    return { experiment: "ulpm", spec: { scales: [s.scale], numClasses: s.classes, perClass: s.perClass, dim: s.dim, epochs: s.epochs, log10T: s.log10T, seed: s.seed } };
  }
  return {
    experiment: "nc-mnist",
    spec: {
      networks: [s.model], digits: Array.from({ length: s.classes }, (_, k) => k), perClass: s.images, testPerClass: 10, width: s.width,
      // a minibatch of at most the training set; the target in natural log, as the spec takes it
      batch: Math.min(50, s.classes * s.images), targetLogL: s.log10Target * Math.LN10, seed: s.seed,
    },
  };
}

/** The spec validated by core (defaults filled in, cross-field checks run) and its one item: what the worker runs. */
export function ncItemOf(s: NcState): { experiment: "ulpm" | "nc-mnist"; spec: Record<string, unknown>; item: unknown } {
  const { experiment, spec } = ncSpecOf(s);
  const e = getExperiment(experiment);
  const items = e.items(parseExperimentSpec(e, spec));
  return { experiment, spec, item: items[0] };
}

const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The command line that makes the same result (flags from the spec's fields, as the CLI names them). */
export function cliCommand(s: NcState): string {
  const { experiment, spec } = ncSpecOf(s);
  const flags = Object.entries(spec).map(([k, v]) => `--${kebab(k)} ${Array.isArray(v) ? v.join(",") : String(v)}`);
  return `npx marginflow reproduce ${experiment} ${flags.join(" ")}`;
}

/** The metrics the page charts for each experiment (the frames' names; "w." = the classifier's). */
export const NC_CHART_METRICS: Record<"ulpm" | "nc-mnist", readonly string[]> = {
  "ulpm": ["nc1Seed002", "equinormMeans", "equiangularityShifted", "w.equinorm", "w.equiangularityShifted", "w.selfDualityPerClass"],
  "nc-mnist": ["nc1", "cdnv", "equinormMeans", "equiangularityShifted", "etfError", "w.etfError", "w.selfDuality"],
};
