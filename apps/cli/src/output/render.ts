// Figures: an experiment's Vega-Lite descriptions rendered to SVG by Vega itself (in Node, no DOM) and to PNG by
// resvg — the same descriptions a web page draws with vega in the browser.
import type { Figure } from "@marginflow/core";
import type { TopLevelSpec } from "vega-lite";
import { svgToPng } from "./png.js";

// Vega and Vega-Lite are loaded on first use: a command that draws nothing (bench, demo, a shard, an error)
// starts without them (~300 ms and ~50 MB less).
let libs: Promise<[typeof import("vega"), typeof import("vega-lite")]> | undefined;
const load = () => (libs ??= Promise.all([import("vega"), import("vega-lite")]));

/** SVG text of a figure; ids made unique per figure so that several SVGs can be inlined in one HTML page. */
export async function renderSvg(fig: Figure): Promise<string> {
  const [vega, vl] = await load();
  // a figure description that Vega-Lite or Vega would only warn about is a bug of its experiment: fail loudly
  const logger = { level: () => logger, error: (...m: unknown[]) => fail(m), warn: (...m: unknown[]) => fail(m), info: () => logger, debug: () => logger };
  const fail = (m: unknown[]): never => {
    throw new Error(`figure ${fig.name}: ${m.map(String).join(" ")}`);
  };
  const compiled = vl.compile(fig.vegaLite as unknown as TopLevelSpec, { logger: logger as unknown as NonNullable<Parameters<typeof vl.compile>[1]>["logger"] }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none", logLevel: vega.Error });
  try {
    const svg = await view.toSVG();
    return svg.replace(/\b(id|clip-path)="(url\(#)?([A-Za-z_][\w-]*)/g, (_m, attr: string, url: string | undefined, id: string) => `${attr}="${url ?? ""}${fig.name}-${id}`);
  } finally {
    view.finalize();
  }
}

export async function renderFigure(fig: Figure): Promise<{ svg: string; png: Uint8Array }> {
  const svg = await renderSvg(fig);
  return { svg, png: svgToPng(svg) };
}
