// Items shared between experiments of one output directory (Experiment.shareKey, DIR/.shared/): seed 001's network
// experiments train the same §7 runs; one command (or a later one into the same directory) computes each run once,
// the shared copy is bitwise the item's result, and a shared file that is not valid is ignored and recomputed.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run, tmp } from "./helpers.js";

const tiny = ["--epochs", "2", "--per-class", "10", "--test-per-class", "10", "--channels", "2,4", "--batch", "8", "--records", "2", "--inits", "0.5", "--weight-decays", "0,0.01"];
const item = (dir: string, id: string, i: number) => JSON.parse(readFileSync(join(dir, id, "items", `${String(i).padStart(5, "0")}.json`), "utf8")).result;

describe("shared items (seed 001's runs)", () => {
  it("sq-dynamics then sq-runs in one command: each run computed once, the shared ones bitwise equal", async () => {
    const d = tmp("mf-shared-");
    const r = await run("reproduce", "sq-dynamics", "sq-runs", ...tiny, "--runs", "2", "--workers", "1", "--out", d);
    expect(r.code, r.stderr).toBe(0);
    // --runs 2 applies to both: 1 init × 2 λ × 2 runs = 4 items each, the same four
    const files = readdirSync(join(d, ".shared"));
    expect(files).toHaveLength(4);
    expect((r.stdout + r.stderr).match(/\(shared\)/g)?.length).toBe(4);
    for (let i = 0; i < 4; i++) expect(JSON.stringify(item(d, "sq-runs", i))).toBe(JSON.stringify(item(d, "sq-dynamics", i)));
  });

  it("a later command into the same directory reuses them; a corrupted shared file is recomputed to the same result", async () => {
    const d = tmp("mf-shared-");
    const a = await run("reproduce", "sq-dynamics", ...tiny, "--workers", "1", "--out", d);
    expect(a.code, a.stderr).toBe(0);
    const [f0, f1] = readdirSync(join(d, ".shared")).sort();
    const bad = JSON.parse(readFileSync(join(d, ".shared", f0!), "utf8"));
    bad.result.rho = "not numbers";
    writeFileSync(join(d, ".shared", f0!), JSON.stringify(bad));
    const b = await run("reproduce", "sq-margins", ...tiny, "--workers", "1", "--out", d);
    expect(b.code, b.stderr).toBe(0);
    expect((b.stdout + b.stderr).match(/\(shared\)/g)?.length).toBe(1); // the valid one
    expect(JSON.parse(readFileSync(join(d, ".shared", f0!), "utf8")).result.rho).toEqual(expect.any(Array)); // rewritten
    expect(readdirSync(join(d, ".shared")).sort()).toEqual([f0, f1].sort());
    for (let i = 0; i < 2; i++) expect(JSON.stringify(item(d, "sq-margins", i))).toBe(JSON.stringify(item(d, "sq-dynamics", i)));
  });
});
