// MNIST data in a run spec through the command line: the command and its pool workers load the `mnist` package on
// first use, and the run trains on the digits it names.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run, tmp } from "./helpers.js";

describe("marginflow run with MNIST data", () => {
  it("two digits, ±1 targets, a ReLU net trained by GD: the loss falls and the result names the data", async () => {
    const dir = tmp("mf-mnist-");
    const spec = {
      name: "mnist-01", model: { kind: "mlp", inputs: 784, hidden: [8], outputs: 1, bias: true },
      data: { kind: "mnist", digits: [0, 1], perClass: 10, targets: "pm1" }, init: { kind: "he" },
      dynamics: { kind: "descent", lr: 0.5, steps: 50 }, observables: { kkt: false, certificates: false },
    };
    writeFileSync(join(dir, "spec.json"), JSON.stringify(spec));
    const r = await run("run", join(dir, "spec.json"), "--out", join(dir, "out"));
    expect(r.stderr).not.toMatch(/marginflow:/);
    expect(r.code).toBe(0);
    const res = JSON.parse(readFileSync(join(dir, "out", "result.json"), "utf8"));
    expect(res.params.data.kind).toBe("mnist");
    const cps = res.results?.checkpoints ?? res.checkpoints;
    expect(cps.at(-1).log10Loss).toBeLessThan(cps[0].log10Loss);
  });
  it("a one-output model with class-index targets is refused before anything runs", async () => {
    const dir = tmp("mf-mnist-");
    writeFileSync(join(dir, "spec.json"), JSON.stringify({ model: { kind: "mlp", inputs: 784, hidden: [4], outputs: 1 }, data: { kind: "mnist", digits: [0, 1] } }));
    const r = await run("run", join(dir, "spec.json"), "--out", join(dir, "out"));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/data\.targets: expected "pm1" \(with two digits\) for a one-output model/);
  });
});

describe("marginflow reproduce nc-mnist (a small spec)", () => {
  it("trains both networks to 100% accuracy, continues into the terminal phase, and writes the figures and table", async () => {
    const dir = tmp("mf-ncm-");
    const r = await run("reproduce", "nc-mnist", "--digits", "0,1,2", "--per-class", "8", "--test-per-class", "4", "--width", "16", "--batch", "8", "--target-log-l", "-120", "--budget-s", "60", "--out", dir);
    expect(r.stderr).not.toMatch(/marginflow:/);
    expect(r.code).toBe(0);
    const res = JSON.parse(readFileSync(join(dir, "nc-mnist", "result.json"), "utf8"));
    const runs = res.results?.runs ?? res.runs;
    expect(runs.map((x: { network: string }) => x.network)).toEqual(["layernorm", "plain"]);
    for (const x of runs) {
      const recs = x.records as { phase: string; accuracy: number; log10Loss: number; metrics: Record<string, number | null> }[];
      expect(recs.filter((p) => p.phase === "sgd").at(-1)!.accuracy).toBe(1);
      expect(recs.at(-1)!.log10Loss * Math.LN10).toBeLessThan(-120); // far below where float32 stops (≈ −87)
      expect(recs.at(-1)!.metrics.nc1!).toBeLessThan(recs[0]!.metrics.nc1!);
    }
    for (const f of ["nc-mnist-layernorm.svg", "nc-mnist-plain.svg", "nc-mnist-loss.svg", "nc-mnist.csv"]) expect(readFileSync(join(dir, "nc-mnist", f)).length).toBeGreaterThan(100);
  }, 120_000);
});
