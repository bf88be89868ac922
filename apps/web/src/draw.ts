// Drawing only: the decision heatmap (the worker's outputs on the grid) with the data points on a canvas, and the
// live charts of log L, accuracy and the normalized margins against log t (uPlot), and the implicit-bias charts
// (distances to the certificates, KKT residuals, Lemma 4.1's slacks: uPlot's log axes). No numerics beyond colours.
import uPlot from "uplot";
import type { Bounds } from "./data.js";
import type { Point } from "./state.js";
import type { Frame } from "./live.js";
import type { RunResult } from "@marginflow/core";

/** One point of the live charts: a probed frame, or (once the run is done) one of the run's checkpoints. */
export interface ChartPoint {
  log10t: number;
  log10Loss: number | null;
  accuracy: number | null;
  testAccuracy: number | null;
  gamma: number | null;
  gammaTilde: number | null;
  distanceSvm: number | null;
  distanceAsymmetric: number | null;
  kktStationarity: number | null;
  kktComplementarity: number | null;
  lemma41a: number | null;
  lemma41b: number | null;
}

/** The frames shown as chart points, with the finished run's checkpoints merged in by log10 t (a checkpoint is
 *  core's measurement at that time: it replaces a frame at the same t). */
export function chartPoints(frames: readonly Frame[], checkpoints: RunResult["checkpoints"] | null): ChartPoint[] {
  const out: ChartPoint[] = [];
  for (const f of frames) {
    if (f.log10t === null) continue;
    const p = f.probe, o = p?.observed;
    out.push({
      log10t: f.log10t, log10Loss: p?.train.log10Loss ?? f.log10Loss, accuracy: p?.train.accuracy ?? null, testAccuracy: p?.test?.accuracy ?? null,
      gamma: p?.train.normalizedMargin ?? null, gammaTilde: p?.train.smoothedMargin ?? null,
      distanceSvm: o?.distanceSvm ?? null, distanceAsymmetric: o?.distanceAsymmetric ?? null, kktStationarity: o?.kktStationarity ?? null,
      kktComplementarity: o?.kktComplementarity ?? null, lemma41a: o?.lemma41a ?? null, lemma41b: o?.lemma41b ?? null,
    });
  }
  if (!checkpoints) return out;
  const times = new Set<number>();
  const first = out.length;
  for (const c of checkpoints) {
    if (c.log10t === null) continue;
    times.add(c.log10t);
    out.push({
      log10t: c.log10t, log10Loss: c.log10Loss, accuracy: null, testAccuracy: null, gamma: c.normalizedMargin, gammaTilde: c.smoothedMargin,
      distanceSvm: c.distanceSvm, distanceAsymmetric: c.distanceAsymmetric, kktStationarity: c.kktStationarity, kktComplementarity: c.kktComplementarity,
      lemma41a: c.lemma41a, lemma41b: c.lemma41b,
    });
  }
  return out.filter((p, i) => i >= first || !times.has(p.log10t)).sort((a, b) => a.log10t - b.log10t);
}

/** Class colours: index 0 is −1 (orange), index 1 is +1 (blue), then the other classes (labels 2…). */
export const CLASS_COLORS = ["#f59322", "#0877bd", "#2ca02c", "#9467bd", "#d62728", "#8c564b", "#e377c2", "#17becf"];
const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
const RGB = CLASS_COLORS.map(rgb);
const colorIndex = (label: number, classes: number) => (classes === 2 ? (label > 0 ? 1 : 0) : label === 1 ? 1 : label === 0 ? 0 : label);

/** The heatmap's cells from a probe's outputs (G² rows × columns): the predicted class's colour, paler near the
 *  decision boundary (the margin of each cell relative to the grid's largest). */
export function heatmapImage(ctx: CanvasRenderingContext2D, outputs: readonly number[], columns: number, G: number): ImageData {
  const img = ctx.createImageData(G, G);
  const cells = G * G;
  const score = new Float64Array(cells), cls = new Uint8Array(cells);
  let top = 0;
  for (let i = 0; i < cells; i++) {
    if (columns === 1) {
      const f = outputs[i]!;
      cls[i] = f > 0 ? 1 : 0;
      score[i] = Math.abs(f);
    } else {
      let a = 0;
      for (let c = 1; c < columns; c++) if (outputs[i * columns + c]! > outputs[i * columns + a]!) a = c;
      let second = -Infinity;
      for (let c = 0; c < columns; c++) if (c !== a) second = Math.max(second, outputs[i * columns + c]!);
      cls[i] = a;
      score[i] = outputs[i * columns + a]! - second;
    }
    top = Math.max(top, score[i]!);
  }
  for (let i = 0; i < cells; i++) {
    const w = top > 0 ? 0.2 + 0.55 * Math.sqrt(score[i]! / top) : 0.2;
    const [r, g, b] = RGB[colorIndex(cls[i]!, columns === 1 ? 2 : columns) % RGB.length]!;
    img.data[4 * i] = Math.round(255 + (r - 255) * w);
    img.data[4 * i + 1] = Math.round(255 + (g - 255) * w);
    img.data[4 * i + 2] = Math.round(255 + (b - 255) * w);
    img.data[4 * i + 3] = 255;
  }
  return img;
}

