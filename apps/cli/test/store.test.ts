// The output directory as a careful user (and a batch scheduler) treats it: owned by one run at a time (a lock
// with the owner's pid and host; stale locks taken over), shards of one sweep sharing it safely, stored items
// validated by the experiment's result schema when read (a bad one named, moved aside and recomputed), a failed
// write ending in one line that says what was kept, a garbage run.json in one line.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run, start, tmp } from "./helpers.js";

const small = ["--radii", "4", "--samples", "300"];
const result = (dir: string) => readFileSync(join(dir, "fig4", "result.json"), "utf8");
let reference: string | undefined;
/** The result of a clean, unsharded run of `small`. */
async function clean(): Promise<string> {
  if (reference) return reference;
  const d = tmp();
  expect((await run("reproduce", "fig4", ...small, "--out", d)).code).toBe(0);
  return (reference = result(d));
}

describe("one run owns an output directory", () => {
  it("two runs with different specs started at once into one --out: one runs, the other is refused; nothing is mixed", async () => {
    for (let trial = 0; trial < 3; trial++) {
      const d = tmp();
      const [a, b] = await Promise.all([
        run("reproduce", "fig4", ...small, "--out", d),
        run("reproduce", "fig4", "--radii", "4", "--samples", "400", "--out", d),
      ]);
      const codes = [a.code, b.code].sort();
      expect(codes[0], `${a.stderr} | ${b.stderr}`).toBe(0);
      expect(codes[1]).not.toBe(0);
      const loser = a.code === 0 ? b : a;
      expect(loser.stderr).toMatch(/^marginflow: .*(is in use by another run \(pid \d+ on .*\)|holds a run of fig4 with another spec \(samples is \d+ there, \d+ here\))/);
      expect(loser.stderr.trim().split("\n")).toHaveLength(1);
      const r = JSON.parse(result(d));
      expect(r.radii.every((x: { samples: number }) => x.samples === r.params.samples)).toBe(true);
      if (r.params.samples === 300) expect(result(d)).toBe(await clean());
    }
  }, 120_000);

  it("three shards started together with --resume into one --out all succeed, and the last assembles the unsharded result", async () => {
    const d = tmp();
    const rs = await Promise.all([1, 2, 3].map((k) => run("reproduce", "fig4", ...small, "--shard", `${k}/3`, "--resume", "--out", d)));
    for (const r of rs) expect(r.code, r.stderr).toBe(0);
    expect(result(d)).toBe(await clean());
    expect(readdirSync(join(d, "fig4")).filter((f) => f.startsWith(".lock"))).toEqual([]);
  }, 120_000);

  it("shards of different splits cannot share a directory: told to use their own", async () => {
    const d = tmp();
    const slow = ["--radii", "60", "--samples", "10000", "--workers", "1"];
    const p = start("reproduce", "fig4", ...slow, "--shard", "1/2", "--out", d);
    await p.until(/fig4 1\/30/);
    const r = await run("reproduce", "fig4", ...slow, "--shard", "1/3", "--resume", "--out", d);
    p.p.kill("SIGINT");
    await p.exit;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is in use by another run \(pid \d+ on .*, shard 1\/2, .*\) — shards of different splits cannot share a directory: give each its own --out/);
  }, 120_000);

  it("a lock left by a process that is gone is stale and taken over; a live owner is named", async () => {
    const d = tmp();
    mkdirSync(join(d, "fig4"), { recursive: true });
    const lock = (pid: number) => JSON.stringify({ pid, host: hostname(), shard: null, started: "2026-12-01T00:00:00Z", command: "marginflow reproduce fig4" });
    writeFileSync(join(d, "fig4", ".lock"), lock(process.pid)); // this test process: alive
    const busy = await run("reproduce", "fig4", ...small, "--out", d);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toBe(`marginflow: ${join(d, "fig4")} is in use by another run (pid ${process.pid} on ${hostname()}, started 2026-12-01T00:00:00Z: marginflow reproduce fig4) — wait for it to finish or choose another --out; if that process is gone, delete ${join(d, "fig4", ".lock")}\n`);
    writeFileSync(join(d, "fig4", ".lock"), lock(2 ** 22 + 12345)); // no such pid
    const r = await run("reproduce", "fig4", ...small, "--out", d);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(d, "fig4", ".lock"))).toBe(false);
    // a live pid that is not the process that wrote the lock (a restarted container reuses pids): stale too
    writeFileSync(join(d, "fig4", ".lock"), JSON.stringify({ ...JSON.parse(lock(process.pid)), startTicks: "1" }));
    const again = await run("reproduce", "fig4", ...small, "--out", d, "--resume");
    expect(again.code, again.stderr).toBe(0);
  }, 60_000);
});

