// The kernel benchmark: WASM SIMD kernels against plain-TS loops doing the same computation, measured in the
// same run, plus the practical f64x2 peak (a register-only multiply-add loop) so gemm can be reported as a
// fraction of it. Plain data out; the CLI prints it and the web demo can run it in a tab.
import type { Runtime } from "../runtime/kernels.js";
import { gemmPlain } from "../reference/blas.js";
import { time } from "./timing.js";

/** Defaults of benchKernels' options. */
export const KERNEL_BENCH_DEFAULTS = {
  /** Matrix sizes n of the gemv and gemm measurements. */
  sizes: [64, 128, 256, 512, 1024] as readonly number[],
  /** n of the elementwise (exp) benchmark. */
  expLength: 100_000,
  /** Seconds each measurement may take. */
  budget: 0.4,
} as const;

export interface KernelBenchOptions {
  /** Matrix sizes n. Default [64, 128, 256, 512, 1024]. */
  sizes?: number[];
  /** n of the elementwise (exp) benchmark. Default 100 000. */
  expLength?: number;
  /** Seconds each measurement may take (more runs → steadier medians). Default 0.4 s. */
  budget?: number;
  /** Called with the name of each measurement as it starts. Default: none. */
  onProgress?: (what: string) => void;
}

export interface RateRow {
  n: number;
  /** GFLOP/s (gemv, gemm) of the WASM kernel and of the plain-TS loop, from median times (peak: fastest run). */
  wasm: number;
  ts: number;
  ratio: number;
}

export interface KernelBenchResult {
  schema: 1;
  peakGflops: number;
  gemv: RateRow[];
  gemm: (RateRow & { fractionOfPeak: number })[];
  /** Millions of exp evaluations per second. */
  exp: { n: number; wasm: number; ts: number; ratio: number };
  targets: { name: string; value: number; need: number; met: boolean }[];
}

function fillRandom(a: Float64Array, seed: number): Float64Array {
  let s = seed >>> 0;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
  return a;
}

export function benchKernels(rt: Runtime, options: KernelBenchOptions = {}): KernelBenchResult {
  const { sizes = [...KERNEL_BENCH_DEFAULTS.sizes], expLength = KERNEL_BENCH_DEFAULTS.expLength, budget = KERNEL_BENCH_DEFAULTS.budget, onProgress } = options;
  const e = rt.exports;
  const arena = rt.arena;

  // The practical peak is the best the loop can do: its fastest run, measured before and after the sweep
  // (a shared machine can slow any one measurement; a peak read low would flatter gemm's fraction of it).
  const iters = 2_000_000;
  const peakRun = () => {
    onProgress?.("simd peak");
    const tp = time(() => void e.simd_peak_f64(iters, 1.0), { minRuns: 9, budget });
    return (iters * e.simd_peak_flops_per_iter()) / tp.min / 1e9;
  };
  let peakGflops = peakRun();

  const gemv: RateRow[] = [];
  const gemm: KernelBenchResult["gemm"] = [];
  for (const n of sizes) {
    arena.scope((a) => {
      onProgress?.(`gemv n=${n}`);
      const A = a.f64(n * n, fillRandom(new Float64Array(n * n), n));
      const x = a.f64(n, fillRandom(new Float64Array(n), n + 1));
      const y = a.f64(n);
      const Ats = A.toArray(), xts = x.toArray(), yts = new Float64Array(n);
      const tw = time(() => e.gemv_n_f64(n, n, 1, A.ptr, n, x.ptr, 0, y.ptr), { budget });
      const tt = time(() => {
        for (let i = 0; i < n; i++) {
          let s = 0;
          const r = i * n;
          for (let j = 0; j < n; j++) s += Ats[r + j]! * xts[j]!;
          yts[i] = s;
        }
      }, { budget });
      const fl = 2 * n * n;
      gemv.push({ n, wasm: fl / tw.median / 1e9, ts: fl / tt.median / 1e9, ratio: tt.median / tw.median });

      onProgress?.(`gemm n=${n}`);
      const B = a.f64(n * n, fillRandom(new Float64Array(n * n), 2 * n));
      const C = a.f64(n * n);
      const work = a.allocBytes(e.gemm_workspace_bytes());
      const Bts = B.toArray(), Cts = new Float64Array(n * n);
      const gw = time(() => e.gemm_f64(0, 0, n, n, n, 1, A.ptr, n, B.ptr, n, 0, C.ptr, n, work), { budget });
      const gt = time(() => gemmPlain(n, n, n, Ats, Bts, Cts), { minRuns: n >= 512 ? 3 : 5, budget });
      const gf = (2 * n * n * n) / 1e9;
      gemm.push({ n, wasm: gf / gw.median, ts: gf / gt.median, ratio: gt.median / gw.median, fractionOfPeak: 0 });
    });
  }

  peakGflops = Math.max(peakGflops, peakRun());
  for (const g of gemm) g.fractionOfPeak = g.wasm / peakGflops;

  onProgress?.("exp");
  const n = expLength;
  const exp = arena.scope((a) => {
    const xs = fillRandom(new Float64Array(n), 7).map((v) => v * 1400); // [-700, 700]
    const x = a.f64(n, xs);
    const y = a.f64(n);
    const ys = new Float64Array(n);
    const ew = time(() => e.exp_f64(n, x.ptr, y.ptr), { minRuns: 9, budget });
    const et = time(() => {
      for (let i = 0; i < n; i++) ys[i] = Math.exp(xs[i]!);
    }, { minRuns: 9, budget });
    return { n, wasm: n / ew.median / 1e6, ts: n / et.median / 1e6, ratio: et.median / ew.median };
  });

  const g512 = gemm.find((r) => r.n === 512);
  const targets: KernelBenchResult["targets"] = [];
  if (g512) {
    targets.push({ name: "gemm n=512 vs plain-TS triple loop", value: g512.ratio, need: 8, met: g512.ratio >= 8 });
    targets.push({ name: "gemm n=512 fraction of SIMD peak", value: g512.fractionOfPeak, need: 0.6, met: g512.fractionOfPeak >= 0.6 });
  }
  targets.push({ name: "vectorized exp vs Math.exp loop", value: exp.ratio, need: 3, met: exp.ratio >= 3 });
  return { schema: 1, peakGflops, gemv, gemm, exp, targets };
}
