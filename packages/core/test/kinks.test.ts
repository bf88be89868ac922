// Gradient flow through ReLU kinks (rhs/filippov.ts, rhs/kinks.ts): the sliding weights σ of the kernels against the
// plain-TS reference (reference/filippov.ts: the linear system that keeps every held pre-activation stationary),
// small-step GD converging to the flow at O(lr) (the Filippov solution is the limit of GD), the networks with
// biases reaching t = 1e100 with the cascade level named and its KKT residual (certify) falling, and the smooth
// systems' results untouched by the kink machinery (bias-free and linear networks have no kink events).
import { beforeAll, describe, expect, it } from "vitest";
import {
  Runtime, certify, compileModel, gaussianPair, gradientDescent, gradientFlow, inferLambda, Rng,
  type CompiledModel, type GradientFlowResult, type LossName, type ModelSpec, type TrainingSet,
} from "../src/index.js";
import { filippov, models as ref } from "../src/reference/index.js";

let rt: Runtime;
beforeAll(async () => {
  rt = await Runtime.create();
});

const W = 16;
const net = compileModel({ kind: "mlp", inputs: 2, hidden: [W], outputs: 1, bias: true });
/** the data: 200 points from two 2-D Gaussians */
const pair = (sigma: number, seed = 1): TrainingSet => gaussianPair({ mu: [1, 0], sigma, n: 200, seed });
const start = (model: CompiledModel, seed = 2) => Rng.fromSeed(seed).fillNormal(new Float64Array(model.size), 0, 0.5);
const TOL = { rtol: 1e-8, atol: 1e-10 };

/** ‖a − b‖₂ / ‖b‖₂ */
function relDiff(a: Float64Array, b: Float64Array): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

