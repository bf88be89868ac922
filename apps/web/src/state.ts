// The page's whole state as plain data, its defaults, its ranges, and its URL form (the hash): every control of
// the page is one field here, so a URL reproduces the page. DOM-free: Node tests round-trip it.
import { ArgumentError, PLANE_FEATURES, type PlaneFeature } from "@marginflow/core";

export const DATASETS = ["gaussians", "circle", "xor", "spiral", "balls", "blobs", "csv"] as const;
export type DatasetKind = (typeof DATASETS)[number];
export const LOSSES = ["exp", "logistic", "crossEntropy", "square"] as const;
export type PageLoss = (typeof LOSSES)[number];
export const DYNAMICS = ["flow", "gd", "sgd"] as const;
export type PageDynamics = (typeof DYNAMICS)[number];
/** The network: hidden layers (ReLU or linear), or seed 000's unbalanced diagonal network β_i = Π_{j<D_i} θ_ij. */
export const NETWORKS = ["layers", "diagonal"] as const;

/** A point: x1, x2 and its label (±1 for two classes, 0…K−1 for K classes). */
export type Point = [number, number, number];

export interface PageState {
  dataset: DatasetKind;
  /** samples generated (train + test) */
  n: number;
  /** gaussians, blobs: σ of each coordinate; circle, XOR, spiral: the jitter's σ; balls: unused */
  noise: number;
  /** balls: the radius r of both (seed 000, Fig. 4; separable for r < 1) */
  radius: number;
  /** blobs: the number of classes K */
  classes: number;
  /** fraction of the samples used for training (the rest is the held-out set) */
  ratio: number;
  /** seeds the data, the split, the initialization and the minibatches */
  seed: number;
  features: PlaneFeature[];
  network: (typeof NETWORKS)[number];
  /** the diagonal network: one depth D_i per input feature (rates 1/D_i: seed 000, §3) */
  depths: number[];
  /** hidden layer widths, input side first */
  hidden: number[];
  activation: "relu" | "linear";
  bias: boolean;
  residual: boolean;
  layerNorm: boolean;
  loss: PageLoss;
  dynamics: PageDynamics;
  /** flow: the horizon as log10 t */
  log10T: number;
  /** descent: learning rate, steps, momentum, weight decay, minibatch size (sgd), the loss-adaptive rate */
  lr: number;
  steps: number;
  momentum: number;
  weightDecay: number;
  batch: number;
  adaptive: boolean;
  /** stop once log10 L falls below this (null: no threshold) */
  stopLog10Loss: number | null;
  /** a CSV's rows (dataset "csv"): split like generated data */
  csv: Point[];
  /** points added by clicking: always in the training set */
  added: Point[];
}

export const DEFAULT_STATE: Readonly<PageState> = Object.freeze({
  dataset: "gaussians", n: 200, noise: 0.25, radius: 0.75, classes: 3, ratio: 0.5, seed: 0,
  features: ["x1", "x2"], network: "layers", depths: [1, 5], hidden: [8, 8], activation: "relu", bias: true, residual: false, layerNorm: false,
  loss: "exp", dynamics: "flow", log10T: 100, lr: 0.1, steps: 1000, momentum: 0, weightDecay: 0, batch: 10, adaptive: false,
  stopLog10Loss: null, csv: [], added: [],
} as PageState);

export const LIMITS = {
  n: [4, 2000], noise: [0, 2], radius: [0.01, 2], classes: [3, 8], ratio: [0.1, 0.9], seed: [0, 2 ** 31 - 1],
  layers: 6, width: [1, 16], depth: [1, 16], log10T: [0, 1000], lr: [1e-6, 100], steps: [1, 1_000_000], momentum: [0, 0.99],
  weightDecay: [0, 10], batch: [1, 10_000], stopLog10Loss: [-100_000, 10], points: 10_000,
} as const;

/** A number field of a URL or a control: in [lo, hi] (an integer with `int`), or an ArgumentError naming it. */
export const num = (name: string, raw: string, [lo, hi]: readonly [number, number], int = false): number => {
  const v = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(v) || v < lo || v > hi || (int && !Number.isInteger(v))) {
    throw new ArgumentError(name, raw, `${int ? "an integer" : "a number"} in [${lo}, ${hi}]`);
  }
  return v;
};
/** One of `values`, or an ArgumentError naming the field. */
export const oneOf = <T extends string>(name: string, raw: string, values: readonly T[]): T => {
  if (!values.includes(raw as T)) throw new ArgumentError(name, raw, `one of ${values.join(", ")}`);
  return raw as T;
};
const bool = (name: string, raw: string): boolean => {
  if (raw !== "0" && raw !== "1") throw new ArgumentError(name, raw, "0 or 1");
  return raw === "1";
};

/** Points as "x1,x2,label;…" with each number's shortest round-trip text (bitwise exact). */
export function formatPoints(points: readonly Point[]): string {
  return points.map((p) => p.map(String).join(",")).join(";");
}

