// "net" models (conv, pooling, batch/layer/weight normalization, residual blocks) in the kernels: forward passes
// against the plain-TS reference (src/reference/net.ts, nested loops, no GEMM), backward passes against central
// differences of the kernels' own forward (f64, relative error ≤ 1e-6), batch normalization's running statistics
// against PyTorch's update rule, and the geometry errors of layers that do not chain.
import { beforeAll, describe, expect, it } from "vitest";
import { ArgumentError, ModelEvaluator, Rng, Runtime, Trainer, compileModel, matrix, type Matrix, type ModelSpec } from "../src/index.js";
import { net as ref } from "../src/reference/index.js";

let rt: Runtime;
beforeAll(async () => {
  rt = await Runtime.create();
});

type Net = Extract<ModelSpec, { kind: "net" }>;
const img = (H: number, W: number, C: number) => ({ inputs: H * W * C, shape: [H, W, C] });
const nets: [string, Net][] = [
  ["dense layers with and without bias", { kind: "net", inputs: 5, outputs: 3, layers: [{ type: "dense", units: 4 }, { type: "relu" }, { type: "dense", units: 3, bias: false }] }],
  ["weight-normalized rows and a Frobenius-normalized layer", {
    kind: "net", inputs: 5, outputs: 2,
    layers: [{ type: "dense", units: 4, norm: "weight" }, { type: "relu" }, { type: "dense", units: 2, norm: "frobenius", bias: false }],
  }],
  ["conv 3×3 stride 1 pad 1, ReLU, max pool 2, dense", {
    kind: "net", ...img(6, 6, 2), outputs: 3,
    layers: [{ type: "conv", channels: 3, kernel: 3, padding: 1 }, { type: "relu" }, { type: "maxpool", size: 2 }, { type: "dense", units: 3 }],
  }],
  ["conv 2×2 stride 2 no bias, average pool 3 stride 1", {
    kind: "net", ...img(8, 7, 1), outputs: 2,
    layers: [{ type: "conv", channels: 2, kernel: 2, stride: 2, bias: false }, { type: "avgpool", size: 2, stride: 1 }, { type: "dense", units: 2 }],
  }],
  ["weight-normalized conv per output channel, stride 2, padding 1, with bias", {
    kind: "net", ...img(6, 5, 2), outputs: 2,
    layers: [{ type: "conv", channels: 3, kernel: 3, stride: 2, padding: 1, norm: "weight" }, { type: "relu" }, { type: "dense", units: 2 }],
  }],
  ["seed 001's WN variant: Frobenius-normalized convs without bias, ReLU, a Frobenius-normalized dense", {
    kind: "net", ...img(7, 7, 1), outputs: 1,
    layers: [{ type: "conv", channels: 2, kernel: 3, stride: 2, bias: false, norm: "frobenius" }, { type: "relu" }, { type: "conv", channels: 3, kernel: 3, bias: false, norm: "frobenius" }, { type: "relu" }, { type: "dense", units: 1, bias: false, norm: "frobenius" }],
  }],
  ["batch norm without affine after a conv (seed 001's layer), then dense", {
    kind: "net", ...img(5, 5, 2), outputs: 2,
    layers: [{ type: "conv", channels: 3, kernel: 3, padding: 1 }, { type: "batchnorm" }, { type: "relu" }, { type: "dense", units: 2 }],
  }],
  ["batch norm with affine on a dense layer, layer norm", {
    kind: "net", inputs: 4, outputs: 3,
    layers: [{ type: "dense", units: 6 }, { type: "batchnorm", affine: true }, { type: "relu" }, { type: "dense", units: 5 }, { type: "layernorm" }, { type: "dense", units: 3 }],
  }],
  ["a residual block of two dense layers", {
    kind: "net", inputs: 4, outputs: 1,
    layers: [{ type: "dense", units: 5 }, { type: "relu" }, { type: "residual", layers: [{ type: "dense", units: 5 }, { type: "relu" }, { type: "dense", units: 5 }] }, { type: "dense", units: 1 }],
  }],
  ["a residual conv block", {
    kind: "net", ...img(4, 4, 2), outputs: 2,
    layers: [{ type: "residual", layers: [{ type: "conv", channels: 2, kernel: 3, padding: 1 }, { type: "relu" }] }, { type: "dense", units: 2 }],
  }],
];

