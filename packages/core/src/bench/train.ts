// The training-step benchmark's marginflow side: SGD steps (forward, cross-entropy, backward, momentum update) of
// the two networks the peers time (f64; the MLP in f32 too) (bench/peers/train_torch.py, train-tfjs.mjs) — an MLP 784-256-256-LN-10 and a
// small conv net — batch 128, on fixed random data, an epoch of steps per kernel call. Steps/s are medians over
// repeats; FLOPs per step are counted as the peers count them (2·m·n·k per GEMM: forward, dW, and dX except for the
// first layer; a conv as its im2col GEMM). Plain data out: the CLI prints it beside the peers' rows.
import type { Runtime } from "../runtime/kernels.js";
import { Rng } from "../runtime/rng.js";
import { compileModel } from "../models/compile.js";
import type { ModelSpec } from "../models/spec.js";
import { initialize } from "../models/init.js";
import { Trainer } from "../train/trainer.js";
import { epochOrder } from "../train/train.js";

/** Defaults of benchTrain's options. */
export const TRAIN_BENCH_DEFAULTS = {
  /** steps per timed run (one kernel call) */
  steps: 20,
  /** timed runs (the median is reported), after one warm-up run */
  repeat: 5,
  batch: 128,
} as const;

/** The benchmark's networks, as the peers define them. */
export const TRAIN_BENCH_MODELS: Record<"mlp" | "conv", ModelSpec> = {
  mlp: {
    kind: "net", inputs: 784, outputs: 10,
    layers: [{ type: "dense", units: 256 }, { type: "relu" }, { type: "dense", units: 256 }, { type: "relu" }, { type: "layernorm" }, { type: "dense", units: 10 }],
  },
  conv: {
    kind: "net", inputs: 784, shape: [28, 28, 1], outputs: 10,
    layers: [
      { type: "conv", channels: 8, kernel: 3, padding: 1 }, { type: "relu" }, { type: "maxpool", size: 2 },
      { type: "conv", channels: 16, kernel: 3, padding: 1 }, { type: "relu" }, { type: "maxpool", size: 2 }, { type: "dense", units: 10 },
    ],
  },
};

/** FLOPs of one step, counted as the peers count them. */
export const TRAIN_BENCH_FLOPS = {
  mlp: (b: number) => 2 * b * (784 * 256 + 256 * 256 + 256 * 10) * 3 - 2 * b * 784 * 256,
  conv: (b: number) => {
    const c1 = 2 * b * 784 * 8 * 9, c2 = 2 * b * 196 * 16 * 72, d = 2 * b * 784 * 10;
    return 3 * (c1 + c2 + d) - c1;
  },
};

export interface TrainBenchRow {
  framework: "marginflow";
  model: "mlp" | "conv";
  dtype: "float64" | "float32";
  batch: number;
  stepsPerSec: number;
  flopsPerStep: number;
  gflops: number;
  /** steps/s of each timed run */
  runs: number[];
}

export interface TrainBenchOptions {
  steps?: number;
  repeat?: number;
  onProgress?: (what: string) => void;
}

/** Median steps/s of marginflow's SGD step on both networks (f64; the MLP also in f32), one thread. */
export function benchTrain(rt: Runtime, options: TrainBenchOptions = {}): TrainBenchRow[] {
  const steps = options.steps ?? TRAIN_BENCH_DEFAULTS.steps, repeat = options.repeat ?? TRAIN_BENCH_DEFAULTS.repeat, batch = TRAIN_BENCH_DEFAULTS.batch;
  const rows: TrainBenchRow[] = [];
  for (const [name, precision] of [["mlp", "f64"], ["mlp", "f32"], ["conv", "f64"]] as const) {
    options.onProgress?.(`marginflow ${name} ${precision}`);
    const model = compileModel(TRAIN_BENCH_MODELS[name]);
    const n = steps * batch, rng = Rng.fromSeed(11);
    const X = { rows: n, cols: 784, data: rng.fillUniform(new Float64Array(n * 784)) };
    const labels = Float64Array.from({ length: n }, (_, i) => i % 10);
    const tr = new Trainer(rt, model, { X, labels }, initialize(model, { kind: "he", seed: 1 }), { loss: "logistic", batch, momentum: 0.9, precision });
    try {
      const lrs = new Float64Array(steps).fill(0.01);
      const runs: number[] = [];
      for (let r = 0; r <= repeat; r++) {
        const order = epochOrder(0, r, n, steps, batch);
        const t0 = performance.now();
        const { completed } = tr.steps(order, lrs);
        if (completed !== steps) throw new Error(`bench train: ${name} stopped after ${completed} of ${steps} steps (non-finite loss)`);
        const dt = (performance.now() - t0) / 1000;
        if (r > 0) runs.push(steps / dt); // run 0 warms up
      }
      const med = [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
      const flops = TRAIN_BENCH_FLOPS[name](batch);
      rows.push({ framework: "marginflow", model: name, dtype: precision === "f32" ? "float32" : "float64", batch, stepsPerSec: med, flopsPerStep: flops, gflops: (med * flops) / 1e9, runs });
    } finally {
      tr.dispose();
    }
  }
  return rows;
}
