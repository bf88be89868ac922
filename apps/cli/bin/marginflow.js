#!/usr/bin/env node
// Launcher: the CLI is compiled and bundled into dist/main.bundle.js by `npm run build` (turbo builds it with its
// dependencies).
import { existsSync } from "node:fs";
const main = new URL("../dist/main.bundle.js", import.meta.url);
if (!existsSync(main)) {
  console.error("marginflow: not built yet — run `npm run build` at the repository root first.");
  process.exit(2);
}
// a reader that went away (`marginflow … | head`) ends the program quietly, not with an EPIPE stack trace; files
// are written atomically and runs resume, so nothing is left half-written
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});
const { run } = await import(main.href);
process.exitCode = await run(process.argv.slice(2));
