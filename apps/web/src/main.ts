// The lab's main page: reads the controls into a PageState (kept in the URL), builds the dataset and the `marginflow
// run` spec from it (state.ts, data.ts, spec.ts: DOM-free), runs the spec in workers (live.ts) and draws the frames
// (draw.ts). Every change is validated first; a bad value is a message naming the field, and the state is kept.
import { ArgumentError, PLANE_FEATURES, getExperiment, type Certificates, type PlaneFeature, type ProbeResult, type RunResult, type RunSpec } from "@marginflow/core";
import { DEFAULT_STATE, decodeState, encodeState, LIMITS, type PageState } from "./state.js";
import { gridInputs, loadCsv, makePageData, type PageData } from "./data.js";
import { fnv1a, inlineData, outputsOf, parseRunSpec, runSpecOf } from "./spec.js";
import { LiveRunner, type Frame, type ProbeInputs } from "./live.js";
import { BiasCharts, Charts, chartPoints, Heatmap, LINE_COLORS, type BoundaryLine } from "./draw.js";
import { drawFigure } from "./figure.js";
import { $, clearError, put, showError } from "./page.js";

type Observed = NonNullable<ProbeResult["observed"]>;

/** Heatmap cells per side. */
const GRID = 64;
const FEATURE_LABELS: Record<PlaneFeature, string> = { x1: "x₁", x2: "x₂", "x1^2": "x₁²", "x2^2": "x₂²", x1x2: "x₁x₂", "sin(x1)": "sin x₁", "sin(x2)": "sin x₂" };

const message = $("message"), status = $("status");
const heatmap = new Heatmap($<HTMLCanvasElement>("heatmap"), GRID);
const charts = new Charts({ loss: $("chart-loss"), accuracy: $("chart-accuracy"), margin: $("chart-margin") });
const biasCharts = new BiasCharts({ distance: $("chart-distance"), kkt: $("chart-kkt"), lemma: $("chart-lemma") });
const runner = new LiveRunner();

// ---- the page's model: a valid state, its data, its spec; the run's frames and which one is shown ----
interface Built {
  state: PageState;
  data: PageData;
  /** the spec as exported (what `marginflow run` reads) */
  spec: Record<string, unknown>;
  /** the same, parsed by core: what the worker runs */
  parsed: RunSpec;
  probe: ProbeInputs;
}
let built: Built;
let frames: Frame[] = [];
let cursor = -1;
let playing = false;
let result: RunResult | null = null;
let initial: Frame | null = null;
let dirty = true;

function build(state: PageState): Built {
  const data = makePageData(state);
  const spec = runSpecOf(state, data);
  const parsed = parseRunSpec(spec);
  const grid = gridInputs(data.bounds, GRID, state.features);
  const test = data.test.length ? inlineData(state, data.test, outputsOf(state, data.classes)) : null;
  return { state, data, spec, parsed, probe: { grid: { rows: GRID * GRID, data: grid }, test } };
}

function setStatus(state: string, text: string): void {
  document.body.dataset.state = state;
  status.textContent = text;
  $<HTMLButtonElement>("cancel").disabled = !runner.running;
  $("play").textContent = playing && state === "running" ? "Pause" : "Play";
  $("play").setAttribute("aria-pressed", String(playing && state === "running"));
}

// ---- controls ⇄ state ----
const NUMERIC = ["n", "noise", "radius", "classes", "seed", "log10T", "lr", "steps", "momentum", "weightDecay", "batch"] as const;
const CHECKS = ["bias", "residual", "layerNorm", "adaptive"] as const;
const SELECTS = ["dataset", "network", "activation", "loss", "dynamics"] as const;

