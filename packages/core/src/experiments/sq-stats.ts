// Statistics over repeated runs of the seed-001 network experiments: mean and standard deviation, and Pearson's
// correlation — plain helpers for figures with error bars (sq-rho-acc, sq-runs).

/** Mean and (population) standard deviation. */
export function meanStd(xs: number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, v) => a + v, 0) / xs.length;
  return { mean, std: Math.sqrt(xs.reduce((a, v) => a + (v - mean) ** 2, 0) / xs.length) };
}

/** Pearson's correlation of two equally long lists (NaN when either is constant). */
export function correlation(x: number[], y: number[]): number {
  const mx = meanStd(x), my = meanStd(y);
  let c = 0;
  for (let i = 0; i < x.length; i++) c += (x[i]! - mx.mean) * (y[i]! - my.mean);
  return c / x.length / (mx.std * my.std);
}

/** Groups of items by a key, in first-seen order. */
export function groupBy<T, K>(xs: T[], key: (x: T) => K): [K, T[]][] {
  const m = new Map<K, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return [...m.entries()];
}
