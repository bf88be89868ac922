// An environment-agnostic scheduler over comlink endpoints: node:worker_threads and browser Workers alike
// (the app supplies a factory). Items are handed out in index order to whichever worker is free and results
// are returned by index, so the output does not depend on the number of workers. A crashed worker is
// replaced and its item retried; an AbortSignal stops dispatch and terminates in-flight work.
import { proxy, wrap, type Endpoint, type Remote } from "comlink";
import { MarginflowError } from "./errors.js";
import type { Lab, Task } from "./lab.js";
import type { ItemProgress } from "./experiments/experiment.js";

export interface WorkerHandle {
  endpoint: Endpoint;
  terminate(): unknown;
  /** Registers a callback for the worker dying (crash, exit, uncaught error). */
  onExit(callback: (reason: Error) => void): void;
}

export type WorkerFactory = () => WorkerHandle;

/** Defaults of LabPool.map's options. */
export const MAP_DEFAULTS = {
  /** Times an item is retried after its worker died. */
  retries: 1,
} as const;

export interface MapOptions {
  /** Called as each item finishes (in completion order; `index` is the item's position). An exception thrown
   *  here (a failed write, say) stops the map: it rejects with that exception. */
  onResult?: (index: number, result: unknown) => void;
  /** Called as a running item reports how far it has got (long items only: a flow's log10 t). Default: none. */
  onProgress?: (index: number, progress: ItemProgress) => void;
  /** Called when an item starts on a worker. Default: none. */
  onStart?: (index: number, worker: number) => void;
  /** Aborting stops dispatch and terminates in-flight work (the map rejects with AbortedError). Default: none. */
  signal?: AbortSignal;
  /** Times an item is retried after its worker died. Default 1. Errors thrown by the item itself are not retried. */
  retries?: number;
}

/** An item failed; `index` says which. */
export class ItemError extends MarginflowError {
  constructor(
    readonly index: number,
    cause: unknown,
  ) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    super("E_ITEM", `item ${index}: ${msg}`);
    this.name = "ItemError";
    this.cause = cause;
  }
}

export class AbortedError extends MarginflowError {
  constructor() {
    super("E_ABORTED", "aborted");
    this.name = "AbortedError";
  }
}

interface Slot {
  handle: WorkerHandle;
  lab: Remote<Lab>;
  dead: boolean;
  fail?: (e: Error) => void;
}

export class LabPool {
  private slots: Slot[] = [];
  constructor(
    private readonly factory: WorkerFactory,
    readonly size: number,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new MarginflowError("E_ARGUMENT", `size: expected an integer ≥ 1, got ${size}`);
  }

  private spawn(i: number): Slot {
    const handle = this.factory();
    const slot: Slot = { handle, lab: wrap<Lab>(handle.endpoint), dead: false };
    handle.onExit((reason) => {
      slot.dead = true;
      slot.fail?.(reason);
    });
    this.slots[i] = slot;
    return slot;
  }

  private slot(i: number): Slot {
    const s = this.slots[i];
    return s && !s.dead ? s : this.spawn(i);
  }

  /** Runs every task; resolves with the results in task order. */
  async map(specs: readonly Task[], options: MapOptions = {}): Promise<unknown[]> {
    const { onResult, onStart, onProgress, signal, retries = MAP_DEFAULTS.retries } = options;
    const results: unknown[] = new Array(specs.length);
    const attempts = new Array<number>(specs.length).fill(0);
    const queue = specs.map((_, i) => i);
    if (signal?.aborted) throw new AbortedError();

    return new Promise<unknown[]>((resolve, reject) => {
      let done = 0;
      let failed = false;
      const fail = (e: Error) => {
        if (failed) return;
        failed = true;
        reject(e);
      };
      const onAbort = () => {
        fail(new AbortedError());
        this.terminate();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      if (specs.length === 0) return resolve(results);

      const runOn = (w: number) => {
        if (failed) return;
        const index = queue.shift();
        if (index === undefined) return;
        const slot = this.slot(w);
        attempts[index]!++;
        onStart?.(index, w);
        const died = new Promise<never>((_, rej) => {
          slot.fail = rej;
        });
        const report = onProgress ? proxy((p: ItemProgress) => void (failed || onProgress(index, p))) : undefined;
        Promise.race([slot.lab.run(specs[index]!, report), died]).then(
          (result) => {
            slot.fail = undefined;
            if (failed) return;
            results[index] = result;
            done++;
            try {
              onResult?.(index, result);
            } catch (e) {
              signal?.removeEventListener("abort", onAbort);
              return fail(e instanceof Error ? e : new Error(String(e)));
            }
            if (done === specs.length) {
              signal?.removeEventListener("abort", onAbort);
              resolve(results);
            } else runOn(w);
          },
          (err: unknown) => {
            slot.fail = undefined;
            if (failed) return;
            if (slot.dead) {
              // The worker died: replace it and retry the item, up to `retries` times.
              if (attempts[index]! <= retries) {
                queue.unshift(index);
                runOn(w);
              } else fail(new ItemError(index, err));
            } else fail(new ItemError(index, err));
          },
        );
      };
      const n = Math.min(this.size, specs.length);
      for (let w = 0; w < n; w++) runOn(w);
    });
  }

  /** Bytes of WASM memory each live worker holds. */
  async memoryBytes(): Promise<number[]> {
    return Promise.all(this.slots.filter((s) => s && !s.dead).map((s) => s.lab.memoryBytes()));
  }

  private terminate(): void {
    for (const s of this.slots) {
      if (s && !s.dead) {
        s.dead = true;
        s.handle.terminate();
      }
    }
  }

  /** Terminates every worker. */
  async close(): Promise<void> {
    this.terminate();
    this.slots = [];
  }
}
