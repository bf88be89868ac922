// The training engine: Trainer.steps (one kernel call per run of SGD steps) against a plain-TS SGD loop on the
// kernels' gradients, and against PyTorch (same initial weights, same batches, f64, 100 steps: a peer,
// bench/peers/train_torch.py replay); train()'s determinism, schedules, weight-decay groups and divergence status;
// the loss-adaptive continuation below the double range; full-batch GD and gradient flow on conv/BN nets.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ArgumentError, ModelEvaluator, Rng, Runtime, Trainer, compileModel, continueTerminal, epochOrder, epochRates, gradientDescent, gradientFlow, initialize, matrix,
  train, weightDecayVector, type ModelSpec,
} from "../src/index.js";

let rt: Runtime;
beforeAll(async () => {
  rt = await Runtime.create();
});

const mlp: ModelSpec = {
  kind: "net", inputs: 6, outputs: 3,
  layers: [{ type: "dense", units: 8 }, { type: "relu" }, { type: "dense", units: 8 }, { type: "relu" }, { type: "layernorm" }, { type: "dense", units: 3 }],
};
function problem(n: number, seed: number, spec: ModelSpec = mlp) {
  const model = compileModel(spec);
  const rng = Rng.fromSeed(seed);
  const X = matrix(n, model.inputs, rng.fillNormal(new Float64Array(n * model.inputs)));
  const labels = Float64Array.from({ length: n }, (_, i) => i % model.outputs);
  return { model, data: { X, labels }, theta0: initialize(model, { kind: "he", seed }) };
}

describe("Trainer.steps: the SGD update of torch.optim.SGD, in the kernels", () => {
  it.each([
    ["plain SGD", 0, false, 0],
    ["heavy ball + weight decay", 0.9, false, 1e-3],
    ["Nesterov + weight decay", 0.8, true, 5e-3],
  ] as const)("%s equals a plain-TS loop on the kernels' gradients (1e-12)", (_n, momentum, nesterov, wd) => {
    const { model, data, theta0 } = problem(24, 1);
    const batch = 6, steps = 12;
    const order = Int32Array.from({ length: steps * batch }, (_, i) => (i * 7) % 24);
    const lrs = Float64Array.from({ length: steps }, (_, s) => 0.05 / (1 + s));
    const tr = new Trainer(rt, model, data, theta0, { loss: "logistic", batch, momentum, nesterov, decay: new Float64Array(model.size).fill(wd) });
    let got: Float64Array;
    try {
      tr.steps(order, lrs);
      got = tr.params;
    } finally {
      tr.dispose();
    }
    const ev = new ModelEvaluator(rt, model);
    const th = theta0.slice(), v = new Float64Array(model.size);
    for (let s = 0; s < steps; s++) {
      const rows = Array.from(order.subarray(s * batch, (s + 1) * batch));
      const Xb = matrix(batch, model.inputs, Float64Array.from(rows.flatMap((r) => Array.from(data.X.data.subarray(r * 6, r * 6 + 6)))));
      const lb = Float64Array.from(rows.map((r) => data.labels[r]!));
      const l = ev.loss("logistic", ev.forward(th, Xb), lb);
      const g = ev.backward(th, Xb, l.grad);
      const L = Math.exp(l.logL);
      for (let j = 0; j < th.length; j++) {
        let d = L * g[j]! + wd * th[j]!;
        if (momentum) {
          v[j] = momentum * v[j]! + d;
          d = nesterov ? d + momentum * v[j]! : v[j]!;
        }
        th[j]! -= lrs[s]! * d;
      }
    }
    for (let j = 0; j < th.length; j++) expect(Math.abs(got[j]! - th[j]!)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(th[j]!)));
  });
});

const torchPeer = join(__dirname, "..", "..", "..", "bench", "peers", "train_torch.py");

