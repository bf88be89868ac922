// The experiment registry's contract: experiments/index.ts is the one list; every spec field states its meaning and
// has a default (or is required) — written once, in the schema; items are a pure function of the spec; results are
// validated by each experiment's result schema (NaN and malformed fields rejected); and the whole path — items →
// run → assemble → figures → summary — works for the quick experiments, with App. B's stated Λ all holding.
import { createRequire } from "node:module";
import { beforeAll, describe, expect, it } from "vitest";
import { EXPERIMENTS, REPRODUCTIONS, Runtime, checkValue, getExperiment, parseExperimentSpec, registerMnist, type AnyExperiment } from "../src/index.js";

// the seed-001 network experiments check their specs against the MNIST data (images per digit): register it
beforeAll(() => registerMnist(() => (createRequire(import.meta.url)("mnist") as { raw: number[]; length: number }[]).map((d) => ({ count: d.length, raw: d.raw }))));

type S = Record<string, unknown>;

/** Every object property in a schema, with its path: [path, property schema, required?]. */
function fields(schema: S, path = ""): [string, S, boolean][] {
  const out: [string, S, boolean][] = [];
  const props = (schema.properties ?? {}) as Record<string, S>;
  const req = new Set((schema.required as string[] | undefined) ?? []);
  for (const [k, v] of Object.entries(props)) {
    out.push([`${path}${k}`, v, req.has(k)]);
    out.push(...fields(v, `${path}${k}.`));
  }
  for (const b of (schema.anyOf as S[] | undefined) ?? []) out.push(...fields(b, path));
  if (schema.items && typeof schema.items === "object") out.push(...fields(schema.items as S, `${path}[].`));
  return out;
}

const sampleSpec: Record<string, unknown> = {
  run: { model: { kind: "linear", inputs: 2 }, data: { kind: "gaussians", n: 20 }, dynamics: { kind: "flow", log10T: 3 } },
  sweep: { model: { kind: "linear", inputs: 2 }, data: { kind: "gaussians", n: 20 }, dynamics: { kind: "flow", log10T: 3 }, grid: { seed: [0, 1] } },
  ode: { rhs: { kind: "linear", matrix: [0, 1, -1, 0] }, y0: [1, 0], t0: 0, t1: 1, options: { rtol: 1e-8, atol: 1e-8 } },
  probe: { run: { model: { kind: "linear", inputs: 2 }, data: { kind: "gaussians", n: 20 } }, theta: [1, 0], points: { rows: 1, data: [0, 0] }, test: null },
};

describe("the experiment registry", () => {
  it("one list with unique ids; the reproductions are the papers' results, in order", () => {
    const ids = EXPERIMENTS.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(REPRODUCTIONS).toEqual(["fig1", "fig2", "fig4", "fig4n", "thm61", "appb", "nc-mnist", "ulpm", "ulpm-saddle", "simplex", "counterexamples", "sq-toy", "sq-flow", "sq-dynamics", "sq-runs", "sq-rho-acc", "sq-margins", "sq-random-labels", "sq-nc", "sq-nc-multiclass"]);
    expect(() => getExperiment("fig5")).toThrow(/^experiment: expected one of .* \(did you mean "fig1"\?\), got "fig5"$/);
    for (const e of EXPERIMENTS) expect(e.source.paper.length, e.id).toBeGreaterThan(0);
  });

  it.each(EXPERIMENTS.filter((e) => e.category !== "tool").map((e) => [e.id, e] as [string, AnyExperiment]))("%s: every spec field has a description and a default, or is required", (_id, e) => {
    for (const [path, s, required] of fields(e.spec as S)) {
      if (path.endsWith("kind") || path === "grid") continue; // discriminants and the sweep's grid are required by nature
      expect(typeof s.description === "string" || (Array.isArray(s.anyOf) && typeof s.description === "string") || path.includes("[]."), `${e.id}: ${path} has no description`).toBe(true);
      if (!required && !path.includes("[].")) expect("default" in s, `${e.id}: ${path} is optional without a default`).toBe(true);
    }
  });

  it.each(EXPERIMENTS.map((e) => [e.id, e] as [string, AnyExperiment]))("%s: items are a pure function of the spec", (id, e) => {
    const spec = parseExperimentSpec(e, sampleSpec[id] ?? {});
    const a = JSON.stringify(e.items(spec)), b = JSON.stringify(e.items(structuredClone(spec)));
    expect(a).toBe(b);
    expect(e.items(spec).length).toBeGreaterThan(0);
  });

  it("result schemas reject NaN, wrong types and unknown fields (stored items are validated against them)", () => {
    const fig4 = getExperiment("fig4");
    const good = { kind: "fig4", r: 0.5, samples: 10, seed: 0, mu: [1, 0, 0], rtol: 1e-6, atol: 1e-9, lemma51: null, schema: 1,
      hom: { depths: [1], horizons: { "1e5": { w: [1, 0, 0], robustness: 0.1, sampleMargin: 0.1, log10Loss: -1, nfev: 10, distance: null, log10t: 5 } }, certificate: { w: [null], robustness: null, problem: "" }, closedForm: { w: [null], robustness: null, source: "" } } };
    const ok = { ...good, qh: good.hom };
    expect(checkValue(fig4.itemResult, ok)).toBeUndefined();
    const bad = (f: (x: typeof ok) => void) => {
      const x = structuredClone(ok);
      f(x);
      return checkValue(fig4.itemResult, x, "result")?.message;
    };
    expect(bad((x) => (x.hom.horizons["1e5"]!.robustness = NaN))).toMatch(/^result\.hom\.horizons\["1e5"\]\.robustness: expected a finite number, got NaN$/);
    expect(bad((x) => ((x.hom.horizons["1e5"] as S).robustness = "x"))).toMatch(/^result\.hom\.horizons\["1e5"\]\.robustness: expected a finite number, got "x"$/);
    expect(bad((x) => ((x as S).extra = 1))).toMatch(/^result\.extra: expected no field "extra"/);
    expect(bad((x) => delete (x as S).qh)).toMatch(/^result\.qh: expected an object \(a required field\)/);
  });

  it("fig2 and appb end to end: items run, assemble, give figures and a summary; App. B's stated Λ all hold", async () => {
    const rt = await Runtime.create();
    for (const id of ["fig2", "appb"]) {
      const e = getExperiment(id);
      const spec = parseExperimentSpec(e, {});
      const results = e.items(spec).map((item: unknown) => e.run(item, { rt }));
      for (const r of results) expect(checkValue(e.itemResult, r)).toBeUndefined();
      const res = e.assemble(spec, results);
      for (const f of e.figures(res)) {
        expect(f.name).toMatch(/^[a-z0-9-.]+$/);
        expect(f.caption.length).toBeGreaterThan(0);
        expect(f.vegaLite.$schema).toMatch(/vega-lite\/v6/);
        expect(JSON.parse(JSON.stringify(f.vegaLite))).toEqual(f.vegaLite); // plain data
      }
      const s = e.summary(res);
      expect(s.shows.length).toBeGreaterThan(0);
      if (id === "appb") {
        expect(s.checks.length).toBe(9);
        for (const c of s.checks) expect(c.holds, c.claim).toBe(true);
      }
    }
  });
});
