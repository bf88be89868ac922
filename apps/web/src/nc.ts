// The neural-collapse page: one `ulpm` or `nc-mnist` item (nc-model.ts) runs in a worker through core's LabPool with
// live frames (RunContext.live: each carries the NC metrics and core's simplex view of the features); the page draws
// the last frame's view, the metrics against log t and the loss. The state lives in the URL; a bad control or URL is
// named and the previous state kept; a dead worker is replaced and its item retried (the page says so).
import { AbortedError, ItemError, LabPool, getExperiment, parseExperimentSpec, type CollapseFrame, type ItemProgress } from "@marginflow/core";
import { browserWorker } from "./live.js";
import { Chart } from "./draw.js";
import { SimplexCanvas } from "./simplex-draw.js";
import { DEFAULT_NC, NC_CHART_METRICS, checkNc, cliCommand, decodeNc, encodeNc, ncItemOf, ncSpecOf, parseField, type NcState } from "./nc-model.js";
import { $, clearError, put, showError } from "./page.js";

/** Milliseconds between the worker's progress reports (each a frame): every other frame of a 60 Hz display. */
const PROGRESS_MS = 33;
const FIELDS = Object.keys(DEFAULT_NC) as (keyof NcState)[];
const METRIC_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2"];

let state: NcState = { ...DEFAULT_NC };
let frames: CollapseFrame[] = [];
let progressText = "";
let result: unknown = null;
let ran: { experiment: string; spec: Record<string, unknown> } | null = null;
let dirty = true;
/** the frame shown (an index into frames), or null: the latest, following the run */
let pinned: number | null = null;
const shown = (): CollapseFrame | undefined => (pinned === null ? frames.at(-1) : frames[pinned]);
/** the charts' rule: the shown frame's log t, when one is chosen */
const markX = () => (pinned === null ? null : shown()?.log10t ?? null);
const pool = new LabPool(browserWorker, 1);
let controller: AbortController | null = null;
let generation = 0;
const view = new SimplexCanvas($<HTMLCanvasElement>("simplex"));
let metricsChart: Chart | null = null;
let chartFor = "";
const lossChart = new Chart($("chart-loss"), "log₁₀ L (training loss) against log t", [{ label: "log₁₀ L", stroke: "#111" }], undefined, { markX });
const experimentOf = (s: NcState) => (s.model === "ulpm" ? "ulpm" : "nc-mnist");

function setStatus(st: string, text: string): void {
  document.body.dataset.state = st;
  $("status").textContent = text;
  $<HTMLButtonElement>("cancel").disabled = controller === null;
  $<HTMLButtonElement>("download").disabled = result === null;
}

/** The metrics chart and table for the current experiment (rebuilt when it changes). */
function metricsLayout(): void {
  const id = experimentOf(state);
  if (chartFor === id) return;
  chartFor = id;
  const names = NC_CHART_METRICS[id];
  const el = $("chart-metrics");
  el.replaceChildren();
  metricsChart = new Chart(el, "NC metrics against log t (→ 0 at collapse)", names.map((k, i) => ({ label: k, stroke: METRIC_COLORS[i % METRIC_COLORS.length]! })), "log", { height: 220, markX });
  metricsChart.resize(Math.max(240, el.clientWidth));
  $("metrics").replaceChildren(...names.map((k) => {
    const tr = document.createElement("tr");
    tr.innerHTML = `<th>${k}</th><td id="m-${k.replace(".", "_")}">—</td>`;
    return tr;
  }));
}

/** Writes the state to the controls, the URL and the export box. */
function show(s: NcState): void {
  for (const k of FIELDS) $<HTMLInputElement | HTMLSelectElement>(k).value = String(s[k]);
  $("ulpm-fields").hidden = s.model !== "ulpm";
  $("mnist-fields").hidden = s.model === "ulpm";
  history.replaceState(null, "", `#${encodeNc(s)}`);
  const { experiment, spec } = ncSpecOf(s);
  $("spec-json").textContent = JSON.stringify({ experiment, spec }, null, 2);
  $("cli").textContent = cliCommand(s);
  metricsLayout();
}

function cancel(): boolean {
  generation++;
  const c = controller;
  controller = null;
  c?.abort();
  return c !== null;
}