describe("against PyTorch (peer: train_torch.py replay, f64)", () => {
  it.each([
    ["plain SGD, cross-entropy", { momentum: 0, nesterov: false, weightDecay: 0, loss: "ce" }],
    ["Nesterov momentum, weight decay, square loss", { momentum: 0.9, nesterov: true, weightDecay: 1e-3, loss: "square" }],
  ] as const)("%s: the same network after 100 steps agrees to 1e-9", (_n, opt) => {
    const spec: ModelSpec = {
      kind: "net", inputs: 20, outputs: 4,
      layers: [{ type: "dense", units: 32 }, { type: "relu" }, { type: "dense", units: 32 }, { type: "relu" }, { type: "layernorm" }, { type: "dense", units: 4 }],
    };
    const { model, data, theta0 } = problem(200, 3, spec);
    const batch = 20, steps = 100, lr = 0.05;
    const order = new Int32Array(steps * batch);
    for (let e = 0; e < steps / 10; e++) order.set(epochOrder(5, e, 200, 10, batch), e * 10 * batch);
    const loss = opt.loss === "ce" ? "logistic" : "square";
    const tr = new Trainer(rt, model, data, theta0, { loss, batch, momentum: opt.momentum, nesterov: opt.nesterov, ...(opt.weightDecay ? { decay: new Float64Array(model.size).fill(opt.weightDecay) } : {}) });
    let ours: Float64Array, logs: Float64Array;
    try {
      logs = tr.steps(order, new Float64Array(steps).fill(lr)).logLosses;
      ours = tr.params;
    } finally {
      tr.dispose();
    }
    const g = (name: string) => model.groups.find((x) => x.name === name)!;
    const slice = (name: string) => Array.from(theta0.subarray(g(name).offset, g(name).offset + g(name).size));
    const dense = (i: number, inp: number, out: number) => ({ kind: "dense", in: inp, out, W: slice(`layer${i}.weight`), b: slice(`layer${i}.bias`) });
    const input = {
      layers: [dense(1, 20, 32), { kind: "relu" }, dense(3, 32, 32), { kind: "relu" }, { kind: "lnorm" }, dense(6, 32, 4)],
      X: Array.from(data.X.data), d: 20, y: Array.from(data.labels),
      batches: Array.from({ length: steps }, (_, s) => Array.from(order.subarray(s * batch, (s + 1) * batch))),
      lr, momentum: opt.momentum, nesterov: opt.nesterov, weightDecay: opt.weightDecay, loss: opt.loss,
    };
    // npm test installs Debian's python3-torch (scripts/ensure-system-deps.mjs); without it this test fails, never skips
    expect(existsSync("/usr/bin/python3") && spawnSync("/usr/bin/python3", ["-c", "import torch"]).status === 0, "PyTorch for /usr/bin/python3 (apt-get install python3-torch)").toBe(true);
    const r = spawnSync("/usr/bin/python3", [torchPeer, "replay"], { input: JSON.stringify(input), encoding: "utf8", maxBuffer: 1 << 26 });
    expect(r.status, r.stderr).toBe(0);
    const peer = JSON.parse(r.stdout) as { theta: number[][]; losses: number[] };
    const theirs = peer.theta.flat();
    expect(theirs.length).toBe(model.size);
    let worst = 0, moved = 0;
    for (let j = 0; j < model.size; j++) {
      worst = Math.max(worst, Math.abs(ours[j]! - theirs[j]!) / (1 + Math.abs(theirs[j]!)));
      moved = Math.max(moved, Math.abs(ours[j]! - theta0[j]!));
    }
    expect(moved).toBeGreaterThan(0.05); // the run went somewhere
    expect(worst).toBeLessThanOrEqual(1e-9);
    for (let s = 0; s < steps; s++) expect(Math.abs(Math.exp(logs[s]!) - peer.losses[s]!)).toBeLessThanOrEqual(1e-9 * (1 + peer.losses[s]!));
  }, 60_000);
});

