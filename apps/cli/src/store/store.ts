// The on-disk state of one experiment's run: DIR/run.json (the experiment and its complete spec),
// DIR/items/<index>.json (one per finished item, written atomically as soon as it finishes), and, once every item
// is there, the assembled outputs. A rerun with --resume computes only the missing items; a directory holding
// another spec is refused with the first difference named; every stored item is validated by the experiment's
// result schema when read — a bad one is named, moved to items/rejected/ and recomputed.
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { checkValue, formatPath, type AnyExperiment } from "@marginflow/core";
import { CliError, UsageError } from "../errors.js";
import { ensureDir, ensureOutDir, writeJson } from "../io.js";
import { DirLock, withMutex } from "./lock.js";

export const RUN_SCHEMA = 2;

export interface RunInfo {
  schema: number;
  id: string;
  spec: unknown;
  items: number;
}

export interface Shard {
  k: number;
  of: number;
}

export function parseShard(v: string | boolean | undefined): Shard | undefined {
  if (v === undefined) return undefined;
  const m = typeof v === "string" ? /^(\d+)\/(\d+)$/.exec(v) : null;
  const k = m ? Number(m[1]) : NaN, of = m ? Number(m[2]) : NaN;
  if (!m || !(of >= 1 && of <= 100_000) || !(k >= 1 && k <= of)) throw new UsageError(`--shard: expected k/N with 1 ≤ k ≤ N (e.g. 2/8), got ${JSON.stringify(v)}`);
  return { k, of };
}

export const inShard = (i: number, s?: Shard) => !s || i % s.of === s.k - 1;
const itemFile = (i: number) => `${String(i).padStart(5, "0")}.json`;

/** The first JSON path where two values differ, with both values ("" when they are equal; the order of an object's
 *  keys does not matter). */
export function firstDifference(a: unknown, b: unknown, path: (string | number)[] = []): string {
  const objs = typeof a === "object" && a !== null && typeof b === "object" && b !== null && Array.isArray(a) === Array.isArray(b);
  if (objs) {
    const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])];
    if (Array.isArray(a) && (a as unknown[]).length !== (b as unknown[]).length) return `${formatPath("", path)} has ${(a as unknown[]).length} entries there, ${(b as unknown[]).length} here`;
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], [...path, Array.isArray(a) ? Number(k) : k]);
      if (d) return d;
    }
    return "";
  }
  if (a === b) return "";
  const show = (v: unknown) => (v === undefined ? "nothing" : JSON.stringify(v).slice(0, 60));
  return `${formatPath("", path)} is ${show(a)} there, ${show(b)} here`;
}

export function readRun(file: string): RunInfo {
  let v: RunInfo;
  try {
    v = JSON.parse(readFileSync(file, "utf8")) as RunInfo;
  } catch (e) {
    throw new CliError(`${file} is not a marginflow run file (${(e as Error).message.split("\n")[0]}): remove the directory to start over, or choose another --out`);
  }
  if (v?.schema !== RUN_SCHEMA || typeof v.id !== "string" || !Number.isInteger(v.items)) {
    throw new CliError(`${file} is not a marginflow run file of this version (schema ${JSON.stringify(v?.schema)}, expected ${RUN_SCHEMA}): remove the directory to start over, or choose another --out`);
  }
  return v;
}

export class ItemStore {
  private lock?: DirLock;
  /** Whether open() wrote run.json (a command that is refused before it runs takes it back: see discard). */
  private created = false;
  /** Items found invalid when read: file name and why (already moved aside). */
  readonly rejected: { file: string; why: string }[] = [];

  constructor(
    readonly dir: string,
    readonly info: RunInfo,
    readonly experiment: AnyExperiment,
    private readonly warn: (line: string) => void = () => {},
  ) {}

