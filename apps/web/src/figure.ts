// Draws a figure description (Vega-Lite, from core's figure helpers) into the page with Vega — the library the
// CLI renders its SVG reports with.
import * as vega from "vega";
import * as vl from "vega-lite";
import type { Figure } from "@marginflow/core";

let view: vega.View | undefined;

export async function drawFigure(container: HTMLElement, fig: Figure): Promise<void> {
  clearFigure(container);
  const spec = vl.compile(fig.vegaLite as unknown as vl.TopLevelSpec).spec;
  view = new vega.View(vega.parse(spec), { renderer: "svg", container, hover: false, logLevel: vega.Error });
  await view.runAsync();
  container.setAttribute("aria-label", `${fig.title}. ${fig.caption}`);
}

export function clearFigure(container: HTMLElement): void {
  view?.finalize();
  view = undefined;
  container.replaceChildren();
}