describe("stored items are validated when read", () => {
  it.each([
    ['{"index":0,"result":{"kind":"fig4"}}', /result\.r: expected a finite number .*a required field/],
    ["robustness", /result\.hom\.horizons\["1e5"\]\.robustness: expected a finite number, got "x"/],
    ["{ not json", /not JSON/],
    ['{"index":7,"result":{}}', /expected \{"index": 1, "result": …\}/],
  ])("%s: named, moved to items/rejected/, recomputed — the result is unchanged", async (bad, why) => {
    const d = tmp();
    expect((await run("reproduce", "fig4", ...small, "--out", d)).code).toBe(0);
    const f = join(d, "fig4", "items", bad.startsWith('{"index":0') ? "00000.json" : "00001.json");
    if (bad === "robustness") {
      const v = JSON.parse(readFileSync(f, "utf8"));
      v.result.hom.horizons["1e5"].robustness = "x";
      writeFileSync(f, JSON.stringify(v));
    } else writeFileSync(f, bad);
    rmSync(join(d, "fig4", "result.json"));
    const r = await run("reproduce", "fig4", ...small, "--out", d, "--resume");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`${f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not a valid fig4 item \\(.*\\): moved to .*items/rejected/.*; it will be recomputed`));
    expect(r.stderr).toMatch(why);
    expect(r.stderr.split("\n").filter((l) => /^fig4 \d\/4/.test(l))).toHaveLength(1);
    expect(readdirSync(join(d, "fig4", "items", "rejected"))).toHaveLength(1);
    expect(result(d)).toBe(await clean());
  }, 60_000);

  it("merge names an invalid item of a shard, leaves the shard untouched, and reports it missing", async () => {
    const s1 = tmp(), s2 = tmp(), m = tmp();
    expect((await run("reproduce", "fig4", ...small, "--shard", "1/2", "--out", s1)).code).toBe(0);
    expect((await run("reproduce", "fig4", ...small, "--shard", "2/2", "--out", s2)).code).toBe(0);
    writeFileSync(join(s2, "fig4", "items", "00001.json"), '{"index":1,"result":{"kind":"fig4"}}');
    const r = await run("merge", s1, s2, "--out", m);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/00001\.json is not a valid fig4 item .*: not merged/);
    expect(r.stderr).toMatch(/fig4: 1 of 4 items missing/);
    expect(readFileSync(join(s2, "fig4", "items", "00001.json"), "utf8")).toBe('{"index":1,"result":{"kind":"fig4"}}');
  }, 60_000);
});

describe("failures end in one line that says what was kept", () => {
  it("the items directory replaced by a file during the run", async () => {
    const d = tmp();
    const p = start("reproduce", "fig4", "--radii", "12", "--samples", "2000", "--workers", "1", "--out", d);
    await p.until(/fig4 2\/12/);
    rmSync(join(d, "fig4", "items"), { recursive: true });
    writeFileSync(join(d, "fig4", "items"), "in the way");
    const code = await p.exit;
    expect(code).toBe(1);
    const lines = p.stderr().trim().split("\n").filter((l) => l.startsWith("marginflow:"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^marginflow: cannot write .*items\/000\d\d\.json: a parent path is not a directory — choose a writable path — finished items are kept in .*items; rerun with --resume once it is fixed$/);
    expect(p.stderr()).not.toMatch(/\n\s+at /); // no stack trace
    const again = await run("reproduce", "fig4", "--radii", "12", "--samples", "2000", "--out", d, "--resume");
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/items is not a directory \(it holds a run's finished items\)/);
  }, 120_000);

  it("a garbage run.json: one line, nothing else touched", async () => {
    const d = tmp();
    mkdirSync(join(d, "fig4"), { recursive: true });
    writeFileSync(join(d, "fig4", "run.json"), "{ garbage");
    const r = await run("reproduce", "fig4", ...small, "--out", d);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^marginflow: .*run\.json is not a marginflow run file \(.*\): remove the directory to start over, or choose another --out\n$/);
    expect(readFileSync(join(d, "fig4", "run.json"), "utf8")).toBe("{ garbage");
  });
});
