// Bundles the pages and their Worker with esbuild into dist/: index.html + main.js, fig4.html + fig4.js (with the
// sweep it shows, fig4-sweep.json, computed here by core's fig4 experiment), nc.html + nc.js (with the MNIST digits
// its worker reads, mnist-digits.bin, written here from the `mnist` package), worker.js (+ source maps).
// @marginflow/core resolves to its built dist/ (turbo builds dependencies first: dependsOn ^build).
import { build } from "esbuild";
import { copyFile, mkdir, rm, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { typeboxIsPure } from "../../../scripts/esbuild-pure.mjs";
import { fig4Sweep } from "./fig4-sweep.mjs";
import { writeMnistAsset } from "./mnist-asset.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const outdir = `${root}dist`;

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
/** @type {import("esbuild").BuildOptions} */
const common = {
  absWorkingDir: root,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  outdir: "dist",
  sourcemap: "linked",
  minify: true,
  plugins: [typeboxIsPure],
  metafile: true,
  logLevel: "warning",
};
// the pages share their chunks (core, uPlot, Vega), kept beside the pages: live.ts finds worker.js relative to its
// own module (new URL("./worker.js", import.meta.url)); the worker is one file of its own
const pages = await build({ ...common, entryPoints: ["src/main.ts", "src/fig4.ts", "src/nc.ts"], splitting: true, chunkNames: "chunk-[hash]" });
const worker = await build({ ...common, entryPoints: ["src/worker.ts"] });
await copyFile(`${root}src/index.html`, `${outdir}/index.html`);
await copyFile(`${root}src/fig4.html`, `${outdir}/fig4.html`);
await copyFile(`${root}src/nc.html`, `${outdir}/nc.html`);
await copyFile(`${root}src/style.css`, `${outdir}/style.css`);
const t0 = performance.now();
await writeFile(`${outdir}/fig4-sweep.json`, JSON.stringify(await fig4Sweep()));
const sweepMs = performance.now() - t0;
const mnistBytes = await writeMnistAsset(`${outdir}/mnist-digits.bin`);
await copyFile(fileURLToPath(import.meta.resolve("uplot/dist/uPlot.min.css")), `${outdir}/uPlot.min.css`);

const sizes = Object.entries({ ...pages.metafile?.outputs, ...worker.metafile?.outputs })
  .filter(([file]) => file.endsWith(".js"))
  .map(([file, o]) => `${file.replace(/^dist\//, "")} ${(o.bytes / 1024).toFixed(0)} KiB`);
process.stdout.write(`web: built dist/ (index.html, fig4.html, nc.html, ${sizes.join(", ")}; fig4-sweep.json in ${(sweepMs / 1000).toFixed(1)} s; mnist-digits.bin ${(mnistBytes / 1024).toFixed(0)} KiB)\n`);
