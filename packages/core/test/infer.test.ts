// Λ of every zoo architecture, inferred by scale propagation through the compiled program (seed 000, App. B
// "proper Λ"), then verified numerically through the WASM forward and backward passes: the scaling law
// f(x; e^{αΛ}θ) = e^α f(x; θ) and Euler's identity ⟨∇θ f, Λθ⟩ = f hold to rounding (plain-math expectation:
// residual ≤ 1e-10), and a wrong declared Λ is refused with a LambdaError that reports the residual.
import { beforeAll, describe, expect, it } from "vitest";
import {
  ArgumentError, LambdaError, RateInfeasibleError, Rng, Runtime, assertModelLambda, checkModelLambda, compileModel, inferLambda,
  lambdaFromNames, type ModelSpec,
} from "../src/index.js";

let rt: Runtime;
beforeAll(async () => {
  rt = await Runtime.create();
});

const zoo: [string, ModelSpec, Record<string, number>][] = [
  ["linear (homogeneous)", { kind: "linear", inputs: 3 }, { "linear.weight": 1 }],
  ["diagonal network D = (1, 5, 10) → 1/D_i", { kind: "diagonal", depths: [1, 5, 10] }, { "diag.coord0": 1, "diag.coord1": 0.2, "diag.coord2": 0.1 }],
  ["deep linear, 3 layers → 1/3 each", { kind: "deepLinear", inputs: 3, hidden: [4, 4] }, { "layer1.weight": 1 / 3, "layer2.weight": 1 / 3, "layer3.weight": 1 / 3 }],
  ["2-layer ReLU with biases → ½, ½, ½, λ_b2 = 1", { kind: "mlp", inputs: 2, hidden: [5], bias: true },
    { "layer1.weight": 0.5, "layer1.bias": 0.5, "layer2.weight": 0.5, "layer2.bias": 1 }],
  ["residual ReLU block → 0 behind the skip, 1 on the last layer", { kind: "mlp", inputs: 3, hidden: [3], residual: true },
    { "layer1.weight": 0, "layer2.weight": 1 }],
  ["layer-normalized last hidden layer → 0 before, 1 on the last layer", { kind: "mlp", inputs: 4, hidden: [6, 5], outputs: 3, bias: true, layerNorm: true },
    { "layer1.weight": 0, "layer1.bias": 0, "layer2.weight": 0, "layer2.bias": 0, "layer3.weight": 1, "layer3.bias": 1 }],
  ["smooth normalized network (deep linear + layer norm), 4 classes", { kind: "deepLinear", inputs: 5, hidden: [6], outputs: 4, layerNorm: true },
    { "layer1.weight": 0, "layer2.weight": 1 }],
  ["ensemble of orders 1 and 2 (App. A)", { kind: "ensemble", members: [{ kind: "linear", inputs: 2 }, { kind: "deepLinear", inputs: 2, hidden: [3] }] },
    { "m0.linear.weight": 1, "m1.layer1.weight": 0.5, "m1.layer2.weight": 0.5 }],
];

describe("inferLambda: the proper Λ of every zoo architecture", () => {
  it.each(zoo)("%s", (_name, spec, expected) => {
    const model = compileModel(spec);
    const inf = inferLambda(model);
    model.groups.forEach((g, i) => expect(inf.groupRates[i], g.name).toBeCloseTo(expected[g.name]!, 12));
    const lmax = Math.max(...Object.values(expected));
    expect(inf.lambdaMax).toBeCloseTo(lmax, 12);
    expect(inf.objectiveGroups).toEqual(model.groups.filter((g) => Math.abs(expected[g.name]! - lmax) < 1e-12).map((g) => g.name));
    const declared = lambdaFromNames(model, expected);
    inf.lambda.forEach((v, k) => expect(Math.abs(v - declared[k]!)).toBeLessThan(1e-12));
    // numerically, through the WASM passes, at three random points
    const rng = Rng.fromSeed(9);
    const thetas = [0, 1, 2].map(() => rng.fillNormal(new Float64Array(model.size)));
    const X = { rows: 6, cols: model.inputs, data: rng.fillNormal(new Float64Array(6 * model.inputs)) };
    const check = assertModelLambda(rt, model, inf.lambda, thetas, X, { tol: 1e-10 });
    expect(check.scalingResidual).toBeLessThan(1e-10);
    expect(check.eulerResidual).toBeLessThan(1e-10);
  });
});

describe("a declared Λ the architecture violates is refused with its residual", () => {
  it("homogeneous rates (1 everywhere) on the diagonal network", () => {
    const model = compileModel({ kind: "diagonal", depths: [1, 5, 10] });
    const wrong = lambdaFromNames(model, { "diag.coord0": 1, "diag.coord1": 1, "diag.coord2": 1 });
    const X = { rows: 3, cols: 3, data: Float64Array.from([1, 2, 3, -1, 0.5, 2, 0.3, 0.3, -1]) };
    const theta = Rng.fromSeed(1).fillNormal(new Float64Array(model.size));
    const check = checkModelLambda(rt, model, wrong, theta, X);
    expect(check.ok).toBe(false);
    expect(check.scalingResidual).toBeGreaterThan(0.1);
    expect(() => assertModelLambda(rt, model, wrong, theta, X)).toThrow(LambdaError);
    expect(() => assertModelLambda(rt, model, wrong, theta, X)).toThrow(/violates the declared Λ: (scaling|euler) residual \d\.\d+e[+-]\d+ > tolerance/);
  });
  it("unknown or missing group names, negative rates", () => {
    const model = compileModel({ kind: "linear", inputs: 2, bias: true });
    expect(() => lambdaFromNames(model, { "linear.weight": 1, "linear.bias": 1, "layer9.bias": 1 })).toThrow(/^rates\["layer9\.bias"\]: expected a group of the model \(linear\.weight, linear\.bias\)/);
    expect(() => lambdaFromNames(model, { "linear.weight": 1 })).toThrow(ArgumentError);
    expect(() => lambdaFromNames(model, { "linear.weight": 1, "linear.bias": -1 })).toThrow(/^rates\["linear\.bias"\]: expected a finite rate ≥ 0/);
  });
  it("a linear model with a bias is homogeneous with λ_b = λ_w = 1", () => {
    expect(inferLambda(compileModel({ kind: "linear", inputs: 2, bias: true })).groupRates).toEqual(Float64Array.of(1, 1));
  });
});

describe("non-quasi-homogeneous compositions are reported, naming the conflicting equalities", () => {
  it("an equality that contradicts the residual connection's λ_W1 = 0 → RateInfeasibleError naming both", () => {
    // Build the conflict directly: a residual connection forces λ_W1 = 0, while an extra equality asks λ_W1 = 1.
    const model = compileModel({ kind: "mlp", inputs: 3, hidden: [3], residual: true });
    const bad = { ...model, constraints: [...model.constraints, { terms: [{ index: 0, coef: 1 }], rhs: 1, why: "a test's extra equality λ_W1 = 1" }] };
    expect(() => inferLambda(bad)).toThrow(RateInfeasibleError);
    expect(() => inferLambda(bad)).toThrow(/residual connection around layer1.*a test's extra equality|a test's extra equality.*residual connection around layer1/);
  });
});
