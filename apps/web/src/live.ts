// A run followed live: core's LabPool runs the spec's one `run` item in a training worker, whose progress reports
// carry θ; each report becomes a frame, and the latest θ is sent to a second worker as a `probe` item (the heatmap's
// grid, accuracy, margins) whenever that worker is free — so the trajectory never waits for the drawing. Cancel
// aborts both pools, which terminate their workers (they are respawned on the next run).
import { AbortedError, ItemError, LabPool, type ItemProgress, type ProbeResult, type RunResult, type RunSpec, type WorkerHandle } from "@marginflow/core";

/** One point of the trajectory as the page shows it. */
export interface Frame {
  log10t: number | null;
  log10Loss: number | null;
  step: number | null;
  phase: "time" | "terminal" | null;
  theta: number[];
  /** the probe of this θ (set later; absent for frames the probe worker skipped while busy) */
  probe?: ProbeResult;
  /** the run's final state */
  final?: boolean;
}

export interface LiveHandlers {
  onFrame(frame: Frame): void;
  onDone(result: RunResult, ms: number): void;
  onError(e: unknown): void;
  /** a worker died and was replaced (the pool retries its item) */
  onRestart(): void;
}

/** What a probe needs besides θ: the grid in the model's features and the held-out set. */
export interface ProbeInputs {
  /** a typed array: cloned to the worker with one copy per probe */
  grid: { rows: number; data: Float64Array };
  test: { kind: "inline"; X: number[][]; labels: number[] } | null;
}

/** Milliseconds between the training worker's progress reports: every other frame of a 60 Hz display. */
export const PROGRESS_MS = 33;
/** Milliseconds between probes (heatmap, accuracy, margins) at the most: on two cores the probe worker would
 *  otherwise take the main thread's share of the CPU. */
export const PROBE_MS = 120;

/** A module Worker running core's Lab (worker.js, next to the page's modules). */
export function browserWorker(): WorkerHandle {
  const w = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  return {
    endpoint: w,
    terminate: () => w.terminate(),
    onExit: (cb) => w.addEventListener("error", (e) => cb(new Error(`the worker failed: ${e.message || "could not load worker.js"}`))),
  };
}

const unwrap = (e: unknown) => (e instanceof ItemError ? e.cause : e);

export class LiveRunner {
  private readonly trainer = new LabPool(browserWorker, 1);
  private readonly prober = new LabPool(browserWorker, 1);
  private controller: AbortController | null = null;
  private generation = 0;

  get running(): boolean {
    return this.controller !== null;
  }

  /** Starts a run of a parsed spec; the handlers hear its frames, its end or its error (never after cancel()).
   *  `timing`: the milliseconds between progress reports and between probes (default PROGRESS_MS, PROBE_MS), and
   *  whether every frame is probed in order (probeAll; default: only the latest while the probe worker is busy). */
  start(spec: RunSpec, probe: ProbeInputs, h: LiveHandlers, timing: { progressMs?: number; probeMs?: number; probeAll?: boolean } = {}): void {
    const probeMs = timing.probeMs ?? PROBE_MS;
    this.cancel();
    const id = ++this.generation;
    const controller = (this.controller = new AbortController());
    const live = () => id === this.generation;
    let probing = false;
    // frames waiting for the probe worker: only the latest, or every one with timing.probeAll
    let queue: Frame[] = [];
    const take = () => (timing.probeAll ? queue.shift() ?? null : queue.pop() ?? null);
    let lastProbe = -Infinity;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let starts = 0;
    const sendProbe = (f: Frame) => {
      const wait = lastProbe + probeMs - performance.now();
      if (probing || wait > 0) {
        if (timing.probeAll) queue.push(f);
        else queue = [f];
        if (!probing && timer === undefined) timer = setTimeout(() => {
          timer = undefined;
          if (!timing.probeAll) {
            const next = take();
            queue = [];
            if (next && live()) sendProbe(next);
          } else if (queue.length && live()) sendProbe(take()!);
        }, wait);
        return;
      }
      probing = true;
      lastProbe = performance.now();
      const item = { run: spec, theta: f.theta, points: probe.grid, test: probe.test };
      this.prober.map([{ experiment: "probe", item }], { signal: controller.signal }).then(
        ([r]) => {
          probing = false;
          if (!live()) return;
          f.probe = r as ProbeResult;
          h.onFrame(f);
          const next = take();
          if (!timing.probeAll) queue = [];
          if (next) sendProbe(next);
        },
        (e) => {
          probing = false;
          if (live() && !(e instanceof AbortedError)) h.onError(unwrap(e));
        },
      );
    };
    const t0 = performance.now();
    this.trainer.map([{ experiment: "run", item: spec, progressMs: timing.progressMs ?? PROGRESS_MS }], {
      signal: controller.signal,
      onStart: () => void (starts++ > 0 && live() && h.onRestart()),
      onProgress: (_i, p: ItemProgress) => {
        if (!live() || !p.state) return;
        const f: Frame = { ...p.state };
        h.onFrame(f);
        sendProbe(f);
      },
    }).then(
      ([r]) => {
        if (!live()) return;
        const result = r as RunResult;
        const ms = performance.now() - t0;
        this.controller = null;
        const last = result.checkpoints.at(-1);
        const final: Frame = { log10t: result.log10t, log10Loss: result.log10Loss, step: last?.step ?? null, phase: null, theta: result.theta, final: true };
        if (!timing.probeAll) queue = [];
        clearTimeout(timer);
        timer = undefined;
        lastProbe = -Infinity;
        h.onFrame(final);
        // the final frame is always probed, after any probe in flight (and, with probeAll, after the queued frames)
        const wait = () => (probing ? (timing.probeAll ? void queue.push(final) : setTimeout(wait, 5)) : sendProbe(final));
        wait();
        h.onDone(result, ms);
      },
      (e) => {
        if (!live()) return;
        this.controller = null;
        h.onError(unwrap(e));
      },
    );
  }

  /** Probes one θ outside a run (a restored frame). */
  async probe(spec: RunSpec, theta: number[], probe: ProbeInputs): Promise<ProbeResult> {
    const [r] = await this.prober.map([{ experiment: "probe", item: { run: spec, theta, points: probe.grid, test: probe.test } }]).catch((e) => {
      throw unwrap(e);
    });
    return r as ProbeResult;
  }

  /** Stops the run: both pools terminate their workers (respawned on demand). True if a run was stopped. */
  cancel(): boolean {
    this.generation++;
    const c = this.controller;
    this.controller = null;
    c?.abort();
    return c !== null;
  }
}
