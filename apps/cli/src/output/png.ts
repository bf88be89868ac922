// SVG → PNG for the figures, with resvg (a Rust SVG renderer, prebuilt per platform) and the DejaVu Sans font
// from npm — so a PNG renders the same text (Greek letters and math symbols included) on any machine.
import { createRequire } from "node:module";
import { Resvg } from "@resvg/resvg-js";

const require = createRequire(import.meta.url);
let fonts: string[] | undefined;

function fontFiles(): string[] {
  fonts ??= ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map((f) => require.resolve(`dejavu-fonts-ttf/ttf/${f}`));
  return fonts;
}

/** Renders an SVG document to PNG bytes at `scale`× its size (default 2: sharp on high-density screens). */
export function svgToPng(svg: string, scale = 2): Buffer {
  const r = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    font: { fontFiles: fontFiles(), loadSystemFonts: false, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
    background: "white",
  });
  return r.render().asPng();
}
