// radau3-tmp.ts
import { runOne, runtime } from "@marginflow/core";

// src/state.ts
import { ArgumentError, PLANE_FEATURES } from "@marginflow/core";
var DEFAULT_STATE = Object.freeze({
  dataset: "gaussians",
  n: 200,
  noise: 0.25,
  radius: 0.75,
  classes: 3,
  ratio: 0.5,
  seed: 0,
  features: ["x1", "x2"],
  network: "layers",
  depths: [1, 5],
  hidden: [8, 8],
  activation: "relu",
  bias: true,
  residual: false,
  layerNorm: false,
  loss: "exp",
  dynamics: "flow",
  log10T: 100,
  lr: 0.1,
  steps: 1e3,
  momentum: 0,
  weightDecay: 0,
  batch: 10,
  adaptive: false,
  stopLog10Loss: null,
  csv: [],
  added: []
});
var LIMITS = {
  n: [4, 2e3],
  noise: [0, 2],
  radius: [0.01, 2],
  classes: [3, 8],
  ratio: [0.1, 0.9],
  seed: [0, 2 ** 31 - 1],
  layers: 6,
  width: [1, 16],
  depth: [1, 16],
  log10T: [0, 1e3],
  lr: [1e-6, 100],
  steps: [1, 1e6],
  momentum: [0, 0.99],
  weightDecay: [0, 10],
  batch: [1, 1e4],
  stopLog10Loss: [-1e5, 10],
  points: 1e4
};

// src/data.ts
import {
  ArgumentError as ArgumentError2,
  ballSurfaces,
  gaussianClasses,
  gaussianPair,
  parseCsv,
  planeDataset,
  planeFeatures,
  trainTestSplit
} from "@marginflow/core";
var GAUSSIAN_MU = [Math.SQRT1_2, Math.SQRT1_2];
var BALL_MU = [0.8660254037844386, 0.5];
var MAX_CLASSES = 8;
var toPoints = (d) => Array.from({ length: d.X.rows }, (_, i) => [d.X.data[2 * i], d.X.data[2 * i + 1], d.labels[i]]);
var toSet = (ps) => ({
  X: { rows: ps.length, cols: 2, data: Float64Array.from(ps.flatMap((p) => [p[0], p[1]])) },
  labels: Float64Array.from(ps, (p) => p[2])
});
function classesOf(labels, what) {
  const set = [...new Set(labels)].sort((a, b) => a - b);
  if (set.length < 2) throw new ArgumentError2(what, `one class (every label is ${set[0] ?? "missing"})`, "at least two classes: a classifier needs both kinds of points");
  if (set.length === 2 && set[0] === -1 && set[1] === 1) return 2;
  if (set.every((c, i) => c === i) && set.length >= 3 && set.length <= MAX_CLASSES) return set.length;
  throw new ArgumentError2(what, `labels ${set.slice(0, 6).join(", ")}${set.length > 6 ? ", \u2026" : ""}`, `\xB11 (two classes), 0 and 1, or class indices 0\u2026K\u22121 with 3 \u2264 K \u2264 ${MAX_CLASSES}`);
}
function samples(s2) {
  switch (s2.dataset) {
    case "gaussians":
      return { set: gaussianPair({ mu: GAUSSIAN_MU, sigma: s2.noise, n: s2.n, seed: s2.seed }), classes: 2 };
    case "balls":
      return { set: ballSurfaces({ mu: BALL_MU, r: s2.radius, n: s2.n, seed: s2.seed }), classes: 2 };
    case "blobs":
      return { set: gaussianClasses({ classes: s2.classes, dim: 2, perClass: Math.max(1, Math.round(s2.n / s2.classes)), sigma: s2.noise, seed: s2.seed }), classes: s2.classes };
    case "csv":
      if (s2.csv.length < 2) throw new ArgumentError2("CSV", `${s2.csv.length} rows`, "an uploaded CSV with at least two rows (choose a file)");
      return { set: toSet(s2.csv), classes: classesOf(s2.csv.map((p) => p[2]), "CSV labels") };
    default:
      return { set: planeDataset({ shape: s2.dataset, n: s2.n, noise: s2.noise, seed: s2.seed }), classes: 2 };
  }
}
function makePageData(s2) {
  const { set, classes } = samples(s2);
  const { train, test } = trainTestSplit(set, s2.ratio, s2.seed);
  s2.added.forEach((p, i) => {
    const ok = classes === 2 ? p[2] === 1 || p[2] === -1 : Number.isInteger(p[2]) && p[2] >= 0 && p[2] < classes;
    if (!ok) throw new ArgumentError2(`added[${i}]`, p[2], `a label of this dataset (${classes === 2 ? "\xB11" : `0\u2026${classes - 1}`}): clear the added points`);
  });
  const trainPoints = [...toPoints(train), ...s2.added];
  const all = [...toPoints(set), ...s2.added];
  return { classes, train: trainPoints, test: toPoints(test), bounds: boundsOf(all) };
}
function boundsOf(points) {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const [a, b] of points) {
    x0 = Math.min(x0, a);
    x1 = Math.max(x1, a);
    y0 = Math.min(y0, b);
    y1 = Math.max(y1, b);
  }
  const side = Math.max(x1 - x0, y1 - y0, 1e-9) * 1.2;
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  return { x: [cx - side / 2, cx + side / 2], y: [cy - side / 2, cy + side / 2] };
}
function featureRows(points, features) {
  const f = planeFeatures(points.flatMap((p) => [p[0], p[1]]), features);
  const k = features.length;
  return Array.from({ length: points.length }, (_, i) => Array.from(f.subarray(i * k, (i + 1) * k)));
}

