// Runs one experiment into one directory — the engine under `reproduce`, `run` and `sweep`: opens the item store
// (lock, spec identity, resume), hands the missing items of this shard to the worker pool, keeps every result on
// disk the moment it arrives, and once all items are there writes result.json, the figures (SVG + PNG), the
// tables (CSV + JSONL) and summary.json.
import { join } from "node:path";
import { ItemError, RESULT_SCHEMA_VERSION, type AnyExperiment, type LabPool } from "@marginflow/core";
import { writeFileAtomic, writeJson } from "./io.js";
import { Progress } from "./progress.js";
import { renderFigure } from "./output/render.js";
import { toCsv, toJsonl } from "./output/tables.js";
import type { SummaryFile } from "./output/report.js";
import { ItemStore, RUN_SCHEMA, inShard, type Shard } from "./store/store.js";
import type { SharedItems } from "./store/shared.js";

export interface JobOptions {
  resume: boolean;
  shard?: Shard;
  signal: AbortSignal;
  /** the command line, recorded in the directory's lock */
  command: string;
  /** the worker pool, made on first use and shared by every job of a command */
  pool: () => LabPool;
  warn: (line: string) => void;
  /** results shared with the other experiments of the output directory (Experiment.shareKey) */
  shared?: SharedItems;
}

export interface JobOutcome {
  state: "done" | "partial";
  total: number;
  have: number;
  /** items of this run moved aside as invalid during this job */
  rejected: number;
}

/** An experiment's directory, opened (locked, spec identity checked) before any experiment of a command runs. */
export interface OpenJob {
  exp: AnyExperiment;
  spec: unknown;
  dir: string;
  items: unknown[];
  store: ItemStore;
}

export function openJob(exp: AnyExperiment, spec: unknown, dir: string, o: Pick<JobOptions, "resume" | "shard" | "command" | "warn">): OpenJob {
  const items = exp.items(spec);
  const store = ItemStore.open(dir, { schema: RUN_SCHEMA, id: exp.id, spec, items: items.length }, exp, { resume: o.resume, shard: o.shard, command: o.command, warn: o.warn });
  return { exp, spec, dir, items, store };
}

export async function runJob(job: OpenJob, o: JobOptions): Promise<JobOutcome> {
  const { exp, spec, dir, items, store } = job;
  const have = store.finished();
  const mine = items.map((_, i) => i).filter((i) => inShard(i, o.shard));
  let todo = mine.filter((i) => !have.has(i));
  const progress = new Progress(exp.id, mine.length, mine.length - todo.length);
  const label = (i: number) => exp.label?.(items[i]) ?? "";
  // items with a share key: taken from the directory's shared results when there, computed once when repeated
  const keys = new Map<number, string>(), twins = new Map<number, number[]>();
  if (o.shared && exp.shareKey) {
    const first = new Map<string, number>();
    todo = todo.filter((i) => {
      const key = exp.shareKey!(items[i]);
      keys.set(i, key);
      const hit = o.shared!.get(exp, key);
      if (hit !== undefined) {
        store.save(i, hit);
        progress.tick(`${label(i)} (shared)`, i);
        return false;
      }
      const f = first.get(key);
      if (f !== undefined) {
        twins.get(f)!.push(i);
        return false;
      }
      first.set(key, i);
      twins.set(i, []);
      return true;
    });
  }
  try {
    if (todo.length > 0) {
      await o.pool().map(
        todo.map((i) => ({ experiment: exp.id, item: items[i] })),
        {
          signal: o.signal,
          onResult: (j, result) => {
            const i = todo[j]!, key = keys.get(i);
            store.save(i, result);
            if (key !== undefined) o.shared!.put(key, result);
            progress.tick(label(i), i);
            for (const t of twins.get(i) ?? []) {
              store.save(t, result);
              progress.tick(`${label(t)} (same item)`, t);
            }
          },
          onProgress: (j, p) => progress.item(todo[j]!, label(todo[j]!), p),
        },
      );
    }
  } catch (e) {
    // the pool numbers the tasks it was given; the user knows the items by their index in the run (and label)
    if (e instanceof ItemError) {
      const i = todo[e.index]!, label = exp.label?.(items[i]);
      throw new ItemError(i, new Error(`${label ? `(${label}) ` : ""}${e.cause instanceof Error ? e.cause.message : String(e.cause)}`));
    }
    throw e;
  } finally {
    progress.end();
  }
  const all = store.finished();
  if (all.size < items.length) return { state: "partial", total: items.length, have: all.size, rejected: store.rejected.length };
  await writeOutputs(exp, spec, dir, items.map((_, i) => all.get(i)));
  return { state: "done", total: items.length, have: all.size, rejected: store.rejected.length };
}

/** result.json (last: its presence means the outputs are complete), figures, tables and summary.json. */
export async function writeOutputs(exp: AnyExperiment, spec: unknown, dir: string, results: unknown[]): Promise<SummaryFile> {
  const result = exp.assemble(spec, results);
  const figures = exp.figures(result);
  for (const f of figures) {
    const { svg, png } = await renderFigure(f);
    writeFileAtomic(join(dir, `${f.name}.svg`), svg);
    writeFileAtomic(join(dir, `${f.name}.png`), png);
  }
  const tables = exp.tables?.(result) ?? {};
  for (const [name, rows] of Object.entries(tables)) {
    writeFileAtomic(join(dir, `${name}.csv`), toCsv(rows));
    writeFileAtomic(join(dir, `${name}.jsonl`), toJsonl(rows));
  }
  const summary: SummaryFile = {
    id: exp.id, title: exp.title, source: exp.source, summary: exp.summary(result),
    figures: figures.map((f) => ({ name: f.name, title: f.title, caption: f.caption })), tables: Object.keys(tables),
  };
  writeJson(join(dir, "summary.json"), summary);
  writeJson(join(dir, "result.json"), { schema: RESULT_SCHEMA_VERSION, id: exp.id, params: spec, ...(result as object) });
  return summary;
}
