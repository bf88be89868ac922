// The page's DOM-free modules in Node: the URL state round-trips, datasets come from core's seeded generators,
// bad CSVs are refused with messages naming the line, the column and the fix, and the state becomes a run spec
// that core accepts.
import { describe, expect, test } from "vitest";
import { gaussianPair, trainTestSplit } from "@marginflow/core";
import { DEFAULT_STATE, decodeState, encodeState, type PageState } from "../src/state.js";
import { GAUSSIAN_MU, gridInputs, loadCsv, makePageData } from "../src/data.js";
import { parseRunSpec, runSpecOf } from "../src/spec.js";
import { fig4RunSpec, nearestRadius, parseRadius, type Fig4Shipped } from "../src/fig4-model.js";
import { fig4Sweep } from "../scripts/fig4-sweep.mjs";

const state = (over: Partial<PageState> = {}): PageState => ({ ...DEFAULT_STATE, features: [...DEFAULT_STATE.features], hidden: [...DEFAULT_STATE.hidden], csv: [], added: [], ...over });

describe("the page's state in the URL", () => {
  test("the defaults are the empty hash; every field round-trips", () => {
    expect(encodeState(state())).toBe("");
    const s = state({
      dataset: "spiral", n: 321, noise: 0.125, radius: 0.5, classes: 5, ratio: 0.7, seed: 42, features: ["x1", "sin(x2)", "x1x2"], hidden: [16, 3, 1],
      activation: "linear", bias: false, residual: false, layerNorm: true, loss: "square", dynamics: "sgd", log10T: 12.5, lr: 0.03, steps: 777,
      momentum: 0.9, weightDecay: 1e-4, batch: 17, adaptive: true, stopLog10Loss: -42, added: [[0.1 + 0.2, -1 / 3, 1]], csv: [[1e-300, 5, -1], [2, 3, 1]],
    });
    expect(decodeState(encodeState(s))).toEqual(s);
    expect(decodeState(`#${encodeState(state({ hidden: [] }))}`).hidden).toEqual([]);
    const d = state({ network: "diagonal", depths: [5, 1, 2], features: ["x1", "x2", "x1x2"] });
    expect(decodeState(encodeState(d))).toEqual(d);
  });

  test("a bad hash names the field and what it takes", () => {
    expect(() => decodeState("#n=abc")).toThrow(/^#n: expected an integer in \[4, 2000\], got "abc"$/);
    expect(() => decodeState("#hidden=8,99")).toThrow(/^#hidden\[1\]: expected an integer in \[1, 16\], got "99"$/);
    expect(() => decodeState("#hidden=1,1,1,1,1,1,1")).toThrow(/at most 6 hidden layers/);
    expect(() => decodeState("#dataset=moons")).toThrow(/^#dataset: expected one of gaussians, circle/);
    expect(() => decodeState("#colour=red")).toThrow(/^#colour: expected a field of the page/);
    expect(() => decodeState("#added=1,2")).toThrow(/^#added\[0\]: expected x1,x2,label/);
    expect(() => decodeState("#network=conv")).toThrow(/^#network: expected one of layers, diagonal, got "conv"$/);
    expect(() => decodeState("#depths=5,0")).toThrow(/^#depths\[1\]: expected an integer in \[1, 16\], got "0"$/);
  });
});

describe("the page's data", () => {
  test("two Gaussians are core's gaussianPair, split by core's trainTestSplit (bitwise)", () => {
    const d = makePageData(state());
    const { train, test } = trainTestSplit(gaussianPair({ mu: GAUSSIAN_MU, sigma: 0.25, n: 200, seed: 0 }), 0.5, 0);
    expect(d.train.flatMap((p) => [p[0], p[1]])).toEqual(Array.from(train.X.data));
    expect(d.test.map((p) => p[2])).toEqual(Array.from(test.labels));
    expect(d.classes).toBe(2);
  });

  test("every generator gives its classes; clicked points join the training set; the grid has G² rows of features", () => {
    for (const dataset of ["circle", "xor", "spiral", "balls"] as const) expect(makePageData(state({ dataset })).classes).toBe(2);
    const blobs = makePageData(state({ dataset: "blobs", classes: 4, n: 40 }));
    expect(blobs.classes).toBe(4);
    expect(new Set(blobs.train.map((p) => p[2]))).toEqual(new Set([0, 1, 2, 3]));
    const added = makePageData(state({ added: [[9, 9, -1]] }));
    expect(added.train.at(-1)).toEqual([9, 9, -1]);
    expect(added.bounds.x[1]).toBeGreaterThan(9);
    expect(() => makePageData(state({ added: [[0, 0, 2]] }))).toThrow(/^added\[0\]: expected a label of this dataset \(±1\)/);
    expect(gridInputs({ x: [-1, 1], y: [-1, 1] }, 4, ["x1", "x2", "x1x2"])).toHaveLength(4 * 4 * 3);
  });

  test("a good CSV loads (0/1 labels become ±1); bad ones say which line, column and fix", () => {
    const good = loadCsv("x1,x2,label\n0.5,1,1\n-1,2.5,0\n", "good.csv");
    expect(good).toEqual([[0.5, 1, 1], [-1, 2.5, -1]]);
    expect(loadCsv("a,b,label\n0,0,0\n1,1,1\n2,2,2\n", "k.csv").map((p) => p[2])).toEqual([0, 1, 2]);
    expect(() => loadCsv("x1,x2,label\n1,2,1\n3,4\n", "ragged.csv")).toThrow(/^ragged\.csv line 3: expected 3 cells, as in the header, got "2 cells"$/);
    expect(() => loadCsv("x1,x2,label\n1,abc,1\n", "text.csv")).toThrow(/^text\.csv line 2, column 2 \(x2\): expected a finite number, got "abc"$/);
    expect(() => loadCsv("x1,x2,label\n1,2,1\n3,4,1\n", "one.csv")).toThrow(/^one\.csv labels: expected at least two classes.*got "one class \(every label is 1\)"$/);
    expect(() => loadCsv(`x1,x2,label\n${"1,2,1\n".repeat(1_000_000)}`, "big.csv")).toThrow(/^big\.csv: expected at most 10000 rows in a browser tab/);
    expect(() => loadCsv("x1,x2,x3,label\n1,2,3,1\n", "wide.csv")).toThrow(/two feature columns/);
  });
});

describe("the page's run spec", () => {
  test("the default page is the issue's default network: 2 hidden layers of 8 ReLU units with biases, two Gaussians, exp loss, flow to 1e100", () => {
    const s = state();
    const spec = parseRunSpec(runSpecOf(s, makePageData(s)));
    expect(spec.model).toMatchObject({ kind: "mlp", inputs: 2, hidden: [8, 8], outputs: 1, bias: true });
    expect(spec.loss).toBe("exp");
    expect(spec.dynamics).toMatchObject({ kind: "flow", log10T: 100 });
    expect(spec.data.kind).toBe("inline");
  });

  test("cross-entropy takes one output per class; a linear network is deepLinear; descent carries its options", () => {
    const s = state({ loss: "crossEntropy", activation: "linear", dynamics: "sgd", batch: 8, momentum: 0.5, features: ["x1", "x2", "x1^2"] });
    const spec = parseRunSpec(runSpecOf(s, makePageData(s)));
    expect(spec.model).toMatchObject({ kind: "deepLinear", inputs: 3, outputs: 2 });
    expect(spec.loss).toBe("logistic");
    expect(spec.dynamics).toMatchObject({ kind: "descent", batchSize: 8, momentum: 0.5, adaptive: "none" });
    expect(new Set((spec.data as { labels: number[] }).labels)).toEqual(new Set([0, 1]));
    expect(() => runSpecOf(state({ activation: "linear", residual: true }), makePageData(state()))).toThrow(/^residual: expected ReLU layers/);
    expect(() => parseRunSpec(runSpecOf(state({ loss: "square", log10T: 400 }), makePageData(state())))).toThrow(/^dynamics\.log10T: expected ≤ 300 in ordinary time/);
  });

  test("the diagonal network: seed 000's β_i = Π_j θ_ij with one depth per feature, from all-ones (Fig. 4); one output only", () => {
    const s = state({ dataset: "balls", network: "diagonal", depths: [5, 1] });
    const spec = parseRunSpec(runSpecOf(s, makePageData(s)));
    expect(spec.model).toEqual({ kind: "diagonal", depths: [5, 1] });
    expect(spec.init).toEqual({ kind: "constant", value: 1 });
    expect(() => runSpecOf(state({ network: "diagonal", depths: [5] }), makePageData(state()))).toThrow(/^depths: expected one depth per input feature \(2: x1, x2\), got "5"$/);
    const blobs = state({ dataset: "blobs", network: "diagonal" });
    expect(() => runSpecOf(blobs, makePageData(blobs))).toThrow(/^network: expected two classes and a one-output loss/);
  });
});

describe("the Fig. 4 page's model", () => {
  test("the shipped sweep is core's fig4 result; the live spec is its QH network on the same samples, radius and tolerances", async () => {
    const shipped = (await fig4Sweep({ radii: 4, samples: 200, seed: 0, horizons: [5, 100] })) as unknown as Fig4Shipped;
    expect(shipped.command).toBe("marginflow reproduce fig4 --radii 4 --samples 200 --seed 0 --horizons 5,100");
    expect(shipped.result.radii.map((x) => x.r)).toEqual([0.125, 0.375, 0.625, 0.875]);
    const item = shipped.result.radii[nearestRadius(shipped.result.radii, 0.6)]!;
    expect(item.r).toBe(0.625);
    const spec = parseRunSpec(fig4RunSpec(shipped, item));
    expect(spec.model).toEqual({ kind: "diagonal", depths: [1, 5, 10] });
    expect(spec.data).toMatchObject({ kind: "balls", r: 0.625, n: 200 });
    expect(spec.dynamics).toMatchObject({ kind: "flow", log10T: 100, rtol: item.rtol, atol: item.atol });
    expect(parseRadius("0.5")).toBe(0.5);
    expect(() => parseRadius("1")).toThrow(/^r: expected a radius in \(0, 1\)/);
    expect(() => parseRadius("abc")).toThrow(/^r: expected a radius in \(0, 1\).*got "abc"$/);
  });
});
