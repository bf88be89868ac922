// Specs are validated by one schema library (TypeBox) and its errors become ours: one error naming the JSON path,
// the value and what was expected — for wrong types, ranges, unknown fields (with the nearest valid one), unknown
// kinds of a discriminated union (model, data, dynamics), nested unions (ensemble members), CSV cells by line and
// column; defaults are filled in from the schema (written once there).
import { describe, expect, it } from "vitest";
import {
  CsvError, DataSpecSchema, ModelSpecSchema, RunSpecSchema, SpecError, describeSchema, didYouMean, fig4, formatPath, gridPoints, axisValues,
  parseCsv, parseExperimentSpec, parseSpec, setPath, sweep, nearest,
} from "../src/index.js";

const err = (f: () => unknown): Error => {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
};
const run = (over: Record<string, unknown>) => ({ model: { kind: "diagonal", depths: [1, 5, 10] }, data: { kind: "balls" }, ...over });

describe("spec validation: errors name the JSON path, the value and the expectation", () => {
  it.each([
    [run({ model: { kind: "diagonal", depths: [1, 5, 0] } }), /^model\.depths\[2\]: expected an integer in \[1, 1000000\], got 0$/],
    [run({ model: { kind: "diagonal", depths: [1, "5"] } }), /^model\.depths\[1\]: expected an integer in \[1, 1000000\], got "5"$/],
    [run({ model: { kind: "conv", depths: [1] } }), /^model\.kind: expected one of "linear", "diagonal", "deepLinear", "mlp", "net", "ensemble", got "conv"$/],
    [run({ model: { kind: "mpl", inputs: 2, hidden: [] } }), /^model\.kind: expected one of .* \(did you mean "mlp"\?\), got "mpl"$/],
    [run({ model: { depths: [1] } }), /^model\.kind: expected one of .*, got nothing \(the field is missing\)$/],
    [run({ model: { kind: "mlp", inputs: 2, hiden: [3] } }), /^model\.hidden: expected an array of integers in \[1, 1000000\] \(a required field\), got nothing \(the field is missing\)$/],
    [run({ model: { kind: "mlp", inputs: 2, hidden: [3], biass: true } }), /^model\.biass: expected no field "biass" here — fields: kind, inputs, hidden, outputs, bias, residual, layerNorm \(did you mean "bias"\?\), got an unknown field$/],
    [run({ data: { kind: "balls", r: -1 } }), /^data\.r: expected a finite number > 0, got -1$/],
    [run({ data: { kind: "spirals" } }), /^data\.kind: expected one of "gaussians", "balls", "classes", "inline", "csv", "mnist", got "spirals"$/],
    [run({ loss: "hinge" }), /^loss: expected one of "exp", "logistic", "square", got "hinge"$/],
    [run({ loss: "expo" }), /^loss: expected one of "exp", "logistic", "square" \(did you mean "exp"\?\), got "expo"$/],
    [run({ dynamics: { kind: "flow", rtol: 0 } }), /^dynamics\.rtol: expected a finite number in \[1e-14, 0\.1\], got 0$/],
    [run({ dynamics: { kind: "descent", lr: 0.1, momentum: 1 } }), /^dynamics\.momentum: expected a finite number in \[0, 1\), got 1$/],
    [run({ dynamics: { kind: "sgd" } }), /^dynamics\.kind: expected one of "flow", "descent", got "sgd"$/],
    [run({ checkpoints: [5, 1] }), /^checkpoints: expected .*\(in ascending order\), got array\(length 2\)$/],
    [run({ seed: 1.5 }), /^seed: expected an integer in \[0, 9007199254740991\], got 1\.5$/],
    [run({ extra: 1 }), /^extra: expected no field "extra" here — fields: name, seed, model, data, loss, init, dynamics, checkpoints, observables, got an unknown field$/],
    [run({ model: { kind: "ensemble", members: [{ kind: "linear", inputs: 3 }, { kind: "diagonal", depths: [1, -1] }] } }), /^model\.members\[1\]\.depths\[1\]: expected an integer in \[1, 1000000\], got -1$/],
    [run({ model: { kind: "ensemble", members: [{ kind: "ensemble", members: [] }] } }), /^model\.members\[0\]\.kind: expected one of "linear", "diagonal", "deepLinear", "mlp", "net", got "ensemble"$/],
    [run({ name: "a b" }), /^name: expected a non-empty string, got "a b"$/],
  ])("%j", (spec, message) => {
    const e = err(() => parseSpec(RunSpecSchema, spec));
    expect(e).toBeInstanceOf(SpecError);
    expect(e.message).toMatch(message);
  });

  it("fills in every default, written once in the schema", () => {
    const s = parseSpec(RunSpecSchema, run({}));
    expect(s.loss).toBe("exp");
    expect(s.seed).toBe(0);
    expect(s.init).toEqual({ kind: "normal", scale: 1 });
    expect(s.dynamics).toMatchObject({ kind: "flow", rtol: 1e-8, atol: 1e-10, log10T: 100, terminal: null, linearSolver: "auto", maxSteps: 1_000_000 });
    expect(s.data).toEqual({ kind: "balls", mu: [0.8660254, 0.4330127, 0.25], r: 0.75, n: 1000 });
    expect(s.observables).toEqual({ certificates: true, kkt: true });
    const m = parseSpec(ModelSpecSchema, { kind: "mlp", inputs: 2, hidden: [4] });
    expect(m).toEqual({ kind: "mlp", inputs: 2, hidden: [4], outputs: 1, bias: false, residual: false, layerNorm: false });
  });

  it("a value that is valid passes unchanged; the input object is not modified", () => {
    const input = run({ loss: "logistic" });
    const copy = structuredClone(input);
    parseSpec(RunSpecSchema, input);
    expect(input).toEqual(copy);
  });

  it("paths format as JSON paths; describeSchema words a schema", () => {
    expect(formatPath("", ["model", "depths", 2])).toBe("model.depths[2]");
    expect(formatPath("spec", ["horizons", "1e5", "w"])).toBe('spec.horizons["1e5"].w');
    expect(formatPath("", [])).toBe("(the whole spec)");
    expect(describeSchema({ type: "integer", minimum: 2, maximum: 100 })).toBe("an integer in [2, 100]");
    expect(describeSchema({ type: "number", exclusiveMinimum: 0 })).toBe("a finite number > 0");
    expect(describeSchema({ anyOf: [{ type: "number" }, { type: "null" }] })).toBe("a finite number, or null");
    expect(nearest("fig5", ["fig1", "fig4", "appb"])).toBe("fig1");
    expect(nearest("zzzz", ["fig1", "fig4"])).toBeUndefined();
    expect(didYouMean("repruce", ["reproduce", "run"])).toBe(' (did you mean "reproduce"?)');
  });

  it("experiment specs: the ranges are the experiment's own (fig4: samples ≤ 1e6, radii ≥ 2)", () => {
    expect(err(() => parseExperimentSpec(fig4, { samples: 1e9 })).message).toMatch(/^samples: expected an integer in \[2, 1000000\], got 1000000000$/);
    expect(err(() => parseExperimentSpec(fig4, { radii: 1 })).message).toMatch(/^radii: expected an integer in \[2, 10000\], got 1$/);
    expect(err(() => parseExperimentSpec(fig4, { horizons: [] })).message).toMatch(/^horizons: expected an array of 1–16 finite numbers/);
    expect(parseExperimentSpec(fig4, {})).toEqual({ radii: 100, samples: 10_000, seed: 0, horizons: [5, 100], rtol: 1e-6, atol: 1e-9 });
  });
});