function renderControls(s: PageState): void {
  for (const k of NUMERIC) $<HTMLInputElement>(k).value = String(s[k]);
  for (const k of CHECKS) $<HTMLInputElement>(k).checked = s[k];
  for (const k of SELECTS) $<HTMLSelectElement>(k).value = s[k];
  $<HTMLInputElement>("ratio").value = String(s.ratio);
  $("ratio-out").textContent = `${Math.round(s.ratio * 100)}%`;
  $<HTMLInputElement>("stopLog10Loss").value = s.stopLog10Loss === null ? "" : String(s.stopLog10Loss);
  $<HTMLInputElement>("depths").value = s.depths.join(",");
  for (const f of PLANE_FEATURES) $<HTMLInputElement>(`feature-${f}`).checked = s.features.includes(f);
  const layers = $("layers");
  layers.replaceChildren(...s.hidden.map((w, i) => {
    const label = document.createElement("label");
    label.textContent = `layer ${i + 1}`;
    const input = document.createElement("input");
    Object.assign(input, { type: "number", min: "1", max: String(LIMITS.width[1]), step: "1", id: `width-${i}`, value: String(w) });
    input.setAttribute("aria-label", `units in hidden layer ${i + 1}`);
    input.addEventListener("change", () => change(input, (q) => q.set("hidden", s.hidden.map((x, j) => (j === i ? input.value : String(x))).join(","))));
    label.append(input);
    return label;
  }));
  $("layer-count").textContent = `${s.hidden.length} hidden layer${s.hidden.length === 1 ? "" : "s"}`;
  const diagonal = s.network === "diagonal";
  $<HTMLButtonElement>("layer-add").disabled = diagonal || s.hidden.length >= LIMITS.layers;
  $<HTMLButtonElement>("layer-remove").disabled = diagonal || s.hidden.length === 0;
  for (const el of layers.querySelectorAll("input")) el.disabled = diagonal;
  // fields that do not apply are disabled (and say so to assistive technology)
  const off = (id: string, disabled: boolean) => void ($<HTMLInputElement>(id).disabled = disabled);
  off("radius", s.dataset !== "balls");
  off("classes", s.dataset !== "blobs");
  off("noise", s.dataset === "balls" || s.dataset === "csv");
  off("n", s.dataset === "csv");
  const flow = s.dynamics === "flow";
  off("log10T", !flow);
  for (const id of ["lr", "steps", "momentum"]) off(id, flow);
  off("batch", s.dynamics !== "sgd");
  off("adaptive", s.dynamics !== "gd");
  off("residual", diagonal || s.activation !== "relu");
  off("depths", !diagonal);
  for (const id of ["activation", "bias", "layerNorm"]) off(id, diagonal);
  const classes = s.dataset === "blobs" ? s.classes : s.dataset === "csv" ? Math.max(2, ...s.csv.map((p) => p[2] + 1)) : 2;
  const click = $<HTMLSelectElement>("click-class");
  const options = classes === 2 ? [["1", "+1 (blue)"], ["-1", "−1 (orange)"]] : Array.from({ length: classes }, (_, c) => [String(c), `class ${c}`]);
  if (click.options.length !== options.length || click.options[0]?.value !== options[0]![0]) {
    click.replaceChildren(...options.map(([v, t]) => Object.assign(document.createElement("option"), { value: v, textContent: t })));
  }
}

/** Applies a state: validates by building its data and spec; on success it becomes the page's state, the run is
 *  reset and the URL updated; on failure the message names the field and the previous state stays. */
function apply(next: PageState, control?: HTMLElement): boolean {
  let b: Built;
  try {
    b = build(next);
  } catch (e) {
    showError(e, control);
    return false;
  }
  clearError();
  built = b;
  renderControls(b.state);
  history.replaceState(null, "", `#${encodeState(b.state)}`);
  $("spec-json").textContent = JSON.stringify(b.spec, null, 1);
  reset();
  return true;
}

/** A control's new value, through the URL form (the same parser and messages as a pasted URL). */
function change(control: HTMLElement, edit: (q: URLSearchParams) => void): void {
  const q = new URLSearchParams(encodeState(built.state));
  edit(q);
  let next: PageState;
  try {
    next = decodeState(q.toString());
  } catch (e) {
    return showError(e, control);
  }
  apply(next, control);
}

