// marginflow schema [ID]: the JSON Schema of an experiment's spec (default: run) — the same schema that validates
// specs, with every field's meaning, range and default.
import { EXPERIMENTS, getExperiment } from "@marginflow/core";
import { UsageError } from "../errors.js";
import type { Command } from "../command.js";
import { suggestion } from "../flags.js";

/** The schema as JSON: TypeBox's internal keys (refinements, "~kind") dropped. */
export function schemaJson(id: string): string {
  const e = getExperiment(id);
  const doc = { $schema: "https://json-schema.org/draft/2020-12/schema", $id: `https://marginflow.dev/schema/${id}.json`, title: `${e.id}: ${e.title}`, ...(e.spec as object) };
  return JSON.stringify(doc, (k, v) => (k.startsWith("~") ? undefined : v), 2) + "\n";
}

export const schemaCommand: Command = {
  name: "schema",
  usage: "marginflow schema [ID]",
  summary: "print the JSON Schema of an experiment's spec (default: run, the user-defined experiment)",
  options: {},
  help() {
    return `${this.usage}\n\nPrints the JSON Schema of a spec (ids: ${EXPERIMENTS.map((e) => e.id).join(", ")}). Editors validate and complete\nspec files against it; marginflow validates with the same schema.\n`;
  },
  async run(positionals) {
    if (positionals.length > 1) throw new UsageError("schema: expected at most one experiment id");
    const id = positionals[0] ?? "run";
    if (!EXPERIMENTS.some((e) => e.id === id)) throw new UsageError(`schema: unknown experiment "${id}"; available: ${EXPERIMENTS.map((e) => e.id).join(", ")}${suggestion(id, EXPERIMENTS.map((e) => e.id))}`);
    process.stdout.write(schemaJson(id));
    return 0;
  },
};