export function parsePoints(name: string, raw: string): Point[] {
  if (raw === "") return [];
  const rows = raw.split(";");
  if (rows.length > LIMITS.points) throw new ArgumentError(name, `${rows.length} points`, `at most ${LIMITS.points}`);
  return rows.map((r, i) => {
    const v = r.split(",").map(Number);
    if (v.length !== 3 || !v.every(Number.isFinite)) throw new ArgumentError(`${name}[${i}]`, r, "x1,x2,label (three finite numbers)");
    return v as Point;
  });
}

/** The state as a URL hash (without "#"): only the fields that differ from the defaults, in a fixed order. */
export function encodeState(s: PageState): string {
  const d = DEFAULT_STATE;
  const out = new URLSearchParams();
  const put = (k: keyof PageState, v: string, dv: string) => void (v !== dv && out.set(k, v));
  for (const k of ["dataset", "network", "activation", "loss", "dynamics"] as const) put(k, s[k], d[k]);
  for (const k of ["n", "noise", "radius", "classes", "ratio", "seed", "log10T", "lr", "steps", "momentum", "weightDecay", "batch"] as const) put(k, String(s[k]), String(d[k]));
  for (const k of ["bias", "residual", "layerNorm", "adaptive"] as const) put(k, s[k] ? "1" : "0", d[k] ? "1" : "0");
  put("features", s.features.join(","), d.features.join(","));
  put("hidden", s.hidden.join(","), d.hidden.join(","));
  put("depths", s.depths.join(","), d.depths.join(","));
  put("stopLog10Loss", s.stopLog10Loss === null ? "" : String(s.stopLog10Loss), "");
  put("csv", formatPoints(s.csv), "");
  put("added", formatPoints(s.added), "");
  return out.toString();
}

/** A URL hash back to a state: defaults for what it leaves out; the first bad field is an ArgumentError naming it. */
export function decodeState(hash: string): PageState {
  const q = new URLSearchParams(hash.replace(/^#/, ""));
  const s: PageState = { ...DEFAULT_STATE, features: [...DEFAULT_STATE.features], hidden: [...DEFAULT_STATE.hidden], depths: [...DEFAULT_STATE.depths], csv: [], added: [] };
  const known = new Set<string>(Object.keys(DEFAULT_STATE));
  for (const [k, raw] of q) {
    if (!known.has(k)) throw new ArgumentError(`#${k}`, raw, `a field of the page (${[...known].join(", ")})`);
    const at = `#${k}`;
    switch (k) {
      case "dataset": s.dataset = oneOf(at, raw, DATASETS); break;
      case "network": s.network = oneOf(at, raw, NETWORKS); break;
      case "activation": s.activation = oneOf(at, raw, ["relu", "linear"] as const); break;
      case "loss": s.loss = oneOf(at, raw, LOSSES); break;
      case "dynamics": s.dynamics = oneOf(at, raw, DYNAMICS); break;
      case "n": s.n = num(at, raw, LIMITS.n, true); break;
      case "noise": s.noise = num(at, raw, LIMITS.noise); break;
      case "radius": s.radius = num(at, raw, LIMITS.radius); break;
      case "classes": s.classes = num(at, raw, LIMITS.classes, true); break;
      case "ratio": s.ratio = num(at, raw, LIMITS.ratio); break;
      case "seed": s.seed = num(at, raw, LIMITS.seed, true); break;
      case "log10T": s.log10T = num(at, raw, LIMITS.log10T); break;
      case "lr": s.lr = num(at, raw, LIMITS.lr); break;
      case "steps": s.steps = num(at, raw, LIMITS.steps, true); break;
      case "momentum": s.momentum = num(at, raw, LIMITS.momentum); break;
      case "weightDecay": s.weightDecay = num(at, raw, LIMITS.weightDecay); break;
      case "batch": s.batch = num(at, raw, LIMITS.batch, true); break;
      case "bias": case "residual": case "layerNorm": case "adaptive": s[k] = bool(at, raw); break;
      case "features": {
        const fs = raw.split(",").map((f, i) => oneOf(`${at}[${i}]`, f, PLANE_FEATURES));
        if (fs.length === 0 || new Set(fs).size !== fs.length) throw new ArgumentError(at, raw, "distinct features, at least one");
        s.features = fs;
        break;
      }
      case "hidden": {
        const ws = raw === "" ? [] : raw.split(",").map((w, i) => num(`${at}[${i}]`, w, LIMITS.width, true));
        if (ws.length > LIMITS.layers) throw new ArgumentError(at, raw, `at most ${LIMITS.layers} hidden layers`);
        s.hidden = ws;
        break;
      }
      case "depths": {
        const ds = raw.split(",").map((w, i) => num(`${at}[${i}]`, w, LIMITS.depth, true));
        if (ds.length > PLANE_FEATURES.length) throw new ArgumentError(at, raw, `at most ${PLANE_FEATURES.length} depths (one per input feature)`);
        s.depths = ds;
        break;
      }
      case "stopLog10Loss": s.stopLog10Loss = raw === "" ? null : num(at, raw, LIMITS.stopLog10Loss); break;
      case "csv": case "added": s[k] = parsePoints(at, raw); break;
    }
  }
  return s;
}
