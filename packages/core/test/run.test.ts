// The user's experiment (`marginflow run`): a property test over generated specs — every zoo model × every loss ×
// both dynamics — through the worker Lab's own entry point (runTask, which validates the result against its schema,
// so no NaN and no malformed field can come back), with the properties the theory guarantees: gradient flow never
// increases the loss (dL/dt = −‖∇L‖² ≤ 0), a run stops for a stated reason, and a failure says why. Then two runs
// checked against certificates: a linear model's direction approaches the hard-margin SVM (a closed form in
// certify/svm.ts), and a diagonal network's the exact asymmetric max-margin solution, with KKT residuals falling.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RunSpecSchema, compileModel, initialize, parseExperimentSpec, parseSpec, run, runTask, type RunResult, type RunSpec } from "../src/index.js";

const width = fc.integer({ min: 1, max: 3 });
const hidden = (min: number) => fc.array(fc.integer({ min: 1, max: 4 }), { minLength: min, maxLength: 2 });

/** A model of every zoo kind, with d inputs and C outputs (the diagonal network has one output and d coordinates). */
const model = (d: number, C: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant("linear"), inputs: fc.constant(d), outputs: fc.constant(C), bias: fc.boolean() }),
    ...(C === 1 ? [fc.record({ kind: fc.constant("diagonal"), depths: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: d, maxLength: d }) })] : []),
    fc.record({ kind: fc.constant("deepLinear"), inputs: fc.constant(d), hidden: hidden(1), outputs: fc.constant(C), bias: fc.constantFrom(false, true, "last"), layerNorm: fc.boolean() }),
    fc.record({ kind: fc.constant("mlp"), inputs: fc.constant(d), hidden: hidden(1), outputs: fc.constant(C), bias: fc.constantFrom(false, true, "last"), residual: fc.boolean(), layerNorm: fc.boolean() }),
    fc.record({ kind: fc.constant("ensemble"), members: fc.tuple(
      fc.record({ kind: fc.constant("linear"), inputs: fc.constant(d), outputs: fc.constant(C) }),
      fc.record({ kind: fc.constant("deepLinear"), inputs: fc.constant(d), hidden: hidden(1), outputs: fc.constant(C) }),
    ) }),
  );

const spec = fc
  .record({ d: width, C: fc.constantFrom(1, 3), seed: fc.integer({ min: 0, max: 1000 }) })
  .chain(({ d, C, seed }) =>
    fc.record({
      name: fc.constant("prop"),
      seed: fc.constant(seed),
      model: model(d, C),
      data: C === 1
        ? fc.oneof(
            fc.record({ kind: fc.constant("gaussians"), mu: fc.constant(Array.from({ length: d }, (_, i) => (i === 0 ? 1 : 0.5))), sigma: fc.constant(0.3), n: fc.integer({ min: 6, max: 24 }) }),
            fc.record({ kind: fc.constant("balls"), mu: fc.constant(Array.from({ length: d }, () => 1)), r: fc.constant(0.5), n: fc.integer({ min: 6, max: 24 }) }),
          )
        : fc.record({ kind: fc.constant("classes"), classes: fc.constant(C), dim: fc.constant(d), perClass: fc.integer({ min: 2, max: 6 }), sigma: fc.constant(0.2) }),
      loss: fc.constantFrom("exp", "logistic", "square"),
      init: fc.constant({ kind: "normal", scale: 0.5 }),
      dynamics: fc.oneof(
        fc.record({ kind: fc.constant("flow"), log10T: fc.constant(1.5), rtol: fc.constant(1e-6), atol: fc.constant(1e-8), maxSteps: fc.constant(20_000), budgetSeconds: fc.constant(3) }),
        fc.record({ kind: fc.constant("descent"), lr: fc.constant(0.05), steps: fc.integer({ min: 1, max: 60 }), momentum: fc.constantFrom(0, 0.5), weightDecay: fc.constantFrom(0, 1e-3) }),
      ),
      observables: fc.constant({ certificates: true, kkt: true }),
    }),
  )
  // a one-layer-norm model without a hidden layer is rejected by its own check; keep the generated ones valid
  .filter((s) => !(("layerNorm" in s.model && s.model.layerNorm) && "hidden" in s.model && s.model.hidden.length === 0));

