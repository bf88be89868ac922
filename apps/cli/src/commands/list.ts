// marginflow list: the experiments of the registry with their sources.
import { EXPERIMENTS } from "@marginflow/core";
import type { Command } from "../command.js";

export const listCommand: Command = {
  name: "list",
  usage: "marginflow list",
  summary: "list the experiments (the papers' results, and the user-defined kinds) with their sources",
  options: {},
  help() {
    return `${this.usage}\n\nLists every experiment of the registry: its id, what kind it is, its title and its source.\n`;
  },
  async run() {
    const w = Math.max(...EXPERIMENTS.map((e) => e.id.length));
    const how = { reproduction: "marginflow reproduce ID", user: "marginflow run|sweep SPEC.json", tool: "marginflow run SPEC.json (\"experiment\": ID)" };
    for (const cat of ["reproduction", "user", "tool"] as const) {
      const es = EXPERIMENTS.filter((e) => e.category === cat);
      process.stdout.write(`${cat === "reproduction" ? "Results of the papers" : cat === "user" ? "Your own experiments" : "Tools"} (${how[cat]}):\n`);
      for (const e of es) process.stdout.write(`  ${e.id.padEnd(w)}  ${e.title}\n  ${" ".repeat(w)}  source: ${[e.source.paper, e.source.section, e.source.figure].filter(Boolean).join(", ")}\n`);
    }
    return 0;
  },
};
