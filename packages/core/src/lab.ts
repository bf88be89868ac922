// The worker-facing API: plain data in, plain data out. A Lab runs one task — an experiment's item — at a time on
// its thread's Runtime; pool.ts spreads tasks over many Labs. No result leaves a worker with a NaN, an infinity or
// an undefined in it (an error names the field instead); the full result schema is checked by whoever stores the
// result (the CLI, before writing it), off the workers' critical path.
import { releaseProxy } from "comlink";
import { ArgumentError } from "./errors.js";
import { runtime } from "./runtime/kernels.js";
import { formatPath, type PathSegment } from "./schema/validate.js";
import { getExperiment } from "./experiments/index.js";
import type { ItemProgress } from "./experiments/experiment.js";

export { RESULT_SCHEMA_VERSION } from "./experiments/experiment.js";

/** One item of an experiment, as it crosses a worker boundary. */
export interface Task {
  /** an experiment id of the registry (experiments/index.ts) */
  experiment: string;
  /** one of the experiment's items(spec) */
  item: unknown;
  /** milliseconds between progress reports (a live view wants them often); default: the item's own */
  progressMs?: number;
  /** the host draws the item live (RunContext.live) */
  live?: boolean;
}

/** The path of the first NaN, ±Infinity or undefined in a plain-data value (null where there is none). */
export function nonFinitePath(value: unknown, path: PathSegment[] = []): PathSegment[] | null {
  if (typeof value === "number") return Number.isFinite(value) ? null : path;
  if (value === undefined) return path;
  if (ArrayBuffer.isView(value)) {
    const a = value as unknown as ArrayLike<number>;
    for (let i = 0; i < a.length; i++) if (typeof a[i] === "number" && !Number.isFinite(a[i]!)) return [...path, i];
    return null;
  }
  if (typeof value === "object" && value !== null) {
    for (const [k, v] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
      const p = nonFinitePath(v, [...path, k]);
      if (p) return p;
    }
  }
  return null;
}

/** Runs one task on this thread's runtime; long items report their progress to `onProgress` (over comlink: a
 *  proxy). */
export async function runTask(task: Task, onProgress?: (p: ItemProgress) => unknown): Promise<unknown> {
  if (typeof task !== "object" || task === null || typeof task.experiment !== "string") {
    throw new ArgumentError("task", task, "an object {experiment, item}");
  }
  const e = getExperiment(task.experiment);
  let result: unknown;
  try {
    const progressMs = task.progressMs;
    if (progressMs !== undefined && !(typeof progressMs === "number" && progressMs > 0 && progressMs < Infinity)) throw new ArgumentError("task.progressMs", progressMs, "milliseconds > 0");
    result = await e.run(task.item, {
      rt: await runtime(),
      ...(onProgress ? { progress: (p: ItemProgress) => void onProgress(p) } : {}),
      ...(progressMs !== undefined ? { progressMs } : {}),
      ...(task.live === true ? { live: true } : {}),
    });
  } finally {
    // a comlink proxy holds a MessagePort open until released; a plain callback has no such member
    (onProgress as { [releaseProxy]?: () => void } | undefined)?.[releaseProxy]?.();
  }
  const bad = nonFinitePath(result);
  if (bad) {
    const v = bad.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)?.[k], result);
    throw new ArgumentError(formatPath("result", bad), v, `a finite number or null — ${task.experiment} produced an invalid result`);
  }
  return result;
}

/** What a worker exposes over comlink. */
export interface Lab {
  /** Runs one task; `onProgress` (a comlink proxy across a worker boundary) hears how far it has got. */
  run(task: Task, onProgress?: (p: ItemProgress) => unknown): Promise<unknown>;
  /** Bytes of WASM memory this worker's runtime holds (for leak checks). */
  memoryBytes(): Promise<number>;
}

export function createLab(): Lab {
  return {
    run: runTask,
    memoryBytes: async () => (await runtime()).memoryBytes,
  };
}
