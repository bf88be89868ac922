// Draws core's SimplexView on a canvas: the ideal regular simplex (dashed, K ≤ 4), the class means (large dots,
// joined), the classifiers (arrows from the origin) and some features (small dots), in class colours. Two
// dimensions as they are; three turned by a yaw and a pitch (dragged, or by the arrow keys) and projected
// orthographically. Drawing only: the coordinates come from core.
import type { SimplexView } from "@marginflow/core";

/** Ten class colours (the lab page's eight, then two more). */
export const NC_COLORS = ["#f59322", "#0877bd", "#2ca02c", "#9467bd", "#d62728", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"];

export interface SimplexLayers {
  features: boolean;
  classifiers: boolean;
}

export class SimplexCanvas {
  /** radians; the 3-D view's turn about the vertical axis and its tilt */
  yaw = 0.6;
  pitch = 0.35;

  constructor(readonly canvas: HTMLCanvasElement) {}

  /** A point of the view on the canvas: [x, y] in pixels, and its depth (3-D; 0 in 2-D). */
  private project(p: readonly number[], scale: number, cx: number, cy: number): [number, number, number] {
    if (p.length === 2) return [cx + scale * p[0]!, cy - scale * p[1]!, 0];
    const [x, y, z] = p as [number, number, number];
    const cyw = Math.cos(this.yaw), syw = Math.sin(this.yaw), cp = Math.cos(this.pitch), sp = Math.sin(this.pitch);
    const x1 = cyw * x + syw * z, z1 = -syw * x + cyw * z;
    const y1 = cp * y - sp * z1, d = sp * y + cp * z1;
    return [cx + scale * x1, cy - scale * y1, d];
  }

  draw(view: SimplexView | null, layers: SimplexLayers): void {
    const c = this.canvas;
    const dpr = globalThis.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(c.clientWidth * dpr)), h = Math.max(1, Math.round(c.clientHeight * dpr));
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
    }
    const ctx = c.getContext("2d")!;
    ctx.clearRect(0, 0, w, h);
    if (!view) return;
    const cx = w / 2, cy = h / 2;
    // the means have mean norm 1: fit the largest mean (or the ideal's unit vertices) with a margin
    const reach = Math.max(1, ...view.means.map((m) => Math.hypot(...m)));
    const scale = (0.42 * Math.min(w, h)) / reach;
    const P = (p: readonly number[]) => this.project(p, scale, cx, cy);
    ctx.lineWidth = dpr;
    // axes through the origin
    ctx.strokeStyle = "#e4e7ec";
    const axes = view.dims === 2 ? [[1, 0], [0, 1]] : [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    for (const a of axes) {
      const [x0, y0] = P(a.map((v) => -v * reach)), [x1, y1] = P(a.map((v) => v * reach));
      ctx.beginPath();
      ctx.moveTo(x0, y0);
      ctx.lineTo(x1, y1);
      ctx.stroke();
    }
    const edges = (pts: readonly (readonly number[])[], style: string, dash: number[]) => {
      ctx.strokeStyle = style;
      ctx.setLineDash(dash.map((d) => d * dpr));
      for (let a = 0; a < pts.length; a++) {
        for (let b = a + 1; b < pts.length; b++) {
          const [x0, y0] = P(pts[a]!), [x1, y1] = P(pts[b]!);
          ctx.beginPath();
          ctx.moveTo(x0, y0);
          ctx.lineTo(x1, y1);
          ctx.stroke();
        }
      }
      ctx.setLineDash([]);
    };
    if (view.ideal) edges(view.ideal, "#98a2b3", [5, 4]);
    if (layers.features) {
      ctx.globalAlpha = 0.45;
      view.features.forEach((f, i) => {
        const [x, y] = P(f);
        ctx.fillStyle = NC_COLORS[view.labels[i]! % NC_COLORS.length]!;
        ctx.beginPath();
        ctx.arc(x, y, 2.2 * dpr, 0, 2 * Math.PI);
        ctx.fill();
      });
      ctx.globalAlpha = 1;
    }
    edges(view.means, "#475467", []);
    if (layers.classifiers && view.classifiers) {
      const [ox, oy] = P(view.means[0]!.map(() => 0));
      ctx.lineWidth = 2 * dpr;
      view.classifiers.forEach((v, k) => {
        const [x, y] = P(v);
        ctx.strokeStyle = NC_COLORS[k % NC_COLORS.length]!;
        ctx.beginPath();
        ctx.moveTo(ox, oy);
        ctx.lineTo(x, y);
        const a = Math.atan2(y - oy, x - ox), hl = 7 * dpr;
        ctx.lineTo(x - hl * Math.cos(a - 0.4), y - hl * Math.sin(a - 0.4));
        ctx.moveTo(x, y);
        ctx.lineTo(x - hl * Math.cos(a + 0.4), y - hl * Math.sin(a + 0.4));
        ctx.stroke();
      });
      ctx.lineWidth = dpr;
    }
    view.means.forEach((m, k) => {
      const [x, y] = P(m);
      ctx.fillStyle = NC_COLORS[k % NC_COLORS.length]!;
      ctx.strokeStyle = "#101828";
      ctx.beginPath();
      ctx.arc(x, y, 6 * dpr, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
      ctx.fillStyle = "#101828";
      ctx.font = `${11 * dpr}px system-ui, sans-serif`;
      ctx.fillText(String(k), x + 8 * dpr, y - 8 * dpr);
    });
  }
}
