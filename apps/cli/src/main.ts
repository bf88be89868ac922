// marginflow — the command line. Owns argument parsing, files, the terminal and exit codes; all numerics come
// from @marginflow/core. Commands are listed once, here; their flags and help come from the registry.
import { CliError, UsageError } from "./errors.js";
import { parseCommandLine, suggestion } from "./flags.js";
import { globalHelp } from "./help.js";
import type { Command } from "./command.js";
import { reproduceCommand } from "./commands/reproduce.js";
import { runCommand, sweepCommand } from "./commands/spec-file.js";
import { mergeCommand } from "./commands/merge.js";
import { listCommand } from "./commands/list.js";
import { schemaCommand } from "./commands/schema.js";
import { benchCommand } from "./commands/bench.js";
import { demoCommand } from "./commands/demo.js";
import { collapseCommand } from "./commands/collapse.js";
import { registerNodeMnist } from "./mnist.js";

const COMMANDS: Command[] = [reproduceCommand, runCommand, sweepCommand, mergeCommand, listCommand, schemaCommand, benchCommand, collapseCommand, demoCommand];
export const VERSION = "0.1.0";

export async function run(argv: string[]): Promise<number> {
  registerNodeMnist(); // lazily: nothing is read until a spec asks for MNIST data
  const [name, ...rest] = argv;
  const known = COMMANDS.some((c) => c.name === name);
  try {
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      const cmd = name === "help" ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
      process.stdout.write(cmd ? cmd.help(rest.slice(1)) : globalHelp(COMMANDS));
      return name === undefined ? 2 : 0;
    }
    if (name === "--version") {
      process.stdout.write(`marginflow ${VERSION}\n`);
      return 0;
    }
    const cmd = COMMANDS.find((c) => c.name === name);
    const names = COMMANDS.map((c) => c.name);
    if (!cmd) throw new UsageError(`unknown command "${name}"; commands: ${names.join(", ")}${suggestion(name, names)}`);
    if (rest.includes("--help") || rest.includes("-h")) {
      process.stdout.write(cmd.help(rest.filter((a) => !a.startsWith("-"))));
      return 0;
    }
    const { positionals, values } = parseCommandLine(name, rest, cmd.options);
    return await cmd.run(positionals, values);
  } catch (e) {
    if (e instanceof CliError) {
      const help = e instanceof UsageError ? ` (see marginflow ${known ? `${name} ` : ""}--help)` : "";
      process.stderr.write(`marginflow: ${e.message}${help}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    // a typed library error is the user's input (e.g. an item's own check): one line, exit 1
    process.stderr.write(`marginflow: ${err?.message ?? String(e)}\n`);
    return 1;
  }
}
