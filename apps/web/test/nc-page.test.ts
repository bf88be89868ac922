// The neural-collapse page in a real browser (Debian's Chromium via playwright-core): bad input and cancel, the
// ULPM and the layer-normalized MLP on MNIST digits reaching their end states live — the simplex view, the metrics,
// the frames scrubbed back by keyboard — and each run's result equal to core's run of the same item in Node, bit for
// bit (Node's MNIST is the CLI's, the `mnist` package; the page's is the file it ships). Screenshots for the README.
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { getExperiment, registerMnist, runtime, type CollapseFrame } from "@marginflow/core";
import { NC_CHART_METRICS } from "../src/nc-model.js";
import { SHOTS, differences, openSession, pageTools, type Session } from "./chromium.js";

let session: Session;
let server: Session["server"];
let page: Page;
let pageErrors: string[];
let tools: ReturnType<typeof pageTools>;

beforeAll(async () => {
  registerMnist(() => (createRequire(import.meta.url)("mnist") as { raw: number[]; length: number }[]).map((d) => ({ count: d.length, raw: d.raw })));
  session = await openSession();
  ({ server, page, pageErrors } = session);
  tools = pageTools(page);
});

afterAll(async () => {
  await session?.close();
});

describe("the neural-collapse page in Chromium", () => {

  const openNc = async (hash = "") => {
    await page.goto("about:blank");
    await page.goto(`${server.url}nc.html${hash ? `#${hash}` : ""}`);
    await page.waitForFunction(() => document.body.dataset.state === "idle", null, { timeout: 30_000 });
  };
  type NcWindow = { marginflow: { experiment: string; item: unknown; result: Record<string, unknown>; frames: number; last: CollapseFrame } };
  const ncRun = () => page.evaluate(() => (window as unknown as NcWindow).marginflow);
  /** The page's item run by core in Node (the CLI's MNIST: the `mnist` package); timings left out of both. */
  async function ncCompare(): Promise<{ differing: number; fields: string[] }> {
    const { experiment, item, result } = await ncRun();
    const node = JSON.parse(JSON.stringify(await getExperiment(experiment).run(item, { rt: await runtime() })));
    const d = differences(result, node).filter(([p]) => !p.endsWith(".seconds"));
    return { differing: d.length, fields: [...new Set(d.map(([p]) => p.replace(/\.\d+/g, "[]")))] };
  }

  test("a bad control or URL names the field and keeps the state; Cancel stops the worker", async () => {
    await openNc("classes=2");
    expect(await tools.message()).toBe("the URL's state: #classes: expected an integer in [3, 10], got \"2\" — the defaults are shown instead");
    expect(await page.inputValue("#classes")).toBe("3");
    await page.fill("#classes", "11");
    await page.dispatchEvent("#classes", "change");
    expect(await tools.message()).toBe('classes K: expected an integer in [3, 10], got "11"');
    expect(await page.getAttribute("#classes", "aria-invalid")).toBe("true");
    expect(await tools.hash()).toBe("");
    await page.fill("#dim", "4");
    await page.dispatchEvent("#dim", "change");
    await page.fill("#classes", "5");
    await page.dispatchEvent("#classes", "change");
    expect(await tools.message()).toMatch(/^dim: expected d ≥ K = 5/);
    expect(await tools.hash()).toBe("dim=4");
    await page.selectOption("#model", "plain");
    expect(await page.isVisible("#mnist-fields")).toBe(true);
    expect(await page.isVisible("#ulpm-fields")).toBe(false);
    expect(await tools.hash()).toBe("model=plain&dim=4");
    expect(await page.textContent("#cli")).toMatch(/^npx marginflow reproduce nc-mnist --networks plain --digits 0,1,2 --per-class 30 /);
    // a long run, cancelled: the page says so and the next run starts on a fresh worker
    await openNc("epochs=1000000");
    await page.click("#play");
    await page.waitForFunction(() => (document.getElementById("status")?.textContent ?? "").startsWith("GD step"), null, { timeout: 30_000 });
    await page.click("#cancel");
    expect(await tools.state()).toBe("cancelled");
    expect(await page.isDisabled("#cancel")).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  test("the ULPM (K = 3) reaches t = 1e100 live: the means on the simplex plane, every NC metric falling, Node's numbers bitwise", async () => {
    await openNc();
    const t0 = Date.now();
    await page.click("#play");
    expect(await tools.settled()).toBe("done");
    const { result, frames, last } = await ncRun();
    process.stdout.write(`web: NC page, ULPM K = 3: ${frames} frames to log10 t = ${last.log10t} in ${((Date.now() - t0) / 1000).toFixed(2)} s, log10 L = ${last.log10Loss?.toFixed(1)}\n`);
    expect(frames).toBeGreaterThan(20);
    expect(last.log10t!).toBeGreaterThanOrEqual(100 - 1e-9);
    expect(last.log10Loss!).toBeLessThan(-99); // the summed loss far below 1e-99: carried as log L
    expect(last.view!.dims).toBe(2);
    // the means at t = 1e100 are within 2% of the regular simplex (seed 002's equinorm 4e-3, angles 6e-3)
    const gap = Math.max(...last.view!.means.map((m, k) => Math.hypot(m[0]! - last.view!.ideal![k]![0]!, m[1]! - last.view!.ideal![k]![1]!)));
    expect(gap).toBeLessThan(0.02);
    const flow = result.flow as { metrics: Record<string, number> }[];
    for (const k of NC_CHART_METRICS.ulpm) expect(flow.at(-1)!.metrics[k]!).toBeLessThan(flow[1]!.metrics[k]!);
    expect(Number(await tools.value("out-t"))).toBe(last.log10t);
    const cmp = await ncCompare();
    expect(cmp.fields).toEqual([]);
    await page.screenshot({ path: join(SHOTS, "nc-ulpm.png"), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  test("the layer-normalized MLP on 4 MNIST digits reaches L < 1e-100: the 3-D simplex view, NC1 collapsed, Node's numbers bitwise", async () => {
    await openNc("model=layernorm&classes=4");
    await page.click("#play");
    expect(await tools.settled()).toBe("done");
    const { result, frames, last } = await ncRun();
    const records = result.records as { phase: string; metrics: Record<string, number | null> }[];
    process.stdout.write(`web: NC page, LN MLP on 4 digits: ${frames} frames, log10 L = ${last.log10Loss?.toFixed(1)}, NC1 ${records[0]!.metrics.nc1} → ${last.metrics.nc1}\n`);
    expect(frames).toBe(records.length + 1); // the continuation's first record repeats SGD's last
    expect(last.phase).toBe("continuation");
    expect(last.log10Loss!).toBeLessThan(-100);
    expect(last.accuracy).toBe(1);
    expect(last.view!.dims).toBe(3);
    expect(last.view!.features.length).toBe(80);
    expect(last.metrics.nc1!).toBeLessThan(1e-3 * records[0]!.metrics.nc1!);
    // the view can be turned by keyboard
    await page.focus("#simplex");
    await page.keyboard.press("ArrowLeft");
    expect(await page.isChecked("#rotate")).toBe(false);
    const cmp = await ncCompare();
    expect(cmp.fields).toEqual([]);
    await page.screenshot({ path: join(SHOTS, "nc-mnist.png"), fullPage: true });
    // scrubbing back by keyboard: the first frame (SGD's start, features spread) is shown; End follows the run again
    await page.focus("#frame");
    await page.keyboard.press("Home");
    await tools.painted();
    expect(await page.textContent("#out-phase")).toBe("sgd");
    expect(await page.textContent("#frame-out")).toBe(`1 of ${frames}`);
    expect(Number(await tools.value("m-nc1"))).toBe(records[0]!.metrics.nc1);
    await page.keyboard.press("End");
    await tools.painted();
    expect(await page.textContent("#frame-out")).toBe(`${frames} of ${frames} (latest)`);
    expect(Number(await tools.value("m-nc1"))).toBe(last.metrics.nc1);
    expect(pageErrors).toEqual([]);
  });
});
