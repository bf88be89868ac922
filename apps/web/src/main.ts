// The demo page: reads the form, sends plain specs to a comlink Worker running core's Lab (the kernels live
// there), and shows numbers and a figure. The main thread only parses input, formats and draws.
import { ItemError, LabPool, type OdeResult, type OdeSpec, type WorkerHandle } from "@marginflow/core";
import { decaySpec, wasmPanelsHash, oscillatorError, oscillatorExact, oscillatorFigure, oscillatorProblem, specForDisplay, type OscillatorProblem } from "./specs.js";
import { clearFigure, drawFigure } from "./figure.js";

type State = "idle" | "running" | "done" | "error" | "cancelled";

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page: missing #${id}`);
  return el as T;
};
const form = $<HTMLFormElement>("controls");
const runButton = $<HTMLButtonElement>("run");
const cancelButton = $<HTMLButtonElement>("cancel");
const status = $("status");
const message = $("message");
const figure = $("figure");
const inputs = ["omega", "periods", "rtol", "atol", "maxSteps"].map((id) => $<HTMLInputElement>(id));
const OUTPUT_IDS = ["osc-status", "final-t", "final-y0", "final-y1", "exact-y0", "exact-y1", "error", "dense-error",
  "nfev", "steps", "elapsed", "event-status", "event-t", "event-error", "event-nfev"];

// ---- the workers: core's LabPool over browser Workers (the same scheduler the CLI runs over
// node:worker_threads); cancelling aborts the pool, which terminates its workers and respawns them on demand ----
function browserWorker(): WorkerHandle {
  const w = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  return {
    endpoint: w,
    terminate: () => w.terminate(),
    onExit: (cb) => w.addEventListener("error", (e) => cb(new Error(`the worker failed: ${e.message || "could not load worker.js"}`))),
  };
}
const pool = new LabPool(browserWorker, Math.max(1, Math.min(2, navigator.hardwareConcurrency || 1)));
let controller = new AbortController();

/** Runs one spec on the pool; rejects at once if the run is cancelled or its worker dies. */
async function runInWorker(spec: OdeSpec): Promise<OdeResult> {
  try {
    const [result] = await pool.map([{ experiment: "ode", item: spec }], { signal: controller.signal });
    return result as OdeResult;
  } catch (e) {
    throw e instanceof ItemError ? e.cause : e; // show the item's own typed error
  }
}

// ---- page state ----
function setState(state: State, text: string): void {
  document.body.dataset.state = state;
  status.textContent = text;
  runButton.disabled = state === "running";
  cancelButton.disabled = state !== "running";
}

/** Writes a value: formatted text for people, the exact value (round-trip String) in data-value for tools. */
function put(id: string, value: number | string, text = String(value)): void {
  const el = $(id);
  el.textContent = text;
  el.dataset.value = String(value);
}

function clearOutputs(): void {
  for (const id of OUTPUT_IDS) {
    $(id).textContent = "—";
    delete $(id).dataset.value;
  }
  message.hidden = true;
  message.textContent = "";
  for (const input of inputs) input.removeAttribute("aria-invalid");
  clearFigure(figure);
  delete figure.dataset.hash;
}

/** The form's values: numbers, or the typed text when it does not parse (so the error message can quote it). */
function readInput(input: HTMLInputElement): number | string {
  const text = input.value.trim();
  const value = Number(text);
  return text !== "" && Number.isFinite(value) ? value : text;
}

function showError(e: unknown): void {
  const err = e instanceof Error ? e : new Error(String(e));
  message.textContent = err.name && err.name !== "Error" ? `${err.name}: ${err.message}` : err.message;
  message.hidden = false;
  // Mark the input the message names (core's messages start with the argument: "options.rtol: …").
  const named = /^(options\.)?(\w+|ω)\b/.exec(err.message)?.[2];
  const input = inputs.find((i) => i.id === (named === "ω" ? "omega" : named));
  input?.setAttribute("aria-invalid", "true");
  input?.focus();
}

// ---- results ----
async function showOscillator(p: OscillatorProblem, r: OdeResult, ms: number): Promise<void> {
  const [c, s] = oscillatorExact(p.omega, r.t);
  const y = r.y.map((v) => v ?? NaN);
  put("osc-status", r.status);
  put("final-t", r.t);
  put("final-y0", y[0]!);
  put("final-y1", y[1]!);
  put("exact-y0", c);
  put("exact-y1", s);
  const err = oscillatorError(p.omega, r.t, y);
  put("error", err, err.toExponential(3));
  const dense = r.tOut.map((t, i) => oscillatorError(p.omega, t, r.yOut[i]!.map((v) => v ?? NaN)));
  const maxDense = dense.reduce((a, b) => Math.max(a, b), 0);
  put("dense-error", maxDense, `${maxDense.toExponential(3)} over ${r.tOut.length} times`);
  put("nfev", r.stats.nfev);
  put("steps", r.stats.accepted, `${r.stats.accepted} / ${r.stats.rejected}`);
  put("elapsed", ms, `${ms.toFixed(1)} ms`);
  const fig = oscillatorFigure(p, r);
  await drawFigure(figure, fig);
  figure.dataset.hash = wasmPanelsHash(fig);
}

function showDecay(r: OdeResult): void {
  const ev = r.events[0];
  put("event-status", r.status);
  put("event-nfev", r.stats.nfev);
  if (!ev) return put("event-t", "no event located");
  put("event-t", ev.t);
  const err = Math.abs(ev.t - Math.LN2);
  put("event-error", err, err.toExponential(3));
}

// ---- the Run button ----
let runs = 0;
async function run(): Promise<void> {
  if (document.body.dataset.state === "running") return;
  const id = ++runs;
  clearOutputs();
  const started = performance.now();
  setState("running", "running…");
  const ticker = setInterval(() => {
    status.textContent = `running… ${((performance.now() - started) / 1000).toFixed(1)} s`;
  }, 100);
  try {
    // The event example does not depend on the form, so a bad input never hides it.
    $("spec").textContent = specForDisplay(decaySpec);
    showDecay(await runInWorker(decaySpec));
    if (id !== runs) return;
    const problem = oscillatorProblem({
      omega: readInput(inputs[0]!),
      periods: readInput(inputs[1]!),
      rtol: readInput(inputs[2]!),
      atol: readInput(inputs[3]!),
      maxSteps: readInput(inputs[4]!),
    });
    $("spec").textContent = `${specForDisplay(decaySpec)}\n\n${specForDisplay(problem.spec)}`;
    const t0 = performance.now();
    const osc = await runInWorker(problem.spec);
    const ms = performance.now() - t0;
    if (id !== runs) return;
    await showOscillator(problem, osc, ms);
    const secs = ((performance.now() - started) / 1000).toFixed(2);
    const early = osc.status === "done" ? "" : ` — stopped early (${osc.status}) at t = ${osc.t.toPrecision(6)} of ${problem.T.toPrecision(6)}`;
    setState("done", `done in ${secs} s${early}`);
  } catch (e) {
    if (id !== runs) return;
    showError(e);
    setState("error", "failed — see the message below");
  } finally {
    clearInterval(ticker);
  }
}

function cancel(): void {
  if (document.body.dataset.state !== "running") return;
  runs++;
  controller.abort();
  controller = new AbortController();
  setState("cancelled", "cancelled — the worker was terminated and restarted");
}

form.addEventListener("submit", (e) => {
  e.preventDefault();
  void run();
});
cancelButton.addEventListener("click", cancel);
void run();