describe("data specs and CSV", () => {
  it("a CSV becomes a training set; every error names the line and column", () => {
    const ok = parseCsv("x1,x2,label\n1,2,1\n-1,0.5,-1\n", { label: "label", columns: null, source: "d.csv" });
    expect(ok.X).toEqual({ rows: 2, cols: 2, data: Float64Array.of(1, 2, -1, 0.5) });
    expect(ok.labels).toEqual(Float64Array.of(1, -1));
    const o = { label: "label", columns: null, source: "d.csv" };
    const cases: [string, RegExp][] = [
      ["", /^d\.csv line 1: expected a header row and at least one data row, got "an empty file"$/],
      ["x1,label\n", /^d\.csv line 2: expected a header row and at least one data row/],
      ["x1,x2\n1,2\n", /^d\.csv line 1: expected a column named "label"/],
      ["x1,x2,label\n1,2,1\n1,abc,-1\n", /^d\.csv line 3, column 2 \(x2\): expected a finite number, got "abc"$/],
      ["x1,x2,label\n1,NaN,1\n", /^d\.csv line 2, column 2 \(x2\): expected a finite number, got "NaN"$/],
      ["x1,x2,label\n1,,1\n", /^d\.csv line 2, column 2 \(x2\): expected a finite number, got "an empty cell"$/],
      ["x1,x2,label\n1,2,1\n1,2\n", /^d\.csv line 3: expected 3 cells, as in the header, got "2 cells"$/],
      ["x1,x1,label\n1,2,1\n", /^d\.csv line 1, column 2 \(x1\): expected distinct column names/],
      ["x1,x2,label\n\n1,2,1\n\n1,bad,1\n", /^d\.csv line 5, column 2 \(x2\): expected a finite number, got "bad"$/], // blank lines still count
    ];
    for (const [text, message] of cases) {
      const e = err(() => parseCsv(text, o));
      expect(e, text).toBeInstanceOf(CsvError);
      expect(e.message, text).toMatch(message);
    }
    expect(err(() => parseCsv("a,b\n1,2\n", { ...o, label: "b", columns: ["c"] })).message).toMatch(/expected a column named "c" \(listed in data\.columns\)/);
  });

  it("data kinds validate by kind", () => {
    expect(parseSpec(DataSpecSchema, { kind: "classes" })).toEqual({ kind: "classes", classes: 3, dim: 2, perClass: 20, sigma: 0.2 });
    expect(err(() => parseSpec(DataSpecSchema, { kind: "inline", X: [[1, 2]], labels: [1], y: 2 }, "data")).message).toMatch(/^data\.y: expected no field "y" here/);
  });
});

