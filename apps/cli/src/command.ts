// The contract of a CLI command: its options (for parseArgs), its help, and what it does.
import type { ParseArgsConfig } from "node:util";
import type { Values } from "./flags.js";

export interface Command {
  name: string;
  /** one line: the synopsis */
  usage: string;
  /** one line: what it does */
  summary: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  /** the full help; `positionals` lets `reproduce fig4 --help` show fig4's flags */
  help(positionals: string[]): string;
  run(positionals: string[], values: Values): Promise<number>;
}

/** Options every experiment-running command takes. */
export const RUN_OPTIONS = {
  out: { type: "string" },
  workers: { type: "string" },
  resume: { type: "boolean" },
} as const;

/** The help lines of RUN_OPTIONS, with the command's default output directory. */
export const RUN_OPTIONS_HELP = (out: string) => `  --out DIR        output directory (default ${out})
  --workers N      worker threads (default: one per core)
  --resume         continue a run in DIR: only the missing items are computed
`;
