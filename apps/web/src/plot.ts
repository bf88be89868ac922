// A minimal canvas line plot: panels with nice ticks, optional equal aspect. Enough for the demo's figure.

export interface Series {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color: string;
}

export interface PanelOptions {
  title: string;
  xlabel: string;
  ylabel: string;
  /** Same units per pixel on both axes (phase portraits). Default false. */
  equal?: boolean;
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const FONT = "12px system-ui, sans-serif";
const MUTED = "#667085";
const GRID = "#eaecf0";

/** Sizes the canvas backing store to its CSS size × devicePixelRatio and clears it. */
export function clearCanvas(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 900;
  const h = canvas.clientHeight || 300;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  const ctx = canvas.getContext("2d")!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return ctx;
}

/** Draws `panels` side by side across the canvas. */
export function drawPanels(canvas: HTMLCanvasElement, panels: { series: Series[]; options: PanelOptions }[]): void {
  const ctx = clearCanvas(canvas);
  const w = canvas.clientWidth || 900;
  const h = canvas.clientHeight || 300;
  const cell = w / panels.length;
  panels.forEach((p, i) => drawPanel(ctx, { x: i * cell + 58, y: 26, w: cell - 76, h: h - 66 }, p.series, p.options));
}

function extent(values: ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (Number.isFinite(x)) {
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
    }
  }
  if (lo > hi) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  const pad = (hi - lo) * 0.04;
  return [lo - pad, hi + pad];
}

/** About `count` round tick values covering [lo, hi]. */
function ticks(lo: number, hi: number, count = 5): number[] {
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function label(v: number): string {
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(0) : String(Number(v.toPrecision(4)));
}

function drawPanel(ctx: CanvasRenderingContext2D, box: Box, series: Series[], o: PanelOptions): void {
  let [x0, x1] = extent(series.map((s) => s.x));
  let [y0, y1] = extent(series.map((s) => s.y));
  if (o.equal) {
    const scale = Math.max((x1 - x0) / box.w, (y1 - y0) / box.h);
    const cx = (x0 + x1) / 2;
    const cy = (y0 + y1) / 2;
    [x0, x1] = [cx - (scale * box.w) / 2, cx + (scale * box.w) / 2];
    [y0, y1] = [cy - (scale * box.h) / 2, cy + (scale * box.h) / 2];
  }
  const px = (x: number) => box.x + ((x - x0) / (x1 - x0)) * box.w;
  const py = (y: number) => box.y + box.h - ((y - y0) / (y1 - y0)) * box.h;

  ctx.font = FONT;
  ctx.lineWidth = 1;
  ctx.fillStyle = MUTED;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const t of ticks(x0, x1)) {
    ctx.strokeStyle = GRID;
    ctx.beginPath();
    ctx.moveTo(px(t), box.y);
    ctx.lineTo(px(t), box.y + box.h);
    ctx.stroke();
    ctx.fillText(label(t), px(t), box.y + box.h + 4);
  }
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const t of ticks(y0, y1)) {
    ctx.strokeStyle = GRID;
    ctx.beginPath();
    ctx.moveTo(box.x, py(t));
    ctx.lineTo(box.x + box.w, py(t));
    ctx.stroke();
    ctx.fillText(label(t), box.x - 5, py(t));
  }
  ctx.strokeStyle = "#98a2b3";
  ctx.strokeRect(box.x, box.y, box.w, box.h);

  ctx.save();
  ctx.beginPath();
  ctx.rect(box.x, box.y, box.w, box.h);
  ctx.clip();
  ctx.lineWidth = 1.2;
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i]!;
      const y = s.y[i]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        pen = false;
        continue;
      }
      if (pen) ctx.lineTo(px(x), py(y));
      else ctx.moveTo(px(x), py(y));
      pen = true;
    }
    ctx.stroke();
  }
  ctx.restore();

  ctx.fillStyle = "#1d2230";
  ctx.textAlign = "left";
  ctx.textBaseline = "bottom";
  ctx.font = `600 ${FONT}`;
  ctx.fillText(o.title, box.x, box.y - 6);
  ctx.font = FONT;
  ctx.fillStyle = MUTED;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  ctx.fillText(o.xlabel, box.x + box.w / 2, box.y + box.h + 20);
  ctx.save();
  ctx.translate(box.x - 44, box.y + box.h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = "middle";
  ctx.fillText(o.ylabel, 0, 0);
  ctx.restore();
}