// ---- the run ----
function reset(): void {
  const wasRunning = runner.cancel();
  frames = [];
  cursor = -1;
  playing = false;
  result = null;
  initial = null;
  for (const id of ["out-log10t", "out-stop", "out-log10L", "out-acc", "out-gamma", "out-elapsed", "out-frames", "out-hash", "out-cascade", "out-dsvm", "out-dasym", "out-kkt", "out-lemma"]) put(id, null);
  $("summary").textContent = "";
  $("run-note").textContent = "";
  $("figure").replaceChildren();
  setStatus("idle", wasRunning ? "reset — the running workers were terminated (they restart on Play)" : "ready — press Play");
  // the model at θ0
  const b = built;
  runner.probe(b.parsed, null as unknown as number[], b.probe).then((p) => {
    if (built !== b || frames.length) return;
    initial = { log10t: null, log10Loss: p.train.log10Loss, step: 0, phase: null, theta: p.theta, probe: p };
    dirty = true;
  }, (e) => built === b && showError(e));
  dirty = true;
}

function start(): void {
  const b = built;
  frames = [];
  cursor = -1;
  result = null;
  const t0 = performance.now();
  runner.start(b.parsed, b.probe, {
    onFrame: (f) => {
      if (built !== b) return;
      if (!frames.includes(f)) frames.push(f);
      // the latest frame's clock, for tools (`marginflow bench web` reads the worker's steps per second from it)
      (window as unknown as { marginflowLive: unknown }).marginflowLive = { step: f.step, log10t: f.log10t, ms: performance.now() - t0 };
      if (playing) cursor = frames.length - 1;
      else if (cursor < 0) cursor = 0;
      dirty = true;
      if (runner.running) status.textContent = `running… ${((performance.now() - t0) / 1000).toFixed(1)} s, log₁₀ t = ${f.log10t?.toFixed(2) ?? "—"}${f.phase === "terminal" ? " (terminal-phase clock)" : ""}`;
    },
    onDone: (r, ms) => {
      if (built !== b) return;
      result = r;
      (window as unknown as { marginflow: unknown }).marginflow = { result: r, spec: b.spec }; // for tools and tests
      put("out-stop", r.stop, `${r.stop}${r.note ? " *" : ""}`);
      $("out-stop").title = r.note ?? "";
      put("out-elapsed", ms, `${(ms / 1000).toFixed(2)} s`);
      put("out-hash", fnv1a(JSON.stringify(r)));
      const s = getExperiment("run").summary(r);
      $("summary").textContent = [...s.checks.map((c) => `${c.holds === null ? "·" : c.holds ? "✓" : "✗"} ${c.claim} — ${c.measured}`), ...s.numbers.map(([k, v]) => `${k}: ${v}`)].join("\n");
      if ($<HTMLDetailsElement>("figure-box").open) showFigure();
      $("run-note").textContent = r.note ?? "";
      setStatus("done", `done in ${(ms / 1000).toFixed(2)} s — stopped: ${r.stop} at log₁₀ t = ${r.log10t?.toFixed(2) ?? "—"}`);
      dirty = true;
    },
    onError: (e) => {
      if (built !== b) return;
      playing = false;
      showError(e);
      setStatus("error", "failed — see the message");
    },
    onRestart: () => {
      status.textContent = "a worker died and was restarted; the run is retried";
    },
  });
  setStatus("running", "running…");
}

/** The run's report figure (core's Vega-Lite description, drawn by Vega): on demand, it is not a live view. */
function showFigure(): void {
  const box = $("figure");
  if (!result || box.childElementCount) return;
  void drawFigure(box, getExperiment("run").figures(result)[0]!).catch((e) => showError(e));
}

function play(): void {
  if (playing && runner.running) {
    playing = false;
    setStatus("running", "paused — the worker keeps computing; Play follows it again, Step shows the next frame");
    return;
  }
  playing = true;
  if (!runner.running && !result) start();
  else {
    cursor = frames.length - 1;
    setStatus(runner.running ? "running" : "done", status.textContent ?? "");
  }
  dirty = true;
}

function step(): void {
  playing = false;
  if (!runner.running && !result) return start();
  cursor = Math.min(cursor + 1, frames.length - 1);
  setStatus(runner.running ? "running" : "done", `frame ${cursor + 1} of ${frames.length}${runner.running ? " (the worker keeps computing)" : ""}`);
  dirty = true;
}

function cancel(): void {
  if (!runner.cancel()) return;
  playing = false;
  setStatus("cancelled", "cancelled — the workers were terminated; they restart on the next run");
}