describe("train(): minibatch SGD with evaluations", () => {
  it("is bitwise reproducible from its seed, and the seed changes the batches", () => {
    const { model, data, theta0 } = problem(60, 2);
    const opts = { loss: "logistic" as const, epochs: 4, batch: 10, lr: 0.1, momentum: 0.9, collapse: true };
    const a = train(rt, model, data, theta0, opts), b = train(rt, model, data, theta0, opts), c = train(rt, model, data, theta0, { ...opts, seed: 1 });
    expect(Buffer.from(a.theta.buffer).equals(Buffer.from(b.theta.buffer))).toBe(true);
    expect(Buffer.from(a.theta.buffer).equals(Buffer.from(c.theta.buffer))).toBe(false);
    expect(a.history.map((h) => h.epoch)).toEqual([0, 1, 2, 3, 4]);
    expect(a.history[4]!.logL).toBeLessThan(a.history[0]!.logL);
    expect(a.history[4]!.collapse!.nc1).toBeLessThan(a.history[0]!.collapse!.nc1);
    expect(a.status).toBe("epochs");
  });
  it("a rate that diverges ends with status 'diverged' naming the epoch and step, θ finite", () => {
    const { model, data, theta0 } = problem(40, 3);
    const r = train(rt, model, data, theta0, { loss: "square", epochs: 5, batch: 10, lr: 1e8 });
    expect(r.status).toBe("diverged");
    expect(r.note).toMatch(/non-finite at epoch \d, step \d+ \(lr 100000000\)/);
    expect(r.theta.every(Number.isFinite)).toBe(true);
    expect(r.history.every((h) => Number.isFinite(h.logL))).toBe(true);
  });
  it("stops at 100% training accuracy when asked", () => {
    const { model, data, theta0 } = problem(30, 4);
    const r = train(rt, model, data, theta0, { loss: "logistic", epochs: 500, batch: 10, lr: 0.1, momentum: 0.9, stopAtAccuracy: 1 });
    expect(r.status).toBe("accuracy");
    expect(r.history[r.history.length - 1]!.accuracy).toBe(1);
    expect(r.epochs).toBeLessThan(500);
  });
  it("schedules: step decay and cosine annealing by their closed forms", () => {
    expect(Array.from(epochRates({ kind: "step", every: 2, factor: 0.5 }, 0.8, 5, 10, 2))).toEqual([0.2, 0.2]);
    const cos = epochRates({ kind: "cosine", final: 0.1 }, 1, 0, 1, 5);
    expect(cos[0]).toBe(1);
    expect(cos[4]).toBeCloseTo(0.1, 15);
    expect(cos[2]).toBeCloseTo(0.1 + 0.9 * 0.5, 15);
    expect(Array.from(epochRates({}, 0.3, 7, 10, 3))).toEqual([0.3, 0.3, 0.3]);
  });
  it("weight decay per group: names and patterns; an unknown group is an error listing the groups", () => {
    const { model } = problem(10, 5);
    const v = weightDecayVector(model, { "*.weight": 1e-3, "layer6.weight": 0 })!;
    const g = (n: string) => model.groups.find((x) => x.name === n)!;
    expect(v[g("layer1.weight").offset]).toBe(1e-3);
    expect(v[g("layer1.bias").offset]).toBe(0);
    expect(v[g("layer6.weight").offset]).toBe(0);
    expect(() => weightDecayVector(model, { "layer9.weight": 1 })).toThrow(/weightDecay\["layer9.weight"\].*layer1.weight/);
  });
  it("bad input: labels outside 0…K−1, NaN in the data, a batch larger than the set", () => {
    const { model, data, theta0 } = problem(12, 6);
    const bad = { X: data.X, labels: data.labels.map((v, i) => (i === 4 ? 3 : v)) };
    expect(() => train(rt, model, bad, theta0, { loss: "logistic", epochs: 1, batch: 4, lr: 0.1 })).toThrow(/data\.labels\[4\].*class index in 0…2/);
    const nan = { X: { ...data.X, data: data.X.data.map((v, i) => (i === 7 ? NaN : v)) }, labels: data.labels };
    expect(() => train(rt, model, nan, theta0, { loss: "logistic", epochs: 1, batch: 4, lr: 0.1 })).toThrow(ArgumentError);
    expect(() => train(rt, model, data, theta0, { loss: "logistic", epochs: 1, batch: 13, lr: 0.1 })).toThrow(/batch.*1…12/);
  });
});

