// The marginflow command as a user meets it: help for every command and every experiment, generated from the
// registry (every flag, range and default there is the schema's); one-line usage errors with exit code 2 that
// suggest the nearest valid name; list and schema; the demo against its closed forms; the kernel benchmark's JSON.
import { readFileSync, existsSync, writeFileSync, readdirSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXPERIMENTS, REPRODUCTIONS, getExperiment } from "@marginflow/core";
import { run, tmp } from "./helpers.js";

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

describe("help, generated from the registry", () => {
  it("--help lists every command; each command has its own help", async () => {
    const r = await run("--help");
    expect(r.code).toBe(0);
    for (const c of ["reproduce", "run", "sweep", "merge", "list", "schema", "bench", "demo"]) expect(r.stdout).toMatch(new RegExp(`marginflow ${c}\\b`));
    for (const [cmd, text] of [["reproduce", /Experiments \(marginflow reproduce ID --help/], ["run", /marginflow schema run/], ["sweep", /"linspace"/], ["merge", /Joins the output directories/], ["bench", /NumPy \+ SciPy/], ["list", /Lists every experiment/], ["schema", /JSON Schema/], ["demo", /closed-form/]] as const) {
      const h = await run(cmd, "--help");
      expect(h.code, cmd).toBe(0);
      expect(h.stdout, cmd).toMatch(text);
      expect(h.stdout, cmd).not.toBe(r.stdout);
    }
  });

  it.each(REPRODUCTIONS.map((id) => [id]))("reproduce %s --help: every spec field as a flag, with its description, range and default from the schema", async (id) => {
    const r = await run("reproduce", id, "--help");
    expect(r.code).toBe(0);
    const e = getExperiment(id);
    expect(r.stdout).toContain(e.title);
    for (const [field, s] of Object.entries(((e.spec as { properties: Record<string, { description: string; default: unknown }> }).properties))) {
      const line = r.stdout.split("\n").find((l) => l.includes(`--${kebab(field)} `));
      expect(line, `${id} --${kebab(field)}`).toBeDefined();
      expect(line).toContain(s.description.slice(0, 30));
      const d = Array.isArray(s.default) && s.default.every((x) => typeof x === "number") ? s.default.join(",") : typeof s.default === "string" ? s.default : JSON.stringify(s.default);
      expect(line).toContain(`default ${d}`);
    }
  });
});

describe("usage errors: one line, exit code 2, the nearest valid name suggested", () => {
  it.each([
    [["frobnicate"], /^marginflow: unknown command "frobnicate"; commands: reproduce, run, sweep, merge, list, schema, bench, collapse, demo \(see marginflow --help\)\n$/],
    [["reprodce", "fig4"], /^marginflow: unknown command "reprodce"; commands: .*; did you mean "reproduce"\?/],
    [["reproduce", "fig5"], /^marginflow: reproduce: unknown id "fig5"; available: fig1, fig2, fig4, fig4n, thm61, appb, nc-mnist, ulpm, ulpm-saddle, simplex, counterexamples, sq-toy, sq-flow, sq-dynamics, sq-runs, sq-rho-acc, sq-margins, sq-random-labels, sq-nc, sq-nc-multiclass, all; did you mean "fig1"\?/],
    [["reproduce", "run"], /^marginflow: reproduce: unknown id "run"; available: .* \(run is run from a spec file: marginflow run SPEC\.json\)/],
    [["reproduce", "fig4", "--sample", "10"], /^marginflow: reproduce: unknown option --sample \(did you mean "--samples"\?\)/],
    [["bench", "gpu"], /^marginflow: bench: unknown benchmark "gpu"; available: kernels, fig4, collapse, train, web/],
    [["bench", "kernels", "--jsn", "x"], /^marginflow: bench: unknown option --jsn \(did you mean "--json"\?\)/],
    [["bench", "fig4", "--samples", "1e9"], /^marginflow: --samples: expected an integer in \[2, 1000000\], got "1e9" \(fig4\)/],
    [["bench", "kernels", "--radii", "3"], /^marginflow: bench kernels: --radii applies to bench fig4 only/],
    [["bench", "web", "--radii", "3"], /^marginflow: bench web: --radii does not apply \(only --repeat and --json\)/],
    [["bench", "web", "--repeat", "0"], /^marginflow: --repeat: expected an integer in \[1, 20\], got "0"/],
    [["demo", "--workers", "0"], /^marginflow: --workers: expected an integer in \[1, 256\], got "0"/],
    [["schema", "fig9"], /^marginflow: schema: unknown experiment "fig9"; available: .*; did you mean "fig1"\?/],
  ])("%j", async (args, message) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("an unwritable --json path, or a directory, fails at once with one line, before measuring anything, leaving nothing behind", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "file"), "not a directory");
    mkdirSync(join(dir, "sub"));
    for (const [path, why] of [[join(dir, "file", "x.json"), "a parent path is not a directory"], [join(dir, "sub"), "it is a directory"]] as const) {
      const r = await run("bench", "kernels", "--json", path);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`marginflow: cannot write ${path}: ${why} — choose a writable path\n`);
      expect(r.stdout).toBe("");
    }
    expect(readdirSync(dir).sort()).toEqual(["file", "sub"]);
    expect(readdirSync(join(dir, "sub"))).toEqual([]);
  });
});

