// Items shared between the experiments of one output directory: an experiment whose items are a pure function of
// a key (Experiment.shareKey — e.g. every seed-001 network experiment trains the same §7 network from the same
// item) keeps each result under DIR/.shared/<sha256 of the key>.json, and any experiment of the directory with an
// item of the same key takes it from there instead of computing it again. A file is written atomically and holds
// its key; one whose key differs or whose result fails the experiment's result schema is ignored (and recomputed).
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkValue, type AnyExperiment } from "@marginflow/core";
import { writeJson } from "../io.js";

export class SharedItems {
  constructor(readonly dir: string) {}

  private file(key: string): string {
    return join(this.dir, `${createHash("sha256").update(key).digest("hex").slice(0, 32)}.json`);
  }

  /** The stored result of `key`, valid for `exp`'s result schema, or undefined. */
  get(exp: AnyExperiment, key: string): unknown {
    const f = this.file(key);
    if (!existsSync(f)) return undefined;
    try {
      const v = JSON.parse(readFileSync(f, "utf8")) as { key?: unknown; result?: unknown };
      if (v.key !== key || checkValue(exp.itemResult, v.result, "result")) return undefined;
      return v.result;
    } catch {
      return undefined;
    }
  }

  put(key: string, result: unknown): void {
    writeJson(this.file(key), { key, result });
  }
}
