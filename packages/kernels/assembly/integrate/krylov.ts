// Jacobian-free Newton–Krylov pieces for Radau IIA on large systems: the iteration matrices (μ/h)·I − J of the
// real and the complex transformed stage systems are never formed. J·v is a forward difference of the right-
// hand side along v — for a gradient flow, a Hessian-vector product of the loss — one evaluation each, and the
// systems are solved by restarted GMRES (modified Gram–Schmidt, Givens rotations). The complex system
// (α + iβ)z − Jz = r is solved as the real 2n system [[α − J, −β], [β, α − J]]·[a; b] = [Re r; Im r].
import { f_jac } from "./system";

// The base point of the J·v products (module state; one solve at a time).
let kN: i32 = 0;
let kT: f64 = 0.0;
let kY: usize = 0;
let kF0: usize = 0;
let kYp: usize = 0; // n: y + εv
let kFp: usize = 0; // n: f(t, y + εv)
let kYNorm: f64 = 0.0;

/** Bytes of scratch krylov_solve needs for dimension n and restart length k (complex systems included). */
export function krylov_bytes(n: i32, k: i32): i32 {
  // V: (k+1)·2n, w, x: 2n each, yp, fp: n each; H: (k+1)·k, cs, sn, g: k+1 each
  return ((k + 1) * 2 * n + 4 * n + 2 * n + (k + 1) * k + 3 * (k + 1)) << 3;
}

/** Sets the point (t, y) with f0 = f(t, y) at which J is taken; scratch from krylov_bytes. */
export function krylov_base(n: i32, t: f64, y: usize, f0: usize, scratch: usize): void {
  kN = n; kT = t; kY = y; kF0 = f0;
  kYp = scratch; kFp = scratch + (<usize>n << 3);
  let s: f64 = 0.0;
  for (let i = 0; i < n; i++) s += load<f64>(y + (<usize>i << 3)) * load<f64>(y + (<usize>i << 3));
  kYNorm = Math.sqrt(s);
}

/** out ← J·v by a forward difference with step ε = √eps·(1 + ‖y‖)/‖v‖. */
function jv(v: usize, out: usize): void {
  const n = kN;
  let s: f64 = 0.0;
  for (let i = 0; i < n; i++) s += load<f64>(v + (<usize>i << 3)) * load<f64>(v + (<usize>i << 3));
  const vn = Math.sqrt(s);
  if (vn == 0.0) {
    memory.fill(out, 0, <usize>n << 3);
    return;
  }
  const eps = Math.sqrt(f64.EPSILON) * (1.0 + kYNorm) / vn;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(kYp + o, load<f64>(kY + o) + eps * load<f64>(v + o));
  }
  f_jac(kT, kYp, kFp);
  const inv = 1.0 / eps;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(out + o, (load<f64>(kFp + o) - load<f64>(kF0 + o)) * inv);
  }
}

/** out ← A·x: real A = αI − J (N = n); complex-as-real A = [[α − J, −β], [β, α − J]] (N = 2n, β ≠ 0). */
function apply(alpha: f64, beta: f64, x: usize, out: usize): void {
  const n = kN;
  const vb = <usize>n << 3;
  jv(x, out);
  if (beta == 0.0) {
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3;
      store<f64>(out + o, alpha * load<f64>(x + o) - load<f64>(out + o));
    }
    return;
  }
  jv(x + vb, out + vb);
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const a = load<f64>(x + o), b = load<f64>(x + vb + o);
    store<f64>(out + o, alpha * a - beta * b - load<f64>(out + o));
    store<f64>(out + vb + o, beta * a + alpha * b - load<f64>(out + vb + o));
  }
}

function dot(N: i32, a: usize, b: usize): f64 {
  let s: f64 = 0.0;
  for (let i = 0; i < N; i++) s += load<f64>(a + (<usize>i << 3)) * load<f64>(b + (<usize>i << 3));
  return s;
}

/**
 * Solves A·x = b in place (b ← x) by GMRES(k) from x = 0, A as in `apply` (β = 0: real, n; else 2n with b laid
 * out [Re; Im]). Stops at ‖b − Ax‖ ≤ rtol·‖b‖ or after maxIter products; returns the products used (each is
 * one RHS evaluation, two for complex systems; the evaluations are counted by system.ts).
 */
