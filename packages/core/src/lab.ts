// The worker-facing API: plain data in, plain data out. A Lab runs one task — an experiment's item — at a time on
// its thread's Runtime; pool.ts spreads tasks over many Labs. Every result is checked against the experiment's
// result schema before it leaves the worker, so a NaN or a malformed field is an error naming it, never data.
import { ArgumentError } from "./errors.js";
import { runtime } from "./runtime/kernels.js";
import { checkValue } from "./schema/validate.js";
import { getExperiment } from "./experiments/index.js";

export { RESULT_SCHEMA_VERSION } from "./experiments/experiment.js";

/** One item of an experiment, as it crosses a worker boundary. */
export interface Task {
  /** an experiment id of the registry (experiments/index.ts) */
  experiment: string;
  /** one of the experiment's items(spec) */
  item: unknown;
}

/** Runs one task on this thread's runtime; the result is validated by the experiment's result schema. */
export async function runTask(task: Task): Promise<unknown> {
  if (typeof task !== "object" || task === null || typeof task.experiment !== "string") {
    throw new ArgumentError("task", task, "an object {experiment, item}");
  }
  const e = getExperiment(task.experiment);
  const result = e.run(task.item, { rt: await runtime() });
  const bad = checkValue(e.itemResult, result, "result");
  if (bad) throw new ArgumentError(bad.argument, bad.value, `${bad.expected} — ${task.experiment} produced an invalid result`);
  return result;
}

/** What a worker exposes over comlink. */
export interface Lab {
  run(task: Task): Promise<unknown>;
  /** Bytes of WASM memory this worker's runtime holds (for leak checks). */
  memoryBytes(): Promise<number>;
}

export function createLab(): Lab {
  return {
    run: runTask,
    memoryBytes: async () => (await runtime()).memoryBytes,
  };
}
