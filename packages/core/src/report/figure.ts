// Figures as data: an experiment's figures(result) returns Vega-Lite specs (plain JSON, see docs/decisions.md),
// which the CLI renders to SVG and PNG and a web page draws with the same library. This file builds them in the
// house style — titles wrapped, never cut; one legend below the plot whose entries show each series' own colour,
// dash and marker; closed forms drawn as hollow markers over the lines they may coincide with; log axes where
// a quantity spans decades — so that an experiment module states only what to plot.

/** A figure: its file name (without extension), title, a caption saying what it shows, and its Vega-Lite spec. */
export interface Figure {
  name: string;
  title: string;
  caption: string;
  vegaLite: Record<string, unknown>;
}

/** One curve (or set of points). Series with the same label share one legend entry; label "" has none. */
export interface Series {
  label: string;
  x: ArrayLike<number>;
  y: ArrayLike<number | null>;
  color: string;
  /** dash pattern of a line, e.g. [6, 4] */
  dash?: number[];
  /** "line" (default), "points" (filled dots), "markers" (hollow circles: closed forms drawn over lines) */
  mark?: "line" | "points" | "markers";
  /** marker shape for "markers" and "points" */
  shape?: "circle" | "square" | "diamond" | "triangle-up" | "cross";
  /** "band": a wide translucent line under the others — a reference (a closed form, a certificate) that a
   *  measured line may lie on top of stays visible around it */
  style?: "band";
}

export interface Axis {
  title: string;
  domain?: [number, number];
  /** "log" for quantities that span decades (their values must be > 0) */
  scale?: "linear" | "log";
  /** draw a rule at 0 */
  zero?: boolean;
}

export interface LineFigureOptions {
  name: string;
  title: string;
  caption: string;
  x: Axis;
  y: Axis;
  series: Series[];
  /** vertical marker lines */
  rules?: { x: number; label: string }[];
  width?: number;
  height?: number;
}

/** Figure defaults: plot size in px, fonts. */
export const FIGURE_DEFAULTS = { width: 560, height: 320, titleSize: 14, labelSize: 11, font: "DejaVu Sans, sans-serif" } as const;

/** Vega's text width estimate is 0.8 em per character (generous for DejaVu Sans), so layouts based on it never overlap. */
const CHAR_EM = 0.8;

