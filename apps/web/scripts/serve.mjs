// A tiny static server for dist/: GET/HEAD only, 127.0.0.1 only, correct MIME types, no caching.
// CLI: `node scripts/serve.mjs [--port N]` (or PORT=N; default 5173). Tests import startServer().
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

export const DIST = fileURLToPath(new URL("../dist", import.meta.url));

/** @type {Record<string, string>} */
const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "application/javascript; charset=utf-8",
  ".mjs": "application/javascript; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".bin": "application/octet-stream",
};

/**
 * Serves `root` on 127.0.0.1:`port` (0 picks a free port).
 * @param {{ root?: string, port?: number }} [options]
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export async function startServer({ root = DIST, port = 5173 } = {}) {
  const server = createServer(async (req, res) => {
    const send = (/** @type {number} */ code, /** @type {string} */ text) => {
      res.writeHead(code, { "content-type": "text/plain; charset=utf-8" }).end(text);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed\n");
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    } catch {
      return send(400, "bad request\n");
    }
    if (path.endsWith("/")) path += "index.html";
    const file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) return send(403, "forbidden\n");
    try {
      if (!(await stat(file)).isFile()) return send(404, "not found\n");
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": MIME[extname(file).toLowerCase()] ?? "application/octet-stream",
        "content-length": body.length,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch {
      send(404, "not found\n");
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(undefined));
  });
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${actual}/`,
    port: actual,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}

/** Port from --port, then PORT, then 5173; exits with a message on anything that is not an integer in [0, 65535]. */
function portFromArgs() {
  const { values } = parseArgs({ options: { port: { type: "string" } } });
  const raw = values.port ?? process.env.PORT ?? "5173";
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) {
    process.stderr.write(`serve: --port: expected an integer in [0, 65535], got ${JSON.stringify(raw)}\n`);
    process.exit(2);
  }
  return port;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  try {
    await stat(join(DIST, "index.html"));
  } catch {
    process.stderr.write("serve: dist/index.html not found — build first: `npx turbo run build` at the repository root\n");
    process.exit(1);
  }
  const port = portFromArgs();
  const { url } = await startServer({ port }).catch((/** @type {NodeJS.ErrnoException} */ e) => {
    process.stderr.write(`serve: cannot listen on 127.0.0.1:${port}: ${e.code === "EADDRINUSE" ? "port in use, try --port" : e.message}\n`);
    process.exit(1);
  });
  process.stdout.write(`marginflow web demo: ${url}  (Ctrl+C to stop)\n`);
}
