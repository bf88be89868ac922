// marginflow merge DIR… --out DIR: joins the directories of a sharded run (reproduce, run or sweep). Runs must
// share their experiment and spec (the first difference is named); every item is validated as it is read; the
// joined run is assembled once complete, with its report.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { EXPERIMENTS, getExperiment, type Summary } from "@marginflow/core";
import { CliError, UsageError } from "../errors.js";
import type { Command } from "../command.js";
import { checkWritable, shown } from "../io.js";
import { pathFlag } from "../flags.js";
import { writeOutputs } from "../runner.js";
import { writeReport } from "../output/report.js";
import { printSummary } from "../execute.js";
import { ItemStore, firstDifference, readRun } from "../store/store.js";

/** Experiment directories of a run directory: itself (run, sweep) or its <id> subdirectories (reproduce). */
function runDirs(dir: string): string[] {
  if (existsSync(join(dir, "run.json"))) return [""];
  return EXPERIMENTS.map((e) => e.id).filter((id) => existsSync(join(dir, id, "run.json")));
}

export const mergeCommand: Command = {
  name: "merge",
  usage: "marginflow merge DIR… --out DIR",
  summary: "join the directories of sharded runs and assemble their results and report",
  options: { out: { type: "string" } },
  help() {
    return `${this.usage}

Joins the output directories of the shards of one run (marginflow reproduce/run/sweep … --shard k/N) into
--out: the runs must share their experiments and specs; every item is validated as it is read (an invalid one
is named and left out); each experiment is assembled once all its items are there.
`;
  },
  async run(positionals, values) {
    if (positionals.length === 0 || values.out === undefined) throw new UsageError("merge: expected marginflow merge DIR… --out DIR");
    const outDir = resolve(pathFlag("out", values.out, ""));
    const sources = positionals.map((p) => resolve(p));
    for (const s of sources) {
      if (!existsSync(s)) throw new UsageError(`merge: ${s}: no such directory`);
      if (!statSync(s).isDirectory()) throw new UsageError(`merge: ${s}: not a directory`);
    }
    const rels = [...new Set(sources.flatMap(runDirs))];
    if (rels.length === 0) throw new UsageError(`merge: no marginflow run in ${sources.join(", ")} (a run directory holds run.json, or <id>/run.json)`);
    checkWritable(join(outDir, "report.html"));
    const missing: string[] = [];
    for (const rel of rels) {
      const from = sources.map((s) => join(s, rel)).filter((d) => existsSync(join(d, "run.json")));
      const info = readRun(join(from[0]!, "run.json"));
      for (const d of from.slice(1)) {
        const other = readRun(join(d, "run.json"));
        const diff = other.id !== info.id ? `experiment ${other.id} there, ${info.id} in ${from[0]}` : firstDifference(other.spec, info.spec);
        if (diff) throw new UsageError(`merge: ${d} is another run than ${from[0]} (${diff}) — shards of one run share their spec`);
      }
      const exp = getExperiment(info.id);
      const dest = join(outDir, rel);
      const warn = (line: string) => process.stderr.write(line + "\n");
      const store = ItemStore.open(dest, info, exp, { resume: true, command: `marginflow merge ${process.argv.slice(3).join(" ")}`, warn });
      try {
        const have = store.finished();
        for (const d of from) {
          if (resolve(d) === resolve(dest)) continue;
          for (const [i, r] of new ItemStore(d, info, exp, warn).finished(false)) if (!have.has(i)) (store.save(i, r), have.set(i, r));
        }
        const label = rel || info.id;
        if (have.size < info.items) missing.push(`${label}: ${info.items - have.size} of ${info.items} items missing`);
        else {
          await writeOutputs(exp, info.spec, dest, Array.from({ length: info.items }, (_, i) => have.get(i)));
          printSummary(label, dest, (JSON.parse(readFileSync(join(dest, "summary.json"), "utf8")) as { summary: Summary }).summary);
        }
      } finally {
        store.release();
      }
    }
    if (missing.length) throw new CliError(`merge: incomplete — ${missing.join("; ")}; run the missing shards (or rerun one with --resume), then merge again`);
    process.stdout.write(`report: ${shown(writeReport(outDir, EXPERIMENTS.map((e) => e.id), "marginflow — merged runs"))}\n`);
    return 0;
  },
};