describe("Trainer input checks", () => {
  it("a row index outside the data or a non-finite rate is an error before the kernel runs", () => {
    const { model, data, theta0 } = problem(12, 14);
    const tr = new Trainer(rt, model, data, theta0, { loss: "logistic", batch: 4 });
    try {
      expect(() => tr.steps(Int32Array.of(0, 1, 2, 12), Float64Array.of(0.1))).toThrow(/order\[3\].*row index in 0…11/);
      expect(() => tr.steps(Int32Array.of(0, 1, 2, 3), Float64Array.of(NaN))).toThrow(/lrs\[0\]/);
    } finally {
      tr.dispose();
    }
    const mark = rt.arena.mark();
    expect(() => new Trainer(rt, model, data, theta0, { loss: "logistic", batch: 4, precision: "f16" as "f32" })).toThrow(/precision/);
    expect(rt.arena.mark()).toBe(mark); // a failed constructor leaves nothing in the arena
  });
});

describe("the loss-adaptive continuation", () => {
  it("continues a batch-norm network from train()'s running statistics", () => {
    const { model, data, theta0 } = problem(30, 15, { kind: "net", inputs: 6, outputs: 3, layers: [{ type: "dense", units: 16 }, { type: "batchnorm" }, { type: "relu" }, { type: "dense", units: 3 }] });
    const sgd = train(rt, model, data, theta0, { loss: "logistic", epochs: 30, batch: 10, lr: 0.1, momentum: 0.9 });
    const c = continueTerminal(rt, model, data, sgd.theta, { loss: "logistic", runningStats: sgd.runningStats, maxSteps: 5, collapse: false });
    const last = sgd.history[sgd.history.length - 1]!;
    expect(c.history[0]!.accuracy).toBe(last.accuracy);
    expect(c.history[0]!.logL).toBeCloseTo(last.logL, 12);
    expect(c.runningStats.length).toBe(model.stateSize);
  });
  it("carries log L below the double range (L < 1e-300) with rollbacks, log L falling at every record", () => {
    const { model, data, theta0 } = problem(30, 7, { kind: "net", inputs: 6, outputs: 3, layers: [{ type: "dense", units: 16 }, { type: "relu" }, { type: "dense", units: 3 }] });
    const sgd = train(rt, model, data, theta0, { loss: "logistic", epochs: 400, batch: 10, lr: 0.1, momentum: 0.9, stopAtAccuracy: 1 });
    expect(sgd.status).toBe("accuracy");
    const c = continueTerminal(rt, model, data, sgd.theta, { loss: "logistic", momentum: 0.99, targetLogL: -800, recordEvery: 50, collapse: false });
    expect(c.status).toBe("target");
    expect(c.logL).toBeLessThan(-800);
    expect(c.history.every((h, i) => i === 0 || h.logL < c.history[i - 1]!.logL)).toBe(true);
    expect(c.history.every((h) => h.accuracy === 1)).toBe(true);
    expect(c.logT).toBeGreaterThan(Math.log(1e100));
  });
});

