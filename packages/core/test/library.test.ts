// The single calls a researcher reaches for: features() against the plain-TS reference (reference/models.ts) and a
// hand computation from layout(); layout() covering θ exactly; the initializers' scales (He, Glorot by their fan
// formulas, Frobenius norms exactly); nested-array data giving bitwise the same flow as a Matrix; the stationary-start
// warning; weight decay in the flow reaching a stationary point of L + λ/2‖θ‖² (its residual certifies it); certify's
// problem choice; and the typed errors of the bad inputs.
import { beforeAll, describe, expect, it } from "vitest";
import {
  ArgumentError, Runtime, certify, compileModel, features, gaussianPair, gradientFlow, initialize, layout, matrix, Rng,
  type ModelSpec,
} from "../src/index.js";
import { models as ref } from "../src/reference/index.js";

let rt: Runtime;
beforeAll(async () => {
  rt = await Runtime.create();
});

const spec: ModelSpec = { kind: "mlp", inputs: 3, hidden: [5, 4], outputs: 2, bias: true };
const model = compileModel(spec);
const theta = Rng.fromSeed(1).fillNormal(new Float64Array(model.size));
const X = Rng.fromSeed(2).fillNormal(new Float64Array(7 * 3));

describe("features and layout", () => {
  it("layout covers θ contiguously; a weight's shape is out × in, its entries row-major", () => {
    const l = layout(model);
    expect(l.map((g) => g.group)).toEqual(["layer1.weight", "layer1.bias", "layer2.weight", "layer2.bias", "layer3.weight", "layer3.bias"]);
    let at = 0;
    for (const g of l) {
      expect(g.offset).toBe(at);
      expect(g.size).toBe(g.shape.reduce((a, b) => a * b, 1));
      at += g.size;
    }
    expect(at).toBe(model.size);
    expect(l[0]!.shape).toEqual([5, 3]);
    expect(l[0]!.order).toMatch(/row-major 5×3/);
  });

  it("the output layer equals the reference forward pass; hidden1 equals relu(W1 x + b1) computed from the layout", () => {
    const out = features(rt, model, theta, matrix(7, 3, X), "output");
    const l = layout(model);
    const [W1, b1] = [l[0]!, l[1]!];
    const h1 = features(rt, model, theta, matrix(7, 3, X), 1);
    expect(h1.cols).toBe(5);
    for (let i = 0; i < 7; i++) {
      const x = X.subarray(3 * i, 3 * i + 3);
      const f = ref.forward(spec, theta, x);
      for (let o = 0; o < 2; o++) expect(out.data[2 * i + o]).toBeCloseTo(f[o]!, 12);
      for (let k = 0; k < 5; k++) {
        let z = theta[b1.offset + k]!;
        for (let j = 0; j < 3; j++) z += theta[W1.offset + k * 3 + j]! * x[j]!;
        expect(h1.data[5 * i + k]).toBeCloseTo(Math.max(0, z), 12);
      }
    }
    expect(features(rt, model, theta, matrix(7, 3, X), "hidden1").data).toEqual(h1.data);
    expect(features(rt, model, theta, matrix(7, 3, X), 0).data).toEqual(X);
  });

  it("nested arrays are accepted wherever a matrix is", () => {
    const nested = Array.from({ length: 7 }, (_, i) => Array.from(X.subarray(3 * i, 3 * i + 3)));
    expect(features(rt, model, theta, nested, 2).data).toEqual(features(rt, model, theta, matrix(7, 3, X), 2).data);
  });
});

describe("initializers", () => {
  const big = compileModel({ kind: "mlp", inputs: 200, hidden: [300], outputs: 1, bias: true });
  const variance = (v: Float64Array) => v.reduce((s, x) => s + x * x, 0) / v.length;
  const group = (th: Float64Array, name: string) => {
    const g = layout(big).find((x) => x.group === name)!;
    return th.subarray(g.offset, g.offset + g.size);
  };
  it("He: weights of variance 2/fan_in, biases 0; Glorot: 2/(fan_in + fan_out); within 3% (60 000 entries)", () => {
    const he = initialize(big, { kind: "he", seed: 3 });
    expect(variance(group(he, "layer1.weight")) / (2 / 200)).toBeCloseTo(1, 1);
    expect(group(he, "layer1.bias").every((b) => b === 0)).toBe(true);
    const gl = initialize(big, { kind: "glorot", seed: 3, scale: 2 });
    expect(Math.abs(variance(group(gl, "layer1.weight")) / (4 * 2 / 500) - 1)).toBeLessThan(0.03);
  });
  it("frobenius: every weight matrix has exactly the requested norm; normal: the scale is the standard deviation", () => {
    const fr = initialize(big, { kind: "frobenius", norm: 5, seed: 4 });
    for (const name of ["layer1.weight", "layer2.weight"]) expect(Math.sqrt(group(fr, name).reduce((s, x) => s + x * x, 0))).toBeCloseTo(5, 12);
    const nm = initialize(big, { kind: "normal", scale: 0.1, seed: 4 });
    expect(Math.abs(Math.sqrt(variance(nm)) / 0.1 - 1)).toBeLessThan(0.02);
  });
  it("deterministic: the same seed gives the same θ, another seed another", () => {
    expect(initialize(big, { seed: 9 })).toEqual(initialize(big, { seed: 9 }));
    expect(initialize(big, { seed: 9 })).not.toEqual(initialize(big, { seed: 10 }));
  });
});

