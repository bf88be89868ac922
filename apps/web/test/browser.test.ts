// The demo in a real browser (Debian's Chromium via playwright-core, never a downloaded one): the page's Worker
// runs the WASM kernels and must reproduce the closed forms AND, bit for bit, what core computes in Node.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { runOde, runtime, type OdeSpec } from "@marginflow/core";
import { DIST, startServer } from "../scripts/serve.mjs";
import { decaySpec, oscillatorError, oscillatorFigure, oscillatorProblem, wasmPanelsHash } from "../src/specs.js";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: run \`node scripts/ensure-system-deps.mjs chromium\` at the repository root`);
  }
  if (!existsSync(join(DIST, "index.html"))) {
    throw new Error("apps/web/dist/index.html not found: build first with `npx turbo run build` at the repository root");
  }
  server = await startServer({ port: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  page = await browser.newPage();
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.on("console", (m) => void (m.type() === "error" && pageErrors.push(m.text())));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Waits until the page has finished a run; returns body[data-state]. */
async function settled(): Promise<string> {
  await page.waitForFunction(() => ["done", "error", "cancelled"].includes(document.body.dataset.state ?? ""), null, { timeout: 90_000 });
  return page.evaluate(() => document.body.dataset.state ?? "");
}

/** The exact number the page wrote into #id (data-value holds the round-trip String of the double). */
async function value(id: string): Promise<number> {
  const raw = await page.getAttribute(`#${id}`, "data-value");
  expect(raw, `#${id} has a value`).not.toBeNull();
  return Number(raw);
}

/** The IEEE-754 bits of a double, as hex, for bitwise comparisons with readable failures. */
function bits(x: number): string {
  return new BigUint64Array(new Float64Array([x]).buffer)[0]!.toString(16).padStart(16, "0");
}

/** The same spec integrated by core in Node, through the function the worker runs. */
async function integrateInNode(spec: OdeSpec) {
  return runOde(await runtime(), spec);
}

describe("web demo in Chromium", () => {
  test("the browser worker's oscillator is within 1e-8 of (cos t, −sin t) after 100 periods and bitwise equal to Node's", async () => {
    await page.goto(server.url);
    expect(await settled()).toBe("done");

    const y = [await value("final-y0"), await value("final-y1")];
    const T = await value("final-t");
    const err = await value("error");
    expect(err).toBeLessThanOrEqual(1e-8);
    expect(oscillatorError(1, T, y)).toBe(err);

    // Same spec (built by the page's own specs.ts), integrated by core in Node.
    const { spec } = oscillatorProblem({ omega: 1, periods: 100, rtol: 1e-10, atol: 1e-10, maxSteps: 1_000_000 });
    const node = await integrateInNode(spec);
    expect(T).toBe(node.t);
    expect(y.map(bits)).toEqual(node.y.map((v) => bits(v!)));
    expect(await value("nfev")).toBe(node.stats.nfev);
    expect(await value("steps")).toBe(node.stats.accepted);
    expect(await page.textContent("#osc-status")).toBe("done");
    // the figure: a description built by core's figure helpers, drawn by Vega — the same description Node builds
    expect(await page.locator("#figure svg").count()).toBe(1);
    expect(await page.locator("#figure svg .mark-line path").count()).toBe(3);
    expect(await page.getAttribute("#figure", "data-hash")).toBe(wasmPanelsHash(oscillatorFigure({ spec, omega: 1, T }, node)));

    expect(await page.textContent("body")).not.toMatch(/NaN/);
    expect(pageErrors).toEqual([]);
  });

  test("the event y = 1/2 of y' = −y is located within 1e-9 of ln 2, bitwise as in Node", async () => {
    const t = await value("event-t");
    expect(Math.abs(t - Math.LN2)).toBeLessThanOrEqual(1e-9);
    expect(await page.textContent("#event-status")).toBe("event");
    const node = await integrateInNode(decaySpec);
    expect(node.events).toHaveLength(1);
    expect(bits(t)).toBe(bits(node.events[0]!.t));
    expect(await value("event-nfev")).toBe(node.stats.nfev);
  });

  test("an invalid tolerance shows core's typed error (naming options.rtol), never NaN", async () => {
    await page.fill("#rtol", "-1");
    await page.click("#run");
    expect(await settled()).toBe("error");
    const message = await page.textContent("#message");
    expect(message).toContain("ArgumentError");
    expect(message).toContain("options.rtol");
    expect(message).toContain("got -1");
    expect(await page.isVisible("#message")).toBe(true);
    expect(await page.getAttribute("#rtol", "aria-invalid")).toBe("true");
    expect(await page.textContent("#error")).toBe("—");
    expect(await page.textContent("body")).not.toMatch(/NaN/);

    await page.fill("#rtol", "abc");
    await page.click("#run");
    expect(await settled()).toBe("error");
    expect(await page.textContent("#message")).toContain('options.rtol: expected a finite number > 0, got "abc"');
    expect(await page.textContent("body")).not.toMatch(/NaN/);
  });

  test("the main thread stays responsive during a long run, and Cancel restarts the worker", async () => {
    // 1e6 periods at rtol 1e-13: ~1e8 steps, far more WASM work than the test waits for (a fast machine did
    // 1e4 periods in 0.3 s, so the run must be long enough that the ticker is seen before it ends).
    await page.fill("#rtol", "1e-13");
    await page.fill("#periods", "1000000");
    await page.fill("#maxSteps", "100000000");
    await page.click("#run");
    await page.waitForFunction(() => document.body.dataset.state === "running");
    // The status ticker is a main-thread timer: it advancing proves the page is not blocked by the integration.
    await page.waitForFunction(() => /running… [1-9]|running… 0\.[3-9]/.test(document.getElementById("status")?.textContent ?? ""));
    await page.click("#cancel");
    expect(await settled()).toBe("cancelled");

    await page.fill("#periods", "100");
    await page.fill("#rtol", "1e-10");
    await page.fill("#maxSteps", "1000000");
    await page.click("#run");
    expect(await settled()).toBe("done");
    expect(await value("error")).toBeLessThanOrEqual(1e-8);
    expect(pageErrors).toEqual([]);
  });
});
