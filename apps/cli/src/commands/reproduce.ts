// marginflow reproduce <id…|all> and marginflow merge: runs the experiments' items in a worker pool, keeps
// every finished item on disk at once (so Ctrl-C, a crash or a batch scheduler's time limit loses nothing),
// resumes, shards, and assembles result.json, SVG figures and DIR/report.html.
import { existsSync, readFileSync, copyFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { AbortedError, ItemError, type Spec } from "@marginflow/core";
import { CliError, UsageError } from "../errors.js";
import { checkWritable, ensureDir, writeFileAtomic, writeJson } from "../io.js";
import { intFlag, type Command } from "../main.js";
import { createPool, defaultWorkers } from "../pool.js";
import { svgToPng } from "../png.js";
import { EXPERIMENTS, type Assembled, type Experiment, type Flags } from "../reproduce/experiments.js";
import { ItemStore, RUN_SCHEMA, inShard, parseShard, readRun, type RunInfo, type Shard } from "../reproduce/store.js";

const ALL = Object.keys(EXPERIMENTS);

function selectIds(positionals: string[]): Experiment[] {
  if (positionals.length === 0) throw new UsageError(`reproduce: name what to reproduce: ${ALL.join(", ")} or all`);
  const ids = positionals.includes("all") ? ALL : positionals;
  for (const id of ids) if (!EXPERIMENTS[id]) throw new UsageError(`reproduce: unknown id "${id}"; available: ${ALL.join(", ")}, all`);
  return [...new Set(ids)].map((id) => EXPERIMENTS[id]!);
}

/** A progress bar on a TTY, one line per finished item otherwise. */
class Progress {
  private done = 0;
  private readonly t0 = performance.now();
  constructor(
    private readonly label: string,
    private readonly total: number,
    already: number,
    private readonly tty = process.stderr.isTTY === true,
  ) {
    this.done = already;
    if (this.tty) this.draw("");
  }
  tick(what: string): void {
    this.done++;
    if (this.tty) this.draw(what);
    else process.stderr.write(`${this.label} ${this.done}/${this.total} ${what}\n`);
  }
  private readonly start = this.done;
  private draw(what: string): void {
    const w = 30, f = Math.round((w * this.done) / Math.max(1, this.total));
    const s = (performance.now() - this.t0) / 1000;
    const ran = this.done - this.start;
    const eta = ran > 0 && this.done < this.total ? `, ~${Math.ceil((s / ran) * (this.total - this.done))} s left` : "";
    process.stderr.write(`\r${this.label} [${"#".repeat(f)}${".".repeat(w - f)}] ${this.done}/${this.total} ${s.toFixed(0)} s${eta} ${what}`.padEnd(100));
  }
  end(): void {
    if (this.tty) process.stderr.write("\n");
  }
}

async function runExperiment(exp: Experiment, outDir: string, flags: Flags, seed: number, workers: number, shard: Shard | undefined, resume: boolean, signal: AbortSignal): Promise<"done" | "partial"> {
  const params = exp.params(flags, seed);
  const specs = exp.specs(params);
  const count = exp.local ? 1 : specs.length;
  const dir = join(outDir, exp.id);
  const info: RunInfo = { schema: RUN_SCHEMA, id: exp.id, params, items: count };
  const store = ItemStore.open(dir, info, resume);
  const have = store.finished();
  const todo = Array.from({ length: count }, (_, i) => i).filter((i) => inShard(i, shard) && !have.has(i));
  const mine = Array.from({ length: count }, (_, i) => i).filter((i) => inShard(i, shard)).length;
  const progress = new Progress(exp.id, mine, mine - todo.length);
  if (todo.length > 0) {
    if (exp.local) {
      store.save(0, exp.local(params));
      progress.tick("");
    } else {
      const pool = createPool(workers);
      try {
        await pool.map(
          todo.map((i) => specs[i]!),
          {
            signal,
            onResult: (j, result) => {
              store.save(todo[j]!, result);
              const s = specs[todo[j]!] as Spec & { r?: number; classes?: number; samples?: number };
              const what = [s.r !== undefined ? `r = ${s.r.toFixed(4)}` : "", s.kind === "fig4gap" ? `n = ${s.samples}` : "", s.classes !== undefined ? `C = ${s.classes}` : ""];
              progress.tick(what.filter(Boolean).join(", "));
            },
          },
        );
      } finally {
        progress.end();
        await pool.close();
      }
    }
  } else progress.end();
  return assembleIfComplete(exp, dir, store) ? "done" : "partial";
}

function assembleIfComplete(exp: Experiment, dir: string, store: ItemStore): boolean {
  const have = store.finished();
  if (have.size < store.info.items) return false;
  const items = Array.from({ length: store.info.items }, (_, i) => have.get(i));
  const a = exp.assemble(store.info.params, items);
  for (const [name, svg] of Object.entries(a.figures)) {
    writeFileAtomic(join(dir, name), svg);
    writeFileAtomic(join(dir, name.replace(/\.svg$/, ".png")), svgToPng(svg));
  }
  writeJson(join(dir, "result.json"), a.result);
  writeJson(join(dir, "summary.json"), { id: exp.id, title: exp.title, figures: Object.keys(a.figures), numbers: a.numbers, notes: a.notes });
  return true;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** DIR/report.html from every assembled id in DIR (figures inlined, so the file stands alone). */
export function writeReport(outDir: string): string {
  const sections: string[] = [];
  for (const id of ALL) {
    const f = join(outDir, id, "summary.json");
    if (!existsSync(f)) continue;
    const s = JSON.parse(readFileSync(f, "utf8")) as { title: string; figures: string[]; numbers: Assembled["numbers"]; notes: string };
    const figs = s.figures.map((name) => `<figure>${readFileSync(join(outDir, id, name), "utf8")}<figcaption>${esc(name)}</figcaption></figure>`).join("\n");
    const rows = s.numbers.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join("\n");
    sections.push(`<section id="${id}"><h2>${esc(s.title)}</h2><div class="row"><div class="figs">${figs}</div><table>${rows}</table></div><p>${esc(s.notes)}</p><p><a href="${id}/result.json">${id}/result.json</a></p></section>`);
  }
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>marginflow — seed 000 reproduced</title>
<style>body{font-family:sans-serif;max-width:1400px;margin:2em auto;padding:0 1em;color:#222}.row{display:flex;gap:2em;flex-wrap:wrap;align-items:flex-start}
figure{margin:0 0 1em 0}figcaption{font-size:12px;color:#666}table{border-collapse:collapse;font-size:14px;max-width:520px}td{border-bottom:1px solid #ddd;padding:4px 8px;vertical-align:top}</style></head>
<body><h1>The asymmetric maximum margin bias of quasi-homogeneous networks — reproduced by marginflow</h1>
${sections.join("\n") || "<p>No finished experiment in this directory yet.</p>"}
</body></html>
`;
  const path = join(outDir, "report.html");
  writeFileAtomic(path, html);
  return path;
}

export const reproduceCommand: Command = {
  options: {
    out: { type: "string" }, seed: { type: "string" }, workers: { type: "string" }, shard: { type: "string" }, resume: { type: "boolean" },
    radii: { type: "string" }, samples: { type: "string" }, horizons: { type: "string" }, steps: { type: "string" }, classes: { type: "string" },
  },
  async run(positionals, values) {
    const exps = selectIds(positionals);
    const flags = values as Flags;
    for (const k of ["radii", "samples", "horizons", "steps", "classes"]) {
      if (flags[k] !== undefined && !exps.some((e) => e.flags.includes(k))) throw new UsageError(`reproduce: --${k} applies to ${ALL.filter((i) => EXPERIMENTS[i]!.flags.includes(k)).join(", ")} only`);
    }
    const outDir = resolve(typeof values.out === "string" ? values.out : "marginflow-out");
    const seed = intFlag("seed", values.seed, 0, 0);
    const workers = intFlag("workers", values.workers, defaultWorkers());
    const shard = parseShard(values.shard);
    checkWritable(join(outDir, "report.html"));
    const ctl = new AbortController();
    const onSig = () => ctl.abort();
    process.once("SIGINT", onSig);
    process.once("SIGTERM", onSig);
    let partial = false;
    try {
      for (const exp of exps) {
        if (ctl.signal.aborted) break;
        const state = await runExperiment(exp, outDir, flags, seed, workers, shard, values.resume === true, ctl.signal);
        if (state === "partial") partial = true;
        else {
          const sum = JSON.parse(readFileSync(join(outDir, exp.id, "summary.json"), "utf8")) as { numbers: [string, string][] };
          process.stdout.write(`${exp.id}: ${join(outDir, exp.id, "result.json")}\n${sum.numbers.map(([k, v]) => `  ${k}: ${v}\n`).join("")}`);
        }
      }
    } catch (e) {
      if (e instanceof AbortedError || ctl.signal.aborted) {
        process.stderr.write(`\nmarginflow: interrupted — finished items are kept in ${outDir}; rerun the same command with --resume to continue\n`);
        return 130;
      }
      if (e instanceof ItemError) throw new CliError(`item ${e.index} failed: ${e.message}`);
      throw e;
    } finally {
      process.off("SIGINT", onSig);
      process.off("SIGTERM", onSig);
    }
    if (partial) {
      process.stdout.write(`shard ${shard ? `${shard.k}/${shard.of}` : ""} finished; join the shards' directories with: marginflow merge DIR… --out DIR\n`);
      return 0;
    }
    process.stdout.write(`report: ${writeReport(outDir)}\n`);
    return 0;
  },
};

export const mergeCommand: Command = {
  options: { out: { type: "string" } },
  async run(positionals, values) {
    if (positionals.length === 0 || typeof values.out !== "string") throw new UsageError("merge: expected marginflow merge DIR… --out DIR");
    const outDir = resolve(values.out);
    checkWritable(join(outDir, "report.html"));
    const missing: string[] = [];
    for (const id of ALL) {
      const sources = positionals.map((p) => join(resolve(p), id)).filter((d) => existsSync(join(d, "run.json")));
      if (sources.length === 0) continue;
      const info = readRun(join(sources[0]!, "run.json"));
      for (const s of sources) {
        const other = readRun(join(s, "run.json"));
        if (JSON.stringify(other.params) !== JSON.stringify(info.params)) throw new UsageError(`merge: ${s} was run with other parameters than ${sources[0]} — shards of one run must share every flag`);
      }
      const dest = join(outDir, id);
      const store = ItemStore.open(dest, info, true);
      const have = store.finished();
      for (const s of sources) {
        if (resolve(s) === resolve(dest)) continue;
        const from = new ItemStore(s, info).finished(); // validates every file
        ensureDir(join(dest, "items"));
        for (const i of from.keys()) {
          if (have.has(i)) continue;
          const name = `${String(i).padStart(5, "0")}.json`;
          copyFileSync(join(s, "items", name), join(dest, "items", name));
          have.set(i, true);
        }
      }
      if (!assembleIfComplete(EXPERIMENTS[id]!, dest, store)) missing.push(`${id}: ${info.items - have.size} of ${info.items} items missing`);
      else process.stdout.write(`${id}: ${join(dest, "result.json")}\n`);
    }
    if (missing.length) throw new CliError(`merge: incomplete — ${missing.join("; ")}; run the missing shards, then merge again`);
    process.stdout.write(`report: ${writeReport(outDir)}\n`);
    return 0;
  },
};