describe("the flow's library behaviour", () => {
  const net = compileModel({ kind: "mlp", inputs: 2, hidden: [8], outputs: 1, bias: true });
  const data = gaussianPair({ mu: [1, 0], sigma: 0.3, n: 60, seed: 5 });
  const theta0 = Rng.fromSeed(6).fillNormal(new Float64Array(net.size), 0, 0.5);

  it("data as nested arrays give bitwise the same flow as a Matrix", () => {
    const nested = { X: Array.from({ length: 60 }, (_, i) => [data.X.data[2 * i]!, data.X.data[2 * i + 1]!]), labels: Array.from(data.labels) };
    const a = gradientFlow(rt, net, data, "exp", theta0, { rtol: 1e-8, atol: 1e-10, log10T: 20 });
    const b = gradientFlow(rt, net, nested, "exp", theta0, { rtol: 1e-8, atol: 1e-10, log10T: 20 });
    expect(b.theta).toEqual(a.theta);
    expect(b.stats).toEqual(a.stats);
  });

  it("a stationary start (all-zero weights of a bias-free ReLU net) is warned about, and the flow does not move", () => {
    const free = compileModel({ kind: "mlp", inputs: 2, hidden: [8], outputs: 1 });
    const r = gradientFlow(rt, free, data, "exp", new Float64Array(free.size), { rtol: 1e-8, atol: 1e-10, log10T: 3, terminal: "off" });
    expect(r.warnings.join(" ")).toMatch(/stationary point/);
    expect(r.theta.every((v) => v === 0)).toBe(true);
  });

  it("weight decay: the flow goes to a stationary point of L + λ/2‖θ‖²; the result's stationarity certifies it", () => {
    const r = gradientFlow(rt, net, data, "exp", theta0, { rtol: 1e-10, atol: 1e-12, log10T: 4, weightDecay: 0.01 });
    expect(r.status).toBe("horizon");
    expect(r.stationarity).toBeLessThan(1e-6);
    const early = gradientFlow(rt, net, data, "exp", theta0, { rtol: 1e-10, atol: 1e-12, log10T: 1, weightDecay: 0.01 });
    expect(early.stationarity!).toBeGreaterThan(1e-3);
    // the parameters stay bounded (no terminal phase): ‖θ‖ is finite and moderate
    expect(Math.hypot(...r.theta)).toBeLessThan(50);
  });

  it("certify: problem (P) when the λmax groups are needed, the cascade level otherwise, and a level on request", () => {
    const r = gradientFlow(rt, net, data, "exp", theta0, { rtol: 1e-8, atol: 1e-10, log10T: 30 });
    const auto = certify(rt, net, data, r.theta, { sliding: r.sliding! });
    // λmax sits on the output bias alone, and the data stay separated without it: cascade level 1
    expect(auto.level!.index).toBe(1);
    expect(auto.problem).toMatch(/^cascade level 1/);
    const max = certify(rt, net, data, r.theta, { level: "max", sliding: r.sliding! });
    expect(max.problem).toMatch(/^\(P\)/);
    expect(max.zeroedGroups).toEqual([]);
    expect(certify(rt, net, data, r.theta, { level: 0.5, sliding: r.sliding! }).zeroedGroups).toEqual(["layer2.bias"]);
  });
});

describe("bad input: typed errors naming the argument", () => {
  const net = compileModel({ kind: "mlp", inputs: 2, hidden: [4], outputs: 1, bias: true });
  const data = gaussianPair({ mu: [1, 0], sigma: 0.3, n: 20, seed: 5 });
  const th = Rng.fromSeed(6).fillNormal(new Float64Array(net.size));
  const flow = (o: object) => () => gradientFlow(rt, net, data, "exp", th, { rtol: 1e-8, atol: 1e-10, log10T: 5, ...o });
  it.each([
    ["budget 0", flow({ budgetMs: 0 }), /^options\.budgetMs: expected a finite wall-clock budget/],
    ["budget −5", flow({ budgetMs: -5 }), /^options\.budgetMs/],
    ["budget NaN", flow({ budgetMs: NaN }), /^options\.budgetMs/],
    ["weight decay < 0", flow({ weightDecay: -0.1 }), /^options\.weightDecay: expected a weight decay λ ≥ 0/],
    ["weight decay with the terminal clock", flow({ weightDecay: 0.1, terminal: "auto" }), /^options\.terminal: expected "off" with weight decay/],
    ["plateauSigma 0", flow({ plateauSigma: 0 }), /^options\.plateauSigma/],
    ["progressMs 0", flow({ progressMs: 0 }), /^options\.progressMs/],
    ["kinks 'on'", flow({ kinks: "on" }), /^options\.kinks: expected "auto" or "off"/],
    ["features: layer 9", () => features(rt, net, th, data.X, 9), /^layer: .*expected a layer of the model: 0 \(input\), 1 \(hidden1\), 2 \(output\)/],
    ["features: layer 'hidden2'", () => features(rt, net, th, data.X, "hidden2"), /^layer: /],
    ["features: 3 columns", () => features(rt, net, th, [[1, 2, 3]], 1), /^X: .*expected 2 columns/],
    ["init scale 0", () => initialize(net, { scale: 0 }), /^options\.scale: .*expected a scale > 0/],
    ["init scale −1", () => initialize(net, { kind: "he", scale: -1 }), /^options\.scale/],
    ["init norm 0", () => initialize(net, { kind: "frobenius", norm: 0 }), /^options\.norm/],
    ["init kind", () => initialize(net, { kind: "xavier" as "he" }), /^options\.kind/],
    ["certify: Λ with no positive rate", () => certify(rt, net, data, th, { lambda: new Float64Array(net.size) }), /^options\.lambda: .*expected a Λ with a positive rate/],
    ["certify: a level Λ does not have", () => certify(rt, net, data, th, { level: 0.3 }), /^options\.level: .*expected "auto", "max" or a rate of Λ \(1, 0\.5\)/],
  ])("%s", (_, call, message) => {
    expect(call).toThrow(ArgumentError);
    expect(call).toThrow(message);
  });
});
