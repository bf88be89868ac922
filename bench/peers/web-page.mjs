// `marginflow bench web`'s measurement: the web demo (apps/web/dist) served locally and driven in Debian's headless
// Chromium through playwright-core. Each repeat, on a fresh load of the page:
//   1. the default network (two Gaussians, 2 × 8 ReLU with biases, exponential loss, gradient flow) played to
//      t = 1e100: the page's own wall clock for the run, and the main thread's frames per second meanwhile;
//   2. the same network trained by GD (10⁶ steps): over 3 s, the main thread's frames per second and the worker's
//      steps per second (from the latest frame the page received);
//   3. the neural-collapse page's default ULPM (K = 3, GD then gradient flow to t = 1e100) and its layer-normalized
//      MLP on 4 MNIST digits (to L = 1e-100): the page's clock for each run, the frames it drew from, and the main
//      thread's frames per second meanwhile (the 3-D view turns on every animation frame).
// Prints one JSON object on stdout. Usage: node bench/peers/web-page.mjs [repeats]
import { existsSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { DIST, startServer } from "../../apps/web/scripts/serve.mjs";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const repeats = Number(process.argv[2] ?? 3);
if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (node scripts/ensure-system-deps.mjs chromium)`);
if (!existsSync(join(DIST, "index.html"))) throw new Error("apps/web/dist/index.html not found: build first (npx turbo run build)");

const server = await startServer({ port: 0 });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
const errors = [];
page.on("pageerror", (e) => errors.push(e.message));

const open = async (hash, file = "") => {
  await page.goto("about:blank");
  await page.goto(`${server.url}${file}${hash ? `#${hash}` : ""}`);
  await page.waitForFunction(() => document.body.dataset.state === "idle", null, { timeout: 60_000 });
};
const settled = () => page.waitForFunction(() => ["done", "error", "cancelled"].includes(document.body.dataset.state ?? ""), null, { timeout: 300_000 });
const value = (id) => page.getAttribute(`#${id}`, "data-value").then(Number);
const countFrames = () => page.evaluate(() => {
  const w = window;
  w.benchFps = { times: [], on: true };
  const tick = (t) => { if (w.benchFps.on) { w.benchFps.times.push(t); requestAnimationFrame(tick); } };
  requestAnimationFrame(tick);
});
const fps = () => page.evaluate(() => {
  const w = window;
  w.benchFps.on = false;
  const t = w.benchFps.times;
  return t.length > 1 ? (t.length - 1) / ((t.at(-1) - t[0]) / 1000) : 0;
});
const live = () => page.evaluate(() => window.marginflowLive ?? null);

const runs = [];
try {
  for (let k = 0; k < repeats; k++) {
    await open("");
    await countFrames();
    await page.click("#play");
    await settled();
    const flowFps = await fps(), toT100Ms = await value("out-elapsed"), log10t = await value("out-log10t"), frames = await value("out-frames");
    await open("dynamics=gd&steps=1000000");
    await page.click("#play");
    await page.waitForFunction(() => (window.marginflowLive?.step ?? 0) > 0, null, { timeout: 60_000 });
    await page.waitForTimeout(500);
    const a = await live();
    await countFrames();
    await page.waitForTimeout(3000);
    const trainFps = await fps(), b = await live();
    await page.click("#cancel");
    await settled();
    const nc = {};
    for (const [key, hash] of [["ncUlpm", ""], ["ncMnist", "model=layernorm&classes=4"]]) {
      await open(hash, "nc.html");
      await countFrames();
      await page.click("#play");
      await settled();
      const f = await fps();
      const r = await page.evaluate(() => ({ ms: window.marginflow.ms, frames: window.marginflow.frames }));
      Object.assign(nc, { [`${key}Ms`]: r.ms, [`${key}Frames`]: r.frames, [`${key}Fps`]: f });
    }
    runs.push({ toT100Ms, log10t, frames, flowFps, trainFps, stepsPerSecond: ((b.step - a.step) / (b.ms - a.ms)) * 1000, ...nc });
  }
} finally {
  await browser.close();
  await server.close();
}
process.stdout.write(JSON.stringify({ chromium: browser.version?.() ?? null, runs, errors }) + "\n");
