// marginflow bench train: the SGD step of the MLP 784-256-256-LN-10 and of a small conv net (batch 128,
// cross-entropy, momentum 0.9) by marginflow (f64, and f32 for the MLP; one thread, an epoch per kernel call), PyTorch on the CPU
// (Debian's python3-torch, one thread, f32 and f64: bench/peers/train_torch.py) and TF.js in Node (wasm and cpu
// backends, f32: bench/peers/train-tfjs.mjs), side by side in one run; then GEMM GFLOP/s at the training shapes
// with the fraction of the measured SIMD peak, and the NC accumulators against NumPy (bench collapse).
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { join } from "node:path";
import { Runtime, benchKernels, benchTrain, type TrainBenchRow } from "@marginflow/core";
import { UsageError } from "../errors.js";
import { intFlag, pathFlag } from "../flags.js";
import { checkWritable, writeJson } from "../io.js";
import { repoRoot } from "../repo-root.js";
import { benchCollapse } from "./bench-collapse.js";

interface PeerRow {
  framework: string;
  model: string;
  dtype: string;
  stepsPerSec: number;
  gflops: number;
  runs: number[];
}

function runPeer(cmd: string, args: string[], what: string): PeerRow[] | string {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 24, env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" } });
  if (r.status !== 0) return `${what} failed: ${(r.stderr || r.error?.message || "").trim().split("\n").pop()}`;
  const out = JSON.parse(r.stdout) as { rows?: PeerRow[] } & PeerRow;
  return out.rows ?? [out];
}