/** Splits a title into lines of at most `chars` characters at word boundaries. */
export function wrapTitle(text: string, chars: number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = "";
  for (const w of words) {
    if (line && line.length + 1 + w.length > chars) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines;
}

const isLine = (s: Series) => (s.mark ?? "line") === "line";

/** The most legend columns whose widths (Vega's estimate: 0.8 em per character, plus the symbol) fit the plot. */
function legendColumns(labels: string[], width: number): number {
  const w = labels.map((l) => CHAR_EM * FIGURE_DEFAULTS.labelSize * l.length + 48);
  for (let k = labels.length; k > 1; k--) {
    let total = 0;
    for (let c = 0; c < k; c++) total += Math.max(0, ...w.filter((_, j) => j % k === c));
    if (total <= width + 40) return k;
  }
  return 1;
}

const finite = (v: number | null | undefined): v is number => typeof v === "number" && Number.isFinite(v);

function axisEncoding(field: string, a: Axis) {
  return {
    field,
    type: "quantitative",
    title: a.title,
    scale: { type: a.scale ?? "linear", ...(a.scale === "log" ? {} : { zero: a.zero ?? false }), ...(a.domain ? { domain: a.domain, clamp: false } : { nice: a.scale !== "log", padding: 8 }) },
    axis: { labelFontSize: FIGURE_DEFAULTS.labelSize, titleFontSize: 12, grid: true, ...(a.scale === "log" ? { format: "~e" } : {}) },
  };
}

/** A line figure: lines, dots and hollow markers, one legend. */
export function lineFigure(o: LineFigureOptions): Figure {
  const width = o.width ?? FIGURE_DEFAULTS.width, height = o.height ?? FIGURE_DEFAULTS.height;
  const rows: { g: number; s: string; c: string; x: number; y: number; i: number; m: string; z: number; w: number; op: number }[] = [];
  o.series.forEach((s, g) => {
    const n = Math.min(s.x.length, s.y.length);
    for (let i = 0; i < n; i++) {
      const x = s.x[i], y = s.y[i];
      if (!finite(x) || !finite(y)) continue;
      if (o.y.scale === "log" && !(y > 0)) continue;
      if (o.x.scale === "log" && !(x > 0)) continue;
      const band = s.style === "band";
      rows.push({ g, s: s.label, c: s.color, x, y, i, m: s.mark ?? "line", z: band ? 0 : 1, w: band ? 7 : 1.7, op: band ? 0.3 : 1 });
    }
  });
  // one legend entry per label, in order of appearance, showing that series' own symbol
  const entries: Series[] = [];
  for (const s of o.series) if (s.label !== "" && !entries.some((e) => e.label === s.label)) entries.push(s);
  const hidden = o.series.filter((s) => s.label === "" || !entries.includes(s)).map((s) => s.label);
  const domain = [...entries.map((e) => e.label), ...new Set(hidden.filter((l) => !entries.some((e) => e.label === l)))];
  const colorOf = (l: string) => o.series.find((s) => s.label === l)!.color;
  const table = (f: (s: Series) => unknown) => `(${JSON.stringify(Object.fromEntries(entries.map((e) => [e.label, f(e)])))})[datum.label]`;
  const columns = legendColumns(entries.map((e) => e.label), width);
  const color = {
    field: "s",
    type: "nominal",
    scale: { domain, range: domain.map(colorOf) },
    // one series needs no legend: the axis title names it
    legend: entries.length < 2 ? null : {
      title: null, orient: "bottom", direction: "horizontal", columns, labelLimit: 0, labelFontSize: FIGURE_DEFAULTS.labelSize,
      symbolSize: 200, columnPadding: 18, rowPadding: 6, values: entries.map((e) => e.label),
      encode: {
        symbols: {
          update: {
            shape: { signal: table((e) => (isLine(e) ? "stroke" : (e.shape ?? "circle"))) },
            strokeOpacity: { signal: table((e) => (e.style === "band" ? 0.35 : 1)) },
            strokeDash: { signal: table((e) => (isLine(e) ? (e.dash ?? []) : [])) },
            fill: { signal: table((e) => e.color) },
            fillOpacity: { signal: table((e) => (e.mark === "points" ? 1 : 0)) },
            stroke: { signal: table((e) => e.color) },
            strokeWidth: { value: 1.8 }, // constants: a per-entry signal for a size or a width breaks Vega's legend layout
          },
        },
      },
    },
  };
  const x = axisEncoding("x", o.x), y = axisEncoding("y", o.y);
  const dashes = o.series.map((s) => s.dash ?? []);
  const groups = o.series.map((_, g) => g);
  const shapes = o.series.map((s) => s.shape ?? "circle");
  const lines = (z: number) => ({
    transform: [{ filter: `datum.m === 'line' && datum.z === ${z}` }],
    mark: { type: "line", clip: true },
    encoding: {
      x, y, color, detail: { field: "g", type: "nominal" }, order: { field: "i", type: "quantitative" },
      strokeDash: { field: "g", type: "nominal", scale: { domain: groups, range: dashes }, legend: null },
      strokeWidth: { field: "w", type: "quantitative", scale: null },
      strokeOpacity: { field: "op", type: "quantitative", scale: null },
    },
  });
  // bands first (under every other line), then lines, then markers
  const layer: Record<string, unknown>[] = [
    ...(o.series.some((s) => s.style === "band") ? [lines(0)] : []),
    lines(1),
    {
      transform: [{ filter: "datum.m !== 'line'" }],
      mark: { type: "point", clip: true, size: 34, strokeWidth: 1.4 },
      // each series' own colour (unlabelled series too); the legend entries come from the line layer's scale
      encoding: {
        x, y,
        stroke: { field: "c", type: "nominal", scale: null },
        fill: { field: "c", type: "nominal", scale: null },
        shape: { field: "g", type: "nominal", scale: { domain: groups, range: shapes }, legend: null },
        fillOpacity: { condition: { test: "datum.m === 'points'", value: 1 }, value: 0 },
      },
    },
  ];
  if (o.rules?.length) {
    layer.push(
      { data: { values: o.rules }, mark: { type: "rule", strokeDash: [2, 3], color: "#888" }, encoding: { x: { field: "x", type: "quantitative" } } },
      { data: { values: o.rules }, mark: { type: "text", align: "left", dx: 4, dy: 2, baseline: "top", color: "#555", fontSize: 10 }, encoding: { x: { field: "x", type: "quantitative" }, y: { value: 0 }, text: { field: "label" } } },
    );
  }
  return envelope(o, width + 60, FIGURE_DEFAULTS.titleSize, { width, height, data: { values: rows }, layer });
}

/** A figure around a Vega-Lite body: the schema, the wrapped title, the house config. */
function envelope(o: { name: string; title: string; caption: string }, titleWidth: number, titleSize: number, body: Record<string, unknown>): Figure {
  return {
    name: o.name,
    title: o.title,
    caption: o.caption,
    vegaLite: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: { text: wrapTitle(o.title, Math.floor(titleWidth / (0.62 * titleSize))), anchor: "start", fontSize: titleSize, offset: 10 },
      ...body,
      config: { font: FIGURE_DEFAULTS.font, view: { stroke: "#888" }, mark: { invalid: "filter" } },
    },
  };
}

/** Several line figures in one, side by side ("row") or stacked ("column"), under one title. */
export function panelFigure(o: { name: string; title: string; caption: string; panels: Figure[]; direction?: "row" | "column" }): Figure {
  const row = (o.direction ?? "column") === "row";
  const width = row ? o.panels.reduce((s, p) => s + Number(p.vegaLite.width), 0) : Number(o.panels[0]?.vegaLite.width ?? FIGURE_DEFAULTS.width);
  const strip = (p: Figure) => {
    const { $schema: _s, config: _c, ...rest } = p.vegaLite;
    return rest;
  };
  return envelope(o, width, FIGURE_DEFAULTS.titleSize + 1, {
    [row ? "hconcat" : "vconcat"]: o.panels.map(strip),
    resolve: { scale: { color: "independent", fill: "independent", strokeDash: "independent", shape: "independent", x: "independent", y: "independent" }, legend: { color: "independent" } },
  });
}
