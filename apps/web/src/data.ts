// The page's dataset from its state: core's seeded generators (two Gaussians, the balls of Fig. 4 in the plane,
// K Gaussian classes, the Playground's circle, XOR and spiral), core's train/test split, a CSV read by core's CSV
// reader, and the points added by clicking. DOM-free: Node builds bitwise the same sets from the same state.
import {
  ArgumentError, ballSurfaces, gaussianClasses, gaussianPair, parseCsv, planeDataset, planeFeatures, trainTestSplit,
  type PlaneFeature, type TrainingSet,
} from "@marginflow/core";
import { LIMITS, type PageState, type Point } from "./state.js";

/** The two Gaussians' means ±µ (the run spec's default direction) and the balls' centres ±µ in the plane. */
export const GAUSSIAN_MU = [Math.SQRT1_2, Math.SQRT1_2];
export const BALL_MU = [0.8660254037844386, 0.5];
/** At most this many classes (the page's colours). */
export const MAX_CLASSES = 8;

export interface Bounds {
  x: [number, number];
  y: [number, number];
}

export interface PageData {
  /** 2: labels ±1; K > 2: labels 0…K−1 */
  classes: number;
  train: Point[];
  test: Point[];
  /** the square the heatmap shows: the data's bounding box, padded */
  bounds: Bounds;
}

const toPoints = (d: TrainingSet): Point[] => Array.from({ length: d.X.rows }, (_, i) => [d.X.data[2 * i]!, d.X.data[2 * i + 1]!, d.labels[i]!]);
const toSet = (ps: readonly Point[]): TrainingSet => ({
  X: { rows: ps.length, cols: 2, data: Float64Array.from(ps.flatMap((p) => [p[0], p[1]])) },
  labels: Float64Array.from(ps, (p) => p[2]),
});

/** The class scheme of labels: 2 for ±1, K for 0…K−1 (K ≥ 3); anything else is an error naming `what`. */
export function classesOf(labels: readonly number[], what: string): number {
  const set = [...new Set(labels)].sort((a, b) => a - b);
  if (set.length < 2) throw new ArgumentError(what, `one class (every label is ${set[0] ?? "missing"})`, "at least two classes: a classifier needs both kinds of points");
  if (set.length === 2 && set[0] === -1 && set[1] === 1) return 2;
  if (set.every((c, i) => c === i) && set.length >= 3 && set.length <= MAX_CLASSES) return set.length;
  throw new ArgumentError(what, `labels ${set.slice(0, 6).join(", ")}${set.length > 6 ? ", …" : ""}`, `±1 (two classes), 0 and 1, or class indices 0…K−1 with 3 ≤ K ≤ ${MAX_CLASSES}`);
}

/** The generated (or uploaded) samples before the split. */
function samples(s: PageState): { set: TrainingSet; classes: number } {
  switch (s.dataset) {
    case "gaussians":
      return { set: gaussianPair({ mu: GAUSSIAN_MU, sigma: s.noise, n: s.n, seed: s.seed }), classes: 2 };
    case "balls":
      return { set: ballSurfaces({ mu: BALL_MU, r: s.radius, n: s.n, seed: s.seed }), classes: 2 };
    case "blobs":
      return { set: gaussianClasses({ classes: s.classes, dim: 2, perClass: Math.max(1, Math.round(s.n / s.classes)), sigma: s.noise, seed: s.seed }), classes: s.classes };
    case "csv":
      if (s.csv.length < 2) throw new ArgumentError("CSV", `${s.csv.length} rows`, "an uploaded CSV with at least two rows (choose a file)");
      return { set: toSet(s.csv), classes: classesOf(s.csv.map((p) => p[2]), "CSV labels") };
    default:
      return { set: planeDataset({ shape: s.dataset, n: s.n, noise: s.noise, seed: s.seed }), classes: 2 };
  }
}

/** The training and held-out points of a state (the clicked points go to training), and the view's bounds. */
export function makePageData(s: PageState): PageData {
  const { set, classes } = samples(s);
  const { train, test } = trainTestSplit(set, s.ratio, s.seed);
  s.added.forEach((p, i) => {
    const ok = classes === 2 ? p[2] === 1 || p[2] === -1 : Number.isInteger(p[2]) && p[2] >= 0 && p[2] < classes;
    if (!ok) throw new ArgumentError(`added[${i}]`, p[2], `a label of this dataset (${classes === 2 ? "±1" : `0…${classes - 1}`}): clear the added points`);
  });
  const trainPoints = [...toPoints(train), ...s.added];
  const all = [...toPoints(set), ...s.added];
  return { classes, train: trainPoints, test: toPoints(test), bounds: boundsOf(all) };
}

/** A square around the points, padded by 10% of its side (the heatmap is square). */
export function boundsOf(points: readonly Point[]): Bounds {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const [a, b] of points) {
    x0 = Math.min(x0, a); x1 = Math.max(x1, a);
    y0 = Math.min(y0, b); y1 = Math.max(y1, b);
  }
  const side = Math.max(x1 - x0, y1 - y0, 1e-9) * 1.2;
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  return { x: [cx - side / 2, cx + side / 2], y: [cy - side / 2, cy + side / 2] };
}

/** A CSV's text as points: a header row with a column "label" and two feature columns (core's reader checks the
 *  cells; this checks the shape: two features, at most LIMITS.points rows, two or more classes; 0/1 become ±1). */
export function loadCsv(text: string, source: string): Point[] {
  let rows = 0;
  for (let i = text.indexOf("\n"); i >= 0 && rows <= LIMITS.points + 1; i = text.indexOf("\n", i + 1)) rows++;
  if (rows > LIMITS.points + 1) {
    throw new ArgumentError(source, `more than ${LIMITS.points} rows`, `at most ${LIMITS.points} rows in a browser tab (the CLI's \`marginflow run\` takes a csv data spec of up to 1e6 rows)`);
  }
  const t = parseCsv(text, { label: "label", columns: null, source });
  if (t.X.cols !== 2) throw new ArgumentError(`${source} columns`, t.columns.join(", "), 'two feature columns besides "label" (x1 and x2, in that order)');
  const labels = Array.from(t.labels);
  const set = [...new Set(labels)].sort((a, b) => a - b);
  const zeroOne = set.length === 2 && set[0] === 0 && set[1] === 1;
  const pts = toPoints(t).map((p): Point => (zeroOne ? [p[0], p[1], p[2] === 1 ? 1 : -1] : p));
  classesOf(pts.map((p) => p[2]), `${source} labels`);
  return pts;
}

/** The model's inputs at points (x1, x2): the chosen features, rows of the inline table. */
export function featureRows(points: readonly Point[], features: readonly PlaneFeature[]): number[][] {
  const f = planeFeatures(points.flatMap((p) => [p[0], p[1]]), features);
  const k = features.length;
  return Array.from({ length: points.length }, (_, i) => Array.from(f.subarray(i * k, (i + 1) * k)));
}

/** The heatmap's grid: G×G cell centres, row 0 at the top (largest x2), in the model's features (row-major). */
export function gridInputs(b: Bounds, G: number, features: readonly PlaneFeature[]): Float64Array {
  const pts = new Float64Array(2 * G * G);
  for (let r = 0; r < G; r++) {
    for (let c = 0; c < G; c++) {
      pts[2 * (r * G + c)] = b.x[0] + ((c + 0.5) / G) * (b.x[1] - b.x[0]);
      pts[2 * (r * G + c) + 1] = b.y[1] - ((r + 0.5) / G) * (b.y[1] - b.y[0]);
    }
  }
  return planeFeatures(pts, features);
}