// ---- drawing, once per animation frame when something changed ----
function render(): void {
  const b = built;
  const shown = frames.slice(0, cursor + 1);
  let probed: Frame | null = initial;
  for (let i = shown.length - 1; i >= 0; i--) if (shown[i]!.probe) { probed = shown[i]!; break; }
  heatmap.setOutputs(probed?.probe?.outputs ?? null, probed?.probe?.columns ?? 1);
  const o = probed?.probe?.observed ?? null;
  const lines = overlayLines(b, o);
  heatmap.draw(b.data.bounds, b.data.train, b.data.test, b.data.classes, $<HTMLInputElement>("show-test").checked, lines);
  const legend = $("overlay-legend");
  legend.hidden = lines.length === 0;
  legend.replaceChildren(...lines.flatMap((l) => [Object.assign(document.createElement("span"), { className: "legend-line", style: `border-color:${l.color};${l.dash ? "border-top-style:dashed" : ""}` }), `${l.label}   `]));
  // once the run is done and its end is shown, the run's checkpoints (every observable, as the CLI reports them) join
  const points = chartPoints(shown, result && cursor === frames.length - 1 ? result.checkpoints : null);
  charts.show(points);
  biasCharts.show(points);
  renderBias(o);
  const f = shown.at(-1);
  if (f) {
    put("out-log10t", f.log10t, f.log10t === null ? "—" : f.log10t.toFixed(3));
    put("out-log10L", f.log10Loss, f.log10Loss === null ? "—" : f.log10Loss.toPrecision(6));
  }
  const p = probed?.probe;
  if (p) {
    put("out-acc", p.train.accuracy, `${(p.train.accuracy * 100).toFixed(1)}% / ${p.test ? `${(p.test.accuracy * 100).toFixed(1)}%` : "—"}`);
    put("out-gamma", p.train.normalizedMargin, p.train.normalizedMargin === null ? "—" : p.train.normalizedMargin.toExponential(3));
  }
  if (frames.length) put("out-frames", frames.length, `${cursor + 1} / ${frames.length}`);
  else put("out-frames", null);
}

/** The lines w·x = 0 on the heatmap: the certificates and the trajectory's direction, when the model's inputs are
 *  the plane's coordinates (x₁, x₂) — a classifier linear in x is then a line through the origin. */
function overlayLines(b: Built, o: Observed | null): BoundaryLine[] {
  if (!o || b.state.features.join(",") !== "x1,x2") return [];
  const c = o.certificates as Certificates;
  const lines: BoundaryLine[] = [];
  if (c.svm) lines.push({ w: c.svm.w, color: LINE_COLORS.svm, label: "SVM (max ℓ₂ margin)" });
  if (c.asymmetric) lines.push({ w: c.asymmetric.beta, color: LINE_COLORS.asymmetric, dash: [8, 5], label: `asymmetric max margin (cascade level ${c.asymmetric.level})` });
  if (o.direction) lines.push({ w: o.direction, color: LINE_COLORS.direction, dash: [3, 3], label: "the trajectory's direction β(θ)" });
  return lines;
}

const e3 = (x: number | null | undefined) => (x === null || x === undefined ? "—" : x.toExponential(3));

