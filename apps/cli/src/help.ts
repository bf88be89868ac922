// Help generated from the registry: an experiment's flags with their meaning, type, range and default, all read
// from its spec schema; the global help from the commands' own synopses.
import { describeSchema, type AnyExperiment } from "@marginflow/core";
import { metavar, specFlags } from "./flags.js";
import type { Command } from "./command.js";

const sourceText = (e: AnyExperiment) => [e.source.paper, e.source.section, e.source.figure].filter(Boolean).join(", ");

function defaultText(v: unknown): string {
  if (v === undefined) return "";
  if (Array.isArray(v) && v.every((x) => typeof x === "number")) return v.join(",");
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** "--samples N   samples on the two sphere surfaces … (an integer in [2, 1000000]; default 10000)" */
export function experimentHelp(e: AnyExperiment, usage: string): string {
  const flags = specFlags(e);
  const rows = flags.map((f) => {
    const s = f.schema as Record<string, unknown>;
    const dflt = f.required ? "required" : `default ${defaultText(s.default) || "none"}`;
    return [`--${f.flag} ${metavar(s)}`, `${String(s.description ?? "")} (${describeSchema(s)}; ${dflt})`];
  });
  const w = Math.max(12, ...rows.map(([a]) => a!.length));
  const body = rows.length ? rows.map(([a, b]) => `  ${a!.padEnd(w)}  ${b}`).join("\n") : "  (no flags: this experiment has nothing to set)";
  return `${usage}${rows.length ? " [flags]" : ""}

${e.title}
Source: ${sourceText(e)}

Flags (from the experiment's spec; \`marginflow schema ${e.id}\` prints it as JSON Schema):
${body}
`;
}

export function globalHelp(commands: Command[]): string {
  return `marginflow — gradient flow into the terminal phase, certified.

Usage:
${commands.map((c) => `  ${c.usage}\n      ${c.summary}`).join("\n")}
  marginflow --help | --version

Every command has its own help: marginflow COMMAND --help (and marginflow reproduce ID --help).
`;
}
