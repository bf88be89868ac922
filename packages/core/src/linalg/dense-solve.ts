// A small dense linear solve for the host's few-unknown systems (the Newton step of the sliding weights in
// dynamics/normalized-flow.ts): Gaussian elimination with partial pivoting, rank-deficient systems tolerated.

/** x with J x = r (Gaussian elimination with partial pivoting; a zero pivot leaves its component 0). */
export function solveDense(J: Float64Array[], r: number[]): number[] {
  const q = r.length, A = J.map((row, i) => [...row, r[i]!]), x = new Array<number>(q).fill(0);
  const piv: number[] = [];
  for (let col = 0, row = 0; col < q && row < q; col++) {
    let p = row;
    for (let i = row + 1; i < q; i++) if (Math.abs(A[i]![col]!) > Math.abs(A[p]![col]!)) p = i;
    if (!(Math.abs(A[p]![col]!) > 1e-300)) continue;
    [A[row], A[p]] = [A[p]!, A[row]!];
    for (let i = row + 1; i < q; i++) {
      const m = A[i]![col]! / A[row]![col]!;
      for (let j = col; j <= q; j++) A[i]![j]! -= m * A[row]![j]!;
    }
    piv.push(col);
    row++;
  }
  for (let i = piv.length - 1; i >= 0; i--) {
    const col = piv[i]!;
    let s = A[i]![q]!;
    for (let j = col + 1; j < q; j++) s -= A[i]![j]! * x[j]!;
    x[col] = s / A[i]![col]!;
  }
  return x;
}