// src/spec.ts
import { ArgumentError as ArgumentError3, getExperiment, parseExperimentSpec } from "@marginflow/core";
function outputsOf(s2, classes) {
  return classes === 2 && s2.loss !== "crossEntropy" ? 1 : classes;
}
function labelsFor(points, outputs) {
  return points.map((p) => outputs === 1 || p[2] >= 0 ? p[2] : 0);
}
function inlineData(s2, points, outputs) {
  return { kind: "inline", X: featureRows(points, s2.features), labels: labelsFor(points, outputs) };
}
function runSpecOf(s2, data) {
  const outputs = outputsOf(s2, data.classes);
  const inputs = s2.features.length;
  if (s2.activation === "linear" && s2.residual) throw new ArgumentError3("residual", true, "ReLU layers (residual connections are offered for ReLU networks)");
  if (s2.network === "diagonal") {
    if (s2.depths.length !== inputs) throw new ArgumentError3("depths", s2.depths.join(","), `one depth per input feature (${inputs}: ${s2.features.join(", ")})`);
    if (outputs !== 1) throw new ArgumentError3("network", "diagonal", `two classes and a one-output loss (the diagonal network has one output; this dataset has ${data.classes} classes${s2.loss === "crossEntropy" ? " or the loss is cross-entropy" : ""})`);
  }
  const model = s2.network === "diagonal" ? { kind: "diagonal", depths: s2.depths } : s2.activation === "relu" ? { kind: "mlp", inputs, hidden: s2.hidden, outputs, bias: s2.bias, residual: s2.residual, layerNorm: s2.layerNorm } : { kind: "deepLinear", inputs, hidden: s2.hidden, outputs, bias: s2.bias, layerNorm: s2.layerNorm };
  const stop = s2.stopLog10Loss === null ? {} : { stopLog10Loss: s2.stopLog10Loss };
  const dynamics = s2.dynamics === "flow" ? { kind: "flow", log10T: s2.log10T, ...s2.weightDecay > 0 ? { weightDecay: s2.weightDecay } : {}, ...stop } : {
    kind: "descent",
    lr: s2.lr,
    steps: s2.steps,
    momentum: s2.momentum,
    weightDecay: s2.weightDecay,
    batchSize: s2.dynamics === "sgd" ? s2.batch : null,
    adaptive: s2.adaptive ? "loss" : "none",
    ...stop
  };
  return {
    name: `web-${s2.dataset}`,
    seed: s2.seed,
    model,
    data: inlineData(s2, data.train, outputs),
    loss: s2.loss === "crossEntropy" ? "logistic" : s2.loss,
    // the diagonal network starts from all-ones, as Fig. 4 does (seed 000)
    init: s2.network === "diagonal" ? { kind: "constant", value: 1 } : { kind: "he" },
    dynamics
  };
}
function parseRunSpec(spec2) {
  return parseExperimentSpec(getExperiment("run"), spec2);
}

// radau3-tmp.ts
var rt = await runtime();
var over = JSON.parse(process.argv[2] ?? "{}");
var s = { ...DEFAULT_STATE, ...over };
var spec = runSpecOf(s, makePageData(s));
var sp = parseRunSpec({ ...spec, dynamics: { ...spec.dynamics, budgetSeconds: Number(process.argv[3] ?? 60) } });
var t0 = performance.now();
var r = runOne(rt, sp);
console.log(JSON.stringify(over), (performance.now() - t0).toFixed(0), "ms", r.stop, r.status, r.log10t, r.note ?? "", JSON.stringify(r.warnings ?? []).slice(0, 600), JSON.stringify(r.stats ?? r.solver ?? {}).slice(0, 400));
console.log(Object.keys(r).join(","));