/** Λ per group, the cascade level, distances, KKT and Lemma 4.1 at the frame shown (all from the probe). */
function renderBias(o: Observed | null): void {
  const rows = $("lambda-rows");
  if (!o) {
    if (rows.dataset.key) rows.replaceChildren(Object.assign(document.createElement("tr"), { innerHTML: '<td colspan="3">—</td>' }));
    delete rows.dataset.key;
    $("cert-note").textContent = "";
    return;
  }
  const groups = Object.entries(o.lambda.groups);
  const key = JSON.stringify(o.lambda);
  if (rows.dataset.key !== key) {
    rows.dataset.key = key;
    rows.replaceChildren(...groups.map(([g, v]) => {
      const tr = document.createElement("tr");
      tr.dataset.group = g;
      tr.append(Object.assign(document.createElement("th"), { textContent: `${o.lambda.objectiveGroups.includes(g) ? "★ " : ""}${g}` }),
        Object.assign(document.createElement("td"), { textContent: String(+v.toPrecision(6)), className: "rate" }), Object.assign(document.createElement("td"), { className: "norm" }));
      return tr;
    }));
  }
  const shown = frames[cursor] ?? initial;
  const norms = shown?.probe?.observed?.groupNorms ?? o.groupNorms;
  for (const tr of rows.querySelectorAll("tr")) {
    const v = tr.dataset.group && norms ? norms[tr.dataset.group] : undefined;
    const td = tr.querySelector<HTMLElement>(".norm");
    if (td) td.textContent = v === undefined ? "—" : v.toExponential(3);
  }
  const c = o.cascade;
  put("out-cascade", c ? c.index : null, c ? `level ${c.index}: rate λ = ${+c.rate.toPrecision(6)} (${c.objectiveGroups.join(", ")})${c.degenerate ? ` — degenerate above: ${c.zeroedGroups.join(", ")} not needed to separate` : ""}; shares ${c.levels.map((l) => `${+l.rate.toPrecision(3)}: ${l.share.toFixed(3)}`).join(", ")}` : "— (not separated)");
  put("out-dsvm", o.distanceSvm, e3(o.distanceSvm));
  put("out-dasym", o.distanceAsymmetric, e3(o.distanceAsymmetric));
  put("out-kkt", o.kktStationarity, o.kktStationarity === null ? "— (before separation, or not a one-output model)" : `${e3(o.kktStationarity)} / ${e3(o.kktComplementarity)}${o.kktLevel ? ` (cascade level ${o.kktLevel})` : ""}`);
  put("out-lemma", o.lemma41a, `${e3(o.lemma41a)} / ${e3(o.lemma41b)}`);
  const certs = o.certificates as Certificates;
  $("cert-note").textContent = [certs.svm ? `SVM: ${certs.svm.problem}.` : "", certs.asymmetric ? `Asymmetric: ${certs.asymmetric.problem}.` : "", ...certs.notes].filter(Boolean).join(" ");
}

function tick(): void {
  if (dirty) {
    dirty = false;
    render();
  }
  requestAnimationFrame(tick);
}