function start(): void {
  clearError();
  let job: ReturnType<typeof ncItemOf>;
  try {
    job = ncItemOf(state);
  } catch (e) {
    showError(e);
    return;
  }
  cancel();
  const id = ++generation;
  const live = () => id === generation;
  controller = new AbortController();
  frames = [];
  pinned = null;
  result = null;
  ran = { experiment: job.experiment, spec: job.spec };
  progressText = "starting the worker…";
  dirty = true;
  let starts = 0;
  const t0 = performance.now();
  setStatus("running", "running…");
  pool.map([{ experiment: job.experiment, item: job.item, progressMs: PROGRESS_MS, live: true }], {
    signal: controller.signal,
    onStart: () => {
      if (starts++ > 0 && live()) {
        frames = []; // the retried item reports from its start again
        pinned = null;
        progressText = "a worker died and was restarted; the run is retried";
      }
    },
    onProgress: (_i, p: ItemProgress) => {
      if (!live()) return;
      if (p.collapse) frames.push(p.collapse);
      progressText = p.text;
      dirty = true;
    },
  }).then(
    ([r]) => {
      if (!live()) return;
      controller = null;
      result = r;
      const e = getExperiment(job.experiment);
      const summary = e.summary(e.assemble(parseExperimentSpec(e, job.spec), [r]));
      $("summary").textContent = [...summary.checks.map((c) => `${c.holds === null ? "·" : c.holds ? "✓" : "✗"} ${c.claim} — ${c.measured}`), ...summary.numbers.map(([k, v]) => `${k}: ${v}`)].join("\n");
      const ms = performance.now() - t0;
      (window as unknown as { marginflow: unknown }).marginflow = { experiment: job.experiment, spec: job.spec, item: job.item, result: r, frames: frames.length, last: frames.at(-1) ?? null, ms };
      const last = frames.at(-1);
      setStatus("done", `done in ${(ms / 1000).toFixed(2)} s — ${frames.length} frames, log₁₀ t = ${last?.log10t?.toFixed(1) ?? "—"}, log₁₀ L = ${last?.log10Loss?.toFixed(1) ?? "—"}`);
      dirty = true;
    },
    (e) => {
      if (!live()) return;
      controller = null;
      if (e instanceof AbortedError) return;
      showError(e instanceof ItemError ? e.cause : e);
      setStatus("error", "failed — see the message");
    },
  );
}

const fmt = (x: number | null | undefined, digits = 3) => (x === null || x === undefined ? "—" : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(digits + 1) : x.toExponential(digits));

function render(): void {
  if (controller) $("status").textContent = progressText;
  const names = NC_CHART_METRICS[chartFor as "ulpm" | "nc-mnist"];
  const pts = frames.filter((f) => f.log10t !== null);
  const x = pts.map((f) => f.log10t);
  // a metric at 0 (or not measured) has no place on a log axis
  metricsChart?.set([x, ...names.map((k) => pts.map((f) => (f.metrics[k] ?? 0) > 0 ? f.metrics[k]! : null))]);
  lossChart.set([x, pts.map((f) => f.log10Loss)]);
  const last = shown();
  const slider = $<HTMLInputElement>("frame");
  slider.max = String(Math.max(0, frames.length - 1));
  slider.value = String(pinned ?? Math.max(0, frames.length - 1));
  slider.disabled = frames.length < 2;
  $("frame-out").textContent = frames.length === 0 ? "—" : `${(pinned ?? frames.length - 1) + 1} of ${frames.length}${pinned === null ? " (latest)" : ""}`;
  put("out-phase", last?.phase ?? null);
  put("out-t", last?.log10t ?? null, fmt(last?.log10t, 4));
  put("out-loss", last?.log10Loss ?? null, fmt(last?.log10Loss, 4));
  put("out-acc", last?.accuracy ?? null, fmt(last?.accuracy, 4));
  for (const k of names) put(`m-${k.replace(".", "_")}`, last?.metrics[k] ?? null, fmt(last?.metrics[k]));
  const v = last?.view ?? null;
  $("view-note").textContent = !v
    ? "the view appears with the first frame"
    : v.basis === "simplex"
    ? `K = ${v.means.length}: the ${v.dims === 2 ? "plane" : "3-D space"} the centred class means span (exact for the means; features and classifiers projected on it). Dashed: the regular simplex. Units: the means' mean norm; arrows: classifier rows in their own mean norm.`
    : `K = ${v.means.length}: the centred means' top three principal axes (${(100 * v.kept).toFixed(1)}% of their spread). Near collapse the means' spread is equal in every direction of the simplex, so these axes may turn.`;
}