describe("marginflow run: every zoo model × every loss × both dynamics", () => {
  it("runs to a stated stop, returns only valid values, and gradient flow never increases the loss", async () => {
    await fc.assert(
      fc.asyncProperty(spec, async (input) => {
        const s = parseExperimentSpec(run, input) as RunSpec;
        const r = (await runTask({ experiment: "run", item: run.items(s)[0] })) as RunResult;
        expect(["horizon", "steps", "loss", "budget", "failure"]).toContain(r.stop);
        if (r.stop === "failure") expect(r.note, JSON.stringify(input)).toBeTruthy();
        expect(r.checkpoints.length).toBeGreaterThan(0);
        expect(r.theta.length).toBeGreaterThan(0);
        expect(Object.keys(r.lambda.groups).length).toBeGreaterThan(0);
        const losses = r.checkpoints.map((c) => c.log10Loss).filter((v): v is number => v !== null);
        if (r.dynamics === "flow") {
          for (let i = 1; i < losses.length; i++) expect(losses[i]!, JSON.stringify(input)).toBeLessThanOrEqual(losses[i - 1]! + 1e-6 * (1 + Math.abs(losses[i - 1]!)));
          expect(r.cost.rhsEvaluations).toBeGreaterThan(0);
        } else {
          const steps = r.checkpoints.map((c) => c.step!);
          expect(steps[0]).toBe(0);
          for (let i = 1; i < steps.length; i++) expect(steps[i]!).toBeGreaterThan(steps[i - 1]!);
          if (r.stop === "steps") expect(steps.at(-1)).toBe((s.dynamics as { steps: number }).steps);
          expect(r.cost.gradients).toBeGreaterThan(0);
        }
      }),
      { numRuns: 60, seed: 20261201 },
    );
  }, 240_000);

  it("a linear model on separable Gaussians: the direction approaches the hard-margin SVM (certify/svm.ts) at the rate 1/log t", async () => {
    // Soudry et al. (2018): for logistic-type losses the direction error of a linear model decays like 1/log t
    const s = parseSpec(RunSpecSchema, {
      model: { kind: "linear", inputs: 2 }, data: { kind: "gaussians", n: 60 }, init: { kind: "constant", value: 0 },
      dynamics: { kind: "flow", log10T: 10_000 }, checkpoints: [100, 1000, 10_000],
    });
    const r = (await runTask({ experiment: "run", item: s })) as RunResult;
    expect(r.stop).toBe("horizon");
    const d = r.checkpoints.map((c) => c.distanceSvm!);
    expect(d[0]! / d[1]!).toBeGreaterThan(8);
    expect(d[0]! / d[1]!).toBeLessThan(12);
    expect(d[1]! / d[2]!).toBeGreaterThan(8);
    expect(d[1]! / d[2]!).toBeLessThan(12);
    expect(d[2]!).toBeLessThan(1e-3);
    expect(r.checkpoints.every((c) => c.lemma41a! >= -1e-9)).toBe(true);
    expect(r.log10Loss!).toBeLessThan(-1000); // far below the double range as a loss, exact as its logarithm
  });

  it("a diagonal network D = (1, 5, 10) on the Fig. 4 balls: distance to the asymmetric solution and KKT stationarity fall", async () => {
    const s = parseSpec(RunSpecSchema, {
      model: { kind: "diagonal", depths: [1, 5, 10] }, data: { kind: "balls", r: 0.75, n: 1000 }, init: { kind: "constant", value: 1 },
      dynamics: { kind: "flow", log10T: 100 }, checkpoints: [5, 20, 100],
    });
    const r = (await runTask({ experiment: "run", item: s })) as RunResult;
    expect(r.lambda.objectiveGroups).toEqual(["diag.coord0"]);
    const d = r.checkpoints.map((c) => c.distanceAsymmetric!), k = r.checkpoints.map((c) => c.kktStationarity!);
    for (let i = 1; i < 3; i++) {
      expect(d[i]!).toBeLessThan(d[i - 1]!);
      expect(k[i]!).toBeLessThan(k[i - 1]!);
    }
    expect(d[2]!).toBeLessThan(0.05);
  });

  it("the initializers of a spec (He, Glorot, Frobenius) are initialize()'s from the spec's seed; weight decay in a flow stays bounded", async () => {
    const mlp = { kind: "mlp" as const, inputs: 2, hidden: [6], outputs: 1, bias: true };
    const spec = (init: object, dynamics: object) => parseExperimentSpec(run, { model: mlp, data: { kind: "gaussians", n: 40 }, seed: 3, init, dynamics }) as RunSpec;
    const model = compileModel(mlp);
    // t = 1e-10: θ(t) = θ0 to ~1e-10, so the run's θ is its initialization
    for (const [init, opts] of [[{ kind: "he" }, { kind: "he" }], [{ kind: "glorot", scale: 2 }, { kind: "glorot", scale: 2 }], [{ kind: "frobenius", norm: 2 }, { kind: "frobenius", norm: 2 }]] as const) {
      const r = (await runTask({ experiment: "run", item: spec(init, { kind: "flow", log10T: -10, terminal: "off" }) })) as RunResult;
      const th0 = initialize(model, { ...opts, seed: 3 });
      for (let i = 0; i < th0.length; i++) expect(Math.abs(r.theta[i]! - th0[i]!)).toBeLessThan(1e-8);
    }
    const wd = (await runTask({ experiment: "run", item: spec({ kind: "normal", scale: 0.5 }, { kind: "flow", log10T: 3, weightDecay: 0.05 }) })) as RunResult;
    expect(wd.stop).toBe("horizon");
    expect(Math.hypot(...wd.theta)).toBeLessThan(20);
  });

  it("checks before any work: data that do not fit the model, checkpoints past the horizon, square loss in the terminal phase", () => {
    const base = { model: { kind: "linear", inputs: 3 }, data: { kind: "gaussians" } };
    expect(() => parseExperimentSpec(run, base)).toThrow(/^data: expected 3 input columns \(the model's inputs\), got "100×2 inputs"$/);
    expect(() => parseExperimentSpec(run, { model: { kind: "linear", inputs: 2 }, data: { kind: "classes" } })).toThrow(/^model\.outputs: expected 3 outputs/);
    expect(() => parseExperimentSpec(run, { ...base, model: { kind: "linear", inputs: 2 }, dynamics: { kind: "flow", log10T: 5 }, checkpoints: [1, 10] })).toThrow(/^checkpoints\[1\]: expected a log10 t ≤ dynamics\.log10T = 5, got 10$/);
    expect(() => parseExperimentSpec(run, { ...base, model: { kind: "linear", inputs: 2 }, loss: "square", dynamics: { kind: "flow", terminal: "auto" } })).toThrow(/^dynamics\.terminal: expected "off" or null for the square loss/);
    expect(() => parseExperimentSpec(run, { ...base, model: { kind: "linear", inputs: 2 }, loss: "square", dynamics: { kind: "flow", log10T: 400 } })).toThrow(/^dynamics\.log10T: expected ≤ 300 in ordinary time/);
    expect(() => parseExperimentSpec(run, { ...base, model: { kind: "linear", inputs: 2 }, init: { kind: "values", theta: [1, 2, 3] } })).toThrow(/^init\.theta: expected 2 values \(the model's parameters\)/);
    expect(() => parseExperimentSpec(run, { ...base, model: { kind: "linear", inputs: 2 }, dynamics: { kind: "flow", weightDecay: 0.1, terminal: "auto" } })).toThrow(/^dynamics\.terminal: expected "off" or null with weight decay/);
    expect(() => parseExperimentSpec(run, { ...base, model: { kind: "linear", inputs: 2 }, dynamics: { kind: "flow", weightDecay: 0.1, log10T: 400 } })).toThrow(/^dynamics\.log10T: expected ≤ 300 in ordinary time \(terminal "off", as weight decay needs\)/);
    expect(() => parseExperimentSpec(run, { ...base, model: { kind: "linear", inputs: 2 }, init: { kind: "he", scale: 0 } })).toThrow(/^init/);
    expect(() => parseExperimentSpec(run, { ...base, model: { kind: "linear", inputs: 2 }, dynamics: { kind: "descent", steps: 10 }, checkpoints: [0, 20] })).toThrow(/^checkpoints\[1\]: expected a step index in 0…10/);
  });
});