function sample(spec: Net, n: number, seed: number) {
  const model = compileModel(spec);
  const rng = Rng.fromSeed(seed);
  const theta = rng.fillNormal(new Float64Array(model.size), 0, 0.7);
  const X = matrix(n, model.inputs, rng.fillNormal(new Float64Array(n * model.inputs)));
  return { model, theta, X };
}

describe("net forward passes match the plain-TS reference", () => {
  it.each(nets)("%s", (_name, spec) => {
    const { model, theta, X } = sample(spec, 9, 1);
    const f = new ModelEvaluator(rt, model).forward(theta, X);
    const want = ref.netForward(spec, theta, X);
    expect(want.used).toBe(model.size);
    for (let i = 0; i < f.data.length; i++) expect(Math.abs(f.data[i]! - want.data[i]!)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(want.data[i]!)));
  });
});

describe("net backward passes match central differences (f64, relative error ≤ 1e-6)", () => {
  it.each(nets)("%s", (_name, spec) => {
    const { model, theta, X } = sample(spec, 6, 2);
    const ev = new ModelEvaluator(rt, model);
    const G = matrix(X.rows, model.outputs, Rng.fromSeed(3).fillNormal(new Float64Array(X.rows * model.outputs)));
    const grad = ev.backward(theta, X, G);
    const objective = (th: Float64Array) => ev.forward(th, X).data.reduce((s, v, i) => s + G.data[i]! * v, 0);
    let checked = 0;
    for (let k = 0; k < model.size; k++) {
      const h = 1e-6 * Math.max(1, Math.abs(theta[k]!));
      const tp = theta.slice(), tm = theta.slice();
      tp[k]! += h;
      tm[k]! -= h;
      const fd = (objective(tp) - objective(tm)) / (2 * h);
      expect(Math.abs(grad[k]! - fd), `∂/∂θ[${k}] (${model.groups.find((g) => k >= g.offset && k < g.offset + g.size)!.name})`).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(fd)));
      checked++;
    }
    expect(checked).toBe(model.size);
  });
});

describe("log-domain losses: ∇θ log L against central differences", () => {
  const spec: Net = { kind: "net", inputs: 4, outputs: 3, layers: [{ type: "dense", units: 5 }, { type: "relu" }, { type: "layernorm" }, { type: "dense", units: 3 }] };
  it.each(["logistic", "square", "exp"] as const)("%s loss (3 classes)", (loss) => {
    const { model, theta, X } = sample(spec, 8, 4);
    const labels = Float64Array.from({ length: 8 }, (_, i) => i % 3);
    const ev = new ModelEvaluator(rt, model);
    const logL = (th: Float64Array) => ev.loss(loss, ev.forward(th, X), labels).logL;
    const g = ev.backward(theta, X, ev.loss(loss, ev.forward(theta, X), labels).grad);
    for (let k = 0; k < model.size; k++) {
      const h = 1e-6;
      const tp = theta.slice(), tm = theta.slice();
      tp[k]! += h;
      tm[k]! -= h;
      const fd = (logL(tp) - logL(tm)) / (2 * h);
      expect(Math.abs(g[k]! - fd)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(fd)));
    }
  });
});

