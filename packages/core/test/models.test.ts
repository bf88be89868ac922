// The model zoo in the kernels against the plain-TS reference (src/reference/models.ts): outputs exactly as
// the reference computes them (to rounding), backward passes against central differences of the reference,
// the log-domain losses against the plain-TS losses module, and the parameter-group layout.
import { beforeAll, describe, expect, it } from "vitest";
import { ArgumentError, ModelEvaluator, Rng, Runtime, compileModel, crossEntropy, exponentialLoss, logisticLoss, matrix, squareLoss, type ModelSpec } from "../src/index.js";
import { models as ref } from "../src/reference/index.js";

let rt: Runtime;
beforeAll(async () => {
  rt = await Runtime.create();
});

const zoo: [string, ModelSpec][] = [
  ["linear with bias, 3 classes", { kind: "linear", inputs: 4, outputs: 3, bias: true }],
  ["unbalanced diagonal network D = (1, 5, 10)", { kind: "diagonal", depths: [1, 5, 10] }],
  ["deep linear network 4-3-5-1", { kind: "deepLinear", inputs: 4, hidden: [3, 5] }],
  ["smooth normalized network 4-6-3, output bias only (Thm 6.1's model)", { kind: "deepLinear", inputs: 4, hidden: [6], outputs: 3, layerNorm: true, bias: "last" }],
  ["deep linear network with biases 4-3-2", { kind: "deepLinear", inputs: 4, hidden: [3], outputs: 2, bias: true }],
  ["ReLU network with biases 4-6-6-2", { kind: "mlp", inputs: 4, hidden: [6, 6], outputs: 2, bias: true }],
  ["residual ReLU network 4-4-4-1", { kind: "mlp", inputs: 4, hidden: [4, 4], residual: true, bias: true }],
  ["layer-normalized last hidden layer 4-5-6-3", { kind: "mlp", inputs: 4, hidden: [5, 6], outputs: 3, layerNorm: true, bias: true }],
  ["ensemble of homogeneous models of orders 1, 2, 3", {
    kind: "ensemble",
    members: [{ kind: "linear", inputs: 4 }, { kind: "deepLinear", inputs: 4, hidden: [2] }, { kind: "mlp", inputs: 4, hidden: [3, 2] }],
  }],
];

function sample(spec: ModelSpec, n: number, seed: number) {
  const model = compileModel(spec);
  const rng = Rng.fromSeed(seed);
  const theta = rng.fillNormal(new Float64Array(model.size), 0, 0.8);
  const X = matrix(n, model.inputs, rng.fillNormal(new Float64Array(n * model.inputs)));
  return { model, theta, X };
}

describe("forward passes match the plain-TS reference", () => {
  it.each(zoo)("%s", (_name, spec) => {
    const { model, theta, X } = sample(spec, 23, 1);
    const f = new ModelEvaluator(rt, model).forward(theta, X);
    for (let i = 0; i < X.rows; i++) {
      const want = ref.forward(spec, theta, X.data.subarray(i * X.cols, (i + 1) * X.cols));
      for (let c = 0; c < model.outputs; c++) {
        expect(Math.abs(f.data[i * model.outputs + c]! - want[c]!)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(want[c]!)));
      }
    }
  });
});

describe("backward passes match central differences of the reference", () => {
  it.each(zoo)("%s", (_name, spec) => {
    const { model, theta, X } = sample(spec, 7, 2);
    const rng = Rng.fromSeed(3);
    const G = matrix(X.rows, model.outputs, rng.fillNormal(new Float64Array(X.rows * model.outputs)));
    const grad = new ModelEvaluator(rt, model).backward(theta, X, G);
    const objective = (th: Float64Array) => {
      let s = 0;
      for (let i = 0; i < X.rows; i++) {
        const f = ref.forward(spec, th, X.data.subarray(i * X.cols, (i + 1) * X.cols));
        for (let c = 0; c < model.outputs; c++) s += G.data[i * model.outputs + c]! * f[c]!;
      }
      return s;
    };
    for (let k = 0; k < model.size; k++) {
      const h = 1e-6 * Math.max(1, Math.abs(theta[k]!));
      const tp = theta.slice(), tm = theta.slice();
      tp[k]! += h;
      tm[k]! -= h;
      const fd = (objective(tp) - objective(tm)) / (2 * h);
      expect(Math.abs(grad[k]! - fd), `∂/∂θ[${k}]`).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(fd)));
    }
  });
  it("per-sample gradients are the rows of the backward pass", () => {
    const { model, theta, X } = sample(zoo[1]![1], 5, 4);
    const ev = new ModelEvaluator(rt, model);
    const rows = ev.sampleGradients(theta, X);
    const e = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      e.fill(0);
      e[i] = 1;
      const gi = ev.backward(theta, X, matrix(X.rows, 1, e));
      for (let k = 0; k < model.size; k++) expect(rows.data[i * model.size + k]).toBeCloseTo(gi[k]!, 14);
    }
  });
});

