// The Fig. 4 page: the sweep shipped with the page (core's fig4 result, made at build time) drawn against r, the
// closed forms (Lemma 5.1 and Conjecture 5.1's cascade, computed by core in the sweep), and a live run of the chosen
// radius to t = 1e100 in a worker (core's `run`; each frame's robustness, distance and cascade level from the
// `probe` item). The page only draws; the radius lives in the URL (#r=…).
import { getExperiment, type Fig4Result, type RunResult } from "@marginflow/core";
import { fig4RunSpec, nearestRadius, parseRadius, type Fig4Shipped } from "./fig4-model.js";
import { parseRunSpec } from "./spec.js";
import { LiveRunner, type Frame } from "./live.js";
import { Chart } from "./draw.js";
import { drawFigure } from "./figure.js";
import { $, clearError, put, showError } from "./page.js";

const status = $("status");
const e3 = (x: number | null | undefined) => (x === null || x === undefined ? "—" : x.toFixed(4));
let sweep: Fig4Shipped;
let index = 0;
let frames: Frame[] = [];
let result: RunResult | null = null;
let dirty = true;
const runner = new LiveRunner();
/** The flow of 3 parameters reaches t = 1e100 in milliseconds (the run's time goes to its checkpoints' KKT and
 *  certificates): a report every millisecond, and every report probed, in order (no grid: a probe here is the
 *  margins, the robustness, the certificate's distance and the cascade level of 3 parameters on 2000 samples). */
const LIVE_TIMING = { progressMs: 1, probeMs: 0, probeAll: true };

const QH = "#d62728", HOM = "#1f77b4";
const sweepChart = new Chart($("chart-sweep"), "robustness w·µ̂ − r against the radius", [
  { label: "hom, t = 1e5", stroke: HOM, dash: [5, 4] }, { label: "hom, t = 1e100", stroke: HOM },
  { label: "QH, t = 1e5", stroke: QH, dash: [5, 4] }, { label: "QH, t = 1e100", stroke: QH },
  { label: "1 − r", stroke: "#111", points: true }, { label: "Lemma 5.1 / cascade", stroke: "#555", points: true },
  { label: "live run", stroke: "#16a34a", points: true },
], undefined, { xLabel: "radius r", height: 240, markX: () => sweep?.result.radii[index]?.r ?? null });
const coordChart = new Chart($("chart-coords"), "QH unit classifier w at t = 1e100 (markers: closed form)", [
  { label: "w₁", stroke: "#1f77b4" }, { label: "w₂", stroke: "#ff7f0e" }, { label: "w₃", stroke: "#2ca02c" },
  { label: "w₁ closed", stroke: "#1f77b4", points: true }, { label: "w₂ closed", stroke: "#ff7f0e", points: true }, { label: "w₃ closed", stroke: "#2ca02c", points: true },
], undefined, { xLabel: "radius r", height: 180, markX: () => sweep?.result.radii[index]?.r ?? null });
const liveChart = new Chart($("chart-live"), "the live run at the chosen r: robustness against log t", [
  { label: "live", stroke: "#16a34a" }, { label: "closed form", stroke: "#555", dash: [6, 4] }, { label: "exact solution on the samples", stroke: QH, dash: [2, 3] },
]);
const distChart = new Chart($("chart-live-dist"), "distance to the exact asymmetric solution", [{ label: "‖w − w*‖", stroke: "#c026d3" }], "log");

function setStatus(state: string, text: string): void {
  document.body.dataset.state = state;
  status.textContent = text;
  $<HTMLButtonElement>("cancel").disabled = !runner.running;
}

const item = (): Fig4Result => sweep.result.radii[index]!;

/** Chooses the sweep's radius nearest r: the URL, the controls and the numbers follow; a running run is stopped. */
function choose(r: number): void {
  index = nearestRadius(sweep.result.radii, r);
  const x = item();
  const was = runner.cancel();
  frames = [];
  result = null;
  $<HTMLInputElement>("r").value = String(index);
  $("r-out").textContent = `r = ${x.r}`;
  $<HTMLInputElement>("r-text").value = String(x.r);
  history.replaceState(null, "", `#r=${x.r}`);
  put("out-closed", x.qh.closedForm.robustness, `${e3(x.qh.closedForm.robustness)} (${x.qh.closedForm.source})`);
  put("out-lemma51", x.lemma51?.qh ?? null, x.lemma51 ? e3(x.lemma51.qh) : "— (defined for ρ = 0.5 < r < 1)");
  put("out-cert", x.qh.certificate.robustness, `${e3(x.qh.certificate.robustness)} (${x.qh.certificate.problem})`);
  put("out-qh", x.qh.horizons["1e100"]!.robustness, `${e3(x.qh.horizons["1e5"]!.robustness)} / ${e3(x.qh.horizons["1e100"]!.robustness)}`);
  put("out-hom", x.hom.horizons["1e100"]!.robustness, `${e3(x.hom.horizons["1e100"]!.robustness)} (${e3(x.hom.closedForm.robustness)})`);
  for (const id of ["out-live-t", "out-live-rob", "out-live-dist", "out-live-level"]) put(id, null, "—");
  setStatus("idle", `${was ? "the run was stopped; " : ""}r = ${x.r} — press Run to follow it live to t = 1e100`);
  dirty = true;
}

