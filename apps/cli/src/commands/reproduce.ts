// marginflow reproduce <id…|all>: the paper's results, each a registry experiment; flags are the experiments' own
// spec fields, validated for every requested id before anything runs or is written.
import { join, resolve } from "node:path";
import { EXPERIMENTS, REPRODUCTIONS, getExperiment, parseExperimentSpec, type AnyExperiment } from "@marginflow/core";
import { UsageError } from "../errors.js";
import { RUN_OPTIONS, RUN_OPTIONS_HELP, type Command } from "../command.js";
import { flagError, intFlag, pathFlag, specFlags, specFromFlags, suggestion, type Values } from "../flags.js";
import { experimentHelp } from "../help.js";
import { defaultWorkers } from "../pool.js";
import { parseShard } from "../store/store.js";
import { execute } from "../execute.js";

const reproductions = () => REPRODUCTIONS.map((id) => getExperiment(id));

/** Every spec flag of the reproductions (each a string option; its field's type parses it). */
const specOptions = () => Object.fromEntries(reproductions().flatMap((e) => specFlags(e).map((f) => [f.flag, { type: "string" as const }])));

export const DEFAULT_OUT = "marginflow-out";

function select(positionals: string[]): AnyExperiment[] {
  if (positionals.length === 0) throw new UsageError(`reproduce: name what to reproduce: ${REPRODUCTIONS.join(", ")} or all`);
  const ids = positionals.includes("all") ? REPRODUCTIONS : positionals;
  for (const id of ids) {
    if (!REPRODUCTIONS.includes(id)) {
      const other = EXPERIMENTS.find((e) => e.id === id);
      const hint = other ? ` (${id} is run from a spec file: marginflow ${id === "sweep" ? "sweep" : "run"} SPEC.json)` : suggestion(id, [...REPRODUCTIONS, "all"]);
      throw new UsageError(`reproduce: unknown id "${id}"; available: ${REPRODUCTIONS.join(", ")}, all${hint}`);
    }
  }
  return [...new Set(ids)].map((id) => getExperiment(id));
}

/** Each selected experiment's complete spec from the flags; a flag that belongs to none of them is an error. */
export function specsFromFlags(exps: AnyExperiment[], values: Values): unknown[] {
  for (const [flag, v] of Object.entries(values)) {
    if (v === undefined || flag in RUN_OPTIONS || flag === "shard") continue;
    if (!exps.some((e) => specFlags(e).some((f) => f.flag === flag))) {
      const owners = reproductions().filter((e) => specFlags(e).some((f) => f.flag === flag)).map((e) => e.id);
      throw new UsageError(`reproduce: --${flag} applies to ${owners.join(", ")} only (not to ${exps.map((e) => e.id).join(", ")})`);
    }
  }
  return exps.map((e) => {
    try {
      return parseExperimentSpec(e, specFromFlags(e, values));
    } catch (err) {
      throw flagError(err, e, values);
    }
  });
}

export const reproduceCommand: Command = {
  name: "reproduce",
  usage: "marginflow reproduce <id…|all> [--out DIR] [--workers N] [--shard k/N] [--resume] [experiment flags]",
  summary: `reproduce the papers' results (${REPRODUCTIONS.join(", ")}) into DIR/<id>/ and DIR/report.html`,
  get options() {
    return { ...RUN_OPTIONS, shard: { type: "string" as const }, ...specOptions() };
  },
  help(positionals) {
    const ids = positionals.filter((p) => REPRODUCTIONS.includes(p));
    if (ids.length > 0) return ids.map((id) => experimentHelp(getExperiment(id), `marginflow reproduce ${id}`)).join("\n");
    const w = Math.max(...REPRODUCTIONS.map((i) => i.length));
    return `${this.usage}

Reproduce results of the papers. Each id writes DIR/<id>/: result.json, figures (SVG and PNG), tables (CSV and
JSONL), summary.json; DIR/report.html shows them all. Finished items are kept on disk as they finish: Ctrl-C
loses nothing, --resume continues, --shard k/N runs a deterministic slice (join the slices with merge).

Experiments (marginflow reproduce ID --help lists an experiment's flags, defaults and ranges):
${reproductions().map((e) => `  ${e.id.padEnd(w)}  ${e.title}`).join("\n")}

Options:
${RUN_OPTIONS_HELP(`./${DEFAULT_OUT}`)}  --shard k/N      run items i with i mod N = k − 1 only
Experiment flags apply to every requested experiment that has the field (e.g. --seed).
`;
  },
  async run(positionals, values) {
    const exps = select(positionals);
    const specs = specsFromFlags(exps, values); // every flag of every experiment, before anything runs
    const outDir = resolve(pathFlag("out", values.out, DEFAULT_OUT));
    const workers = intFlag("workers", values.workers, defaultWorkers(), 1, 256);
    const shard = parseShard(values.shard);
    return execute(exps.map((exp, k) => ({ exp, spec: specs[k], dir: join(outDir, exp.id) })), {
      outDir, workers, shard, resume: values.resume === true, command: `marginflow reproduce ${process.argv.slice(3).join(" ")}`,
      heading: "The asymmetric maximum margin bias of quasi-homogeneous networks — reproduced by marginflow",
    });
  },
};