describe("the kernels' log-domain losses match the plain-TS losses module", () => {
  const ev = () => new ModelEvaluator(rt, compileModel({ kind: "linear", inputs: 1, outputs: 1 }));
  it.each([1, 30, 700, 1e5, 1e300])("exponential and logistic at margins around %s: log L and ∂log L/∂f", (scale) => {
    const rng = Rng.fromSeed(5);
    const n = 17;
    const labels = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -1 : 1));
    const f = Float64Array.from({ length: n }, (_, i) => labels[i]! * scale * (1 + rng.uniform()));
    const q = f.map((v, i) => v * labels[i]!);
    for (const [name, want] of [["exp", exponentialLoss(q)], ["logistic", logisticLoss(q)]] as const) {
      const got = ev().loss(name, matrix(n, 1, f), labels);
      expect(Math.abs(got.logL - want.logL)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(want.logL)));
      for (let i = 0; i < n; i++) expect(got.grad.data[i]! + labels[i]! * want.weights[i]!).toBeCloseTo(0, 12);
      expect(got.qmin).toBe(Math.min(...q));
    }
  });
  it("multiclass cross-entropy and square loss", () => {
    const rng = Rng.fromSeed(6);
    const n = 9, C = 4;
    const f = matrix(n, C, rng.fillNormal(new Float64Array(n * C), 0, 20));
    const labels = Float64Array.from({ length: n }, (_, i) => i % C);
    const e = new ModelEvaluator(rt, compileModel({ kind: "linear", inputs: 1, outputs: C }));
    const ce = e.loss("logistic", f, labels);
    const want = crossEntropy(f, labels);
    expect(ce.logL).toBeCloseTo(want.logL, 12);
    for (let i = 0; i < n * C; i++) expect(ce.grad.data[i]).toBeCloseTo(want.grad.data[i]!, 12);
    const sq = e.loss("square", f, labels);
    const wsq = squareLoss(f, labels);
    expect(sq.logL).toBeCloseTo(wsq.logL, 12);
    for (let i = 0; i < n * C; i++) expect(sq.grad.data[i]).toBeCloseTo(wsq.grad.data[i]!, 12);
  });
});

describe("parameter groups and bad specs", () => {
  it("groups are named, contiguous and cover θ", () => {
    const m = compileModel({ kind: "mlp", inputs: 3, hidden: [4], outputs: 2, bias: true });
    expect(m.groups.map((g) => g.name)).toEqual(["layer1.weight", "layer1.bias", "layer2.weight", "layer2.bias"]);
    expect(m.groups.map((g) => g.size)).toEqual([12, 4, 8, 2]);
    expect(m.size).toBe(26);
    const e = compileModel({ kind: "ensemble", members: [{ kind: "linear", inputs: 2 }, { kind: "diagonal", depths: [2, 3] }] });
    expect(e.groups.map((g) => g.name)).toEqual(["m0.linear.weight", "m1.diag.coord0", "m1.diag.coord1"]);
  });
  it.each([
    [{ kind: "conv" }, /^model\.kind: expected one of "linear", "diagonal"/],
    [{ kind: "diagonal", depths: [1, 0] }, /^model\.depths\[1\]: expected an integer in \[1, 1000000\], got 0/],
    [{ kind: "mlp", inputs: 3, hidden: [], layerNorm: true }, /^model\.hidden: expected at least one hidden layer/],
    [{ kind: "ensemble", members: [{ kind: "linear", inputs: 2 }, { kind: "linear", inputs: 3 }] }, /^model\.members\[1\]: expected the same inputs→outputs/],
  ])("%j", (spec, message) => {
    expect(() => compileModel(spec as ModelSpec)).toThrow(ArgumentError);
    expect(() => compileModel(spec as ModelSpec)).toThrow(message);
  });
  it("shape mismatches name the argument", () => {
    const { model, theta } = sample(zoo[1]![1], 2, 7);
    const ev = new ModelEvaluator(rt, model);
    expect(() => ev.forward(theta, matrix(2, 4))).toThrow(/^X: expected 3 columns, got "2×4"/);
    expect(() => ev.forward(theta.subarray(1), matrix(2, 3))).toThrow(/^theta: expected a Float64Array of length 16/);
  });
});