export class Heatmap {
  private readonly ctx: CanvasRenderingContext2D;
  private readonly cells: HTMLCanvasElement;
  private image: ImageData | null = null;

  constructor(readonly canvas: HTMLCanvasElement, readonly G: number) {
    this.ctx = canvas.getContext("2d")!;
    this.cells = document.createElement("canvas");
    this.cells.width = this.cells.height = G;
  }

  setOutputs(outputs: readonly number[] | null, columns: number): void {
    this.image = outputs ? heatmapImage(this.cells.getContext("2d")!, outputs, columns, this.G) : null;
    if (this.image) this.cells.getContext("2d")!.putImageData(this.image, 0, 0);
  }

  /** Canvas pixel → data coordinates. */
  toData(b: Bounds, px: number, py: number): [number, number] {
    const s = this.canvas.width;
    return [b.x[0] + (px / s) * (b.x[1] - b.x[0]), b.y[1] - (py / s) * (b.y[1] - b.y[0])];
  }

  draw(b: Bounds, train: readonly Point[], test: readonly Point[], classes: number, showTest: boolean, lines: readonly BoundaryLine[] = []): void {
    const { ctx, canvas } = this;
    const s = canvas.width;
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, s, s);
    if (this.image) {
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(this.cells, 0, 0, s, s);
    }
    const px = (p: Point) => [((p[0] - b.x[0]) / (b.x[1] - b.x[0])) * s, ((b.y[1] - p[1]) / (b.y[1] - b.y[0])) * s] as const;
    const dot = (p: Point, hollow: boolean) => {
      const [x, y] = px(p);
      ctx.beginPath();
      ctx.arc(x, y, 3.2, 0, 2 * Math.PI);
      const c = CLASS_COLORS[colorIndex(p[2], classes) % CLASS_COLORS.length]!;
      if (hollow) {
        ctx.strokeStyle = c;
        ctx.lineWidth = 1.6;
        ctx.stroke();
      } else {
        ctx.fillStyle = c;
        ctx.fill();
        ctx.strokeStyle = "#fff";
        ctx.lineWidth = 1;
        ctx.stroke();
      }
    };
    for (const p of train) dot(p, false);
    if (showTest) for (const p of test) dot(p, true);
    // lines w·x = 0 through the origin: a long segment along (−w₂, w₁), clipped by the canvas
    for (const l of lines) {
      const w1 = l.w[0] ?? 0, w2 = l.w[1] ?? 0;
      if (!(Math.abs(w1) + Math.abs(w2) > 0)) continue;
      const far = 4 * Math.max(Math.abs(b.x[0]), Math.abs(b.x[1]), Math.abs(b.y[0]), Math.abs(b.y[1])) / Math.hypot(w1, w2);
      const [ax, ay] = px([-w2 * far, w1 * far, 0]), [bx, by] = px([w2 * far, -w1 * far, 0]);
      ctx.beginPath();
      ctx.moveTo(ax, ay);
      ctx.lineTo(bx, by);
      ctx.setLineDash(l.dash ?? []);
      ctx.strokeStyle = l.color;
      ctx.lineWidth = 2;
      ctx.stroke();
      ctx.setLineDash([]);
    }
  }
}

/** A line w·x = 0 through the origin of the plane (a classifier linear in x). */
export interface BoundaryLine {
  w: readonly number[];
  color: string;
  dash?: number[];
  label: string;
}

/** The overlay's colours: the SVM, the asymmetric max-margin solution, the trajectory's direction. */
export const LINE_COLORS = { svm: "#111827", asymmetric: "#c026d3", direction: "#16a34a" } as const;

/** A series of a chart: a line, or markers only (`points`). */
export interface ChartSeries {
  label: string;
  stroke: string;
  dash?: number[];
  points?: boolean;
}

/** A log axis's tick: plain between 0.01 and 1e4, else a power of ten (1e-5). */
export const logTick = (v: number | null): string => (v === null ? "" : v === 0 ? "0" : v >= 0.01 && v < 1e4 ? String(+v.toPrecision(2)) : v.toExponential(0).replace("+", ""));

