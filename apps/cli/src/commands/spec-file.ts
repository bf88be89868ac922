// `marginflow run SPEC.json` and `marginflow sweep SPEC.json`: an experiment defined by a JSON file (or stdin).
// The file names its experiment ("experiment": "run" unless it says otherwise — any registry id works, so a
// paper's figure with other values is a spec file too), a CSV dataset is read and inlined, and the whole spec is
// validated before anything runs or is written; errors name the file and the JSON path.
import { readFileSync } from "node:fs";
import { parseTree, printParseErrorCode, type ParseError } from "jsonc-parser";
import { dirname, join, resolve } from "node:path";
import { ArgumentError, DataSpecSchema, EXPERIMENTS, getExperiment, inlineCsv, parseExperimentSpec, parseSpec, type AnyExperiment, type DataSpec } from "@marginflow/core";
import { UsageError } from "../errors.js";
import { RUN_OPTIONS, RUN_OPTIONS_HELP, type Command } from "../command.js";
import { intFlag, pathFlag, suggestion } from "../flags.js";
import { defaultWorkers } from "../pool.js";
import { parseShard } from "../store/store.js";
import { execute } from "../execute.js";
import { DEFAULT_OUT } from "./reproduce.js";

/** The JSON of a spec file ("-": standard input), with a parse error's line and column. */
export function readJsonFile(arg: string): { value: unknown; name: string; base: string } {
  const name = arg === "-" ? "(stdin)" : arg;
  let text: string;
  try {
    text = readFileSync(arg === "-" ? 0 : arg, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${name}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (e as Error).message}`);
  }
  try {
    return { value: JSON.parse(text), name, base: arg === "-" ? process.cwd() : dirname(resolve(arg)) };
  } catch {
    if (text.trim() === "") throw new UsageError(`${name}: not valid JSON (the file is empty)`);
    // JSON.parse does not say where (Node 20); jsonc-parser's scanner does
    const errors: ParseError[] = [];
    parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
    const e = errors[0];
    const before = text.slice(0, e?.offset ?? text.length).split("\n");
    const what = e ? printParseErrorCode(e.error).replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase() : "a syntax error";
    throw new UsageError(`${name}: not valid JSON at line ${before.length}, column ${before.at(-1)!.length + 1}: ${what}`);
  }
}

/** A CSV data spec read (relative to the spec file) and inlined; other specs unchanged. */
function inlineData(data: unknown, base: string): unknown {
  const d = data as DataSpec | undefined;
  if (typeof d !== "object" || d === null || d.kind !== "csv") return data;
  const csv = parseSpec(DataSpecSchema, d, "data") as Extract<DataSpec, { kind: "csv" }>;
  const file = resolve(base, csv.path);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`data.path: cannot read ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
  return inlineCsv({ ...csv, path: file }, text);
}

function experimentOf(input: unknown, fallback: string): AnyExperiment {
  const id = (input as { experiment?: unknown })?.experiment ?? fallback;
  if (typeof id !== "string" || !EXPERIMENTS.some((e) => e.id === id)) {
    throw new ArgumentError("experiment", id, `one of ${EXPERIMENTS.map((e) => e.id).join(", ")}${typeof id === "string" ? suggestion(id, EXPERIMENTS.map((e) => e.id)) : ""}`);
  }
  return getExperiment(id);
}

/** The experiment and its complete spec from a spec file (CSV data inlined, then validated). */
export function specFromFile(arg: string, fallback: "run" | "sweep"): { exp: AnyExperiment; spec: unknown; name: string } {
  const { value, name, base } = readJsonFile(arg);
  try {
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ArgumentError("(the whole spec)", value, "a JSON object");
    const exp = experimentOf(value, fallback);
    const { experiment: _e, ...rest } = value as Record<string, unknown>;
    if (fallback === "run" && exp.id === "sweep") throw new UsageError(`${name}: a sweep spec: run it with marginflow sweep ${arg}`);
    if (fallback === "sweep" && exp.id !== "sweep") throw new UsageError(`${name}: a spec for ${exp.id}, not a sweep (a sweep has a "grid"): run it with marginflow run ${arg}`);
    if (exp.id === "run" && "grid" in rest) throw new UsageError(`${name}: this spec has a "grid": run it with marginflow sweep ${arg}`);
    if ("data" in rest) rest.data = inlineData(rest.data, base);
    return { exp, spec: parseExperimentSpec(exp, rest), name };
  } catch (e) {
    if (e instanceof ArgumentError) throw new UsageError(`${name}: ${e.message}`);
    throw e;
  }
}

function specCommand(name: "run" | "sweep"): Command {
  const shardable = name === "sweep";
  return {
    name,
    usage: `marginflow ${name} SPEC.json|- [--out DIR] [--workers N]${shardable ? " [--shard k/N]" : ""} [--resume]`,
    summary: name === "run"
      ? "run one experiment defined by a JSON spec (any zoo model × data × loss × flow or descent; marginflow schema run)"
      : 'run a spec over a "grid" of values (the cartesian product), with progress, resume, shards and merge',
    options: { ...RUN_OPTIONS, ...(shardable ? { shard: { type: "string" as const } } : {}) },
    help() {
      return `${this.usage}

${name === "run"
  ? `Runs the experiment a JSON file defines ("-" reads standard input). Without an "experiment" field it is a
run spec: a model of the zoo, a dataset (a generator, an inline table or a CSV file), a loss, the dynamics
(gradient flow into the terminal phase, or gradient descent), checkpoints and observables — see
\`marginflow schema run\` for every field, its meaning and its default. Any registry experiment can be run this
way ("experiment": "fig4" and that experiment's fields). Writes DIR/result.json, the checkpoints as CSV and JSONL,
a figure of loss, γ̃ and q_min over log t (SVG and PNG), and DIR/report.html.`
  : `Runs a run spec over a grid: "grid" maps spec paths to values — a list, or {"linspace": [a, b, n]},
{"logspace": [a, b, n]}, {"range": [a, b, step]} — e.g. {"model.depths": [[1,1,1],[1,5,10]], "data.r":
{"linspace": [0.05, 0.95, 19]}}. Every point is validated before anything runs. Writes DIR/result.json,
DIR/sweep.csv (one row per point), DIR/checkpoints.csv (every run's checkpoints), figures and DIR/report.html.`}

Options:
${RUN_OPTIONS_HELP(`./${DEFAULT_OUT}/<name>${name === "sweep" ? "-sweep" : ""}, <name> being the spec's "name" (default "run")`)}${shardable ? "  --shard k/N      run points i with i mod N = k − 1 only (join the directories with merge)\n" : ""}`;
    },
    async run(positionals, values) {
      if (positionals.length !== 1) throw new UsageError(`${name}: expected one spec file (or - for standard input), e.g. marginflow ${name} spec.json`);
      const { exp, spec } = specFromFile(positionals[0]!, name);
      const label = (spec as { name?: string }).name ?? exp.id;
      const outDir = resolve(pathFlag("out", values.out, join(DEFAULT_OUT, name === "sweep" ? `${label}-sweep` : label)));
      const workers = intFlag("workers", values.workers, defaultWorkers(), 1, 256);
      const shard = shardable ? parseShard(values.shard) : undefined;
      return execute([{ exp, spec, dir: outDir }], {
        outDir, workers, shard, resume: values.resume === true, command: `marginflow ${process.argv.slice(2).join(" ")}`,
        heading: `marginflow ${name}: ${label}`,
      });
    },
  };
}

export const runCommand = specCommand("run");
export const sweepCommand = specCommand("sweep");
