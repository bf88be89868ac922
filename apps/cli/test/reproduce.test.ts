// marginflow reproduce / merge as a user runs them (small sizes): results bitwise identical for any --workers,
// resume after a lost item or Ctrl-C without redoing finished items, shards merged into the same result,
// report.html with every figure, and one-line errors (exit ≠ 0) that leave finished work in place.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bin, run } from "./helpers.js";
const tmp = () => mkdtempSync(join(tmpdir(), "mf-rep-"));
const small = ["--radii", "4", "--samples", "300"];
const result = (dir: string, id = "fig4") => readFileSync(join(dir, id, "result.json"), "utf8");

describe("marginflow reproduce", () => {
  it("fig4 with 1 and 2 workers: bitwise the same result.json; figures, report and per-radius fields are there", async () => {
    const a = tmp(), b = tmp();
    const ra = await run("reproduce", "fig4", ...small, "--workers", "1", "--out", a);
    const rb = await run("reproduce", "fig4", ...small, "--workers", "2", "--out", b);
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
    expect(result(a)).toBe(result(b));
    const r = JSON.parse(result(a));
    expect(r.schema).toBe(1);
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
      expect(png.readUInt32BE(16)).toBe(1280); // IHDR width: 640 px at 2×
    }
    expect(readFileSync(join(a, "report.html"), "utf8")).toMatch(/Fig\. 4[\s\S]*<svg[\s\S]*Lemma 5\.1/);
    expect(ra.stderr).toMatch(/fig4 4\/4 r = /); // not a TTY: one line per finished item
  }, 120_000);

  it("resume: refuses to overwrite without --resume, then recomputes only the missing item", async () => {
    const d = tmp();
    expect((await run("reproduce", "fig4", ...small, "--out", d)).code).toBe(0);
    const full = result(d);
    rmSync(join(d, "fig4", "items", "00002.json"));
    const again = await run("reproduce", "fig4", ...small, "--out", d);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds 3 finished item\(s\): pass --resume/);
    const other = await run("reproduce", "fig4", "--radii", "5", "--samples", "300", "--out", d, "--resume");
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/holds a run with other parameters/);
    const r = await run("reproduce", "fig4", ...small, "--out", d, "--resume");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.trim().split("\n").filter((l) => /^fig4 \d\/4/.test(l))).toEqual(["fig4 4/4 r = 0.6250"]);
    expect(result(d)).toBe(full);
  }, 120_000);

  it("a corrupted item is named, nothing is overwritten", async () => {
    const d = tmp();
    expect((await run("reproduce", "fig4", ...small, "--out", d)).code).toBe(0);
    const f = join(d, "fig4", "items", "00001.json");
    writeFileSync(f, "{ not json");
    const r = await run("reproduce", "fig4", ...small, "--out", d, "--resume");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/00001\.json is corrupted .*remove that file and rerun with --resume/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(readFileSync(f, "utf8")).toBe("{ not json");
  }, 120_000);

  it("shards 1/2 and 2/2 merged give the unsharded result", async () => {
    const full = tmp(), s1 = tmp(), s2 = tmp(), merged = tmp();
    expect((await run("reproduce", "fig4", ...small, "--out", full)).code).toBe(0);
    const a = await run("reproduce", "fig4", ...small, "--shard", "1/2", "--out", s1);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/marginflow merge/);
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

  it("Ctrl-C stops cleanly, keeps finished items, and --resume completes the run", async () => {
    const d = tmp();
    const args = [bin, "reproduce", "fig4", "--radii", "12", "--samples", "2000", "--workers", "1", "--out", d];
    const code = await new Promise<number | null>((resolve) => {
      const p = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
      let err = "", sent = false;
      p.stderr.on("data", (b: Buffer) => {
        err += b.toString();
        if (!sent && /fig4 2\/12/.test(err)) {
          sent = true; // one Ctrl-C (a second one forces an immediate exit, as in any CLI)
          p.kill("SIGINT");
        }
      });
      p.on("exit", (c) => resolve(c));
    });
    expect(code).toBe(130);
    const kept = readdirSync(join(d, "fig4", "items")).length;
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(kept).toBeLessThan(12);
    expect(existsSync(join(d, "fig4", "result.json"))).toBe(false);
    const r = await run("reproduce", "fig4", "--radii", "12", "--samples", "2000", "--workers", "1", "--out", d, "--resume");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.trim().split("\n").filter((l) => /^fig4 \d+\/12/.test(l))).toHaveLength(12 - kept);
    expect(JSON.parse(result(d)).radii).toHaveLength(12);
  }, 180_000);

  it.each([
    [["reproduce"], /^marginflow: reproduce: name what to reproduce: fig1, fig2, fig4, fig4n, thm61, appb or all/],
    [["reproduce", "fig9"], /^marginflow: reproduce: unknown id "fig9"; available: fig1, fig2, fig4, fig4n, thm61, appb, all/],
    [["reproduce", "fig4", "--shard", "3/2"], /^marginflow: --shard: expected k\/N with 1 ≤ k ≤ N \(e\.g\. 2\/8\), got "3\/2"/],
    [["reproduce", "fig4", "--shard", "1-2"], /^marginflow: --shard: expected k\/N/],
    [["reproduce", "appb", "--radii", "3"], /^marginflow: reproduce: --radii applies to fig4 only/],
    [["reproduce", "fig4", "--horizons", "100,5"], /^marginflow: --horizons: expected ascending/],
    [["reproduce", "fig4", "--frobs"], /^marginflow: reproduce: Unknown option '--frobs'/],
    [["merge", "x"], /^marginflow: merge: expected marginflow merge DIR… --out DIR/],
  ])("usage error %j: one line, exit code 2", async (args, message) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("an unwritable --out fails at once", async () => {
    for (const out of ["/proc/marginflow-out", "/proc/self/nope/deeper"]) {
      const r = await run("reproduce", "appb", "--out", out);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^marginflow: cannot write \/proc\/.*report\.html: .* — choose a writable path/);
    }
    const file = join(tmp(), "a-file");
    writeFileSync(file, "");
    const r = await run("reproduce", "appb", "--out", join(file, "sub"));
    expect(r.stderr).toMatch(/a parent path is not a directory/);
  });

  it("appb and fig2: the inferred proper Λ and its objective; two figure panels", async () => {
    const d = tmp();
    expect((await run("reproduce", "appb", "fig2", "--out", d)).code).toBe(0);
    const b = JSON.parse(result(d, "appb"));
    expect(b.polynomials[0].lambda.θ1).toBeCloseTo(1 / 3, 12);
    expect(b.polynomials[1].objectiveParams).toEqual(["θ4"]);
    expect(b.networks.find((n: { model: string }) => n.model.startsWith("layer-normalized")).objectiveGroups).toEqual(["layer2.weight", "layer2.bias"]);
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
