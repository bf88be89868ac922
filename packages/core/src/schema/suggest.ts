// "Did you mean …?": the candidate nearest to a mistyped name (experiment ids, flags, spec fields, model kinds).

/** Edit distance with transpositions (optimal string alignment: "mpl" is one step from "mlp"), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase(), t = b.toLowerCase();
  const d = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[s.length]![t.length]!;
}

/** The candidate nearest to `name`, if it is near enough to be a likely typo (distance ≤ max(1, ⌊len/3⌋)). */
export function nearest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined, d = Infinity;
  for (const c of candidates) {
    const k = editDistance(name, c);
    if (k < d) (best = c), (d = k);
  }
  return best !== undefined && d <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

/** " (did you mean "x"?)" or "". */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const n = nearest(name, candidates);
  return n === undefined ? "" : ` (did you mean ${JSON.stringify(n)}?)`;
}
