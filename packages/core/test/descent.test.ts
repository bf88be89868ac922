// Discrete training: GD converges to gradient flow at first order in the learning rate (peer: gradientFlow at
// tight tolerance); momentum and weight decay match a plain-TS reference of the same recursion on a linear model
// with the exponential loss (closed-form gradient); SGD is deterministic per seed; the loss-adaptive rate with
// rollback takes a ReLU network — whose gradient flow slides along a kink — deep into the terminal phase with a
// monotone loss, and Lemma 4.1 holds at every checkpoint.
import { beforeAll, describe, expect, it } from "vitest";
import {
  ArgumentError, Rng, Runtime, ballSurfaces, compileModel, gaussianPair, gradientDescent, gradientFlow, inferLambda,
} from "../src/index.js";

let rt: Runtime;
beforeAll(async () => {
  rt = await Runtime.create();
});

const diag = compileModel({ kind: "diagonal", depths: [1, 5, 10] });
const ball = ballSurfaces({ mu: [0.8660254, 0.4330127, 0.25], r: 0.75, n: 200, seed: 2 });
const ones = () => new Float64Array(diag.size).fill(1);
const maxAbs = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => Math.max(s, Math.abs(v - b[i]!)), 0);

describe("gradient descent", () => {
  it("converges to the gradient flow at order 1 in the learning rate (flow at t = 2, rtol 1e-12)", () => {
    const flow = gradientFlow(rt, diag, ball, "exp", ones(), { rtol: 1e-12, atol: 1e-12, log10T: Math.log10(2), checkpoints: [Math.log10(2)], terminal: "off" });
    const errs = [0.02, 0.01, 0.005].map((lr) => {
      const r = gradientDescent(rt, diag, ball, "exp", ones(), { lr, steps: Math.round(2 / lr) });
      expect(r.log10t).toBeCloseTo(Math.log10(2), 12);
      return maxAbs(r.theta, flow.theta);
    });
    const orders = [Math.log2(errs[0]! / errs[1]!), Math.log2(errs[1]! / errs[2]!)];
    for (const p of orders) expect(Math.abs(p - 1)).toBeLessThan(0.1);
  });

  it("momentum and weight decay follow the plain-TS recursion (linear model, exp loss, closed-form gradient)", () => {
    const model = compileModel({ kind: "linear", inputs: 3 });
    const X = ball.X.data, y = ball.labels, n = ball.X.rows;
    const lr = 0.1, mu = 0.9, wd = 0.01, steps = 50;
    const w = Float64Array.of(0.3, -0.2, 0.1), v = new Float64Array(3);
    for (let k = 0; k < steps; k++) {
      const g = new Float64Array(3);
      for (let i = 0; i < n; i++) {
        const q = y[i]! * (w[0]! * X[3 * i]! + w[1]! * X[3 * i + 1]! + w[2]! * X[3 * i + 2]!);
        for (let j = 0; j < 3; j++) g[j]! -= (y[i]! * X[3 * i + j]! * Math.exp(-q)) / n;
      }
      for (let j = 0; j < 3; j++) {
        v[j] = mu * v[j]! + g[j]! + wd * w[j]!;
        w[j]! -= lr * v[j]!;
      }
    }
    const r = gradientDescent(rt, model, ball, "exp", Float64Array.of(0.3, -0.2, 0.1), { lr, steps, momentum: mu, weightDecay: wd });
    expect(r.stop).toBe("steps");
    expect(maxAbs(r.theta, w) / Math.max(...w.map(Math.abs))).toBeLessThan(1e-12);
  });

  it("SGD: the same seed gives bitwise the same run, another seed another run; minibatches still train", () => {
    const opts = { lr: 0.5, steps: 400, batchSize: 16, momentum: 0.5, seed: 7 };
    const a = gradientDescent(rt, diag, ball, "exp", ones(), opts);
    const b = gradientDescent(rt, diag, ball, "exp", ones(), opts);
    const c = gradientDescent(rt, diag, ball, "exp", ones(), { ...opts, seed: 8 });
    expect(Array.from(a.theta)).toEqual(Array.from(b.theta));
    expect(maxAbs(a.theta, c.theta)).toBeGreaterThan(0);
    expect(a.logL).toBeLessThan(a.checkpoints[0]!.logL - 2); // the full-batch loss fell by more than e²
    expect(a.checkpoints.map((x) => x.step)).toEqual([0, 400]);
  });
});

