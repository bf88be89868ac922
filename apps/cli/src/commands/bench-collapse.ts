// marginflow bench collapse: every neural-collapse metric of N × 256 features, K = 10 classes, with a classifier,
// by marginflow's measureCollapse (one thread: means, then one pass projecting the residuals on the K class means)
// and by a NumPy two-pass peer of the same definitions (bench/peers/collapse_numpy.py: d×d covariances and pinv),
// on the same numbers, in one run: medians, the ratio, the largest relative difference of the metrics.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { dump } from "npyjs";
import { Blas, measureCollapse, Rng, Runtime } from "@marginflow/core";
import { CliError, UsageError } from "../errors.js";
import { intFlag, pathFlag } from "../flags.js";
import { checkWritable, writeJson } from "../io.js";
import { repoRoot } from "../repo-root.js";
import { peerPython } from "../peer-python.js";

const DIM = 256, CLASSES = 10;
/** Untimed runs before the timed ones, on both sides: the steady state of a process that measures collapse every few
 *  epochs (V8 needs ~15 calls to reach its optimizing tier on the JS around the kernels: 34 ms, then 10–11, then 8.5). */
const WARMUP = 15;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Features around K random class means (σ = 1 around means of norm ~ 3√d: partly collapsed), a random classifier. */
function features(n: number): { H: Float64Array; y: Float64Array; W: Float64Array; b: Float64Array } {
  const rng = Rng.fromSeed(7);
  const mu = rng.fillNormal(new Float64Array(CLASSES * DIM), 0, 3);
  const H = rng.split(1).fillNormal(new Float64Array(n * DIM));
  const y = Float64Array.from({ length: n }, (_, i) => i % CLASSES);
  for (let i = 0; i < n; i++) for (let j = 0; j < DIM; j++) H[i * DIM + j]! += mu[y[i]! * DIM + j]!;
  return { H, y, W: rng.split(2).fillNormal(new Float64Array(CLASSES * DIM)), b: rng.split(3).fillNormal(new Float64Array(CLASSES), 0, 0.1) };
}

function flatten(m: Record<string, unknown>, prefix = ""): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m)) {
    if (typeof v === "number") out[prefix + k] = v;
    else if (v && typeof v === "object") Object.assign(out, flatten(v as Record<string, unknown>, `${prefix}${k}.`));
  }
  return out;
}

export async function benchCollapse(values: Record<string, string | boolean | undefined>): Promise<number> {
  for (const f of ["radii", "workers", "quick"]) if (values[f] !== undefined) throw new UsageError(`bench collapse: --${f} does not apply (its flags: --samples, --repeat, --json)`);
  const n = intFlag("samples", values.samples, 10_000, 100, 1_000_000);
  const repeat = intFlag("repeat", values.repeat, 5, 1, 100);
  if (values.json !== undefined) checkWritable(pathFlag("json", values.json, ""));
  const ROOT = repoRoot("collapse_numpy.py", "bench collapse"), PEER = join(ROOT, "bench", "peers", "collapse_numpy.py");
  const deps = spawnSync(process.execPath, [join(ROOT, "scripts", "ensure-system-deps.mjs"), "python3-scipy"], { stdio: ["ignore", "inherit", "inherit"] });
  if (deps.status !== 0) throw new CliError("bench collapse: the NumPy peer needs python3-numpy (install python3-scipy)");
  const { H, y, W, b } = features(n);
  const X = { rows: n, cols: DIM, data: H }, clf = { W: { rows: CLASSES, cols: DIM, data: W }, b };
  process.stderr.write(`bench collapse: ${n} × ${DIM} features, K = ${CLASSES} — marginflow, ${repeat} runs each (WASM GEMM, plain TS)…\n`);
  const blas = new Blas(await Runtime.create());
  let m = measureCollapse(X, y, CLASSES, clf, { blas }); // the result compared with the peer's
  for (let k = 1; k < WARMUP; k++) measureCollapse(X, y, CLASSES, clf, { blas });
  const time = (withBlas: boolean) => {
    const out: number[] = [];
    if (!withBlas) for (let k = 0; k < WARMUP; k++) measureCollapse(X, y, CLASSES, clf); // warm-up of the plain-TS path
    for (let k = 0; k < repeat; k++) {
      const t0 = performance.now();
      const r = measureCollapse(X, y, CLASSES, clf, withBlas ? { blas } : {});
      out.push((performance.now() - t0) / 1000);
      if (withBlas) m = r;
    }
    return out;
  };
  const ours = time(true), plain = time(false);
  const dir = mkdtempSync(join(tmpdir(), "mf-bench-nc-"));
  let peer: { metrics: Record<string, unknown>; seconds: number[] };
  try {
    const files = { H: [H, [n, DIM]], y: [Int32Array.from(y), [n]], W: [W, [CLASSES, DIM]], b: [b, [CLASSES]] } as const;
    for (const [name, [data, shape]] of Object.entries(files)) writeFileSync(join(dir, `${name}.npy`), Buffer.from(dump(data as Float64Array, [...shape])));
    process.stderr.write(`bench collapse: the NumPy peer (${peerPython()}, ${repeat} runs)…\n`);
    const r = spawnSync(peerPython(), [PEER, "--npy", ...["H", "y", "W", "b"].map((f) => join(dir, `${f}.npy`)), String(CLASSES), String(repeat), String(WARMUP)], { encoding: "utf8", maxBuffer: 1 << 26, env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1" } });
    if (r.status !== 0) throw new CliError(`bench collapse: the NumPy peer failed: ${(r.stderr || r.error?.message || "").trim().split("\n").pop()}`);
    peer = JSON.parse(r.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const mine = flatten(m as unknown as Record<string, unknown>), theirs = flatten(peer.metrics);
  let worst = 0, worstName = "";
  for (const [k, v] of Object.entries(theirs)) {
    const d = Math.abs(mine[k]! - v) / Math.max(Math.abs(v), 1e-300);
    if (!(d <= worst)) { worst = d; worstName = k; }
  }
  const tm = median(ours), tp = median(peer.seconds);
  process.stdout.write(
    `neural-collapse metrics of ${n} × ${DIM} features, K = ${CLASSES}, with a classifier (${Object.keys(theirs).length} metrics)\n` +
      `  marginflow   ${(tm * 1000).toFixed(1).padStart(8)} ms  (median of ${repeat} after ${WARMUP} untimed: ${ours.map((s) => (s * 1000).toFixed(1)).join(", ")}; one thread, WASM GEMM)\n` +
      `  plain TS     ${(median(plain) * 1000).toFixed(1).padStart(8)} ms  (the same without the GEMM)\n` +
      `  NumPy        ${(tp * 1000).toFixed(1).padStart(8)} ms  (median of ${repeat} after ${WARMUP} untimed; two passes, d×d covariances, pinv; BLAS on one thread)\n` +
      `  ratio        ${(tp / tm).toFixed(1).padStart(8)}×\n` +
      `  largest relative difference ${worst.toExponential(2)} (${worstName})\n` +
      `${tp / tm >= 5 ? "met " : "MISS"}  ≥ 5× the NumPy two-pass computation: ${(tp / tm).toFixed(1)}\n`,
  );
  if (typeof values.json === "string") {
    writeJson(values.json, { samples: n, dim: DIM, classes: CLASSES, marginflowSeconds: ours, plainTsSeconds: plain, numpySeconds: peer.seconds, ratio: tp / tm, maxRelativeDifference: worst, machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version }, date: new Date().toISOString() });
    process.stdout.write(`wrote ${values.json}\n`);
  }
  return 0;
}