/** One chart (uPlot): over log10 t unless told otherwise; `markX` draws a vertical rule at that x. */
export class Chart {
  private readonly plot: uPlot;
  constructor(el: HTMLElement, title: string, series: ChartSeries[], yRange?: [number, number] | "log", options: { xLabel?: string; height?: number; markX?: () => number | null } = {}) {
    const width = Math.max(240, el.clientWidth || 320);
    this.height = options.height ?? 150;
    const mark = options.markX;
    this.plot = new uPlot({
      title, width, height: this.height,
      scales: { x: { time: false }, y: yRange === "log" ? { distr: 3 } : yRange ? { range: yRange } : { auto: true } },
      // a log axis labels its decades as 1e-5 (uPlot's default writes small ones as 0)
      axes: [{ label: options.xLabel ?? "log₁₀ t", size: 36 }, yRange === "log" ? { size: 52, values: (_u: uPlot, splits: (number | null)[]) => splits.map(logTick) } : { size: 52 }],
      legend: { live: false, show: true },
      cursor: { show: false },
      series: [{ label: options.xLabel ?? "log₁₀ t" }, ...series.map((s) => ({
        label: s.label, stroke: s.stroke, width: 1.6, spanGaps: true,
        ...(s.points ? { paths: () => null, points: { show: true, size: 6, stroke: s.stroke, fill: s.stroke } } : { points: { show: false } }),
        ...(s.dash ? { dash: s.dash } : {}),
      }))],
      hooks: mark ? {
        draw: [(u: uPlot) => {
          const x = mark();
          if (x === null) return;
          const px = u.valToPos(x, "x", true);
          const ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = "#16a34a";
          ctx.lineWidth = 2;
          ctx.setLineDash([4, 3]);
          ctx.beginPath();
          ctx.moveTo(px, u.bbox.top);
          ctx.lineTo(px, u.bbox.top + u.bbox.height);
          ctx.stroke();
          ctx.restore();
        }],
      } : {},
    }, [[], ...series.map(() => [])], el);
  }
  private readonly height: number;
  set(data: (number | null)[][]): void {
    this.plot.setData(data as uPlot.AlignedData);
  }
  /** Redraws (e.g. after the marked x changed). */
  redraw(): void {
    this.plot.redraw(false, false);
  }
  resize(width: number): void {
    this.plot.setSize({ width, height: this.height });
  }
}

/** The three live charts, fed the frames in order. */
export class Charts {
  private readonly loss: Chart;
  private readonly acc: Chart;
  private readonly margin: Chart;
  constructor(readonly root: { loss: HTMLElement; accuracy: HTMLElement; margin: HTMLElement }) {
    this.loss = new Chart(root.loss, "log₁₀ L (training)", [{ label: "log₁₀ L", stroke: "#1f77b4" }]);
    this.acc = new Chart(root.accuracy, "accuracy", [{ label: "train", stroke: "#0877bd" }, { label: "test", stroke: "#f59322", dash: [5, 3] }], [0, 1.02]);
    this.margin = new Chart(root.margin, "normalized margin", [{ label: "γ", stroke: "#2ca02c" }, { label: "γ̃ (smoothed)", stroke: "#d62728", dash: [5, 3] }]);
  }

  /** Redraws from the points shown so far. */
  show(ps: readonly ChartPoint[]): void {
    const x = ps.map((p) => p.log10t);
    this.loss.set([x, ps.map((p) => p.log10Loss)]);
    this.acc.set([x, ps.map((p) => p.accuracy), ps.map((p) => p.testAccuracy)]);
    this.margin.set([x, ps.map((p) => p.gamma), ps.map((p) => p.gammaTilde)]);
  }

  resize(width: number): void {
    for (const c of [this.loss, this.acc, this.margin]) c.resize(width);
  }
}

const positive = (x: number | null | undefined): number | null => (typeof x === "number" && x > 0 ? x : null);

/** The implicit-bias charts over log10 t, from the probes' observations (log axes: non-positive values are gaps;
 *  a negative Lemma 4.1 slack — a violation — is drawn as its magnitude in its own red series). */
export class BiasCharts {
  private readonly distance: Chart;
  private readonly kkt: Chart;
  private readonly lemma: Chart;
  constructor(root: { distance: HTMLElement; kkt: HTMLElement; lemma: HTMLElement }) {
    this.distance = new Chart(root.distance, "distance of the direction", [{ label: "to the SVM", stroke: LINE_COLORS.svm }, { label: "to the asymmetric", stroke: LINE_COLORS.asymmetric, dash: [5, 3] }], "log");
    this.kkt = new Chart(root.kkt, "KKT residuals", [{ label: "stationarity", stroke: "#1f77b4" }, { label: "complementarity", stroke: "#ff7f0e", dash: [5, 3] }], "log");
    this.lemma = new Chart(root.lemma, "Lemma 4.1 slacks (≥ 0)", [{ label: "(a)", stroke: "#2ca02c" }, { label: "(b)", stroke: "#9467bd", dash: [5, 3] }, { label: "|violation|", stroke: "#d62728" }], "log");
  }

  show(o: readonly ChartPoint[]): void {
    const x = o.map((p) => p.log10t);
    this.distance.set([x, o.map((v) => positive(v.distanceSvm)), o.map((v) => positive(v.distanceAsymmetric))]);
    this.kkt.set([x, o.map((v) => positive(v.kktStationarity)), o.map((v) => positive(v.kktComplementarity))]);
    const bad = (v: number | null) => (v !== null && v < 0 ? -v : null);
    this.lemma.set([x, o.map((v) => positive(v.lemma41a)), o.map((v) => positive(v.lemma41b)), o.map((v) => bad(v.lemma41a) ?? bad(v.lemma41b))]);
  }

  resize(width: number): void {
    for (const c of [this.distance, this.kkt, this.lemma]) c.resize(width);
  }
}