describe("loss-adaptive learning rate with rollback", () => {
  const model = compileModel({ kind: "mlp", inputs: 2, hidden: [6], bias: true });
  const data = gaussianPair({ mu: [Math.SQRT1_2, Math.SQRT1_2], sigma: 0.25, n: 100, seed: 3 });
  const theta0 = Rng.fromSeed(4).fillNormal(new Float64Array(model.size));
  const lambda = inferLambda(model).lambda;

  it("takes a 2-layer ReLU network with biases far below the double range; the loss never increases; Lemma 4.1 holds", () => {
    const cps = [0, 10, 100, 1000, 3000, 10000];
    const r = gradientDescent(rt, model, data, "logistic", theta0, { lr: 2, steps: 10000, adaptive: "loss", checkpoints: cps, lambda });
    expect(r.stop).toBe("steps");
    expect(r.logL).toBeLessThan(-800); // L = e^{−800}: zero in double
    expect(r.milestones.firstZeroError).toBeDefined();
    expect(r.milestones.a5).toBeGreaterThanOrEqual(r.milestones.firstZeroError!);
    let prev = Infinity;
    for (const c of r.checkpoints) {
      expect(c.logL).toBeLessThanOrEqual(prev);
      prev = c.logL;
      expect(c.monitors!.lemma41a).toBeGreaterThan(-1e-9);
      if (c.monitors!.lemma41b !== null) expect(c.monitors!.lemma41b).toBeGreaterThan(-1e-9);
    }
    // the normalized margin grows in the terminal phase (Lyu & Li; seed 000 Thm 4.1 for the flow)
    const late = r.checkpoints.filter((c) => c.step >= 1000).map((c) => c.monitors!.normalizedMargin);
    expect(late[late.length - 1]!).toBeGreaterThan(late[0]!);
    expect(late[0]!).toBeGreaterThan(0);
  });

  it("a too-large rate is rolled back (halved) instead of increasing the loss", () => {
    const r = gradientDescent(rt, model, data, "logistic", theta0, { lr: 200, steps: 300, adaptive: "loss" });
    expect(r.stats.rollbacks).toBeGreaterThan(0);
    expect(r.stop).toBe("steps");
    expect(Number.isFinite(r.logL)).toBe(true);
  });

  it("plain GD with a huge rate ends in a typed failure with the last finite state, never NaN", () => {
    const r = gradientDescent(rt, model, data, "logistic", theta0, { lr: 1e200, steps: 50 });
    expect(r.stop).toBe("failure");
    expect(r.note).toMatch(/non-finite/);
    expect(r.theta.every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(r.logL)).toBe(true);
  });
});

describe("bad input", () => {
  it.each([
    [{ lr: 0, steps: 10 }, /^options\.lr: expected/],
    [{ lr: 0.1, steps: -1 }, /^options\.steps: expected/],
    [{ lr: 0.1, steps: 10, momentum: 1 }, /^options\.momentum: expected a number in \[0, 1\)/],
    [{ lr: 0.1, steps: 10, weightDecay: -1 }, /^options\.weightDecay: expected a finite number ≥ 0/],
    [{ lr: 0.1, steps: 10, batchSize: 1000 }, /^options\.batchSize: expected/],
    [{ lr: 0.1, steps: 10, batchSize: 10, adaptive: "loss" as const }, /^options\.adaptive: expected "none" with minibatches/],
    [{ lr: 0.1, steps: 10, checkpoints: [5, 2] }, /^options\.checkpoints\[1\]: expected ascending/],
    [{ lr: 0.1, steps: 10, checkpoints: [20] }, /^options\.checkpoints\[0\]: expected/],
  ])("case %#", (opts, message) => {
    const call = () => gradientDescent(rt, diag, ball, "exp", ones(), opts);
    expect(call).toThrow(ArgumentError);
    expect(call).toThrow(message);
  });
});
