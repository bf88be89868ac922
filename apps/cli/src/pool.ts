// The Node side of core's LabPool: one node:worker_threads worker per slot.
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import nodeEndpoint from "comlink/dist/esm/node-adapter.mjs";
import { LabPool, type WorkerHandle } from "@marginflow/core";

/** One pool worker: worker.ts bundled into one file by the build (scripts/bundle.mjs). */
export function nodeWorker(): WorkerHandle {
  const w = new Worker(new URL("./worker.bundle.js", import.meta.url));
  return {
    endpoint: nodeEndpoint(w),
    terminate: () => w.terminate(),
    onExit: (cb) => {
      w.on("error", (e) => cb(e instanceof Error ? e : new Error(String(e))));
      w.on("exit", (code) => cb(new Error(`worker exited with code ${code}`)));
    },
  };
}

export function defaultWorkers(): number {
  return availableParallelism();
}

export function createPool(workers: number): LabPool {
  return new LabPool(nodeWorker, workers);
}
