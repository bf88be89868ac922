// Bundles the command (dist/main.js) and the pool's worker (dist/worker.js), each with everything it imports —
// core, the embedded kernels, comlink, TypeBox — into one minified ESM file: dist/main.bundle.js (what
// bin/marginflow.js runs) and dist/worker.bundle.js (what each pool worker loads, on the critical path of every
// sweep). One file loads in a fraction of the time of the unbundled module graph (measured in docs/decisions.md).
// TypeBox is marked side-effect free (scripts/esbuild-pure.mjs): the bundles keep only what marginflow uses.
// Vega, Vega-Lite and resvg stay outside: the command imports them on first use (a command that draws nothing
// never loads them).
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { typeboxIsPure } from "../../../scripts/esbuild-pure.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const common = { absWorkingDir: root, bundle: true, format: "esm", platform: "node", target: "node20", sourcemap: "linked", minify: true, plugins: [typeboxIsPure], logLevel: "warning" };
await build({ ...common, entryPoints: ["dist/worker.js"], outfile: "dist/worker.bundle.js" });
await build({
  ...common,
  entryPoints: ["dist/main.js"],
  outfile: "dist/main.bundle.js",
  external: ["vega", "vega-lite", "@resvg/resvg-js", "dejavu-fonts-ttf"],
  mainFields: ["module", "main"], // jsonc-parser: its ESM build (the UMD one requires files dynamically)
  // papaparse is CommonJS: give the ESM bundle a require for it
  banner: { js: 'import { createRequire as __mfRequire } from "node:module"; const require = __mfRequire(import.meta.url);' },
});
