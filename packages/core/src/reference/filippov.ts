// Plain-TS reference of the Filippov sliding field of a one-hidden-layer ReLU network with biases and the exponential
// loss, f(x) = Σ_k a_k relu(W_k·x + b_k) + c — the kernels' reference for rhs/kinks.ts (for tests only). Given the units (sample i, unit k)
// held on their kinks z_ik = 0, the field is −∇log L(σ) with ∂relu = σ_ik at those units and [z > 0] elsewhere, and
// the weights σ make every held z stationary: n_ik·∇log L(σ) = 0 with n_ik = ∇θ z_ik (x_i on W_k, 1 on b_k). Each
// condition is linear in σ, so σ solves a small linear system (Gaussian elimination with partial pivoting).

export interface SlidingReference {
  /** the weights, in the order of `sliding` */
  sigma: Float64Array;
  /** ∇θ log L(σ), layout [W (w×d), b (w), a (w), c] */
  grad: Float64Array;
  /** n_l·∇log L(σ) for each held unit (0 up to rounding) */
  residuals: Float64Array;
}

export function slidingReference(theta: Float64Array, X: Float64Array, y: Float64Array, d: number, w: number, sliding: { sample: number; unit: number }[]): SlidingReference {
  const n = y.length;
  const W = theta.subarray(0, w * d), b = theta.subarray(w * d, w * d + w), a = theta.subarray(w * d + w, w * d + 2 * w), c = theta[w * d + 2 * w]!;
  const held = new Map(sliding.map((s, l) => [s.sample * w + s.unit, l]));
  const z = new Float64Array(n * w), h = new Float64Array(n * w), f = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let fi = c;
    for (let k = 0; k < w; k++) {
      let s = b[k]!;
      for (let j = 0; j < d; j++) s += W[k * d + j]! * X[i * d + j]!;
      z[i * w + k] = s;
      h[i * w + k] = held.has(i * w + k) ? 0 : Math.max(0, s);
      fi += a[k]! * h[i * w + k]!;
    }
    f[i] = fi;
  }
  // ∂log L/∂f_i = −y_i p_i, p = softmax(−y f)
  let mx = -Infinity;
  for (let i = 0; i < n; i++) mx = Math.max(mx, -y[i]! * f[i]!);
  let sum = 0;
  const g = new Float64Array(n);
  for (let i = 0; i < n; i++) sum += (g[i] = Math.exp(-y[i]! * f[i]! - mx));
  for (let i = 0; i < n; i++) g[i] = (-y[i]! * g[i]!) / sum;
  const gradWith = (sigma: Float64Array) => {
    const grad = new Float64Array(theta.length);
    for (let i = 0; i < n; i++) {
      grad[w * d + 2 * w]! += g[i]!;
      for (let k = 0; k < w; k++) {
        const l = held.get(i * w + k);
        const fac = l === undefined ? (z[i * w + k]! > 0 ? 1 : 0) : sigma[l]!;
        grad[w * d + w + k]! += g[i]! * h[i * w + k]!;
        const gz = g[i]! * a[k]! * fac;
        grad[w * d + k]! += gz;
        for (let j = 0; j < d; j++) grad[k * d + j]! += gz * X[i * d + j]!;
      }
    }
    return grad;
  };
  const normalDot = (l: number, grad: Float64Array) => {
    const { sample: i, unit: k } = sliding[l]!;
    let s = grad[w * d + k]!;
    for (let j = 0; j < d; j++) s += grad[k * d + j]! * X[i * d + j]!;
    return s;
  };
  // M σ = r, column l = the change of every condition per unit of σ_l
  const S = sliding.length;
  const zero = new Float64Array(S);
  const base = gradWith(zero);
  const r = Float64Array.from({ length: S }, (_, l) => -normalDot(l, base));
  const M = Array.from({ length: S }, () => new Float64Array(S));
  for (let col = 0; col < S; col++) {
    const e = new Float64Array(S);
    e[col] = 1;
    const gc = gradWith(e);
    for (let row = 0; row < S; row++) M[row]![col] = normalDot(row, gc) + r[row]!;
  }
  const sigma = solve(M, r);
  const grad = gradWith(sigma);
  return { sigma, grad, residuals: Float64Array.from({ length: S }, (_, l) => normalDot(l, grad)) };
}

function solve(M: Float64Array[], r: Float64Array): Float64Array {
  const n = r.length, A = M.map((row) => Float64Array.from(row)), x = Float64Array.from(r);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(A[i]![k]!) > Math.abs(A[p]![k]!)) p = i;
    [A[k], A[p]] = [A[p]!, A[k]!];
    [x[k], x[p]] = [x[p]!, x[k]!];
    for (let i = k + 1; i < n; i++) {
      const q = A[i]![k]! / A[k]![k]!;
      for (let j = k; j < n; j++) A[i]![j]! -= q * A[k]![j]!;
      x[i]! -= q * x[k]!;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let j = i + 1; j < n; j++) s -= A[i]![j]! * x[j]!;
    x[i] = s / A[i]![i]!;
  }
  return x;
}