describe("sweep grids", () => {
  it("generators expand as written; the product varies the first path slowest", () => {
    expect(axisValues("a", { linspace: [0.05, 0.95, 19] })).toEqual(Array.from({ length: 19 }, (_, k) => +(0.05 + 0.05 * k).toPrecision(15)));
    expect(axisValues("a", { logspace: [-2, 0, 3] })).toEqual([0.01, 0.1, 1]);
    expect(axisValues("a", { range: [1, 7, 3] })).toEqual([1, 4, 7]);
    expect(gridPoints({ a: [1, 2], b: ["x", "y"] })).toEqual([{ a: 1, b: "x" }, { a: 1, b: "y" }, { a: 2, b: "x" }, { a: 2, b: "y" }]);
    expect(setPath({ model: { depths: [1, 2] } }, "model.depths[1]", 5)).toEqual({ model: { depths: [1, 5] } });
    expect(setPath({}, "data.r", 0.5)).toEqual({ data: { r: 0.5 } });
  });

  it("every point is validated as a run spec before anything runs; an error names the point and the field", () => {
    const base = run({ dynamics: { kind: "flow", log10T: 5 } });
    const s = parseExperimentSpec(sweep, { ...base, grid: { "data.r": [0.5, 0.7] } });
    expect(sweep.items(s).map((i) => i.spec.data)).toMatchObject([{ r: 0.5 }, { r: 0.7 }]);
    expect(err(() => parseExperimentSpec(sweep, { ...base, grid: { "data.r": [0.5, 0.7] }, extra: 1 })).message).toMatch(/^extra: expected no field "extra" here/);
    expect(err(() => parseExperimentSpec(sweep, { ...base, grid: { "data.r": [0.5, 0, 0.7] } })).message).toMatch(/^data\.r: expected a finite number > 0, got 0 \(grid point 1: \{"data\.r":0\}\)$/);
    expect(err(() => parseExperimentSpec(sweep, { ...base, grid: { "model.depths": [[1, 1], [1, 5, 10]] } })).message).toMatch(/grid point 0/);
    expect(err(() => parseExperimentSpec(sweep, { ...base, grid: {} })).message).toMatch(/^grid: /);
    expect(err(() => parseExperimentSpec(sweep, { ...base, grid: { "data r": [1] } })).message).toMatch(/^grid/);
    expect(err(() => parseExperimentSpec(sweep, { ...base, grid: { a: { linspace: [0, 1, 0.5] } } })).message).toMatch(/^grid\["a"\]\.linspace\[2\]: expected an integer count/);
    expect(err(() => parseExperimentSpec(sweep, { ...base })).message).toMatch(/^grid: expected a grid of spec paths/);
  });
});
