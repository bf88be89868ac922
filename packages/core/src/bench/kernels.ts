// The kernel benchmark: WASM SIMD kernels against plain-TS loops doing the same computation, measured in the
// same run, plus the practical f64x2 and f32x4 peaks (register-only multiply-add loops) so gemm_f64 and gemm_f32
// can be reported as fractions of them, on square sizes and on the GEMM shapes of a dense layer's training step.
// Plain data out; the CLI prints it and the web demo can run it in a tab.
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
  /** The training-step shapes: a 784→256→… layer on a 128-sample batch (Y = X·Wᵀ, dW = dYᵀ·X, dX = dY·W). */
  training: [
    { name: "Y = X·Wᵀ (784→256)", m: 128, n: 256, k: 784, transA: false, transB: true },
    { name: "Y = X·Wᵀ (256→256)", m: 128, n: 256, k: 256, transA: false, transB: true },
    { name: "dW = dYᵀ·X (784→256)", m: 256, n: 784, k: 128, transA: true, transB: false },
    { name: "dX = dY·W (784→256)", m: 128, n: 784, k: 256, transA: false, transB: false },
    { name: "Y = X·Wᵀ (256→784)", m: 128, n: 784, k: 256, transA: false, transB: true },
  ] as readonly GemmShape[],
} as const;

/** One GEMM shape: op(A) m×k, op(B) k×n. */
export interface GemmShape {
  name: string;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
}

