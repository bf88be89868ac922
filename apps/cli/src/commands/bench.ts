import { Runtime, benchKernels, type KernelBenchResult } from "@marginflow/core";
import { UsageError } from "../errors.js";
import { checkWritable, writeJson } from "../io.js";
import type { Command } from "../main.js";
import { cpus } from "node:os";

const f = (x: number, d = 2) => x.toFixed(d).padStart(8);

export function formatKernelBench(r: KernelBenchResult): string {
  const lines: string[] = [];
  lines.push(`practical f64x2 SIMD peak (register-only multiply-add loop): ${r.peakGflops.toFixed(2)} GFLOP/s`);
  lines.push("");
  lines.push("gemv (y = A·x), GFLOP/s        n     wasm  plain-TS    ratio");
  for (const g of r.gemv) lines.push(`${" ".repeat(28)}${String(g.n).padStart(5)} ${f(g.wasm)}  ${f(g.ts)} ${f(g.ratio, 1)}×`);
  lines.push("gemm (C = A·B), GFLOP/s        n     wasm  plain-TS    ratio  of peak");
  for (const g of r.gemm) {
    lines.push(`${" ".repeat(28)}${String(g.n).padStart(5)} ${f(g.wasm)}  ${f(g.ts)} ${f(g.ratio, 1)}× ${f(100 * g.fractionOfPeak, 0)}%`);
  }
  lines.push(`exp, M evaluations/s (n = ${r.exp.n}): wasm ${r.exp.wasm.toFixed(1)}, Math.exp loop ${r.exp.ts.toFixed(1)}, ratio ${r.exp.ratio.toFixed(2)}×`);
  lines.push("");
  for (const t of r.targets) lines.push(`${t.met ? "met " : "MISS"}  ${t.name}: ${t.value.toFixed(2)} (need ≥ ${t.need})`);
  return lines.join("\n") + "\n";
}

export const benchCommand: Command = {
  options: { json: { type: "string" }, quick: { type: "boolean" } },
  async run(positionals, values) {
    const [what] = positionals;
    if (what !== "kernels") throw new UsageError(`bench: unknown benchmark ${JSON.stringify(what ?? "")}; available: kernels`);
    if (typeof values.json === "string") checkWritable(values.json);
    const rt = await Runtime.create();
    const tty = process.stderr.isTTY;
    const result = benchKernels(rt, {
      sizes: values.quick ? [64, 128, 256] : [64, 128, 256, 512, 1024],
      budget: values.quick ? 0.15 : 0.4,
      onProgress: (what) => process.stderr.write(tty ? `\r\x1b[Kmeasuring ${what}…` : `measuring ${what}\n`),
    });
    if (tty) process.stderr.write("\r\x1b[K");
    process.stdout.write(formatKernelBench(result));
    if (typeof values.json === "string") {
      writeJson(values.json, { ...result, machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version }, date: new Date().toISOString() });
      process.stdout.write(`wrote ${values.json}\n`);
    }
    return 0;
  },
};
