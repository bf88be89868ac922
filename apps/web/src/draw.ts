// Drawing only: the decision heatmap (the worker's outputs on the grid) with the data points on a canvas, and the
// live charts of log L, accuracy and the normalized margins against log t (uPlot). No numerics beyond colours.
import uPlot from "uplot";
import type { Bounds } from "./data.js";
import type { Point } from "./state.js";
import type { Frame } from "./live.js";

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

  draw(b: Bounds, train: readonly Point[], test: readonly Point[], classes: number, showTest: boolean): void {
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
  }
}

/** One live chart over log10 t. */
class Chart {
  private readonly plot: uPlot;
  constructor(el: HTMLElement, title: string, series: { label: string; stroke: string; dash?: number[] }[], yRange?: [number, number]) {
    const width = Math.max(240, el.clientWidth || 320);
    this.plot = new uPlot({
      title, width, height: 150,
      scales: { x: { time: false }, y: yRange ? { range: yRange } : { auto: true } },
      axes: [{ label: "log₁₀ t", size: 36 }, { size: 52 }],
      legend: { live: false },
      cursor: { show: false },
      series: [{ label: "log₁₀ t" }, ...series.map((s) => ({ label: s.label, stroke: s.stroke, width: 1.6, spanGaps: true, points: { show: false }, ...(s.dash ? { dash: s.dash } : {}) }))],
    }, [[], ...series.map(() => [])], el);
  }
  set(data: (number | null)[][]): void {
    this.plot.setData(data as uPlot.AlignedData);
  }
  resize(width: number): void {
    this.plot.setSize({ width, height: 150 });
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

  /** Redraws from the frames shown so far (those with a clock). */
  show(frames: readonly Frame[]): void {
    const fs = frames.filter((f) => f.log10t !== null);
    const x = fs.map((f) => f.log10t);
    this.loss.set([x, fs.map((f) => f.probe?.train.log10Loss ?? f.log10Loss)]);
    this.acc.set([x, fs.map((f) => f.probe?.train.accuracy ?? null), fs.map((f) => f.probe?.test?.accuracy ?? null)]);
    this.margin.set([x, fs.map((f) => f.probe?.train.normalizedMargin ?? null), fs.map((f) => f.probe?.train.smoothedMargin ?? null)]);
  }

  resize(width: number): void {
    for (const c of [this.loss, this.acc, this.margin]) c.resize(width);
  }
}