export function krylov_solve(alpha: f64, beta: f64, b: usize, k: i32, rtol: f64, maxIter: i32, scratch: usize): i32 {
  const n = kN;
  const N = beta == 0.0 ? n : 2 * n;
  const NB = <usize>N << 3;
  const V = scratch + (<usize>(2 * n) << 3); // after yp, fp
  const w = V + <usize>(k + 1) * (<usize>(2 * n) << 3);
  const x = w + (<usize>(2 * n) << 3);
  const H = x + (<usize>(2 * n) << 3);
  const cs = H + (<usize>((k + 1) * k) << 3);
  const sn = cs + (<usize>(k + 1) << 3);
  const g = sn + (<usize>(k + 1) << 3);
  memory.fill(x, 0, NB);
  const bnorm = Math.sqrt(dot(N, b, b));
  if (bnorm == 0.0 || bnorm != bnorm) return 0;
  memory.copy(V, b, NB);
  let rnorm = bnorm;
  let used = 0;
  while (true) {
    const inv = 1.0 / rnorm;
    for (let i = 0; i < N; i++) store<f64>(V + (<usize>i << 3), load<f64>(V + (<usize>i << 3)) * inv);
    memory.fill(g, 0, <usize>(k + 1) << 3);
    store<f64>(g, rnorm);
    let j = 0;
    let done = false;
    while (j < k) {
      const vj = V + <usize>j * NB;
      apply(alpha, beta, vj, w);
      used++;
      for (let i = 0; i <= j; i++) {
        const vi = V + <usize>i * NB;
        const hij = dot(N, w, vi);
        store<f64>(H + (<usize>(i * k + j) << 3), hij);
        for (let l = 0; l < N; l++) {
          const o = <usize>l << 3;
          store<f64>(w + o, load<f64>(w + o) - hij * load<f64>(vi + o));
        }
      }
      const hn = Math.sqrt(dot(N, w, w));
      const vn = V + <usize>(j + 1) * NB;
      if (hn > 0.0) for (let l = 0; l < N; l++) store<f64>(vn + (<usize>l << 3), load<f64>(w + (<usize>l << 3)) / hn);
      // previous rotations on column j, then a new one that zeroes H[j+1, j]
      for (let i = 0; i < j; i++) {
        const a = load<f64>(H + (<usize>(i * k + j) << 3)), c = load<f64>(H + (<usize>((i + 1) * k + j) << 3));
        const ci = load<f64>(cs + (<usize>i << 3)), si = load<f64>(sn + (<usize>i << 3));
        store<f64>(H + (<usize>(i * k + j) << 3), ci * a + si * c);
        store<f64>(H + (<usize>((i + 1) * k + j) << 3), -si * a + ci * c);
      }
      const hjj = load<f64>(H + (<usize>(j * k + j) << 3));
      const r = Math.hypot(hjj, hn);
      const c = r == 0.0 ? 1.0 : hjj / r, s = r == 0.0 ? 0.0 : hn / r;
      store<f64>(cs + (<usize>j << 3), c);
      store<f64>(sn + (<usize>j << 3), s);
      store<f64>(H + (<usize>(j * k + j) << 3), r);
      const gj = load<f64>(g + (<usize>j << 3));
      store<f64>(g + (<usize>j << 3), c * gj);
      store<f64>(g + (<usize>(j + 1) << 3), -s * gj);
      j++;
      if (abs<f64>(-s * gj) <= rtol * bnorm || used >= maxIter || hn == 0.0) { done = true; break; }
    }
    // back substitution H[0:j, 0:j]·y = g[0:j] (y stored in g), x += V·y
    for (let i = j - 1; i >= 0; i--) {
      let s = load<f64>(g + (<usize>i << 3));
      for (let l = i + 1; l < j; l++) s -= load<f64>(H + (<usize>(i * k + l) << 3)) * load<f64>(g + (<usize>l << 3));
      const d = load<f64>(H + (<usize>(i * k + i) << 3));
      store<f64>(g + (<usize>i << 3), d != 0.0 ? s / d : 0.0);
    }
    for (let i = 0; i < j; i++) {
      const yi = load<f64>(g + (<usize>i << 3));
      const vi = V + <usize>i * NB;
      for (let l = 0; l < N; l++) {
        const o = <usize>l << 3;
        store<f64>(x + o, load<f64>(x + o) + yi * load<f64>(vi + o));
      }
    }
    if (done || used >= maxIter) break; // converged (the Givens residual is the true one up to rounding) or out of budget
    // restart: r = b − A x
    apply(alpha, beta, x, w);
    used++;
    for (let l = 0; l < N; l++) {
      const o = <usize>l << 3;
      store<f64>(V + o, load<f64>(b + o) - load<f64>(w + o));
    }
    rnorm = Math.sqrt(dot(N, V, V));
    if (rnorm <= rtol * bnorm || rnorm == 0.0) break;
  }
  memory.copy(b, x, NB);
  return used;
}
