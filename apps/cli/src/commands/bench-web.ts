// marginflow bench web: the web demo in headless Chromium (bench/peers/web-page.mjs drives Debian's /usr/bin/chromium
// through playwright-core on a local server of apps/web/dist): the time for the default 2-D network to reach
// t = 1e100 in the page, the main thread's frames per second meanwhile and while a worker trains it by GD, and the
// worker's GD steps per second, and the neural-collapse page's two default runs (time, frames, fps) — medians of --repeat fresh page loads, against the issue's targets (≥ 55 fps, < 10 s).
// TensorFlow Playground, the page people compare with, trains on the main thread and cannot run offline here: the
// targets stand in for a peer.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { CliError, UsageError } from "../errors.js";
import { intFlag, pathFlag } from "../flags.js";
import { checkWritable, writeJson } from "../io.js";
import { repoRoot } from "../repo-root.js";
import type { Values } from "../flags.js";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface PageRun {
  toT100Ms: number;
  log10t: number;
  frames: number;
  flowFps: number;
  trainFps: number;
  stepsPerSecond: number;
  ncUlpmMs: number;
  ncUlpmFrames: number;
  ncUlpmFps: number;
  ncMnistMs: number;
  ncMnistFrames: number;
  ncMnistFps: number;
}

export async function benchWebCommand(values: Values): Promise<number> {
  for (const f of ["radii", "samples", "workers", "quick"]) if (values[f] !== undefined) throw new UsageError(`bench web: --${f} does not apply (only --repeat and --json)`);
  const repeat = intFlag("repeat", values.repeat, 3, 1, 20);
  if (values.json !== undefined) checkWritable(pathFlag("json", values.json, ""));
  const root = repoRoot("web-page.mjs", "bench web");
  if (!existsSync("/usr/bin/chromium")) throw new CliError("bench web: /usr/bin/chromium not found; install it with `node scripts/ensure-system-deps.mjs chromium` at the repository root");
  if (!existsSync(join(root, "apps", "web", "dist", "index.html"))) throw new CliError("bench web: apps/web/dist is not built; run `npx turbo run build` at the repository root");
  process.stderr.write(`bench web: ${repeat} page load(s) in headless Chromium…\n`);
  const p = spawnSync(process.execPath, [join(root, "bench", "peers", "web-page.mjs"), String(repeat)], { cwd: root, encoding: "utf8", maxBuffer: 1 << 24, timeout: 20 * 60_000 });
  if (p.status !== 0) throw new CliError(`bench web: the page run failed (${p.error?.message ?? `exit ${p.status}`}): ${(p.stderr || "").trim().split("\n").slice(-3).join(" | ")}`);
  const out = JSON.parse(p.stdout) as { chromium: string | null; runs: PageRun[]; errors: string[] };
  if (out.errors.length) throw new CliError(`bench web: the page reported errors: ${out.errors.join("; ")}`);
  const m = (k: keyof PageRun) => median(out.runs.map((r) => r[k]));
  const rows: [string, string, string][] = [
    ["default network to t = 1e100 (page clock)", `${(m("toT100Ms") / 1000).toFixed(2)} s`, `target < 10 s: ${m("toT100Ms") < 10_000 ? "met" : "MISS"}`],
    ["main thread during that run", `${m("flowFps").toFixed(1)} fps`, `${m("frames")} frames drawn`],
    ["main thread while the worker trains (GD, 3 s)", `${m("trainFps").toFixed(1)} fps`, `target ≥ 55 fps: ${m("trainFps") >= 55 ? "met" : "MISS"}`],
    ["worker's GD steps per second (default network)", m("stepsPerSecond").toFixed(0), ""],
    ["neural collapse: the ULPM (K = 3) to t = 1e100", `${(m("ncUlpmMs") / 1000).toFixed(2)} s`, `${m("ncUlpmFrames")} frames; main thread ${m("ncUlpmFps").toFixed(1)} fps`],
    ["neural collapse: LN MLP on 4 digits to L = 1e-100", `${(m("ncMnistMs") / 1000).toFixed(2)} s`, `${m("ncMnistFrames")} frames; main thread ${m("ncMnistFps").toFixed(1)} fps`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`web demo in headless Chromium ${out.chromium ?? ""} — medians of ${out.runs.length} page load(s)\n` + rows.map(([a, b, c]) => `  ${a.padEnd(w)}  ${b.padStart(10)}  ${c}`).join("\n") + "\n");
  if (typeof values.json === "string") {
    writeJson(values.json, { ...out, medians: { toT100Ms: m("toT100Ms"), flowFps: m("flowFps"), trainFps: m("trainFps"), stepsPerSecond: m("stepsPerSecond"), ncUlpmMs: m("ncUlpmMs"), ncUlpmFps: m("ncUlpmFps"), ncMnistMs: m("ncMnistMs"), ncMnistFps: m("ncMnistFps") }, machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version }, date: new Date().toISOString() });
    process.stdout.write(`wrote ${values.json}\n`);
  }
  return 0;
}
