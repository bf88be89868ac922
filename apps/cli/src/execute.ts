// Runs a list of experiment jobs (reproduce: one per id; run and sweep: one) under one worker pool: validates
// every output path first, turns Ctrl-C (exit 130) and SIGTERM (exit 143) into a clean stop that keeps every
// finished item, reports an item's failure or a failed write in one line saying what was kept, prints each
// experiment's checks and key numbers as it finishes, and ends with DIR/report.html.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AbortedError, ItemError, EXPERIMENTS, type AnyExperiment, type LabPool, type Summary } from "@marginflow/core";
import { CliError } from "./errors.js";
import { checkWritable, shown } from "./io.js";
import { createPool } from "./pool.js";
import { openJob, runJob, type JobOutcome, type OpenJob } from "./runner.js";
import { writeReport } from "./output/report.js";
import type { Shard } from "./store/store.js";
import { SharedItems } from "./store/shared.js";

export interface Job {
  exp: AnyExperiment;
  spec: unknown;
  dir: string;
}


export interface ExecuteOptions {
  outDir: string;
  workers: number;
  shard?: Shard;
  resume: boolean;
  command: string;
  heading: string;
}

const mark = (h: boolean | null) => (h === null ? "·" : h ? "✓" : "✗");

export function printSummary(id: string, dir: string, s: Summary): void {
  const lines = [`${id}: ${shown(join(dir, "result.json"))}`];
  for (const c of s.checks) lines.push(`  ${mark(c.holds)} ${c.claim} — ${c.measured}`);
  for (const [k, v] of s.numbers) lines.push(`  ${k}: ${v}`);
  process.stdout.write(lines.join("\n") + "\n");
}

/** SIGINT → 130, SIGTERM → 143 (128 + the signal's number), after the pool has stopped. */
function signals(ctl: AbortController): { code: () => number | undefined; off: () => void } {
  let code: number | undefined;
  const on = (sig: "SIGINT" | "SIGTERM") => () => {
    code ??= sig === "SIGINT" ? 130 : 143;
    ctl.abort();
  };
  const int = on("SIGINT"), term = on("SIGTERM");
  process.once("SIGINT", int);
  process.once("SIGTERM", term);
  return { code: () => code, off: () => (process.off("SIGINT", int), process.off("SIGTERM", term)) };
}

export async function execute(jobs: Job[], o: ExecuteOptions): Promise<number> {
  checkWritable(join(o.outDir, "report.html"));
  const warn = (line: string) => process.stderr.write(line + "\n");
  // every directory is opened — locked, its spec compared, --resume checked — before any experiment runs
  const opened: OpenJob[] = [];
  try {
    for (const job of jobs) opened.push(openJob(job.exp, job.spec, job.dir, { resume: o.resume, shard: o.shard, command: o.command, warn }));
  } catch (e) {
    for (const j of opened) j.store.discard();
    throw e;
  }
  const ctl = new AbortController();
  const sig = signals(ctl);
  let pool: LabPool | undefined;
  const outcomes: { job: OpenJob; outcome: JobOutcome }[] = [];
  const shared = new SharedItems(join(o.outDir, ".shared"));
  let current: OpenJob | undefined;
  const interrupted = () => {
    const kept = current ? ` — finished items are kept in ${join(current.dir, "items")}` : "";
    process.stderr.write(`\nmarginflow: interrupted${kept}; rerun the same command with --resume to continue\n`);
    return sig.code() ?? 130;
  };
  try {
    for (const job of opened) {
      if (ctl.signal.aborted) break;
      current = job;
      const outcome = await runJob(job, {
        resume: o.resume, shard: o.shard, signal: ctl.signal, command: o.command,
        pool: () => (pool ??= createPool(o.workers)),
        warn, shared,
      });
      outcomes.push({ job, outcome });
      if (outcome.state === "done") {
        const s = JSON.parse(readFileSync(join(job.dir, "summary.json"), "utf8")) as { summary: Summary };
        printSummary(job.exp.id, job.dir, s.summary);
      }
    }
  } catch (e) {
    const kept = current ? ` — finished items are kept in ${join(current.dir, "items")}` : "";
    if (e instanceof AbortedError || ctl.signal.aborted) return interrupted();
    if (e instanceof ItemError) throw new CliError(`${current?.exp.id ?? "an experiment"}: item ${e.index} failed: ${e.message.replace(/^item \d+: /, "")}${kept}`);
    if (e instanceof CliError && /^cannot write/.test(e.message)) throw new CliError(`${e.message}${kept}; rerun with --resume once it is fixed`);
    throw e;
  } finally {
    sig.off();
    for (const j of opened) j.store.release();
    await pool?.close();
  }
  if (ctl.signal.aborted) return interrupted(); // a signal between two experiments: the rest did not run
  const partial = outcomes.filter((x) => x.outcome.state === "partial");
  if (partial.length > 0) {
    const what = partial.map((x) => `${x.job.exp.id}: ${x.outcome.have} of ${x.outcome.total} items in ${x.job.dir}`).join("; ");
    if (o.shard) {
      process.stdout.write(`shard ${o.shard.k}/${o.shard.of} finished (${what}); when every shard has finished, join their directories with: marginflow merge DIR… --out DIR\n`);
      return 0;
    }
    const rejected = partial.reduce((s, x) => s + x.outcome.rejected, 0);
    throw new CliError(`incomplete: ${what}${rejected ? ` (${rejected} stored item(s) were invalid and moved aside)` : ""}; rerun with --resume to compute the missing items`);
  }
  process.stdout.write(`report: ${shown(writeReport(o.outDir, EXPERIMENTS.map((e) => e.id), o.heading))}\n`);
  return 0;
}
