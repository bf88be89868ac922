// What the Chromium tests share (browser.test.ts: the lab and Fig. 4 pages; nc-page.test.ts: the neural-collapse page):
// Debian's Chromium driven by playwright-core (never a downloaded browser) on a local server of dist/, the page's
// errors collected, the waits every page's tests use, and the leaf-by-leaf comparison of a page's result with Node's.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { DIST, startServer } from "../scripts/serve.mjs";

export const CHROMIUM = "/usr/bin/chromium";
export const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
export const SHOTS = fileURLToPath(new URL("./screenshots/", import.meta.url));

export interface Session {
  server: Awaited<ReturnType<typeof startServer>>;
  browser: Browser;
  page: Page;
  /** uncaught errors and console errors of the page, in order */
  pageErrors: string[];
  close(): Promise<void>;
}

/** Serves dist/ and opens one 1280×1000 page in Debian's Chromium (errors named when either is missing). */
export async function openSession(): Promise<Session> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run \`node scripts/ensure-system-deps.mjs chromium\` at the repository root`);
  if (!existsSync(join(DIST, "index.html"))) throw new Error("apps/web/dist/index.html not found: build first with `npx turbo run build` at the repository root");
  mkdirSync(SHOTS, { recursive: true });
  const server = await startServer({ port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.on("console", (m) => void (m.type() === "error" && pageErrors.push(m.text())));
  return {
    server, browser, page, pageErrors,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** The waits and reads every page's tests use (each page keeps its state in body[data-state]). */
export function pageTools(page: Page) {
  const state = () => page.evaluate(() => document.body.dataset.state ?? "");
  return {
    state,
    /** waits for a run to end: done, error or cancelled */
    settled: async (): Promise<string> => {
      await page.waitForFunction(() => ["done", "error", "cancelled"].includes(document.body.dataset.state ?? ""), null, { timeout: 120_000 });
      return state();
    },
    /** resolves after the page has painted twice (its frame loop draws on requestAnimationFrame) */
    painted: () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))),
    hash: () => page.evaluate(() => location.hash.slice(1)),
    value: async (id: string) => page.getAttribute(`#${id}`, "data-value"),
    message: async () => ((await page.isVisible("#message")) ? (await page.textContent("#message")) ?? "" : ""),
  };
}

/** The leaves of two results that are not the same double: path, page, Node. */
export function differences(a: unknown, b: unknown, path = "result", out: [string, unknown, unknown][] = []): [string, unknown, unknown][] {
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, out);
  } else if (!Object.is(a, b)) out.push([path, a, b]);
  return out;
}
