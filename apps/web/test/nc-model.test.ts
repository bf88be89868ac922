// The neural-collapse page's model in Node: the URL round-trips the state and names a bad field; the spec is the
// experiment's (core validates it and gives one item); the command line names the same spec's flags; and the MNIST
// file the page ships decodes to the `mnist` package's digits bit for bit (so the page's nc-mnist items are the CLI's).
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";
import { describe, expect, test } from "vitest";
import { getExperiment, parseExperimentSpec } from "@marginflow/core";
import { DEFAULT_NC, cliCommand, decodeNc, encodeNc, ncItemOf, ncSpecOf, type NcState } from "../src/nc-model.js";
import { decodeDigits, encodeDigits } from "../src/mnist-asset.js";

describe("the neural-collapse page's state", () => {
  test("every field round-trips through the URL; the defaults encode to nothing", () => {
    expect(encodeNc(DEFAULT_NC)).toBe("");
    const s: NcState = { model: "plain", classes: 5, seed: 7, perClass: 3, dim: 9, scale: 0.25, epochs: 12, log10T: 55.5, images: 12, width: 40, log10Target: -250 };
    expect(decodeNc(encodeNc(s))).toEqual(s);
    expect(decodeNc(`#${encodeNc(s)}`)).toEqual(s);
  });

  test("a bad URL names the field and what it takes", () => {
    expect(() => decodeNc("classes=11")).toThrow(/^#classes: expected an integer in \[3, 10\], got "11"$/);
    expect(() => decodeNc("model=cnn")).toThrow(/^#model: expected one of ulpm, layernorm, plain, got "cnn"$/);
    expect(() => decodeNc("scale=-1")).toThrow(/^#scale: expected a number in \[0\.001, 100\]/);
    expect(() => decodeNc("colour=red")).toThrow(/^#colour: expected a field of the page/);
    expect(() => decodeNc("classes=6&dim=5")).toThrow(/^dim: expected d ≥ K = 6/);
    expect(() => decodeNc("model=layernorm&classes=6&width=5")).toThrow(/^width: expected a width ≥ K = 6/);
  });

  test("the spec is the experiment's: core parses it into one item; the command line carries the same fields", () => {
    const u = ncItemOf(DEFAULT_NC);
    expect(u.experiment).toBe("ulpm");
    expect(u.item).toMatchObject({ kind: "ulpm", scale: 1, numClasses: 3, perClass: 10, dim: 20, epochs: 10_000, log10T: 100, seed: 0 });
    expect(cliCommand(DEFAULT_NC)).toBe("npx marginflow reproduce ulpm --scales 1 --num-classes 3 --per-class 10 --dim 20 --epochs 10000 --log10-t 100 --seed 0");
    const m = ncItemOf({ ...DEFAULT_NC, model: "layernorm", classes: 4, images: 5 });
    expect(m.experiment).toBe("nc-mnist");
    expect(m.item).toMatchObject({ kind: "nc-mnist", network: "layernorm", digits: [0, 1, 2, 3], perClass: 5, width: 32, batch: 20 });
    expect((m.item as { targetLogL: number }).targetLogL).toBeCloseTo(-100 * Math.LN10, 12);
    // every spec field is one of the experiment's (the CLI's flags come from the same schema)
    for (const s of [DEFAULT_NC, { ...DEFAULT_NC, model: "plain" as const }]) {
      const { experiment, spec } = ncSpecOf(s);
      expect(() => parseExperimentSpec(getExperiment(experiment), spec)).not.toThrow();
    }
  });
});

describe("the MNIST digits the page ships", () => {
  test("decode(encode(the mnist package)) is the package, bitwise; a wrong or truncated file says so", () => {
    const digits = (createRequire(import.meta.url)("mnist") as { raw: number[]; length: number }[]).map((d) => ({ count: d.length, raw: d.raw }));
    const bytes = encodeDigits(digits);
    const back = decodeDigits(gzipSync(bytes));
    expect(back.map((c) => c.count)).toEqual(digits.map((c) => c.count));
    for (let d = 0; d < 10; d++) {
      const a = back[d]!.raw, b = digits[d]!.raw;
      let same = a.length === b.length;
      for (let i = 0; same && i < b.length; i++) same = Object.is(a[i], b[i]);
      expect(same).toBe(true);
    }
    expect(() => decodeDigits(new TextEncoder().encode("<html>not found</html>"), false)).toThrow(/not a digits file of this page/);
    expect(() => decodeDigits(bytes.subarray(0, bytes.length - 10), false)).toThrow(/a truncated download/);
  });
});
