// Plain SVG line plots for results and reports (no dependencies, environment-free: the CLI writes them to
// files, the web demo could put them in a page). Deterministic output for deterministic input.

export interface Series {
  label: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color: string;
  /** stroke-dasharray, e.g. "6 4" */
  dash?: string;
  /** "" keeps the series out of the legend */
  /** draw markers instead of a line */
  points?: boolean;
}

export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  width?: number;
  height?: number;
  xRange?: [number, number];
  yRange?: [number, number];
  /** vertical marker lines */
  vlines?: { x: number; label: string }[];
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) < 1 ? 2 : 1));

function ticks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / count, mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((s) => span / s <= count) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step) out.push(Math.round(v / step) * step);
  return out;
}

function extent(series: Series[], key: "x" | "y"): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const s of series) for (const v of Array.from(s[key])) if (Number.isFinite(v)) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  const pad = 0.04 * (hi - lo);
  return [lo - pad, hi + pad];
}

export function linePlot(o: PlotOptions): string {
  const W = o.width ?? 640, H = o.height ?? 400;
  const cols = W >= 640 ? 3 : 2; // legend columns
  const L = 64, R = 16, T = 36, B = 48 + 18 * Math.ceil(o.series.filter((s) => s.label !== "").length / cols);
  const [x0, x1] = o.xRange ?? extent(o.series, "x");
  const [y0, y1] = o.yRange ?? extent(o.series, "y");
  const px = (x: number) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const py = (y: number) => H - B - ((y - y0) / (y1 - y0)) * (H - T - B);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(o.title)}</text>`,
  ];
  for (const t of ticks(x0, x1)) {
    parts.push(`<line x1="${px(t).toFixed(1)}" y1="${T}" x2="${px(t).toFixed(1)}" y2="${H - B}" stroke="#eee"/>`);
    parts.push(`<text x="${px(t).toFixed(1)}" y="${H - B + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  for (const t of ticks(y0, y1)) {
    parts.push(`<line x1="${L}" y1="${py(t).toFixed(1)}" x2="${W - R}" y2="${py(t).toFixed(1)}" stroke="#eee"/>`);
    parts.push(`<text x="${L - 6}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`);
  }
  parts.push(`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#444"/>`);
  parts.push(`<text x="${(L + W - R) / 2}" y="${H - B + 34}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(`<text transform="translate(16 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  // ids must be unique when several plots are inlined in one HTML page: derive one from the content
  let h = 2166136261;
  for (const ch of o.title + o.series.map((s) => s.label).join()) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  const clip = `clip${(h >>> 0).toString(36)}`;
  parts.push(`<clipPath id="${clip}"><rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}"/></clipPath><g clip-path="url(#${clip})">`);
  for (const v of o.vlines ?? []) {
    parts.push(`<line x1="${px(v.x).toFixed(1)}" y1="${T}" x2="${px(v.x).toFixed(1)}" y2="${H - B}" stroke="#999" stroke-dasharray="2 3"/>`);
    parts.push(`<text x="${(px(v.x) + 3).toFixed(1)}" y="${T + 12}" fill="#666">${esc(v.label)}</text>`);
  }
  for (const s of o.series) {
    const xs = Array.from(s.x), ys = Array.from(s.y);
    if (s.points) {
      xs.forEach((x, i) => {
        if (Number.isFinite(x) && Number.isFinite(ys[i]!)) parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(ys[i]!).toFixed(1)}" r="2.2" fill="${s.color}"/>`);
      });
    } else {
      let d = "", pen = false;
      xs.forEach((x, i) => {
        const y = ys[i]!;
        if (!Number.isFinite(x) || !Number.isFinite(y)) return void (pen = false);
        d += `${pen ? "L" : "M"}${px(x).toFixed(1)} ${py(y).toFixed(1)}`;
        pen = true;
      });
      parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.6"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/>`);
    }
  }
  parts.push(`</g>`);
  o.series.filter((s) => s.label !== "").forEach((s, i) => {
    const lx = L + (i % cols) * ((W - L - R) / cols), ly = H - B + 50 + 18 * Math.floor(i / cols);
    parts.push(
      s.points
        ? `<circle cx="${lx + 10}" cy="${ly - 4}" r="3" fill="${s.color}"/>`
        : `<line x1="${lx}" y1="${ly - 4}" x2="${lx + 20}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/>`,
    );
    parts.push(`<text x="${lx + 26}" y="${ly}">${esc(s.label)}</text>`);
  });
  parts.push(`</svg>`);
  return parts.join("\n") + "\n";
}
