// marginflow reproduce / merge as a user runs them (small sizes): results bitwise identical for any --workers,
// resume after a lost item or Ctrl-C without redoing finished items, SIGTERM as 143, shards merged into the same
// result, report.html with every figure, tables a pandas user reads; every flag of every requested experiment
// validated (with the spec's own ranges) before anything runs or is written; one-line errors.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run, start, tmp } from "./helpers.js";

const small = ["--radii", "4", "--samples", "300"];
const result = (dir: string, id = "fig4") => readFileSync(join(dir, id, "result.json"), "utf8");

describe("marginflow reproduce", () => {
  it("fig4 with 1 and 2 workers: bitwise the same result.json; figures, tables, report and per-radius fields are there", async () => {
    const a = tmp(), b = tmp();
    const ra = await run("reproduce", "fig4", ...small, "--workers", "1", "--out", a);
    const rb = await run("reproduce", "fig4", ...small, "--workers", "2", "--out", b);
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
    expect(result(a)).toBe(result(b));
    const r = JSON.parse(result(a));
    expect(r.schema).toBe(1);
    expect(r.params).toEqual({ radii: 4, samples: 300, seed: 0, horizons: [5, 100], rtol: 1e-6, atol: 1e-9 });
    expect(r.radii).toHaveLength(4);
    const x = r.radii[3]; // r = 0.875
    for (const m of ["hom", "qh"]) for (const h of ["1e5", "1e100"]) {
      const v = x[m].horizons[h];
      expect(v.w).toHaveLength(3);
      for (const k of ["robustness", "log10Loss", "nfev", "distance"]) expect(Number.isFinite(v[k])).toBe(true);
    }
    expect(x.lemma51.qh).toBeCloseTo(x.qh.closedForm.robustness, 9);
    expect(Math.abs(x.qh.horizons["1e100"].robustness - x.lemma51.qh)).toBeLessThan(0.02);
    for (const f of ["fig4-robustness", "fig4-coordinates"]) {
      expect(readFileSync(join(a, "fig4", `${f}.svg`), "utf8")).toMatch(/^<svg/);
      const png = readFileSync(join(a, "fig4", `${f}.png`));
      expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]); // PNG signature
      expect(png.readUInt32BE(16)).toBeGreaterThan(1000); // IHDR width: the figure at 2×
    }
    const csv = readFileSync(join(a, "fig4", "fig4.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toBe("r,model,horizon,log10t,robustness,closed_form,certificate,distance,sample_margin,log10_loss,w1,w2,w3,nfev");
    expect(csv).toHaveLength(1 + 4 * 2 * 2);
    const jsonl = readFileSync(join(a, "fig4", "fig4.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(jsonl[0].robustness).toBe(r.radii[0].hom.horizons["1e5"].robustness);
    const html = readFileSync(join(a, "report.html"), "utf8");
    expect(html).toMatch(/Fig\. 4[\s\S]*What the figures show[\s\S]*What the paper claims[\s\S]*<table class="checks">[\s\S]*Lemma 5\.1[\s\S]*<svg/);
    expect(html.match(/<svg/g)).toHaveLength(2);
    expect(ra.stderr).toMatch(/fig4 4\/4 r = /); // not a TTY: one line per finished item
    expect(ra.stdout).toMatch(/✓ hom: robustness → 1 − r/);
  }, 120_000);

  it("resume: refuses to overwrite without --resume or to mix specs, then recomputes only the missing item", async () => {
    const d = tmp();
    expect((await run("reproduce", "fig4", ...small, "--out", d)).code).toBe(0);
    const full = result(d);
    rmSync(join(d, "fig4", "items", "00002.json"));
    const again = await run("reproduce", "fig4", ...small, "--out", d);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds 3 finished item\(s\) of this run: pass --resume/);
    const other = await run("reproduce", "fig4", "--radii", "5", "--samples", "300", "--out", d, "--resume");
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/holds a run of fig4 with another spec \(radii is 4 there, 5 here\): choose another --out/);
    const r = await run("reproduce", "fig4", ...small, "--out", d, "--resume");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.trim().split("\n").filter((l) => /^fig4 \d\/4/.test(l))).toEqual(["fig4 4/4 r = 0.6250"]);
    expect(result(d)).toBe(full);
  }, 120_000);

  it("shards 1/2 and 2/2 merged give the unsharded result; merging early names what is missing", async () => {
    const full = tmp(), s1 = tmp(), s2 = tmp(), merged = tmp();
    expect((await run("reproduce", "fig4", ...small, "--out", full)).code).toBe(0);
    const a = await run("reproduce", "fig4", ...small, "--shard", "1/2", "--out", s1);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/^shard 1\/2 finished \(fig4: 2 of 4 items in .*\); when every shard has finished, join their directories with: marginflow merge/m);
    expect(readdirSync(join(s1, "fig4", "items")).sort()).toEqual(["00000.json", "00002.json"]);
    const early = await run("merge", s1, "--out", merged);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/fig4: 2 of 4 items missing/);
    expect((await run("reproduce", "fig4", ...small, "--shard", "2/2", "--out", s2)).code).toBe(0);
    const m = await run("merge", s1, s2, "--out", merged);
    expect(m.code, m.stderr).toBe(0);
    expect(result(merged)).toBe(result(full));
    expect(existsSync(join(merged, "report.html"))).toBe(true);
  }, 120_000);

  it.each([["SIGINT", 130], ["SIGTERM", 143]] as const)("%s stops cleanly (exit %i), keeps finished items, and --resume completes the run", async (sig, code) => {
    const d = tmp();
    const args = ["reproduce", "fig4", "--radii", "12", "--samples", "2000", "--workers", "1", "--out", d];
    const p = start(...args);
    await p.until(/fig4 2\/12/);
    p.p.kill(sig); // one signal (a second one forces an immediate exit, as in any CLI)
    expect(await p.exit).toBe(code);
    expect(p.stderr()).toMatch(/interrupted — finished items are kept in .*items; rerun the same command with --resume to continue/);
    const kept = readdirSync(join(d, "fig4", "items")).length;
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(kept).toBeLessThan(12);
    expect(existsSync(join(d, "fig4", "result.json"))).toBe(false);
    expect(readdirSync(join(d, "fig4")).filter((f) => f.startsWith(".lock"))).toEqual([]); // the lock is released
    const r = await run(...args, "--resume");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.trim().split("\n").filter((l) => /^fig4 \d+\/12/.test(l))).toHaveLength(12 - kept);
    expect(JSON.parse(result(d)).radii).toHaveLength(12);
  }, 180_000);

  it.each([
    [["reproduce"], /^marginflow: reproduce: name what to reproduce: fig1, fig2, fig4, fig4n, thm61, appb, nc-mnist, ulpm, ulpm-saddle, simplex, counterexamples, sq-toy, sq-flow, sq-dynamics, sq-runs, sq-rho-acc, sq-margins, sq-random-labels, sq-nc, sq-nc-multiclass or all/],
    [["reproduce", "fig4", "--shard", "3/2"], /^marginflow: --shard: expected k\/N with 1 ≤ k ≤ N \(e\.g\. 2\/8\), got "3\/2"/],
    [["reproduce", "fig4", "--shard", "1-2"], /^marginflow: --shard: expected k\/N/],
    [["reproduce", "appb", "--radii", "3"], /^marginflow: reproduce: --radii applies to fig4, simplex only \(not to appb\)/],
    [["reproduce", "appb", "--seed", "3"], /^marginflow: reproduce: --seed applies to fig1, fig4, fig4n, thm61, nc-mnist, ulpm, ulpm-saddle, simplex, sq-flow, sq-dynamics, sq-runs, sq-rho-acc, sq-margins, sq-random-labels, sq-nc, sq-nc-multiclass only \(not to appb\)/],
    [["reproduce", "fig4", "--horizons", "100,5"], /^marginflow: --horizons: expected an array of 1–16 finite numbers in \[0, 100000\] \(in ascending order\), got "100,5" \(fig4\)/],
    [["reproduce", "fig4", "--horizons", ""], /^marginflow: --horizons: expected an array .* \(comma-separated, e\.g\. 5,100\), got ""/],
    [["reproduce", "fig4", "--radii", "-5"], /^marginflow: --radii: expected an integer in \[2, 10000\], got "-5" \(fig4\)/],
    [["reproduce", "fig4", "--radii", "1e9"], /^marginflow: --radii: expected an integer in \[2, 10000\], got "1e9" \(fig4\)/],
    [["reproduce", "fig4", "--samples", "1e9"], /^marginflow: --samples: expected an integer in \[2, 1000000\], got "1e9" \(fig4\)/],
    [["reproduce", "fig4", "--samples", "many"], /^marginflow: --samples: expected an integer in \[2, 1000000\], got "many"/],
    [["reproduce", "thm61", "--classes", "1-3"], /^marginflow: --classes \(classes\[0\]\): expected an integer in \[2, 100\], got "1-3" \(thm61\)/],
    [["reproduce", "fig4", "--frobs"], /^marginflow: reproduce: unknown option --frobs/],
    [["reproduce", "fig4", "--out", ""], /^marginflow: --out: expected a path, got ""/],
    [["merge", "x"], /^marginflow: merge: expected marginflow merge DIR… --out DIR/],
    [["merge", "/nonexistent-mf", "--out", "/tmp/mf-merge-x"], /^marginflow: merge: \/nonexistent-mf: no such directory/],
  ])("usage error %j: one line, exit code 2", async (args, message) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("every flag of every requested experiment is validated before anything runs or is written", async () => {
    const d = join(tmp(), "out");
    const r = await run("reproduce", "all", "--radii", "1", "--out", d);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^marginflow: --radii: expected an integer in \[2, 10000\], got "1" \(fig4\) \(see marginflow reproduce --help\)\n$/);
    expect(r.stdout).toBe("");
    expect(existsSync(d)).toBe(false); // fig1 and fig2 did not run first
  });

  it("every directory is checked before any experiment runs: a conflicting fig4 directory stops fig1 too", async () => {
    const d = tmp();
    expect((await run("reproduce", "fig4", ...small, "--out", d)).code).toBe(0);
    const r = await run("reproduce", "fig1", "fig4", "--radii", "5", "--samples", "300", "--steps", "100", "--out", d);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/fig4 holds a run of fig4 with another spec \(radii is 4 there, 5 here\)/);
    expect(existsSync(join(d, "fig1"))).toBe(false); // fig1 did not run, and nothing of it was written
    const t = await run("reproduce", "thm61", "--features", "4", "--out", tmp());
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/^marginflow: --features: expected d ≥ C = 10 .*, got "4" \(thm61\)/);
  }, 60_000);

  it("an unwritable --out fails at once", async () => {
    for (const out of ["/proc/marginflow-out", "/proc/self/nope/deeper"]) {
      const r = await run("reproduce", "appb", "--out", out);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^marginflow: cannot write \/proc\/.*report\.html: .* — choose a writable path\n$/);
    }
    const file = join(tmp(), "a-file");
    writeFileSync(file, "");
    const r = await run("reproduce", "appb", "--out", join(file, "sub"));
    expect(r.stderr).toBe(`marginflow: cannot write ${join(file, "sub", "report.html")}: a parent path is not a directory — choose a writable path\n`);
  });

  it("appb and fig2: the inferred proper Λ and its objective, App. B's values checked; two figure panels", async () => {
    const d = tmp();
    const r = await run("reproduce", "appb", "fig2", "--out", d);
    expect(r.code, r.stderr).toBe(0);
    const b = JSON.parse(result(d, "appb"));
    expect(b.polynomials[0].lambda.θ1).toBeCloseTo(1 / 3, 12);
    expect(b.polynomials[1].objectiveParams).toEqual(["θ4"]);
    expect(b.networks.find((n: { model: string }) => n.model.startsWith("layer-normalized")).objectiveGroups).toEqual(["layer2.weight", "layer2.bias"]);
    expect(r.stdout.match(/✓ .*: the proper Λ/g)).toHaveLength(7);
    expect(r.stdout).not.toMatch(/✗/);
    expect(readdirSync(join(d, "fig2")).filter((f) => f.endsWith(".svg"))).toHaveLength(2);
  });
});

describe("marginflow bench fig4", () => {
  it("runs marginflow and the SciPy peer on the same samples and reports times, ratio, RSS; the two agree (peer check)", async () => {
    const json = join(tmp(), "bench.json");
    const r = await run("bench", "fig4", "--radii", "2", "--samples", "500", "--json", json);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/marginflow .* s[\s\S]*SciPy RK45 .* s[\s\S]*ratio/);
    const b = JSON.parse(readFileSync(json, "utf8"));
    expect(b.marginflow.seconds).toBeGreaterThan(0);
    expect(b.scipy.seconds).toBeGreaterThan(0);
    expect(b.ratio).toBeCloseTo(b.scipy.seconds / b.marginflow.seconds, 10);
    // both integrate the same flow to the same tolerances: the robustness agrees far below the figure's scale
    expect(b.maxRobustnessDifference).toBeLessThan(1e-4);
    expect(b.targets.map((t: { name: string }) => t.name)).toEqual(["≥ 25× faster than the SciPy peer", "peak RSS ≤ 400 MB"]);
  }, 180_000);
});
