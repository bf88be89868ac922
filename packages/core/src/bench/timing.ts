// Timing helpers for benchmarks (never for tests). Machines are shared and noisy: report medians.

export interface Timing {
  /** Median seconds per call. */
  median: number;
  /** Fastest call, seconds. */
  min: number;
  runs: number;
}

/**
 * Times fn: one warm-up call (so the JIT tiers up), then repeats until `minRuns` calls and `budget` seconds have
 * both passed (at most maxRuns).
 */
export function time(fn: () => void, { minRuns = 5, maxRuns = 50, budget = 0.3 } = {}): Timing {
  fn();
  const t: number[] = [];
  const start = performance.now();
  while (t.length < maxRuns && (t.length < minRuns || performance.now() - start < budget * 1e3)) {
    const t0 = performance.now();
    fn();
    t.push((performance.now() - t0) / 1e3);
  }
  t.sort((a, b) => a - b);
  return { median: t[t.length >> 1]!, min: t[0]!, runs: t.length };
}