describe("list, schema", () => {
  it("list: every experiment with its source", async () => {
    const r = await run("list");
    expect(r.code).toBe(0);
    for (const e of EXPERIMENTS) expect(r.stdout).toMatch(new RegExp(`\\b${e.id} +${e.title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    expect(r.stdout).toMatch(/source: seed 000 \(Kunin et al\., ICLR 2023\), §5, Lemma 5\.1, Conjecture 5\.1, Fig\. 4/);
  });
  it("schema: the JSON Schema of a spec (default: run), with descriptions and defaults", async () => {
    const r = await run("schema");
    const s = JSON.parse(r.stdout);
    expect(s.$schema).toMatch(/json-schema\.org/);
    expect(Object.keys(s.properties)).toEqual(["name", "seed", "model", "data", "loss", "init", "dynamics", "checkpoints", "observables"]);
    expect(s.properties.loss.default).toBe("exp");
    expect(s.additionalProperties).toBe(false);
    expect(JSON.stringify(s)).not.toContain('"~'); // TypeBox's internal keys are not part of the schema
    const f = JSON.parse((await run("schema", "fig4")).stdout);
    expect(f.properties.radii).toMatchObject({ type: "integer", minimum: 2, maximum: 10000, default: 100 });
  });
});

describe("demo and the kernel benchmark", () => {
  it("demo: every integration matches its closed form, with 1 and 2 workers alike", async () => {
    const one = await run("demo", "--workers", "1");
    const two = await run("demo", "--workers", "2");
    expect(one.code).toBe(0);
    expect(two.stdout.replace(/on \d worker/, "")).toBe(one.stdout.replace(/on \d worker/, ""));
    const errors = [...one.stdout.matchAll(/error vs closed form ([\d.e+-]+)/g)].map((m) => Number(m[1]));
    expect(errors).toHaveLength(3);
    expect(errors[0]).toBeLessThanOrEqual(1e-8); // oscillator, 100 periods
    expect(errors[1]).toBeLessThanOrEqual(1e-9); // event at ln 2
    expect(errors[2]).toBeLessThanOrEqual(1e-8); // logistic
  });
  it("bench kernels --quick --json writes the measurements (a benchmark run, not a speed assertion)", async () => {
    const out = join(tmp(), "bench.json");
    const r = await run("bench", "kernels", "--quick", "--json", out);
    expect(r.code).toBe(0);
    expect(existsSync(out)).toBe(true);
    const j = JSON.parse(readFileSync(out, "utf8"));
    expect(j.schema).toBe(1);
    expect(j.peakGflops).toBeGreaterThan(0);
    expect(j.gemm.map((g: { n: number }) => g.n)).toEqual([64, 128, 256]);
    for (const g of j.gemm) expect(g.ratio).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/practical f64x2 SIMD peak/);
  });
});