export interface KernelBenchOptions {
  /** Matrix sizes n. Default [64, 128, 256, 512, 1024]. */
  sizes?: number[];
  /** n of the elementwise (exp) benchmark. Default 100 000. */
  expLength?: number;
  /** Seconds each measurement may take (more runs → steadier medians). Default 0.4 s. */
  budget?: number;
  /** GEMM shapes measured in f64 and f32 besides the square sizes. Default KERNEL_BENCH_DEFAULTS.training. */
  training?: readonly GemmShape[];
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

/** GFLOP/s of gemm_f64 and gemm_f32 on one shape (median times), and each as a fraction of its precision's peak. */
export interface GemmShapeRow extends GemmShape {
  f64: number;
  f64FractionOfPeak: number;
  f32: number;
  f32FractionOfPeak: number;
}

export interface KernelBenchResult {
  schema: 1;
  /** The f64x2 peak, GFLOP/s. */
  peakGflops: number;
  /** The f32x4 peak, GFLOP/s. */
  peakF32Gflops: number;
  gemv: RateRow[];
  gemm: (RateRow & { fractionOfPeak: number })[];
  /** gemm_f32 on the square sizes (NN). */
  gemmF32: { n: number; wasm: number; fractionOfPeak: number }[];
  /** gemm_f64 and gemm_f32 on the training shapes. */
  training: GemmShapeRow[];
  /** Millions of exp evaluations per second. */
  exp: { n: number; wasm: number; ts: number; ratio: number };
  targets: { name: string; value: number; need: number; met: boolean }[];
}

function fillRandom<T extends Float64Array | Float32Array>(a: T, seed: number): T {
  let s = seed >>> 0;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
  return a;
}

/**
 * Times a kernel call of `flops` flops by time() on batches of calls lasting about 2 ms together: a sample of
 * one 20 µs call would be mostly timer noise, and 50 such samples would end before V8 has tiered the kernel up
 * from its baseline compiler (n = 64 read 22% of peak for that reason alone). Returns seconds per call.
 */
function timeKernel(fn: () => void, flops: number, budget: number): number {
  const reps = Math.max(1, Math.ceil(2e-3 / (flops / 20e9)));
  const t = time(() => {
    for (let r = 0; r < reps; r++) fn();
  }, { budget });
  return t.median / reps;
}

export function benchKernels(rt: Runtime, options: KernelBenchOptions = {}): KernelBenchResult {
  const {
    sizes = [...KERNEL_BENCH_DEFAULTS.sizes], expLength = KERNEL_BENCH_DEFAULTS.expLength, budget = KERNEL_BENCH_DEFAULTS.budget,
    training: shapes = KERNEL_BENCH_DEFAULTS.training, onProgress,
  } = options;
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
  const peakF32Run = () => {
    onProgress?.("simd peak f32");
    const tp = time(() => void e.simd_peak_f32(iters, 1.0), { minRuns: 9, budget });
    return (iters * e.simd_peak_f32_flops_per_iter()) / tp.min / 1e9;
  };
  let peakGflops = peakRun();
  let peakF32Gflops = peakF32Run();

  const gemv: RateRow[] = [];
  const gemm: KernelBenchResult["gemm"] = [];
  const gemmF32: KernelBenchResult["gemmF32"] = [];
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
      const fg = 2 * n * n * n;
      const gw = timeKernel(() => e.gemm_f64(0, 0, n, n, n, 1, A.ptr, n, B.ptr, n, 0, C.ptr, n, work), fg, budget);
      const gt = time(() => gemmPlain(n, n, n, Ats, Bts, Cts), { minRuns: n >= 512 ? 3 : 5, budget });
      const gf = fg / 1e9;
      gemm.push({ n, wasm: gf / gw, ts: gf / gt.median, ratio: gt.median / gw, fractionOfPeak: 0 });

      onProgress?.(`gemm f32 n=${n}`);
      const A32 = a.f32(n * n, fillRandom(new Float32Array(n * n), n));
      const B32 = a.f32(n * n, fillRandom(new Float32Array(n * n), 2 * n));
      const C32 = a.f32(n * n);
      const work32 = a.allocBytes(e.gemm_f32_workspace_bytes());
      const gw32 = timeKernel(() => e.gemm_f32(0, 0, n, n, n, 1, A32.ptr, n, B32.ptr, n, 0, C32.ptr, n, work32), fg, budget);
      gemmF32.push({ n, wasm: gf / gw32, fractionOfPeak: 0 });
    });
  }

  const training: GemmShapeRow[] = [];
  for (const s of shapes) {
    arena.scope((a) => {
      const { m, n, k, transA, transB } = s;
      const fl = 2 * m * n * k;
      const lda = transA ? m : k, ldb = transB ? k : n;
      onProgress?.(`gemm ${m}×${n}×${k} ${transA ? "T" : "N"}${transB ? "T" : "N"}`);
      const A = a.f64(m * k, fillRandom(new Float64Array(m * k), m + k));
      const B = a.f64(k * n, fillRandom(new Float64Array(k * n), n + k));
      const C = a.f64(m * n);
      const work = a.allocBytes(Math.max(e.gemm_workspace_bytes(), e.gemm_f32_workspace_bytes()));
      const t64 = timeKernel(() => e.gemm_f64(+transA, +transB, m, n, k, 1, A.ptr, lda, B.ptr, ldb, 0, C.ptr, n, work), fl, budget);
      const A32 = a.f32(m * k, fillRandom(new Float32Array(m * k), m + k));
      const B32 = a.f32(k * n, fillRandom(new Float32Array(k * n), n + k));
      const C32 = a.f32(m * n);
      const t32 = timeKernel(() => e.gemm_f32(+transA, +transB, m, n, k, 1, A32.ptr, lda, B32.ptr, ldb, 0, C32.ptr, n, work), fl, budget);
      training.push({ name: s.name, m, n, k, transA, transB, f64: fl / t64 / 1e9, f64FractionOfPeak: 0, f32: fl / t32 / 1e9, f32FractionOfPeak: 0 });
    });
  }

  peakGflops = Math.max(peakGflops, peakRun());
  peakF32Gflops = Math.max(peakF32Gflops, peakF32Run());
  for (const g of gemm) g.fractionOfPeak = g.wasm / peakGflops;
  for (const g of gemmF32) g.fractionOfPeak = g.wasm / peakF32Gflops;
  for (const t of training) {
    t.f64FractionOfPeak = t.f64 / peakGflops;
    t.f32FractionOfPeak = t.f32 / peakF32Gflops;
  }

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
  for (const [size, need] of [[64, 0.4], [128, 0.6]] as const) {
    const g = gemm.find((r) => r.n === size);
    if (g) targets.push({ name: `gemm n=${size} fraction of SIMD peak`, value: g.fractionOfPeak, need, met: g.fractionOfPeak >= need });
  }
  if (g512) {
    targets.push({ name: "gemm n=512 vs plain-TS triple loop", value: g512.ratio, need: 8, met: g512.ratio >= 8 });
    targets.push({ name: "gemm n=512 fraction of SIMD peak", value: g512.fractionOfPeak, need: 0.6, met: g512.fractionOfPeak >= 0.6 });
  }
  targets.push({ name: "vectorized exp vs Math.exp loop", value: exp.ratio, need: 3, met: exp.ratio >= 3 });
  return { schema: 1, peakGflops, peakF32Gflops, gemv, gemm, gemmF32, training, exp, targets };
}