// ---- wiring ----
function download(name: string, value: unknown): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(value, null, 1)], { type: "application/json" }));
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function wire(): void {
  const features = $("features");
  for (const f of PLANE_FEATURES) {
    const label = Object.assign(document.createElement("label"), { className: "check" });
    const box = Object.assign(document.createElement("input"), { type: "checkbox", id: `feature-${f}` });
    box.addEventListener("change", () => change(box, (q) => {
      const fs = PLANE_FEATURES.filter((g) => (g === f ? box.checked : built.state.features.includes(g)));
      q.set("features", fs.join(","));
      // the diagonal network has one depth per feature: a feature's depth goes with it, a new one gets depth 1
      const depth = new Map(built.state.features.map((g, i) => [g, built.state.depths[i] ?? 1]));
      if (fs.length) q.set("depths", fs.map((g) => depth.get(g) ?? 1).join(","));
    }));
    label.append(box, ` ${FEATURE_LABELS[f]}`);
    features.append(label);
  }
  for (const k of [...NUMERIC, ...SELECTS]) {
    const el = $<HTMLInputElement>(k);
    el.addEventListener("change", () => change(el, (q) => q.set(k, el.value.trim())));
  }
  for (const k of CHECKS) {
    const el = $<HTMLInputElement>(k);
    el.addEventListener("change", () => change(el, (q) => q.set(k, el.checked ? "1" : "0")));
  }
  const ratio = $<HTMLInputElement>("ratio");
  ratio.addEventListener("input", () => void ($("ratio-out").textContent = `${Math.round(Number(ratio.value) * 100)}%`));
  ratio.addEventListener("change", () => change(ratio, (q) => q.set("ratio", ratio.value)));
  const depths = $<HTMLInputElement>("depths");
  depths.addEventListener("change", () => change(depths, (q) => q.set("depths", depths.value.replace(/\s+/g, ""))));
  const stop = $<HTMLInputElement>("stopLog10Loss");
  stop.addEventListener("change", () => change(stop, (q) => q.set("stopLog10Loss", stop.value.trim())));
  $("regenerate").addEventListener("click", () => apply({ ...built.state, seed: (built.state.seed + 1) % (LIMITS.seed[1] + 1) }));
  $("layer-add").addEventListener("click", () => apply({ ...built.state, hidden: [...built.state.hidden, built.state.hidden.at(-1) ?? 4] }));
  $("layer-remove").addEventListener("click", () => apply({ ...built.state, hidden: built.state.hidden.slice(0, -1) }));
  $("clear-points").addEventListener("click", () => apply({ ...built.state, added: [] }));
  $("show-test").addEventListener("change", () => void (dirty = true));
  $("figure-box").addEventListener("toggle", showFigure);
  const csv = $<HTMLInputElement>("csv");
  csv.addEventListener("change", async () => {
    const file = csv.files?.[0];
    if (!file) return;
    try {
      const points = loadCsv(await file.text(), file.name);
      if (apply({ ...built.state, dataset: "csv", csv: points, added: [] }, csv)) status.textContent = `loaded ${points.length} rows from ${file.name} — press Play`;
    } catch (e) {
      showError(e, csv);
    }
    csv.value = "";
  });
  const canvas = heatmap.canvas;
  canvas.addEventListener("click", (e) => {
    const r = canvas.getBoundingClientRect();
    const [x1, x2] = heatmap.toData(built.data.bounds, ((e.clientX - r.left) / r.width) * canvas.width, ((e.clientY - r.top) / r.height) * canvas.height);
    const label = Number($<HTMLSelectElement>("click-class").value);
    apply({ ...built.state, added: [...built.state.added, [x1, x2, label]] });
  });
  // the keyboard's way to add a point: coordinates typed, the class of the select above, Enter or the button
  const addTyped = () => {
    const at: [number, number] = [0, 0];
    for (const [k, id] of [[0, "add-x1"], [1, "add-x2"]] as const) {
      const input = $<HTMLInputElement>(id), v = input.value.trim() === "" ? NaN : Number(input.value);
      if (!Number.isFinite(v)) return showError(new ArgumentError(id === "add-x1" ? "x1" : "x2", input.value, "a finite number (the point's coordinate)"), input);
      at[k] = v;
    }
    apply({ ...built.state, added: [...built.state.added, [at[0], at[1], Number($<HTMLSelectElement>("click-class").value)]] }, $("add-point"));
  };
  $("add-point").addEventListener("click", addTyped);
  for (const id of ["add-x1", "add-x2"]) $(id).addEventListener("keydown", (e) => void ((e as KeyboardEvent).key === "Enter" && addTyped()));
  $("play").addEventListener("click", play);
  $("step").addEventListener("click", step);
  $("reset").addEventListener("click", () => apply(built.state));
  $("cancel").addEventListener("click", cancel);
  $("export").addEventListener("click", () => download(`${built.spec.name as string}.json`, built.spec));
  $("export-theta").addEventListener("click", () => {
    const f = frames[cursor] ?? initial;
    if (f) download(`${built.spec.name as string}-theta.json`, { log10t: f.log10t, log10Loss: f.log10Loss, step: f.step, theta: f.theta });
  });
  window.addEventListener("hashchange", () => {
    if (location.hash.slice(1) === encodeState(built.state)) return;
    try {
      apply(decodeState(location.hash));
    } catch (e) {
      showError(e);
    }
  });
  new ResizeObserver(() => charts.resize(Math.max(240, $("chart-loss").clientWidth))).observe($("chart-loss"));
  new ResizeObserver(() => biasCharts.resize(Math.max(240, $("chart-distance").clientWidth))).observe($("chart-distance"));
}

// ---- start: the URL's state, or the defaults with a message saying what was wrong with the URL ----
wire();
let first: PageState = { ...DEFAULT_STATE };
let urlError: string | null = null;
try {
  first = decodeState(location.hash);
} catch (e) {
  urlError = e instanceof Error ? e.message : String(e);
}
built = build({ ...DEFAULT_STATE });
if (!apply(first)) {
  urlError = message.textContent;
  apply({ ...DEFAULT_STATE });
}
if (urlError) showError(new Error(`the URL's state: ${urlError} — the page's defaults are shown instead`));
requestAnimationFrame(tick);
