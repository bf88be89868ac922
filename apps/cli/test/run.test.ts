// marginflow run / sweep as a researcher uses them: a spec file (or stdin) defines the experiment; the outputs are
// result.json, the checkpoints as CSV (columns a pandas user reads directly) and JSONL, a figure and a report; a
// sweep runs the grid's product with shards and merge; any registry experiment can be run from a file; a bad spec
// — unknown field, wrong type, out of range, unknown kind, a CSV cell — is one line naming the JSON path (or the
// CSV line and column), exit code 2, and nothing written.
import { existsSync, readFileSync, writeFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run, runWith, tmp } from "./helpers.js";

const base = {
  name: "balls-qh",
  model: { kind: "diagonal", depths: [1, 5, 10] },
  data: { kind: "balls", r: 0.75, n: 500 },
  init: { kind: "constant", value: 1 },
  dynamics: { kind: "flow", log10T: 100 },
  checkpoints: [0, 5, 20, 100],
};
const file = (dir: string, spec: unknown, name = "spec.json") => {
  const f = join(dir, name);
  writeFileSync(f, typeof spec === "string" ? spec : JSON.stringify(spec, null, 2));
  return f;
};

describe("marginflow run", () => {
  it("a run spec: result.json, checkpoints.csv/jsonl, the trajectory figure and report.html; stdin gives the same result", async () => {
    const d = tmp(), out = join(d, "out");
    const r = await run("run", file(d, base), "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^run: .*out\/result\.json\n  ✓ Lemma 4\.1 \(a\)/);
    const res = JSON.parse(readFileSync(join(out, "result.json"), "utf8"));
    expect(res).toMatchObject({ schema: 1, id: "run", kind: "run", name: "balls-qh", stop: "horizon", dynamics: "flow" });
    expect(res.params.loss).toBe("exp"); // the complete spec, defaults filled in
    expect(res.lambda.objectiveGroups).toEqual(["diag.coord0"]);
    expect(res.checkpoints.map((c: { log10t: number }) => c.log10t)).toEqual([0, 5, 20, 100]);
    const csv = readFileSync(join(out, "checkpoints.csv"), "utf8").trim().split("\n");
    const header = csv[0]!.split(",");
    expect(header.slice(0, 6)).toEqual(["log10t", "step", "log10_loss", "qmin", "gamma", "gamma_tilde"]);
    expect(header).toContain("distance_asymmetric");
    expect(header).toContain("norm_diag.coord2");
    expect(csv).toHaveLength(5);
    const row = Object.fromEntries(header.map((h, i) => [h, csv[4]!.split(",")[i]]));
    expect(Number(row.log10t)).toBe(100);
    expect(Number(row.log10_loss)).toBeCloseTo(res.log10Loss, 12);
    expect(row.step).toBe(""); // not computed for a flow: an empty cell, which pandas reads as NaN
    const jsonl = readFileSync(join(out, "checkpoints.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(jsonl[3].gamma_tilde).toBe(res.checkpoints[3].smoothedMargin);
    expect(readFileSync(join(out, "trajectory.svg"), "utf8")).toMatch(/^<svg/);
    expect(existsSync(join(out, "trajectory.png"))).toBe(true);
    expect(readFileSync(join(out, "report.html"), "utf8")).toMatch(/balls-qh[\s\S]*Lemma 4\.1[\s\S]*<svg/);
    const viaStdin = await runWith({ stdin: JSON.stringify(base) }, "run", "-", "--out", join(d, "stdin"));
    expect(viaStdin.code, viaStdin.stderr).toBe(0);
    expect(readFileSync(join(d, "stdin", "result.json"), "utf8")).toBe(readFileSync(join(out, "result.json"), "utf8"));
  }, 60_000);

  it("gradient descent from a spec, and the default output directory under ./marginflow-out/<name>", async () => {
    const d = tmp();
    const spec = { name: "gd", model: { kind: "mlp", inputs: 2, hidden: [8], bias: true }, data: { kind: "gaussians", n: 40 }, loss: "logistic", dynamics: { kind: "descent", lr: 0.5, steps: 200, momentum: 0.9 } };
    const r = await runWith({ cwd: d }, "run", file(d, spec));
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(readFileSync(join(d, "marginflow-out", "gd", "result.json"), "utf8"));
    expect(res.stop).toBe("steps");
    expect(res.checkpoints.map((c: { step: number }) => c.step)).toEqual([0, 1, 10, 100, 200]);
    expect(res.certificates.notes[0]).toMatch(/no max-margin certificate applies/);
  });

  it("any registry experiment runs from a spec file: fig4 with the user's own values", async () => {
    const d = tmp();
    const r = await run("run", file(d, { experiment: "fig4", radii: 2, samples: 200, horizons: [3] }), "--out", join(d, "f"));
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(readFileSync(join(d, "f", "result.json"), "utf8"));
    expect(res.id).toBe("fig4");
    expect(res.radii.map((x: { r: number }) => x.r)).toEqual([0.25, 0.75]);
  });

  it("a CSV dataset, relative to the spec file; a bad cell names its line and column", async () => {
    const d = tmp();
    writeFileSync(join(d, "points.csv"), "x1,x2,label\n1,0.5,1\n0.8,1.2,1\n-1,-0.4,-1\n-0.7,-1.1,-1\n");
    const spec = { name: "csv", model: { kind: "linear", inputs: 2 }, data: { kind: "csv", path: "points.csv" }, dynamics: { kind: "flow", log10T: 20 } };
    const r = await run("run", file(d, spec), "--out", join(d, "out"));
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(readFileSync(join(d, "out", "result.json"), "utf8"));
    expect(res.params.data).toEqual({ kind: "inline", X: [[1, 0.5], [0.8, 1.2], [-1, -0.4], [-0.7, -1.1]], labels: [1, 1, -1, -1] });
    expect(res.checkpoints.at(-1).distanceSvm).toBeLessThan(0.1);
    writeFileSync(join(d, "points.csv"), "x1,x2,label\n1,0.5,1\n0.8,oops,1\n");
    const bad = await run("run", file(d, spec), "--out", join(d, "bad"));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^marginflow: .*spec\.json: .*points\.csv line 3, column 2 \(x2\): expected a finite number, got "oops" \(see marginflow run --help\)\n$/);
    expect(existsSync(join(d, "bad"))).toBe(false);
    writeFileSync(join(d, "points.csv"), "x1,x2,label\n1,0.5,1\n0.8\n");
    expect((await run("run", file(d, spec), "--out", join(d, "bad"))).stderr).toMatch(/points\.csv line 3: expected 3 cells, as in the header, got "1 cells"/);
    const missing = await run("run", file(d, { ...spec, data: { kind: "csv", path: "nope.csv" } }), "--out", join(d, "bad"));
    expect(missing.stderr).toMatch(/data\.path: cannot read .*nope\.csv: no such file/);
  });

  it.each([
    [{ ...base, extra: 1 }, /extra: expected no field "extra" here — fields: name, seed, model, data, loss, init, dynamics, checkpoints, observables, got an unknown field/],
    [{ ...base, model: { kind: "diagonal", depths: [1, 5, 0] } }, /model\.depths\[2\]: expected an integer in \[1, 1000000\], got 0/],
    [{ ...base, model: { kind: "diagonal", depths: "1,5" } }, /model\.depths: expected a non-empty array of integers in \[1, 1000000\], got "1,5"/],
    [{ ...base, model: { kind: "cnn" } }, /model\.kind: expected one of "linear", "diagonal", "deepLinear", "mlp", "net", "ensemble", got "cnn"/],
    [{ ...base, data: { kind: "spirals" } }, /data\.kind: expected one of "gaussians", "balls", "classes", "inline", "csv", "mnist", got "spirals"/],
    [{ ...base, data: { kind: "balls", n: 1e9 } }, /data\.n: expected an integer in \[2, 1000000\], got 1000000000/],
    [{ ...base, dynamics: { kind: "flow", log10T: 1e9 } }, /dynamics\.log10T: expected a finite number in \[-10, 100000\], got 1000000000/],
    [{ ...base, loss: "hinge" }, /loss: expected one of "exp", "logistic", "square", got "hinge"/],
    [{ ...base, model: { kind: "linear", inputs: 4 } }, /data: expected 4 input columns \(the model's inputs\), got "500×3 inputs"/],
    [{ ...base, grid: { seed: [1, 2] } }, /this spec has a "grid": run it with marginflow sweep/],
    [{ ...base, experiment: "fig5" }, /experiment: expected one of .* \(did you mean "fig1"\?\)|experiment: expected one of .*; did you mean "fig1"\?/],
    ['{"name": "x",\n  "model": }', /not valid JSON at line 2, column 12: value expected/],
    ["", /not valid JSON \(the file is empty\)/],
  ])("bad spec %#: one line naming the JSON path, exit code 2, nothing written", async (spec, message) => {
    const d = tmp();
    const r = await run("run", file(d, spec), "--out", join(d, "out"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(join(d, "out"))).toBe(false);
  });

  it("a missing spec file, or none", async () => {
    expect((await run("run", "/nonexistent/spec.json")).stderr).toMatch(/^marginflow: cannot read \/nonexistent\/spec\.json: no such file/);
    expect((await run("run")).stderr).toMatch(/^marginflow: run: expected one spec file \(or - for standard input\)/);
  });
});

describe("the README's examples", () => {
  const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
  const root = new URL("../../../", import.meta.url).pathname;
  /** The lines the README shows after "$ npx marginflow ARGS" ("…" elides lines). */
  const shownOutput = (cmd: string) => {
    const block = readme.split("```").find((b) => b.includes(`$ npx marginflow ${cmd}`))!;
    return block.split("\n").slice(2).filter((l) => l.trim() !== "" && l.trim() !== "…");
  };
  it.each([["run", "examples/balls-qh.json"], ["sweep", "examples/sweep-radius.json"]])("marginflow %s %s prints what the README shows", async (cmd, spec) => {
    const d = tmp();
    const r = await runWith({ cwd: d }, cmd, join(root, spec));
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    const expected = shownOutput(`${cmd} ${spec}`);
    expect(expected.length).toBeGreaterThan(3);
    let at = 0;
    for (const e of expected) {
      const k = lines.indexOf(e, at);
      expect(k, `README line not printed (in order): ${e}`).toBeGreaterThanOrEqual(0);
      at = k + 1;
    }
  }, 60_000);
});

describe("marginflow sweep", () => {
  const sweep = {
    name: "radius",
    model: { kind: "diagonal", depths: [1, 5, 10] }, data: { kind: "balls", n: 300 }, init: { kind: "constant", value: 1 },
    dynamics: { kind: "flow", log10T: 30 }, checkpoints: [5, 30],
    grid: { "model.depths": [[1, 1, 1], [1, 5, 10]], "data.r": { linspace: [0.55, 0.85, 3] } },
  };

  it("the product of the grid: sweep.csv one row per point, every run's checkpoints, figures, report; shards + merge = unsharded", async () => {
    const d = tmp();
    const spec = file(d, sweep);
    const r = await run("sweep", spec, "--out", join(d, "all"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.split("\n").filter((l) => /^sweep \d\/6 model\.depths = \[1,(1,1|5,10)\], data\.r = 0\.\d+$/.test(l))).toHaveLength(6);
    const rows = readFileSync(join(d, "all", "sweep.csv"), "utf8").trim().split("\n");
    expect(rows[0]).toBe("point,model.depths,data.r,stop,log10t,log10_loss,gamma_tilde,gamma,kkt_stationarity,distance_svm,distance_asymmetric");
    expect(rows.slice(1).map((l) => l.split(",").slice(0, 1)[0])).toEqual(["0", "1", "2", "3", "4", "5"]);
    expect(rows[1]).toMatch(/^0,"\[1,1,1\]",0\.55,horizon,30(\.\d+)?,/);
    const res = JSON.parse(readFileSync(join(d, "all", "result.json"), "utf8"));
    expect(res.points.map((p: { values: Record<string, unknown> }) => p.values["data.r"])).toEqual([0.55, 0.7, 0.85, 0.55, 0.7, 0.85]);
    expect(res.runs).toHaveLength(6);
    expect(readFileSync(join(d, "all", "checkpoints.csv"), "utf8").trim().split("\n")).toHaveLength(1 + 6 * 2);
    expect(readdirSync(join(d, "all")).filter((f) => f.endsWith(".svg")).sort()).toEqual(["sweep-distanceAsymmetric-data_r.svg", "sweep-smoothedMargin-data_r.svg", "sweep-trajectories.svg"]);
    for (const k of [1, 2]) expect((await run("sweep", spec, "--shard", `${k}/2`, "--out", join(d, `s${k}`))).code).toBe(0);
    const m = await run("merge", join(d, "s1"), join(d, "s2"), "--out", join(d, "merged"));
    expect(m.code, m.stderr).toBe(0);
    expect(readFileSync(join(d, "merged", "result.json"), "utf8")).toBe(readFileSync(join(d, "all", "result.json"), "utf8"));
  }, 120_000);

  it("--resume on a directory made by a different spec refuses and says why; a bad point is named before anything runs", async () => {
    const d = tmp();
    expect((await run("sweep", file(d, sweep), "--out", join(d, "out"))).code).toBe(0);
    const other = { ...sweep, grid: { ...sweep.grid, "data.r": { linspace: [0.55, 0.95, 3] } } };
    const r = await run("sweep", file(d, other, "other.json"), "--out", join(d, "out"), "--resume");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds a run of sweep with another spec \(grid\["data\.r"\]\.linspace\[1\] is 0\.85 there, 0\.95 here\): choose another --out/);
    const bad = await run("sweep", file(d, { ...sweep, grid: { "data.r": [0.5, -1] } }, "bad.json"), "--out", join(d, "bad"));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/data\.r: expected a finite number > 0, got -1 \(grid point 1: \{"data\.r":-1\}\)/);
    expect(existsSync(join(d, "bad"))).toBe(false);
    const notSweep = await run("sweep", file(d, base, "base.json"), "--out", join(d, "x"));
    expect(notSweep.stderr).toMatch(/grid: expected a grid of spec paths/);
  }, 60_000);
});