describe("batch normalization's running statistics", () => {
  it("follow PyTorch's update (unbiased variance, momentum 0.1) and evaluation uses them", () => {
    const spec: Net = { kind: "net", inputs: 3, outputs: 2, layers: [{ type: "dense", units: 4 }, { type: "batchnorm" }, { type: "dense", units: 2 }] };
    const { model, theta, X } = sample(spec, 12, 5);
    const labels = Float64Array.from({ length: 12 }, (_, i) => i % 2);
    const tr = new Trainer(rt, model, { X, labels }, theta, { loss: "logistic", batch: 6 });
    try {
      const order = Int32Array.from({ length: 12 }, (_, i) => (i * 5) % 12);
      tr.steps(order, Float64Array.of(0, 0)); // lr 0: θ fixed, statistics updated twice
      // the expected statistics, from the first layer's outputs of each batch
      const W = theta.subarray(0, 12), b = theta.subarray(12, 16);
      const rm = new Float64Array(4), rv = new Float64Array(4).fill(1);
      for (let s = 0; s < 2; s++) {
        const rows = Array.from(order.subarray(s * 6, s * 6 + 6));
        for (let c = 0; c < 4; c++) {
          const z = rows.map((r) => b[c]! + W[c * 3]! * X.data[r * 3]! + W[c * 3 + 1]! * X.data[r * 3 + 1]! + W[c * 3 + 2]! * X.data[r * 3 + 2]!);
          const mean = z.reduce((a, v) => a + v, 0) / 6;
          const varU = z.reduce((a, v) => a + (v - mean) ** 2, 0) / 5;
          rm[c] = 0.9 * rm[c]! + 0.1 * mean;
          rv[c] = 0.9 * rv[c]! + 0.1 * varU;
        }
      }
      const st = tr.runningStats;
      for (let c = 0; c < 4; c++) {
        expect(st[c]).toBeCloseTo(rm[c]!, 13);
        expect(st[4 + c]).toBeCloseTo(rv[c]!, 13);
      }
      const f = tr.outputs(X);
      const want = ref.netForward(spec, theta, X, { batchNorm: "running", state: st });
      for (let i = 0; i < f.data.length; i++) expect(f.data[i]).toBeCloseTo(want.data[i]!, 12);
    } finally {
      tr.dispose();
    }
  });
});

describe("layers that do not chain are errors naming the layer", () => {
  const bad: [string, unknown, RegExp][] = [
    ["conv on a flat input", { kind: "net", inputs: 16, outputs: 1, layers: [{ type: "conv", channels: 2, kernel: 3 }, { type: "dense", units: 1 }] }, /model\.layers\[0\].*image input/],
    ["a window larger than its input", { kind: "net", inputs: 8, shape: [2, 2, 2], outputs: 1, layers: [{ type: "conv", channels: 2, kernel: 3 }, { type: "dense", units: 1 }] }, /model\.layers\[0\].*no output pixel/],
    ["a last layer of the wrong width", { kind: "net", inputs: 4, outputs: 3, layers: [{ type: "dense", units: 2 }] }, /model\.layers\[0\].*3 outputs/],
    ["a shape that is not H·W·C = inputs", { kind: "net", inputs: 10, shape: [2, 2, 2], outputs: 1, layers: [{ type: "dense", units: 1 }] }, /model\.shape.*H·W·C = inputs/],
    ["a layer whose flat output exceeds 1e6 values", { kind: "net", inputs: 1_000_000, shape: [1000, 1000, 1], outputs: 1, layers: [{ type: "conv", channels: 4295, kernel: 1 }, { type: "maxpool", size: 64 }, { type: "dense", units: 1 }] }, /model\.layers\[0\].*at most 1000000 values per sample/],
    ["17 residual blocks (the kernels hold 16 slots)", { kind: "net", inputs: 2, outputs: 2, layers: Array.from({ length: 17 }, () => ({ type: "residual", layers: [{ type: "dense", units: 2 }] })) }, /at most 16 residual connections/],
    ["a residual block that changes the width", { kind: "net", inputs: 4, outputs: 1, layers: [{ type: "residual", layers: [{ type: "dense", units: 3 }] }, { type: "dense", units: 1 }] }, /model\.layers\[0\]\.layers.*input's shape/],
  ];
  it.each(bad)("%s", (_n, spec, re) => {
    expect(() => compileModel(spec as ModelSpec)).toThrow(ArgumentError);
    expect(() => compileModel(spec as ModelSpec)).toThrow(re);
  });
});

export type { Matrix };
