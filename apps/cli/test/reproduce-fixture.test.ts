// The experiment registry changed no result: a small reproduction of seed 000's experiments compared with result.json files made by the
// code before the registry (fixtures/before-registry, commit 53b971a). Every number must be identical (bitwise,
// as JSON round-trips doubles exactly); only the spec's own names moved (fig4n's sampleSizes/bandRadii/seeds,
// thm61's checkpoints replacing a horizon that never reached the run), and fig4n's item kind took the experiment's
// one name (fig4gap → fig4n).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run, tmp } from "./helpers.js";

const FIXTURES = new URL("./fixtures/before-registry/", import.meta.url).pathname;
const RENAMED: Record<string, string> = { fig4gap: "fig4n" };

/** Every leaf where two JSON values differ (numbers by ===, i.e. bitwise after a JSON round trip). */
function differences(a: unknown, b: unknown, path = "", out: string[] = []): string[] {
  if (typeof a === "string" && RENAMED[a] === b) return out;
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) return (out.push(`${path}: ${JSON.stringify(a)} → ${JSON.stringify(b)}`), out);
  if (typeof a === "object" && a !== null) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b as object)])) differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, out);
  } else if (a !== b) out.push(`${path}: ${JSON.stringify(a)} → ${JSON.stringify(b)}`);
  return out;
}

describe("reproduce all with the registry gives the numbers of the code before it", () => {
  it("every result.json field identical to the stored fixture; the specs record the same values", async () => {
    const d = tmp();
    // the experiments the fixture holds (seed 000's): `all` has grown since (seeds 001–004, minutes of training)
    const ids = ["fig1", "fig2", "fig4", "fig4n", "thm61", "appb"];
    const r = await run("reproduce", ...ids, "--radii", "4", "--samples", "300", "--steps", "2000", "--classes", "3-4", "--out", d);
    expect(r.code, r.stderr).toBe(0);
    for (const id of ids) {
      const before = JSON.parse(readFileSync(join(FIXTURES, `${id}.json`), "utf8"));
      const now = JSON.parse(readFileSync(join(d, id, "result.json"), "utf8"));
      expect(differences({ ...before, params: null }, { ...now, params: null }), id).toEqual([]);
      const p = before.params, q = now.params;
      if (id === "fig4n") {
        expect([q.sampleSizes, q.bandRadii, Array.from({ length: q.seeds }, (_, k) => q.seed + k)]).toEqual([p.samples, p.radii, p.seeds]);
      } else if (id === "thm61") {
        expect([q.classes, q.perClass, q.seed, q.checkpoints.at(-1)]).toEqual([p.classes, p.perClass, p.seed, p.horizon]);
      } else expect(q).toEqual(p);
    }
  }, 180_000);
});
