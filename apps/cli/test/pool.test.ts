// The worker pool over node:worker_threads: results identical (bitwise) for any number of workers, crashed
// workers replaced and their items retried, item errors reported by index, cancellation.
import { Worker } from "node:worker_threads";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nodeEndpoint from "comlink/dist/esm/node-adapter.mjs";
import { describe, expect, it } from "vitest";
import { AbortedError, ItemError, LabPool, getExperiment, parseExperimentSpec, type ItemProgress, type OdeResult, type OdeSpec, type Task, type WorkerHandle } from "@marginflow/core";
import { createPool } from "../dist/pool.js";

const odes: OdeSpec[] = Array.from({ length: 12 }, (_, i) => ({
  rhs: { kind: "linear", matrix: [0, 1 + i / 10, -(1 + i / 10), 0] },
  y0: [1, 0],
  t0: 0,
  t1: 10 + i,
  options: { rtol: 1e-9, atol: 1e-11, tOut: [1, 2, 3] },
}));
const task = (item: OdeSpec): Task => ({ experiment: "ode", item });
const specs = odes.map(task);

function crashyWorker(marker: string): () => WorkerHandle {
  return () => {
    const w = new Worker(new URL("./fixtures/crashy-worker.mjs", import.meta.url), { workerData: { marker } });
    return {
      endpoint: nodeEndpoint(w),
      terminate: () => w.terminate(),
      onExit: (cb) => {
        w.on("error", cb);
        w.on("exit", (code) => cb(new Error(`exit ${code}`)));
      },
    };
  };
}

describe("LabPool over node:worker_threads", () => {
  it("gives bitwise-identical results with 1, 2 and 3 workers, in spec order", async () => {
    const runs = [];
    for (const n of [1, 2, 3]) {
      const pool = createPool(n);
      runs.push(JSON.stringify(await pool.map(specs)));
      await pool.close();
    }
    expect(runs[1]).toBe(runs[0]);
    expect(runs[2]).toBe(runs[0]);
    const parsed = JSON.parse(runs[0]!);
    expect(parsed.map((r: { t: number }) => r.t)).toEqual(odes.map((s) => s.t1));
  });
  it("replaces a crashed worker and retries its item", async () => {
    const marker = join(mkdtempSync(join(tmpdir(), "mf-")), "crashed");
    const pool = new LabPool(crashyWorker(marker), 2);
    const s = odes.map((sp, i) => task(i === 3 ? { ...sp, t1: 1013 } : sp));
    const results = (await pool.map(s)) as OdeResult[];
    expect(results[3]!.t).toBe(1013);
    expect(results).toHaveLength(specs.length);
    await pool.close();
  });
  it("reports a bad item by index with the typed message, and the pool stays usable", async () => {
    const pool = createPool(2);
    const bad = odes.map((sp, i) => task(i === 5 ? { ...sp, options: { rtol: -1, atol: 1 } } : sp));
    const err = await pool.map(bad).catch((e) => e);
    expect(err).toBeInstanceOf(ItemError);
    expect(err.index).toBe(5);
    expect(err.message).toMatch(/^item 5: options\.rtol: expected a finite number > 0, got -1/);
    const ok = await pool.map(specs.slice(0, 2));
    expect(ok).toHaveLength(2);
    await pool.close();
  });
  it("a failing onResult (a write that fails) stops the map with that error, and the pool stays usable", async () => {
    const pool = createPool(2);
    const err = await pool.map(specs, { onResult: () => { throw new Error("disk full"); } }).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe("disk full");
    expect(await pool.map(specs.slice(0, 1))).toHaveLength(1);
    await pool.close();
  });
  it("an unknown experiment or an invalid result is an item error naming it", async () => {
    const pool = createPool(1);
    const e1 = await pool.map([{ experiment: "fig5", item: {} }]).catch((e) => e);
    expect(e1.message).toMatch(/^item 0: experiment: expected one of .* \(did you mean "fig1"\?\), got "fig5"$/);
    const e2 = await pool.map([task({ ...odes[0]!, y0: [NaN, 0] })]).catch((e) => e);
    expect(e2.message).toMatch(/^item 0: y0\[0\]: expected a finite number, got NaN$/);
    await pool.close();
  });
  it("cancels on abort, keeping the items that finished", async () => {
    const marker = join(mkdtempSync(join(tmpdir(), "mf-")), "unused");
    const pool = new LabPool(crashyWorker(marker), 2);
    const slow = [specs[0]!, task({ ...odes[1]!, t1: 1014 }), specs[2]!];
    const finished: number[] = [];
    const ac = new AbortController();
    const p = pool.map(slow, { signal: ac.signal, onResult: (i) => finished.push(i) });
    setTimeout(() => ac.abort(), 1500);
    await expect(p).rejects.toBeInstanceOf(AbortedError);
    expect(finished).toContain(0);
    expect(finished).not.toContain(1);
    await pool.close();
  });
  it("a running flow reports its progress across the worker boundary; the results are the same with or without it", async () => {
    const run = getExperiment("run");
    const spec = parseExperimentSpec(run, {
      model: { kind: "mlp", inputs: 2, hidden: [16], outputs: 1, bias: true },
      data: { kind: "gaussians", mu: [1, 0], sigma: 0.5, n: 200 },
      init: { kind: "normal", scale: 0.5 },
      dynamics: { kind: "flow", log10T: 100 },
    });
    const tasks = run.items(spec).map((item) => ({ experiment: "run", item }));
    const pool = createPool(2);
    const seen: [number, ItemProgress][] = [];
    const withProgress = await pool.map(tasks, { onProgress: (i, p) => seen.push([i, p]) });
    const without = await pool.map(tasks);
    await pool.close();
    expect(JSON.stringify(withProgress)).toBe(JSON.stringify(without));
    expect(seen.length).toBeGreaterThan(0);
    for (const [i, p] of seen) {
      expect(i).toBe(0);
      expect(p.text).toMatch(/log10 t = -?\d+\.\d\d, log10 L = .*, \d+ steps/);
      expect(p.fraction).toBeGreaterThanOrEqual(0);
      expect(p.fraction).toBeLessThanOrEqual(1);
    }
  });
});