describe("full-batch GD and gradient flow on the same networks", () => {
  const conv: ModelSpec = {
    kind: "net", inputs: 36, shape: [6, 6, 1], outputs: 2,
    layers: [{ type: "conv", channels: 3, kernel: 3, padding: 1 }, { type: "batchnorm" }, { type: "relu" }, { type: "avgpool", size: 2 }, { type: "dense", units: 2 }],
  };
  it("Trainer with batch n is gradientDescent's full-batch GD (1e-12)", () => {
    const { model, data, theta0 } = problem(16, 8, conv);
    const gd = gradientDescent(rt, model, data, "logistic", theta0, { lr: 0.2, steps: 15 });
    const tr = new Trainer(rt, model, data, theta0, { loss: "logistic", batch: 16 });
    try {
      tr.steps(Int32Array.from({ length: 15 * 16 }, (_, i) => i % 16), new Float64Array(15).fill(0.2));
      const th = tr.params;
      for (let j = 0; j < th.length; j++) expect(Math.abs(th[j]! - gd.theta[j]!)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(th[j]!)));
    } finally {
      tr.dispose();
    }
  });
  it("gradientFlow runs on a conv + batch-norm net and lowers the loss", () => {
    // smooth (no ReLU): flows through ReLU kinks of conv nets take the natural ReLU and chatter (docs/training.md)
    const smooth: ModelSpec = { ...conv, layers: conv.layers.filter((l) => l.type !== "relu") } as ModelSpec;
    const { model, data, theta0 } = problem(16, 9, smooth);
    const f = gradientFlow(rt, model, data, "logistic", theta0, { rtol: 1e-7, atol: 1e-9, log10T: 2, cascade: "off", budgetMs: 20_000 });
    expect(f.status).toBe("horizon");
    const ev = new ModelEvaluator(rt, model);
    const logL = (th: Float64Array) => ev.loss("logistic", ev.forward(th, data.X), data.labels).logL;
    expect(logL(f.theta)).toBeLessThan(logL(theta0) - 0.1);
  });
});

describe("f32 training (precision: 'f32', f32x4 GEMM)", () => {
  it("a short run agrees with the same run in f64 to f32 precision (and is not f64)", () => {
    const spec: ModelSpec = {
      kind: "net", inputs: 30, outputs: 5,
      layers: [{ type: "dense", units: 40 }, { type: "relu" }, { type: "dense", units: 40 }, { type: "relu" }, { type: "layernorm" }, { type: "dense", units: 5 }],
    };
    const { model, data, theta0 } = problem(100, 11, spec);
    const t32 = Float64Array.from(Float32Array.from(theta0)); // the same start in both precisions
    const order = new Int32Array(20 * 10);
    for (let e = 0; e < 2; e++) order.set(epochOrder(1, e, 100, 10, 10), e * 100);
    const X32 = { X: { ...data.X, data: Float64Array.from(Float32Array.from(data.X.data)) }, labels: data.labels };
    const run = (precision: "f64" | "f32") => {
      const tr = new Trainer(rt, model, X32, t32, { loss: "logistic", batch: 10, momentum: 0.9, precision });
      try {
        const logs = tr.steps(order, new Float64Array(20).fill(0.05)).logLosses;
        return { theta: tr.params, logs };
      } finally {
        tr.dispose();
      }
    };
    const a = run("f64"), b = run("f32");
    let worst = 0, moved = 0;
    for (let j = 0; j < model.size; j++) {
      worst = Math.max(worst, Math.abs(a.theta[j]! - b.theta[j]!) / (1 + Math.abs(a.theta[j]!)));
      moved = Math.max(moved, Math.abs(a.theta[j]! - t32[j]!));
    }
    const eps32 = 2 ** -23;
    expect(moved).toBeGreaterThan(0.01);
    expect(worst).toBeGreaterThan(eps32 / 100); // it did run in single precision
    expect(worst).toBeLessThanOrEqual(20 * eps32); // measured 1.3 ε32 after 20 steps
    for (let s = 0; s < 20; s++) expect(Math.abs(a.logs[s]! - b.logs[s]!)).toBeLessThanOrEqual(1e-4);
  });
  it("a network f32 cannot run is an error naming the precision", () => {
    const { model, data, theta0 } = problem(8, 12, { kind: "net", inputs: 6, outputs: 3, layers: [{ type: "dense", units: 4 }, { type: "batchnorm" }, { type: "dense", units: 3 }] });
    expect(() => new Trainer(rt, model, data, theta0, { loss: "logistic", batch: 4, precision: "f32" })).toThrow(/precision.*dense, relu and layernorm/);
  });
});

describe("f32 overflow", () => {
  it("a rate that overflows f32 ends the run as diverged (never an Inf or NaN result)", () => {
    const { model, data, theta0 } = problem(40, 13);
    const r = train(rt, model, data, theta0, { loss: "square", epochs: 5, batch: 10, lr: 1e12, precision: "f32" });
    expect(r.status).toBe("diverged");
    expect(r.theta.every(Number.isFinite)).toBe(true);
  });
});
