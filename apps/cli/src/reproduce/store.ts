// The on-disk state of a reproduction: DIR/<id>/run.json (the parameters), DIR/<id>/items/<index>.json (one per
// finished item, written atomically as soon as it finishes), DIR/<id>/result.json (assembled when every item
// is there). A rerun with --resume computes only the missing items; shards write disjoint items that
// `marginflow merge` joins. Nothing already computed is overwritten.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CliError, UsageError } from "../errors.js";
import { writeJson } from "../io.js";

export const RUN_SCHEMA = 1;

export interface RunInfo {
  schema: number;
  id: string;
  params: Record<string, unknown>;
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
  if (!m || !(of >= 1) || !(k >= 1 && k <= of)) throw new UsageError(`--shard: expected k/N with 1 ≤ k ≤ N (e.g. 2/8), got ${JSON.stringify(v)}`);
  return { k, of };
}

export const inShard = (i: number, s?: Shard) => !s || i % s.of === s.k - 1;

const itemPath = (dir: string, i: number) => join(dir, "items", `${String(i).padStart(5, "0")}.json`);

export class ItemStore {
  constructor(
    readonly dir: string,
    readonly info: RunInfo,
  ) {}

  /** Opens DIR/<id> for a run with these parameters: refuses to mix parameters or to overwrite without --resume. */
  static open(dir: string, info: RunInfo, resume: boolean): ItemStore {
    const runFile = join(dir, "run.json");
    if (existsSync(runFile)) {
      const old = readRun(runFile);
      if (JSON.stringify(old.params) !== JSON.stringify(info.params) || old.items !== info.items) {
        throw new UsageError(`${dir} holds a run with other parameters (${JSON.stringify(old.params)}): choose another --out, or repeat that run's flags`);
      }
      const done = new ItemStore(dir, info).finished().size;
      if (done > 0 && !resume) {
        throw new UsageError(`${dir} already holds ${done} finished item(s): pass --resume to continue that run, or choose another --out`);
      }
    } else writeJson(runFile, info);
    return new ItemStore(dir, info);
  }

  /** Indices of the items on disk (each file is parsed and checked: a corrupted one is an error naming it). */
  finished(): Map<number, unknown> {
    const out = new Map<number, unknown>();
    const d = join(this.dir, "items");
    if (!existsSync(d)) return out;
    for (const f of readdirSync(d).sort()) {
      const m = /^(\d+)\.json$/.exec(f);
      if (!m) continue;
      const i = Number(m[1]);
      out.set(i, readItem(join(d, f), this.info.id, i, this.info.items));
    }
    return out;
  }

  save(i: number, result: unknown): void {
    writeJson(itemPath(this.dir, i), { index: i, result });
  }
}

function readRun(file: string): RunInfo {
  try {
    const v = JSON.parse(readFileSync(file, "utf8")) as RunInfo;
    if (v.schema !== RUN_SCHEMA || typeof v.id !== "string" || typeof v.items !== "number") throw new Error("unexpected content");
    return v;
  } catch (e) {
    throw new CliError(`${file} is corrupted (${(e as Error).message}): remove the directory to start over, or choose another --out`);
  }
}

function readItem(file: string, id: string, i: number, count: number): unknown {
  try {
    const v = JSON.parse(readFileSync(file, "utf8")) as { index: number; result: { kind?: string } };
    if (v.index !== i || i >= count || typeof v.result !== "object" || v.result === null) throw new Error("unexpected content");
    if (id === "fig4" && v.result.kind !== "fig4") throw new Error("not a fig4 item");
    return v.result;
  } catch (e) {
    throw new CliError(`${file} is corrupted (${(e as Error).message}): remove that file and rerun with --resume to recompute it`);
  }
}

export { readRun };