function start(): void {
  const x = item();
  const spec = parseRunSpec(fig4RunSpec(sweep, x));
  frames = [];
  result = null;
  runner.start(spec, { grid: { rows: 0, data: new Float64Array(0) }, test: null }, {
    onFrame: (f) => {
      if (!frames.includes(f)) frames.push(f);
      dirty = true;
    },
    onDone: (r, ms) => {
      result = r;
      (window as unknown as { marginflow: unknown }).marginflow = { result: r, spec: fig4RunSpec(sweep, x) };
      setStatus("done", `done in ${(ms / 1000).toFixed(2)} s — r = ${x.r}, stopped: ${r.stop} at log₁₀ t = ${r.log10t?.toFixed(2) ?? "—"}`);
      dirty = true;
    },
    onError: (e) => {
      showError(e);
      setStatus("error", "failed — see the message");
    },
    onRestart: () => void (status.textContent = "a worker died and was restarted; the run is retried"),
  }, LIVE_TIMING);
  setStatus("running", `running r = ${x.r}…`);
}

function render(): void {
  const rs = sweep.result.radii;
  const r = rs.map((x) => x.r);
  const x = item();
  const probed = [...frames].reverse().find((f) => f.probe?.observed);
  const o = probed?.probe?.observed;
  // the live point sits at the chosen r only
  sweepChart.set([r,
    rs.map((v) => v.hom.horizons["1e5"]!.robustness), rs.map((v) => v.hom.horizons["1e100"]!.robustness),
    rs.map((v) => v.qh.horizons["1e5"]!.robustness), rs.map((v) => v.qh.horizons["1e100"]!.robustness),
    rs.map((v) => v.hom.closedForm.robustness), rs.map((v) => v.qh.closedForm.robustness),
    rs.map((v) => (v === x ? o?.robustness ?? null : null)),
  ]);
  coordChart.set([r, ...[0, 1, 2].map((c) => rs.map((v) => v.qh.horizons["1e100"]!.w[c]!)), ...[0, 1, 2].map((c) => rs.map((v) => v.qh.closedForm.w[c] ?? null))]);
  const live = frames.filter((f) => f.log10t !== null && f.probe?.observed);
  const t = live.map((f) => f.log10t);
  liveChart.set([t, live.map((f) => f.probe!.observed!.robustness), live.map(() => x.qh.closedForm.robustness), live.map(() => x.qh.certificate.robustness)]);
  distChart.set([t, live.map((f) => f.probe!.observed!.distanceAsymmetric)]);
  if (probed) {
    put("out-live-t", probed.log10t, `${probed.log10t?.toFixed(2) ?? "—"}, ${probed.probe!.train.log10Loss?.toPrecision(6) ?? "—"}`);
    put("out-live-rob", o!.robustness, e3(o!.robustness));
    put("out-live-dist", o!.distanceAsymmetric, o!.distanceAsymmetric === null ? "—" : o!.distanceAsymmetric.toExponential(3));
    const c = o!.cascade;
    put("out-live-level", c?.index ?? null, c ? `level ${c.index}, rate ${c.rate} (${c.objectiveGroups.join(", ")})${c.degenerate ? `; ${c.zeroedGroups.join(", ")} not needed` : ""}` : "— (not separated)");
  }
}

function tick(): void {
  if (dirty) {
    dirty = false;
    render();
  }
  requestAnimationFrame(tick);
}

async function main(): Promise<void> {
  const res = await fetch("./fig4-sweep.json");
  if (!res.ok) throw new Error(`fig4-sweep.json: HTTP ${res.status} (build the page: npm run build -w @marginflow/web)`);
  sweep = (await res.json()) as Fig4Shipped;
  const s = getExperiment("fig4").summary(sweep.result);
  $("summary").textContent = [...s.checks.map((c) => `${c.holds === null ? "·" : c.holds ? "✓" : "✗"} ${c.claim} — ${c.measured}`), ...s.numbers.map(([k, v]) => `${k}: ${v}`)].join("\n");
  $("sweep-note").textContent = `The sweep: ${sweep.result.radii.length} radii × ${sweep.spec.samples} samples, made at build time by core's fig4 experiment — the same as \`${sweep.command}\`.`;
  $<HTMLInputElement>("r").max = String(sweep.result.radii.length - 1);
  const slider = $<HTMLInputElement>("r");
  slider.addEventListener("input", () => {
    clearError();
    choose(sweep.result.radii[Number(slider.value)]!.r);
  });
  const text = $<HTMLInputElement>("r-text");
  text.addEventListener("change", () => {
    try {
      const r = parseRadius(text.value);
      clearError();
      choose(r);
    } catch (e) {
      showError(e, text);
    }
  });
  $("play").addEventListener("click", () => {
    clearError();
    start();
  });
  $("cancel").addEventListener("click", () => {
    if (runner.cancel()) setStatus("cancelled", "cancelled — the workers were terminated; they restart on the next run");
  });
  $("figure-box").addEventListener("toggle", () => {
    const box = $("figure");
    if (!box.childElementCount) void drawFigure(box, getExperiment("fig4").figures(sweep.result)[0]!).catch((e) => showError(e));
  });
  const resize = () => {
    const w = Math.max(240, $("chart-sweep").clientWidth);
    for (const c of [sweepChart, coordChart, liveChart, distChart]) c.resize(w);
  };
  new ResizeObserver(resize).observe($("chart-sweep"));
  const q = new URLSearchParams(location.hash.slice(1));
  let r = 0.75;
  let urlError: unknown = null;
  if (q.has("r")) {
    try {
      r = parseRadius(q.get("r")!);
    } catch (e) {
      urlError = e;
    }
  }
  choose(r);
  if (urlError) showError(new Error(`the URL's state: ${(urlError as Error).message} — r = ${item().r} is shown instead`));
  requestAnimationFrame(tick);
}

main().catch((e) => {
  showError(e);
  setStatus("error", "failed to load — see the message");
});