describe("the sliding field against the plain-TS reference", () => {
  let r: GradientFlowResult;
  const data = pair(0.5);
  beforeAll(() => {
    r = gradientFlow(rt, net, data, "exp", start(net), { ...TOL, log10T: 100, checkpoints: [1, 2, 3, 5, 10, 20, 50], budgetMs: 60_000 });
  });

  it("the issue's network crosses kinks and slides, and reaches 1e100", () => {
    expect(r.status).toBe("horizon");
    expect(r.kinks!.crossed).toBeGreaterThan(100);
    expect(r.kinks!.slidingEntered).toBeGreaterThan(10);
    expect(r.kinks!.capacityExceeded).toBe(false);
    expect(r.theta.every(Number.isFinite)).toBe(true);
  });

  it("at every checkpoint with sliding units: σ equals the reference's, σ ∈ [0, 1], each held pre-activation is ~0", () => {
    const X = data.X.data, y = Float64Array.from(data.labels);
    let checked = 0;
    for (const c of r.checkpoints) {
      if (!c.sliding?.length) continue;
      const units = c.sliding.map((s) => ({ sample: Math.floor(s.unit / W), unit: s.unit % W }));
      const ref = filippov.slidingReference(c.theta, X, y, 2, W, units);
      let scale = 0;
      for (const g of ref.grad) scale = Math.max(scale, Math.abs(g));
      c.sliding.forEach((s, l) => {
        expect(Math.abs(s.sigma - ref.sigma[l]!)).toBeLessThan(1e-9);
        expect(ref.sigma[l]!).toBeGreaterThanOrEqual(-1e-9);
        expect(ref.sigma[l]!).toBeLessThanOrEqual(1 + 1e-9);
        expect(Math.abs(ref.residuals[l]!)).toBeLessThan(1e-12 * scale);
        // the unit is on its kink: |W_k·x_i + b_k| tiny against the size of its terms
        const { sample: i, unit: k } = units[l]!;
        let z = c.theta[W * 2 + k]!, size = Math.abs(z);
        for (let j = 0; j < 2; j++) {
          z += c.theta[k * 2 + j]! * X[i * 2 + j]!;
          size += Math.abs(c.theta[k * 2 + j]! * X[i * 2 + j]!);
        }
        expect(Math.abs(z)).toBeLessThan(1e-7 * size);
      });
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(4);
  });

  it("the note names the cascade level, and that level's KKT residual is smaller at 1e100 than at 1e10", () => {
    expect(r.note).toMatch(/degenerate.*cascade level 1 \(rate 0\.5: layer1\.weight, layer1\.bias, layer2\.weight\)/);
    expect(r.cascade!.index).toBe(1);
    const at = (lt: number) => r.checkpoints.find((c) => c.log10t === lt)!;
    const c10 = certify(rt, net, data, at(10).theta, { sliding: at(10).sliding! });
    const c100 = certify(rt, net, data, r.theta, { sliding: r.sliding! });
    expect(c100.problem).toMatch(/^cascade level 1/);
    expect(c100.zeroedGroups).toEqual(["layer2.bias"]);
    expect(c100.stationarity).toBeLessThan(c10.stationarity);
  });
});

describe("checkpoints are measured at the natural ReLU, not at the end point's kink state", () => {
  it("log L at every checkpoint equals the plain-TS reference's; Lemma 4.1 (a) holds at each (it failed at 1e50 when measured with the final modes)", () => {
    const data = pair(0.5), theta0 = start(net);
    const r = gradientFlow(rt, net, data, "exp", theta0, { ...TOL, log10T: 100, checkpoints: [0, 1, 2, 5, 10, 20, 50, 100], lambda: inferLambda(net).lambda });
    expect(r.status).toBe("horizon");
    for (const c of r.checkpoints) {
      // log L = log((1/n) Σ exp(−y_i f(x_i))), by the reference forward and a log-sum-exp
      const e = Array.from({ length: 200 }, (_, i) => -data.labels[i]! * ref.forward(net.spec, c.theta, data.X.data.subarray(2 * i, 2 * i + 2))[0]!);
      const mx = Math.max(...e);
      const logL = mx + Math.log(e.reduce((s, v) => s + Math.exp(v - mx), 0) / 200);
      expect(Math.abs(c.logL - logL)).toBeLessThan(1e-9 * Math.max(1, Math.abs(logL)));
      expect(c.monitors!.lemma41a).toBeGreaterThan(-1e-9);
    }
  });
});

describe("small-step gradient descent converges to the Filippov flow at O(lr)", () => {
  it("t = 100: the distance to the flow shrinks in proportion to lr", () => {
    const data = pair(0.5), theta0 = start(net);
    const flow = gradientFlow(rt, net, data, "exp", theta0, { rtol: 1e-11, atol: 1e-13, log10T: 2, terminal: "off" });
    expect(flow.status).toBe("horizon");
    expect(flow.kinks!.crossed).toBeGreaterThan(10);
    const lrs = [0.03, 0.01, 0.003];
    const diffs = lrs.map((lr) => relDiff(gradientDescent(rt, net, data, "exp", theta0, { lr, steps: Math.round(100 / lr) }).theta, flow.theta));
    for (let k = 1; k < lrs.length; k++) {
      const order = Math.log(diffs[k - 1]! / diffs[k]!) / Math.log(lrs[k - 1]! / lrs[k]!);
      expect(order).toBeGreaterThan(0.8);
      expect(order).toBeLessThan(1.25);
    }
    expect(diffs[2]).toBeLessThan(1e-4);
  });
});

describe("must reach: networks with biases to t = 1e100, the cascade level named, its KKT residual falling", () => {
  const cases: [string, ModelSpec, LossName][] = [
    ["width 64", { kind: "mlp", inputs: 2, hidden: [64], outputs: 1, bias: true }, "exp"],
    ["logistic loss", { kind: "mlp", inputs: 2, hidden: [16], outputs: 1, bias: true }, "logistic"],
    ["residual", { kind: "mlp", inputs: 2, hidden: [16, 16], outputs: 1, bias: true, residual: true }, "exp"],
    ["deep: 3 hidden layers of 16, 300 points (1000 points: docs/decisions.md, 134 s)", { kind: "mlp", inputs: 2, hidden: [16, 16, 16], outputs: 1, bias: true }, "exp"],
  ];
  it.each(cases)("%s", (name, spec, loss) => {
    const model = compileModel(spec);
    const data = name.startsWith("deep") ? gaussianPair({ mu: [1, 0], sigma: 0.3, n: 300, seed: 1 }) : pair(0.3);
    const r = gradientFlow(rt, model, data, loss, start(model), { ...TOL, log10T: 100, checkpoints: [10], budgetMs: 120_000 });
    expect(r.status).toBe("horizon");
    expect(r.kinks!.crossed).toBeGreaterThan(0);
    expect(r.cascade).toBeDefined();
    // each has λmax on its output bias alone, which the separated flow does not need: cascade level 1
    expect(r.cascade!.degenerate).toBe(true);
    expect(r.note).toMatch(/cascade level 1 \(rate 0\.5/);
    const c10 = r.checkpoints.find((c) => c.log10t === 10)!;
    const k10 = certify(rt, model, data, c10.theta, { sliding: c10.sliding! });
    const k100 = certify(rt, model, data, r.theta, { sliding: r.sliding! });
    expect(k100.problem).toBe(k10.problem);
    expect(k100.stationarity).toBeLessThan(k10.stationarity);
  });
});

describe("the terminal phase of a ReLU network: DOPRI5 while kinks are crossed, Radau once stiff", () => {
  it("terminalMethod 'auto' follows the same trajectory as 'radau5' (1e-6 at t = 1e3) and hands over to Radau", () => {
    const data = pair(0.5), theta0 = start(net);
    const opts = { ...TOL, log10T: 5, checkpoints: [3] };
    const auto = gradientFlow(rt, net, data, "exp", theta0, opts);
    const radau = gradientFlow(rt, net, data, "exp", theta0, { ...opts, terminalMethod: "radau5" });
    expect(auto.status).toBe("horizon");
    expect(auto.milestones.stiffFrom).toBeGreaterThan(auto.milestones.terminalFrom!);
    expect(auto.milestones.stiffFrom).toBeLessThan(5);
    expect(radau.milestones.stiffFrom).toBeUndefined();
    const at3 = (r: GradientFlowResult) => r.checkpoints.find((c) => c.log10t === 3)!.theta;
    expect(relDiff(at3(auto), at3(radau))).toBeLessThan(1e-6);
  });
});

describe("smooth models follow no kinks", () => {
  it("linear and deep-linear models report no kink state; kinks 'off' on a ReLU net reports none either", () => {
    const data = pair(0.3);
    for (const spec of [{ kind: "linear", inputs: 2 }, { kind: "deepLinear", inputs: 2, hidden: [3] }] as ModelSpec[]) {
      const model = compileModel(spec);
      const r = gradientFlow(rt, model, data, "exp", start(model), { ...TOL, log10T: 5 });
      expect(r.kinks).toBeUndefined();
      expect(r.stats.time.switches).toBe(0);
    }
    const off = gradientFlow(rt, net, data, "exp", start(net), { ...TOL, log10T: 0.5, kinks: "off", terminal: "off" });
    expect(off.kinks).toBeUndefined();
  });

  it("the Λ of the biased network puts λmax on the output bias alone (the degenerate case of the issue)", () => {
    const { lambda } = inferLambda(net);
    const max = Math.max(...lambda);
    const top = net.groups.filter((g) => lambda[g.offset] === max).map((g) => g.name);
    expect(top).toEqual(["layer2.bias"]);
  });
});
