// marginflow — the command line. Owns argument parsing, files, the terminal and exit codes; all numerics
// come from @marginflow/core.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { CliError, UsageError } from "./errors.js";
import { benchCommand } from "./commands/bench.js";
import { demoCommand } from "./commands/demo.js";
import { mergeCommand, reproduceCommand } from "./commands/reproduce.js";

export const HELP = `marginflow — gradient flow into the terminal phase, certified.

Usage:
  marginflow reproduce <id…|all> [--out DIR] [--seed N] [--workers N] [--shard k/N] [--resume]
                       [--radii N] [--samples N] [--horizons 5,100] [--steps N] [--classes 3-10]
      Reproduce seed 000 (ids: fig1, fig2, fig4, fig4n, thm61, appb; fig4n: the finite-sample floor of fig4). Each id writes DIR/<id>/result.json and SVG figures;
      DIR/report.html shows them all. Finished items are kept on disk as they finish: Ctrl-C loses
      nothing, --resume continues, --shard k/N runs a deterministic slice (join with merge).
      fig4 flags: --radii (default 100), --samples (default 10000), --horizons as log10 t (default 5,100);
      fig1: --steps of GD (default 100000); thm61: --classes (default 3-10).
  marginflow merge DIR… --out DIR
      Join the directories of sharded runs and assemble their results and report.
  marginflow bench kernels [--json FILE] [--quick]
      Measure the WASM SIMD kernels against plain-TS loops in the same run: GFLOP/s of gemv and gemm
      (n = 64…1024), the practical f64x2 peak, exp throughput; prints ratios and the targets.
  marginflow bench fig4 [--json FILE] [--radii N] [--samples N] [--workers N] [--repeat N (default 3; the median is compared)]
      The Fig. 4 sweep at T = 1e5 by marginflow and by a NumPy + SciPy (solve_ivp RK45) peer on the same
      samples, side by side: both times, the ratio, the largest robustness difference, peak RSS.
  marginflow demo [--workers N]
      Integrate three ODEs with known solutions in a worker pool (Dormand–Prince 5(4) in WASM) and
      compare with the closed forms.
  marginflow --help | --version

Options:
  --out DIR       output directory (default ./marginflow-out)
  --json FILE     also write the measurements as JSON (written whole or not at all)
  --quick         smaller sizes (n ≤ 256) for a fast look
  --workers N     worker threads (default: one per core)
`;

export interface Command {
  options: ParseArgsConfig["options"];
  run(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number>;
}

const commands: Record<string, Command> = { reproduce: reproduceCommand, merge: mergeCommand, bench: benchCommand, demo: demoCommand };

export async function run(argv: string[]): Promise<number> {
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      process.stdout.write(HELP);
      return name === undefined ? 2 : 0;
    }
    if (name === "--version") {
      process.stdout.write("marginflow 0.1.0\n");
      return 0;
    }
    const cmd = commands[name];
    if (!cmd) throw new UsageError(`unknown command "${name}"; commands: ${Object.keys(commands).join(", ")}`);
    if (rest.includes("--help") || rest.includes("-h")) {
      process.stdout.write(HELP);
      return 0;
    }
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: cmd.options, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError(`${name}: ${(e as Error).message.split("\n")[0]}`);
    }
    return await cmd.run(parsed.positionals, parsed.values as Record<string, string | boolean | undefined>);
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(`marginflow: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`marginflow: ${(e as Error).message ?? e}\n`);
    return 1;
  }
}

/** Parses a positive integer flag or throws a usage error naming it. */
export function intFlag(name: string, value: string | boolean | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== "string" || !Number.isInteger(n) || n < min) {
    throw new UsageError(`--${name}: expected an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return n;
}
