// The marginflow command as a user runs it: help, usage errors (one line, exit code 2), the demo against its
// closed forms, and the kernel benchmark's JSON.
import { mkdtempSync, readFileSync, existsSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "./helpers.js";

describe("marginflow CLI", () => {
  it("--help lists the commands", async () => {
    const r = await run("--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/marginflow bench kernels \[--json FILE\]/);
    expect(r.stdout).toMatch(/marginflow demo/);
  });
  it.each([
    [["frobnicate"], /^marginflow: unknown command "frobnicate"; commands: reproduce, merge, bench, demo \(see marginflow --help\)\n$/],
    [["bench", "gpu"], /^marginflow: bench: unknown benchmark "gpu"; available: kernels/],
    [["bench", "kernels", "--jsn", "x"], /^marginflow: bench: Unknown option '--jsn'/],
    [["demo", "--workers", "0"], /^marginflow: --workers: expected an integer ≥ 1, got "0"/],
  ])("usage error %j: one line, exit code 2", async (args, message) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
  it("an unwritable --json path fails at once with one line, before measuring anything", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mf-"));
    writeFileSync(join(dir, "file"), "not a directory");
    const r = await run("bench", "kernels", "--json", join(dir, "file", "x.json"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^marginflow: cannot write .*\/file\/x\.json: a parent path is not a directory — choose a writable path\n$/);
    expect(r.stdout).toBe("");
    expect(readdirSync(dir)).toEqual(["file"]);
  });
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
    const out = join(mkdtempSync(join(tmpdir(), "mf-")), "bench.json");
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
