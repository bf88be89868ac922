// Bundles the pool's worker (dist/worker.js and everything it imports: core, the embedded kernels, comlink) into
// one ESM file, dist/worker.bundle.js. Each worker of a sweep starts by loading it: one file parses in ~20 ms
// where the ~60 modules of the unbundled graph took ~70 ms, per worker, on the critical path of every sweep.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
await build({
  absWorkingDir: root,
  entryPoints: ["dist/worker.js"],
  outfile: "dist/worker.bundle.js",
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  logLevel: "warning",
});
