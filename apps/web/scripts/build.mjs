// Bundles the page and its Worker with esbuild into dist/: index.html, main.js, worker.js (+ source maps).
// @marginflow/core resolves to its built dist/ (turbo builds dependencies first: dependsOn ^build).
import { build } from "esbuild";
import { copyFile, mkdir, rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { typeboxIsPure } from "../../../scripts/esbuild-pure.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const outdir = `${root}dist`;

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: ["src/main.ts", "src/worker.ts"],
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
});
await copyFile(`${root}src/index.html`, `${outdir}/index.html`);
await copyFile(fileURLToPath(import.meta.resolve("uplot/dist/uPlot.min.css")), `${outdir}/uPlot.min.css`);

const sizes = Object.entries(result.metafile.outputs)
  .filter(([file]) => file.endsWith(".js"))
  .map(([file, o]) => `${file.replace(/^dist\//, "")} ${(o.bytes / 1024).toFixed(0)} KiB`);
process.stdout.write(`web: built dist/ (index.html, ${sizes.join(", ")})\n`);