function drawView(): void {
  const v = shown()?.view ?? null;
  view.draw(v, { features: $<HTMLInputElement>("show-features").checked, classifiers: $<HTMLInputElement>("show-classifiers").checked });
}

function tick(): void {
  const turning = $<HTMLInputElement>("rotate").checked && shown()?.view?.dims === 3;
  if (turning) view.yaw += 0.008;
  if (dirty) {
    dirty = false;
    render();
    drawView();
  } else if (turning) drawView();
  requestAnimationFrame(tick);
}

function bind(): void {
  for (const k of FIELDS) {
    const el = $<HTMLInputElement | HTMLSelectElement>(k);
    el.addEventListener("change", () => {
      try {
        const next = { ...state, [k]: parseField(k, el.value, el.labels?.[0]?.firstChild?.textContent?.trim() || k) } as NcState;
        checkNc(next);
        clearError();
        state = next;
        show(state);
      } catch (e) {
        showError(e, el); // the previous state is kept (the URL, the spec and a run still use it)
      }
    });
  }
  $("play").addEventListener("click", start);
  $("cancel").addEventListener("click", () => {
    if (cancel()) setStatus("cancelled", "cancelled — the worker was terminated; it restarts on the next run");
  });
  $("download").addEventListener("click", () => {
    if (!result || !ran) return;
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([JSON.stringify({ ...ran, result }, null, 1)], { type: "application/json" }));
    a.download = `${ran.experiment}-result.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });
  for (const id of ["show-features", "show-classifiers"]) $(id).addEventListener("change", () => void (dirty = true));
  // scrubbing through the frames received: the last position follows the run again
  const slider = $<HTMLInputElement>("frame");
  slider.addEventListener("input", () => {
    const k = Number(slider.value);
    pinned = k >= frames.length - 1 ? null : k;
    dirty = true;
  });
  // turning the 3-D view: drag, or the arrow keys on the focused canvas
  const canvas = $<HTMLCanvasElement>("simplex");
  let drag: { x: number; y: number } | null = null;
  const turn = (dyaw: number, dpitch: number) => {
    view.yaw += dyaw;
    view.pitch = Math.max(-1.5, Math.min(1.5, view.pitch + dpitch));
    $<HTMLInputElement>("rotate").checked = false;
    dirty = true;
  };
  canvas.addEventListener("pointerdown", (e) => {
    drag = { x: e.clientX, y: e.clientY };
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!drag) return;
    turn((e.clientX - drag.x) * 0.01, (e.clientY - drag.y) * 0.01);
    drag = { x: e.clientX, y: e.clientY };
  });
  canvas.addEventListener("pointerup", () => void (drag = null));
  canvas.addEventListener("keydown", (e) => {
    const d = { ArrowLeft: [-0.1, 0], ArrowRight: [0.1, 0], ArrowUp: [0, -0.1], ArrowDown: [0, 0.1] }[e.key];
    if (!d) return;
    e.preventDefault();
    turn(d[0]!, d[1]!);
  });
  new ResizeObserver(() => {
    const w = Math.max(240, $("chart-metrics").clientWidth);
    metricsChart?.resize(w);
    lossChart.resize(w);
    dirty = true;
  }).observe($("chart-metrics"));
}

function main(): void {
  bind();
  let urlError: unknown = null;
  try {
    state = decodeNc(location.hash);
  } catch (e) {
    urlError = e;
    state = { ...DEFAULT_NC };
  }
  show(state);
  setStatus("idle", "press Run: the worker trains and the page draws every frame");
  if (urlError) showError(new Error(`the URL's state: ${(urlError as Error).message} — the defaults are shown instead`));
  requestAnimationFrame(tick);
}

main();
