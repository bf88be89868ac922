// Two-dimensional toy datasets of the kind TensorFlow Playground shows (a disc inside a ring, XOR quadrants, two
// interleaved spirals), a seeded train/test split, and the Playground's input features (x1², x1x2, sin x1, …).
// As in datasets.ts, sample i draws from the stream rng.split(i): the same set in Node and in a browser, bitwise.
import { ArgumentError, checkFinite, checkInt } from "../errors.js";
import { Rng } from "../runtime/rng.js";
import type { TrainingSet } from "../dynamics/problem.js";
import { cos, sin } from "../runtime/detmath.js";

export type PlaneShape = "circle" | "xor" | "spiral";
export const PLANE_SHAPES: readonly PlaneShape[] = ["circle", "xor", "spiral"];

/** The Playground's input features of a point (x1, x2), by name. */
export const PLANE_FEATURES = ["x1", "x2", "x1^2", "x2^2", "x1x2", "sin(x1)", "sin(x2)"] as const;
export type PlaneFeature = (typeof PLANE_FEATURES)[number];

const FEATURE: Record<PlaneFeature, (a: number, b: number) => number> = {
  x1: (a) => a,
  x2: (_, b) => b,
  "x1^2": (a) => a * a,
  "x2^2": (_, b) => b * b,
  x1x2: (a, b) => a * b,
  "sin(x1)": (a) => sin(a),
  "sin(x2)": (_, b) => sin(b),
};

/**
 * n points in the plane, labels ±1 (the first ⌈n/2⌉ +1), each coordinate jittered by N(0, noise²):
 * - "circle": +1 uniform in the disc of radius 0.5, −1 uniform in the ring 0.9 ≤ ‖x‖ ≤ 1.4;
 * - "xor": uniform in [−1.2, 1.2]² away from the axes (|x_k| ≥ 0.05), label sign(x1·x2) — so the first half is
 *   drawn in the quadrants I and III, the rest in II and IV;
 * - "spiral": two arms, ‖x‖ = 0.1 + 1.3s at angle 3.5πs (+π for −1), s uniform in [0, 1].
 */
export function planeDataset(opts: { shape: PlaneShape; n: number; noise: number; seed: number }): TrainingSet {
  const { shape } = opts;
  if (!PLANE_SHAPES.includes(shape)) throw new ArgumentError("shape", shape, `one of ${PLANE_SHAPES.join(", ")}`);
  const n = checkInt("n", opts.n, 2);
  const noise = checkFinite("noise", opts.noise);
  if (!(noise >= 0)) throw new ArgumentError("noise", noise, "a standard deviation ≥ 0");
  const root = Rng.fromSeed(opts.seed);
  const X = new Float64Array(2 * n);
  const labels = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const rng = root.split(i);
    const y = i < Math.ceil(n / 2) ? 1 : -1;
    let a: number, b: number;
    if (shape === "circle") {
      const r = y > 0 ? 0.5 * Math.sqrt(rng.uniform()) : Math.sqrt(0.81 + (1.96 - 0.81) * rng.uniform());
      const phi = 2 * Math.PI * rng.uniform();
      a = r * cos(phi);
      b = r * sin(phi);
    } else if (shape === "xor") {
      const side = rng.uniform() < 0.5 ? 1 : -1; // quadrant I or III for +1, II or IV for −1
      a = side * (0.05 + 1.15 * rng.uniform());
      b = y * side * (0.05 + 1.15 * rng.uniform());
    } else {
      const s = rng.uniform();
      const r = 0.1 + 1.3 * s, phi = 3.5 * Math.PI * s + (y > 0 ? 0 : Math.PI);
      a = r * cos(phi);
      b = r * sin(phi);
    }
    X[2 * i] = a + (noise > 0 ? noise * rng.normal() : 0);
    X[2 * i + 1] = b + (noise > 0 ? noise * rng.normal() : 0);
    labels[i] = y;
  }
  return { X: { rows: n, cols: 2, data: X }, labels };
}

/** A seeded split: the samples in a random order (Fisher–Yates from the seed's stream), the first
 *  round(trainFraction·n) for training (at least one in each part), the rest held out. */
export function trainTestSplit(data: TrainingSet, trainFraction: number, seed: number): { train: TrainingSet; test: TrainingSet } {
  const f = checkFinite("trainFraction", trainFraction);
  if (!(f > 0 && f < 1)) throw new ArgumentError("trainFraction", f, "a fraction in (0, 1)");
  const n = data.X.rows, d = data.X.cols;
  if (n < 2) throw new ArgumentError("data", `${n} samples`, "at least 2 samples to split");
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  const rng = Rng.fromSeed(seed).split(0x7e57);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const k = Math.min(n - 1, Math.max(1, Math.round(f * n)));
  const part = (idx: Uint32Array): TrainingSet => {
    const X = new Float64Array(idx.length * d), labels = new Float64Array(idx.length);
    idx.forEach((i, r) => {
      X.set(data.X.data.subarray(i * d, (i + 1) * d), r * d);
      labels[r] = data.labels[i]!;
    });
    return { X: { rows: idx.length, cols: d, data: X }, labels };
  };
  return { train: part(order.subarray(0, k)), test: part(order.subarray(k)) };
}

/** The named features of points (x1, x2) given row-major (2 values a point): rows × features.length, row-major. */
export function planeFeatures(points: ArrayLike<number>, features: readonly PlaneFeature[]): Float64Array {
  if (points.length % 2 !== 0) throw new ArgumentError("points", `${points.length} values`, "(x1, x2) pairs");
  if (features.length === 0) throw new ArgumentError("features", features, `at least one of ${PLANE_FEATURES.join(", ")}`);
  const fs = features.map((f, i) => {
    const fn = FEATURE[f];
    if (!fn) throw new ArgumentError(`features[${i}]`, f, `one of ${PLANE_FEATURES.join(", ")}`);
    return fn;
  });
  const n = points.length / 2, k = fs.length;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const a = points[2 * i]!, b = points[2 * i + 1]!;
    for (let j = 0; j < k; j++) out[i * k + j] = fs[j]!(a, b);
  }
  return out;
}
