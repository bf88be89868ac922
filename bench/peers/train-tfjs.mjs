// TF.js peer of marginflow's training step, in Node:
//   node bench/peers/train-tfjs.mjs [--backend wasm|cpu] [--steps N] [--repeat R] [--warmup W]
// times the "mlp" float32 SGD step of train_torch.py (Linear 784→256, ReLU, Linear 256→256, ReLU, layer norm without
// affine (eps 1e-5, as nn.LayerNorm), Linear 256→10; softmax cross-entropy; tf.train.momentum lr 0.01 momentum 0.9) on
// fixed random data, batch 128: W warm-up steps, then R runs of N steps; writes one JSON object
// {"framework": "tfjs-<backend>", "model": "mlp", "dtype": "float32", "batch": 128, "stepsPerSec" (median run),
//  "flopsPerStep", "gflops", "runs": [steps/s per run], "tfjs": version, "threads": 1}.
// The wasm backend loads its binary from the installed package (never the network; fetch is disabled here) and runs
// single-threaded (Node has no wasm threads in tfjs; setThreadsCount(1) as well).
import { createRequire } from "node:module";
import path from "node:path";

const fail = (msg) => {
  process.stderr.write(`train-tfjs.mjs: ${msg}\n`);
  process.exit(2);
};

const args = process.argv.slice(2);
const opt = { backend: "wasm" };
for (let i = 0; i < args.length; i += 2) {
  const key = args[i]?.replace(/^--/, "");
  if (!args[i]?.startsWith("--") || !["backend", "steps", "repeat", "warmup"].includes(key) || i + 1 >= args.length)
    fail(`bad argument ${JSON.stringify(args[i])} (flags: --backend wasm|cpu, --steps N, --repeat R, --warmup W)`);
  opt[key] = args[i + 1];
}
if (!["wasm", "cpu"].includes(opt.backend)) fail(`--backend must be wasm or cpu (got ${opt.backend})`);
// Defaults keep one backend's run near 10 s here (wasm ~28 steps/s, cpu ~7 steps/s).
const defaults = opt.backend === "wasm" ? { steps: 40, repeat: 5, warmup: 10 } : { steps: 10, repeat: 3, warmup: 2 };
for (const key of ["steps", "repeat", "warmup"]) {
  const v = opt[key] === undefined ? defaults[key] : Number(opt[key]);
  if (!Number.isInteger(v) || v < (key === "warmup" ? 0 : 1)) fail(`--${key} must be a positive integer (got ${opt[key]})`);
  opt[key] = v;
}

// Nothing may be fetched at run time.
globalThis.fetch = () => {
  throw new Error("train-tfjs.mjs: network fetch attempted");
};

// Resolve the packages from the CLI workspace, which depends on them.
const require = createRequire(new URL("../../apps/cli/package.json", import.meta.url));
let tf;
try {
  tf = require("@tensorflow/tfjs");
} catch (e) {
  fail(`cannot load @tensorflow/tfjs (npm install -w @marginflow/cli): ${e.message}`);
}
if (opt.backend === "wasm") {
  const wasm = require("@tensorflow/tfjs-backend-wasm");
  const dist = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm"));
  wasm.setWasmPaths(dist + path.sep);
  wasm.setThreadsCount?.(1);
}
if (!(await tf.setBackend(opt.backend))) fail(`backend ${opt.backend} failed to initialise`);
await tf.ready();

// A small deterministic generator (mulberry32) for weights and data.
let seed = 12345;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const uniform = (n, a) => Float32Array.from({ length: n }, () => (2 * rand() - 1) * a);

const B = 128;
const dims = [[784, 256], [256, 256], [256, 10]];
const params = dims.map(([i, o]) => ({
  W: tf.variable(tf.tensor2d(uniform(i * o, 1 / Math.sqrt(i)), [i, o])), // as nn.Linear's init range
  b: tf.variable(tf.tensor1d(uniform(o, 1 / Math.sqrt(i)))),
}));
const x = tf.tensor2d(uniform(B * 784, Math.sqrt(3)), [B, 784]);
const labels = Int32Array.from({ length: B }, () => Math.floor(rand() * 10));
const y = tf.oneHot(tf.tensor1d(labels, "int32"), 10).toFloat();
const optimizer = tf.train.momentum(0.01, 0.9);

const layerNorm = (h) => {
  const c = tf.sub(h, tf.mean(h, 1, true));
  return tf.div(c, tf.sqrt(tf.add(tf.mean(tf.square(c), 1, true), 1e-5)));
};
const forward = () => {
  let h = tf.relu(tf.add(tf.matMul(x, params[0].W), params[0].b));
  h = tf.relu(tf.add(tf.matMul(h, params[1].W), params[1].b));
  h = layerNorm(h);
  return tf.add(tf.matMul(h, params[2].W), params[2].b);
};
const lossFn = () => tf.losses.softmaxCrossEntropy(y, forward());
const step = (wantLoss) => tf.tidy(() => {
  const cost = optimizer.minimize(lossFn, wantLoss);
  return wantLoss ? cost.dataSync()[0] : undefined; // dataSync ends the run: every kernel has finished
});

for (let i = 0; i < opt.warmup; i++) step(i === opt.warmup - 1);
const runs = [];
for (let r = 0; r < opt.repeat; r++) {
  const t = performance.now();
  for (let i = 0; i < opt.steps; i++) step(i === opt.steps - 1);
  runs.push(opt.steps / ((performance.now() - t) / 1000));
}
const tensorsBefore = tf.memory().numTensors; // after the optimizer made its momentum slots
const loss = step(true);
if (!Number.isFinite(loss)) fail(`loss is not finite (${loss})`);
if (tf.memory().numTensors !== tensorsBefore) fail(`a step leaks tensors: ${tensorsBefore} → ${tf.memory().numTensors}`);

const flopsPerStep = dims.reduce((s, [i, o], j) => s + 2 * B * i * o * (j === 0 ? 2 : 3), 0); // forward, dW, dX but the first
const sorted = [...runs].sort((a, b) => a - b);
const h = sorted.length >> 1;
const median = sorted.length % 2 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
process.stdout.write(JSON.stringify({
  framework: `tfjs-${opt.backend}`, model: "mlp", dtype: "float32", batch: B, stepsPerSec: median, flopsPerStep,
  gflops: (median * flopsPerStep) / 1e9, runs, tfjs: tf.version.tfjs, threads: 1,
}) + "\n");