  /** Opens DIR for a run of this spec: takes the directory's lock, refuses another spec, and refuses to continue
   *  a run that already has items of this shard unless `resume`. */
  static open(dir: string, info: RunInfo, experiment: AnyExperiment, o: { resume: boolean; shard?: Shard; command: string; warn?: (line: string) => void }): ItemStore {
    ensureOutDir(dir);
    const store = new ItemStore(dir, info, experiment, o.warn);
    withMutex(dir, () => {
      store.lock = DirLock.acquire(dir, o.shard ? `${o.shard.k}/${o.shard.of}` : null, o.command);
      try {
        const runFile = join(dir, "run.json");
        if (existsSync(runFile)) {
          const old = readRun(runFile);
          if (old.id !== info.id) throw new UsageError(`${dir} holds a run of ${old.id}, not ${info.id}: choose another --out`);
          const diff = firstDifference(old.spec, info.spec);
          if (diff || old.items !== info.items) {
            throw new UsageError(`${dir} holds a run of ${old.id} with another spec (${diff || `${old.items} items there, ${info.items} here`}): choose another --out, or repeat that run's spec`);
          }
          // item files are counted by name here (quickly: the mutex is held), validated later by finished()
          const mine = store.itemIndices().filter((i) => inShard(i, o.shard)).length;
          if (mine > 0 && !o.resume) throw new UsageError(`${dir} already holds ${mine} finished item(s) of this run: pass --resume to continue it, or choose another --out`);
        } else {
          writeJson(runFile, info);
          store.created = true;
        }
      } catch (e) {
        store.release();
        throw e;
      }
    });
    return store;
  }

  /** The indices of the item files on disk (not read). */
  itemIndices(): number[] {
    const d = join(this.dir, "items");
    if (!existsSync(d) || !statSync(d).isDirectory()) return [];
    return readdirSync(d).map((f) => /^(\d+)\.json$/.exec(f)).filter((m): m is RegExpExecArray => m !== null).map((m) => Number(m[1]));
  }

  /** The items on disk, each validated; an invalid one is moved to items/rejected/ and reported (or, with
   *  `moveAside` false — merge reading its sources — only reported). */
  finished(moveAside = true): Map<number, unknown> {
    const out = new Map<number, unknown>();
    const d = join(this.dir, "items");
    if (!existsSync(d)) return out;
    if (!statSync(d).isDirectory()) throw new CliError(`${d} is not a directory (it holds a run's finished items): move it away, or choose another --out`);
    for (const f of readdirSync(d).sort()) {
      const m = /^(\d+)\.json$/.exec(f);
      if (!m) continue;
      const i = Number(m[1]);
      const why = this.check(join(d, f), i, out);
      if (why && !moveAside) {
        this.rejected.push({ file: join(d, f), why });
        this.warn(`marginflow: ${join(d, f)} is not a valid ${this.info.id} item (${why}): not merged`);
      } else if (why) {
        const to = join(d, "rejected", `${f}.${new Date().toISOString().replace(/[:.]/g, "-")}`);
        try {
          ensureDir(join(d, "rejected"));
          renameSync(join(d, f), to);
        } catch (e) {
          throw new CliError(`${join(d, f)} is not a valid ${this.info.id} item (${why}) and cannot be moved aside (${(e as Error).message}): remove it and rerun with --resume`);
        }
        this.rejected.push({ file: join(d, f), why });
        this.warn(`marginflow: ${join(d, f)} is not a valid ${this.info.id} item (${why}): moved to ${to}; it will be recomputed`);
      }
    }
    return out;
  }

  private check(file: string, i: number, out: Map<number, unknown>): string | undefined {
    let v: { index?: unknown; result?: unknown };
    try {
      v = JSON.parse(readFileSync(file, "utf8")) as typeof v;
    } catch (e) {
      return `not JSON: ${(e as Error).message.split("\n")[0]}`;
    }
    if (typeof v !== "object" || v === null || v.index !== i) return `expected {"index": ${i}, "result": …}`;
    if (i >= this.info.items) return `index ${i} ≥ the run's ${this.info.items} items`;
    const bad = checkValue(this.experiment.itemResult, v.result, "result");
    if (bad) return bad.message;
    out.set(i, v.result);
    return undefined;
  }

  /** Keeps a finished item (validated by the experiment's result schema first: an invalid result is an error
   *  naming the item and the field, and nothing is written). */
  save(i: number, result: unknown): void {
    const bad = checkValue(this.experiment.itemResult, result, "result");
    if (bad) throw new CliError(`item ${i} of ${this.info.id} produced an invalid result (${bad.message}); it was not kept`);
    writeJson(join(this.dir, "items", itemFile(i)), { index: i, result });
  }

  release(): void {
    this.lock?.release();
    this.lock = undefined;
  }

  /** Releases the directory and takes back what open() created, if nothing was computed since: the command was
   *  refused before it ran (another of its directories could not be opened). */
  discard(): void {
    this.release();
    if (!this.created || this.itemIndices().length > 0) return;
    rmSync(join(this.dir, "run.json"), { force: true });
    try {
      rmdirSync(this.dir); // only if empty
    } catch {
      // it holds something else: leave it
    }
  }
}