export async function benchTrainCommand(values: Record<string, string | boolean | undefined>): Promise<number> {
  for (const f of ["radii", "workers", "samples"]) if (values[f] !== undefined) throw new UsageError(`bench train: --${f} does not apply (its flags: --repeat, --quick, --json)`);
  const repeat = intFlag("repeat", values.repeat, 5, 1, 50);
  if (values.json !== undefined) checkWritable(pathFlag("json", values.json, ""));
  const ROOT = repoRoot("train_torch.py", "bench train");
  const tty = process.stderr.isTTY;
  const say = (what: string) => process.stderr.write(tty ? `\r\x1b[Kbench train: ${what}…` : `bench train: ${what}…\n`);
  const rt = await Runtime.create();
  const ours = benchTrain(rt, { repeat, onProgress: say });
  const problems: string[] = [];
  const peers: PeerRow[] = [];
  say("PyTorch (installing python3-torch if missing)");
  const deps = spawnSync(process.execPath, [join(ROOT, "scripts", "ensure-system-deps.mjs"), "python3-torch"], { stdio: ["ignore", "ignore", "inherit"] });
  if (deps.status !== 0) problems.push("PyTorch: python3-torch could not be installed");
  else {
    say("PyTorch, one thread, f32 and f64");
    const r = runPeer("/usr/bin/python3", [join(ROOT, "bench", "peers", "train_torch.py"), "bench", "--repeat", String(repeat), "--threads", "1"], "PyTorch");
    if (typeof r === "string") problems.push(r);
    else peers.push(...r);
  }
  for (const backend of ["wasm", "cpu"]) {
    say(`TF.js ${backend}`);
    const r = runPeer(process.execPath, [join(ROOT, "bench", "peers", "train-tfjs.mjs"), "--backend", backend, ...(backend === "wasm" ? ["--repeat", String(repeat)] : [])], `TF.js ${backend}`);
    if (typeof r === "string") problems.push(r);
    else peers.push(...r);
  }
  say("GEMM at the training shapes");
  const gemm = benchKernels(rt, { sizes: [64, 128], budget: 0.2 });
  if (tty) process.stderr.write("\r\x1b[K");

  const line = (r: TrainBenchRow | PeerRow) => `  ${r.framework.padEnd(12)} ${r.model.padEnd(5)} ${r.dtype.padEnd(8)} ${r.stepsPerSec.toFixed(1).padStart(8)} ${r.gflops.toFixed(1).padStart(8)}`;
  const find = (fw: string, model: string, dtype: string) => peers.find((p) => p.framework === fw && p.model === model && p.dtype === dtype)?.stepsPerSec;
  const mlp = ours.find((r) => r.model === "mlp" && r.dtype === "float64")!;
  const mlp32 = ours.find((r) => r.model === "mlp" && r.dtype === "float32")!;
  const conv = ours.find((r) => r.model === "conv")!;
  const tfw = find("tfjs-wasm", "mlp", "float32");
  const out: string[] = [];
  out.push(`SGD step, batch 128, cross-entropy, momentum 0.9 — one thread; medians of ${repeat} runs`);
  out.push(`  ${"framework".padEnd(12)} ${"model".padEnd(5)} ${"dtype".padEnd(8)} ${"steps/s".padStart(8)} ${"GFLOP/s".padStart(8)}`);
  for (const r of [...ours, ...peers].sort((a, b) => a.model.localeCompare(b.model) * -1 || 0)) out.push(line(r));
  const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${(a / b).toFixed(2)}×` : "—");
  out.push(`  marginflow f64 / PyTorch f64: mlp ${ratio(mlp.stepsPerSec, find("pytorch", "mlp", "float64"))}, conv ${ratio(conv.stepsPerSec, find("pytorch", "conv", "float64"))}; marginflow f32 / PyTorch f32: mlp ${ratio(mlp32.stepsPerSec, find("pytorch", "mlp", "float32"))}`);
  out.push(`  marginflow / TF.js wasm: f64 ${ratio(mlp.stepsPerSec, tfw)}, f32 ${ratio(mlp32.stepsPerSec, tfw)}; / TF.js cpu: f64 ${ratio(mlp.stepsPerSec, find("tfjs-cpu", "mlp", "float32"))}`);
  out.push(`  the mlp step's fraction of the measured SIMD peak: f64 ${((100 * mlp.gflops) / gemm.peakGflops).toFixed(0)}% of ${gemm.peakGflops.toFixed(1)} GFLOP/s, f32 ${((100 * mlp32.gflops) / gemm.peakF32Gflops).toFixed(0)}% of ${gemm.peakF32Gflops.toFixed(1)}`);
  out.push("");
  out.push(`GEMM at the training shapes, GFLOP/s (f64 peak ${gemm.peakGflops.toFixed(1)}, f32 peak ${gemm.peakF32Gflops.toFixed(1)})`);
  for (const t of gemm.training) out.push(`  ${t.name.padEnd(26)} ${`${t.m}×${t.n}×${t.k}`.padEnd(12)} f64 ${t.f64.toFixed(1).padStart(6)} (${(100 * t.f64FractionOfPeak).toFixed(0)}%)   f32 ${t.f32.toFixed(1).padStart(6)} (${(100 * t.f32FractionOfPeak).toFixed(0)}%)`);
  for (const g of gemm.gemm) out.push(`  square n = ${String(g.n).padEnd(15)} f64 ${g.wasm.toFixed(1).padStart(6)} (${(100 * g.fractionOfPeak).toFixed(0)}%)`);
  out.push("");
  const targets: [string, number | undefined, number][] = [
    ["marginflow f64 mlp steps/s ≥ 55", mlp.stepsPerSec, 55],
    ["marginflow f32 mlp steps/s ≥ 100", mlp32.stepsPerSec, 100],
    ["marginflow f32 ≥ 5× TF.js wasm (both f32)", tfw ? mlp32.stepsPerSec / tfw : undefined, 5],
    ["GEMM f64 n = 128 ≥ 60% of peak", gemm.gemm.find((g) => g.n === 128)?.fractionOfPeak, 0.6],
    ["GEMM f64 n = 64 ≥ 40% of peak", gemm.gemm.find((g) => g.n === 64)?.fractionOfPeak, 0.4],
  ];
  for (const [name, v, need] of targets) out.push(`${v === undefined ? "n/a " : v >= need ? "met " : "MISS"}  ${name}: ${v === undefined ? "not measured" : v.toFixed(2)}`);
  for (const p of problems) out.push(`note  ${p}`);
  process.stdout.write(out.join("\n") + "\n\n");
  const json = typeof values.json === "string" ? values.json : undefined;
  if (json) {
    writeJson(json, { marginflow: ours, peers, problems, gemm: { peakGflops: gemm.peakGflops, peakF32Gflops: gemm.peakF32Gflops, training: gemm.training, square: gemm.gemm }, machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version }, date: new Date().toISOString() });
    process.stdout.write(`wrote ${json}\n`);
  }
  if (values.quick) return 0;
  process.stdout.write("NC accumulators (bench collapse):\n");
  return benchCollapse({ repeat: values.repeat });
}


