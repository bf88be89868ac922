// The Radau IIA stepper of order 5 (3-stage collocation; Hairer & Wanner, Solving ODEs II, §IV.8): an L-stable
// implicit method for stiff flows — here the terminal phase of gradient flow, whose relaxation rates grow like e^σ.
// Simplified Newton on the transformed stage system: one real LU of (μ_r/h − J) and one complex LU of
// (μ_c/h − J); the Jacobian (forward differences of the right-hand side, every evaluation counted, or the system's
// analytic one) is reused across steps while Newton converges fast. Embedded 3rd-order error estimate filtered
// through (μ_r/h − J)⁻¹, the collocation polynomial as dense output. For large systems (krylov > 0) the same
// iteration runs matrix-free: GMRES with J·v products (krylov.ts). The loop — guards, Gustafsson's predictive
// step control (controller.ts), events — is the driver's; this file decides only what an implicit step needs:
// when to refresh the Jacobian and rebuild the iteration matrices, and when to keep h to reuse them.
import { f, f_jac, jacobian, traits, SYS_ANALYTIC_JACOBIAN, SYS_DISCONTINUOUS, SYS_EXP_SCALED } from "./system";
import { lu_real, lu_solve_real, lu_complex, lu_solve_complex } from "./linsolve";
import { hess_reduce, hess_apply, hess_lu_real, hess_lu_complex } from "./hessenberg";
import { krylov_bytes, krylov_base, krylov_solve } from "./krylov";
import { error_norm, ctl_rejected_last } from "./controller";
import { put_stat, STAT_NJEV, STAT_NLU } from "./status";

/** Order of the embedded error estimate. */
export const RADAU5_ORDER: i32 = 3;

// Nodes, the eigen-transformation of A⁻¹ (T⁻¹A⁻¹T = diag(μ_r) ⊕ [[α, −β], [β, α]], μ_c = α + iβ), the
// embedded error weights and the dense-output matrix — computed from the collocation conditions (see
// docs/architecture.md for the derivation) and checked by the order test.
const S6: f64 = 2.449489742783178;
const C0: f64 = (4.0 - S6) / 10.0, C1: f64 = (4.0 + S6) / 10.0;
const MU_R: f64 = 3.637834252744495;
const MU_CR: f64 = 2.6810828736277506, MU_CI: f64 = 3.050430199247414;
const T00: f64 = 0.09123239487089362, T01: f64 = 0.12845806217830097, T02: f64 = 0.027308654751321566;
const T10: f64 = 0.24171793270710693, T11: f64 = -0.18563595103095698, T12: f64 = -0.34824890439657585;
const T20: f64 = 0.966048182615093, T21: f64 = -0.9094035176468614, T22: f64 = 0.0;
const TI00: f64 = 4.325579890063142, TI01: f64 = 0.3391992518158093, TI02: f64 = 0.5417705399358733;
const TI10: f64 = 4.595010367196059, TI11: f64 = 0.36032719733585555, TI12: f64 = -0.524105686036761;
const TI20: f64 = 0.5529697490581508, TI21: f64 = -2.828147131551263, TI22: f64 = 0.6554177471959992;
const E0: f64 = (-13.0 - 7.0 * S6) / 3.0, E1: f64 = (-13.0 + 7.0 * S6) / 3.0, E2: f64 = -1.0 / 3.0;
// u(t0 + x·h) = y0 + Σ_k Q_k x^{k+1}, Q_k = Σ_j P_kj Z_j
const P00: f64 = 10.048809399827414, P01: f64 = -1.3821427331607499, P02: f64 = 0.3333333333333339;
const P10: f64 = -25.629591447076642, P11: f64 = 10.29625811374331, P12: f64 = -2.6666666666666674;
const P20: f64 = 15.580782047249228, P21: f64 = -8.91411538058256, P22: f64 = 3.3333333333333335;

const MAXITER: i32 = 6;

/** Relative residual of the GMRES solves, and their product budget (per solve). Switching systems (ReLU kinks) solve
 *  to KRYLOV_RTOL_SWITCHING: their steps are cut short by kink crossings, and an inexact Newton direction only slows
 *  the (simplified) Newton iteration, which checks its own convergence. */
const KRYLOV_RTOL: f64 = 1e-7;
const KRYLOV_RTOL_SWITCHING: f64 = 1e-3;
let krylovRtol: f64 = KRYLOV_RTOL;
const KRYLOV_MAXITER: i32 = 200;

/** Bytes of workspace for dimension n; krylov > 0: the GMRES restart length of the matrix-free mode (no n²
 *  storage), 0: dense Jacobian and LU. */
export function radau5_workspace_bytes(n: i32, krylov: i32): i32 {
  // dense: J, LUr: n² each; LUc: 2n²; vectors: 20n (with the Householder scalars); two pivot arrays of n i32 (= n f64)
  const matrices = krylov > 0 ? 0 : 5 * n * n; // + the Householder vectors of the Hessenberg form
  return ((matrices + 21 * n) << 3) + (krylov > 0 ? krylov_bytes(n, krylov) + 16 * n : 0); // + kb: 2n
}

// Stepper state (module globals: one integration at a time).
let N: i32 = 0;
let vb: usize = 0;
let J: usize = 0, LUr: usize = 0, LUc: usize = 0;
let f0: usize = 0, ynew: usize = 0, Z: usize = 0, W: usize = 0, F: usize = 0, R: usize = 0, dW0: usize = 0;
let err: usize = 0, tmp: usize = 0, Q: usize = 0, yold: usize = 0, pivR: usize = 0, pivC: usize = 0;
let kb: usize = 0, kScratch: usize = 0, tau: usize = 0, V: usize = 0;
// Finite-difference Jacobians of switching systems this large are kept in Hessenberg form (hessenberg.ts): O(n²) per
// step. (Smooth systems keep the dense LU and their step sequences bit for bit.)
const HESS_MIN: i32 = 48;
let hess: bool = false;
// Reuse of the factored pair across steps of an e^t·G(y) system (radau5_next_h): for switching systems, whose
// frequent cut steps would otherwise refactor at every step (smooth systems keep their step sequence unchanged).
let reuseScaled: bool = false;
let krylov: i32 = 0;
let fixed: bool = false;
let analyticJ: bool = false;
let expScaled: bool = false;
let tJ: f64 = 0.0;
let jacCurrent = true, luReady = false, haveDense = false, first = true;
// The iteration matrices of an e^t·G(y) system at the current step are luScale × the factored ones, which were
// formed for the step of size luH ending at luT (see radau5_next_h).
let luScale: f64 = 1.0;
let luH: f64 = 0.0;
let luT: f64 = 0.0;
let faccon: f64 = 1.0;
let newtonTol: f64 = 0.03;
let nIter: i32 = 0;
let rate: f64 = -1.0;
let njev: i32 = 0, nlu: i32 = 0;
// Dense output of the last accepted step: u(dT0 + x·dH) = yold + Σ_k Q_k x^{k+1}.
let dT0: f64 = 0.0;
let dH: f64 = 0.0;

/** Lays out the workspace; f0 (n f64s, the driver's) holds f(t, y) at the start of every step. */
export function radau5_init(n: i32, work: usize, fStart: usize, krylovRestart: i32, fixedSteps: bool, rtol: f64): void {
  N = n;
  vb = <usize>n << 3;
  krylov = krylovRestart;
  fixed = fixedSteps;
  const mb: usize = krylov > 0 ? 0 : <usize>n * vb;
  J = work; LUr = J + mb; LUc = LUr + mb; // LUc: 2n²
  V = LUc + 2 * mb;
  let p = V + mb;
  f0 = fStart;
  ynew = p; p += vb;
  Z = p; p += 3 * vb;
  W = p; p += 3 * vb;
  F = p; p += 3 * vb;
  R = p; p += 2 * vb; // complex right-hand side (interleaved)
  dW0 = p; p += vb;
  err = p; p += vb;
  tmp = p; p += vb;
  Q = p; p += 3 * vb;
  yold = p; p += vb;
  pivR = p; p += vb >> 1;
  pivC = p; p += vb >> 1;
  tau = p; p += vb;
  kb = p; p += 2 * vb; // complex right-hand side as [Re; Im] for GMRES
  kScratch = p;
  njev = 0; nlu = 0;
  jacCurrent = true; luReady = false; haveDense = false; first = true;
  faccon = 1.0; nIter = 0; rate = -1.0;
  // Newton stops when its remaining error is below 3% of the local tolerance. This is RADAU5's criterion in the
  // user's units: RADAU5 iterates to fnewt·tol' with tol' = 0.1·rtol^(2/3) and fnewt = √tol', i.e. to
  // 0.1^1.5·rtol ≈ 0.03·rtol at every rtol (SciPy's min(0.03, √rtol) in units of rtol itself asks 30× more at
  // rtol = 1e-6: ~1 more iteration per step, three evaluations, for no measurable accuracy: errors at the
  // fig4 bench tolerances against a 1e-12 reference are unchanged, 3.7e-8 / 2.5e-7 in θ, hom / QH).
  newtonTol = max<f64>(10.0 * f64.EPSILON / rtol, 0.03);
}

/** J ← ∂f/∂y at (t, y): the system's analytic Jacobian, else forward differences (n evaluations); f0 = f(t, y). */
function formJacobian(t: f64, y: usize): void {
  if (analyticJ) {
    jacobian(t, y, J);
    return;
  }
  finiteDifferenceJacobian(t, y);
  if (hess) hess_reduce(N, J, tau, V);
}

function finiteDifferenceJacobian(t: f64, y: usize): void {
  const n = N;
  const sq = Math.sqrt(f64.EPSILON);
  for (let j = 0; j < n; j++) {
    const yj = y + (<usize>j << 3);
    const v = load<f64>(yj);
    const d = sq * max<f64>(abs<f64>(v), 1e-3);
    store<f64>(yj, v + d);
    f_jac(t, y, tmp);
    store<f64>(yj, v);
    const inv = 1.0 / d;
    for (let i = 0; i < n; i++) {
      store<f64>(J + ((<usize>i * n + j) << 3), (load<f64>(tmp + (<usize>i << 3)) - load<f64>(f0 + (<usize>i << 3))) * inv);
    }
  }
}

/** Before the first step (the state is finite): the system's traits and the first Jacobian. */
export function radau5_start(t: f64, y: usize): void {
  const tr = traits();
  analyticJ = krylov == 0 && (tr & SYS_ANALYTIC_JACOBIAN) != 0;
  reuseScaled = (tr & SYS_DISCONTINUOUS) != 0;
  krylovRtol = reuseScaled ? KRYLOV_RTOL_SWITCHING : KRYLOV_RTOL;
  hess = reuseScaled && krylov == 0 && !analyticJ && N >= HESS_MIN;
  // Right-hand sides of the form f(t, y) = e^t·G(y) (the terminal-phase gradient flow, t = σ) have
  // J(t, y) = e^{t − tJ}·J(tJ, y): a Jacobian formed at tJ is rescaled instead of being recomputed, so only its
  // slow drift with y calls for a new one. It is rescaled to the END of the step: the stages sit at
  // t + c_j·h with c = (0.155, 0.645, 1), and the step-end scale e^h leaves simplified Newton contracting
  // faster on the stiff modes than the step-start one (on Fig. 4's D = (1, 5, 10) flows, 17% fewer
  // evaluations; scales at 0.8h–1.2h do about as well, 0.5h clearly worse). The iteration matrices are then
  // rebuilt every step (O(n³), cheap next to a right-hand side over the whole training set).
  expScaled = (tr & SYS_EXP_SCALED) != 0;
  tJ = t;
  if (krylov == 0) {
    formJacobian(t, y);
    njev++;
  }
}

/** The driver changed h outside the controller (the last step clipped to t1): rebuild the iteration matrices. */
export function radau5_resized(): void {
  luReady = false;
}

/** The driver rejected the step (error test or a non-finite estimate). */
export function radau5_rejected(): void {
  luReady = false;
}

/** The system switched its field at the current point: the collocation polynomial no longer extrapolates, and the
 *  Jacobian (and its factorizations, still a fair approximation) is refreshed on the first Newton failure. */
export function radau5_restart(): void {
  haveDense = false;
  jacCurrent = false;
}

/** Safety factor of the step-size law for the step just attempted (smaller after slow Newton convergence). */
export function radau5_safety(): f64 {
  return 0.9 * <f64>(2 * MAXITER + 1) / <f64>(2 * MAXITER + nIter);
}

export function radau5_ynew(): usize {
  return ynew;
}

export function radau5_dense(t: f64, out: usize): void {
  const x = (t - dT0) / dH;
  const x2 = x * x, x3 = x2 * x;
  for (let i = 0; i < N; i++) {
    const o = <usize>i << 3;
    store<f64>(out + o, load<f64>(yold + o) + x * load<f64>(Q + o) + x2 * load<f64>(Q + vb + o) + x3 * load<f64>(Q + 2 * vb + o));
  }
}

/** w with w·e^w = x (x > 0), by Newton from log(1 + x). */
function lambertW(x: f64): f64 {
  let w = Math.log(1.0 + x);
  for (let k = 0; k < 20; k++) {
    const ew = Math.exp(w);
    const d = (w * ew - x) / (ew * (w + 1.0));
    w -= d;
    if (abs<f64>(d) <= 1e-16 * abs<f64>(w)) break;
  }
  return w;
}

function scaleVector(n: i32, v: usize, s: f64): void {
  for (let i = 0; i < n; i++) store<f64>(v + (<usize>i << 3), load<f64>(v + (<usize>i << 3)) * s);
}

/** v ← (μ_r/h − s·J)⁻¹·v with the current real factorization (its Hessenberg basis and scale included). */
function solveReal(v: usize): void {
  if (hess) hess_apply(N, V, tau, v, false, true);
  lu_solve_real(N, LUr, pivR, v);
  if (hess) hess_apply(N, V, tau, v, false, false);
  if (luScale != 1.0) scaleVector(N, v, 1.0 / luScale);
}

function finite(n: i32, v: usize): bool {
  for (let i = 0; i < n; i++) {
    const x = load<f64>(v + (<usize>i << 3));
    if (x - x != 0.0) return false;
  }
  return true;
}

/**
 * One step of size hs (signed) from (t, y): the collocation system by simplified Newton, ynew, and the error norm
 * over the first nControlled components (0 with fixed steps). A negative return asks the driver to retry with h
 * scaled by its absolute value: −0.5 after a singular iteration matrix or a Newton failure with a current
 * Jacobian, −1 after a Newton failure that refreshed the Jacobian.
 */
export function radau5_attempt(t: f64, hs: f64, y: usize, nControlled: i32, rtol: f64, atol: f64): f64 {
  const n = N;
  if (!luReady && krylov > 0) {
    krylov_base(n, t, y, f0, kScratch); // J·v products at the step's base point: always current
    luReady = true;
  }
  if (!luReady) {
    const ar = MU_R / hs, cr = MU_CR / hs, ci = MU_CI / hs;
    const js = expScaled ? Math.exp(t + hs - tJ) : 1.0;
    if (hess) {
      nlu++;
      if (!hess_lu_real(n, J, ar, js, LUr, pivR) || !hess_lu_complex(n, J, cr, ci, js, LUc, pivC)) return -0.5;
      luReady = true;
      luScale = 1.0;
      luH = abs<f64>(hs);
      luT = t + hs;
    } else {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const jij = js * load<f64>(J + ((<usize>i * n + j) << 3));
          const d: f64 = i == j ? 1.0 : 0.0;
          store<f64>(LUr + ((<usize>i * n + j) << 3), d * ar - jij);
          store<f64>(LUc + ((<usize>i * n + j) << 4), d * cr - jij);
          store<f64>(LUc + ((<usize>i * n + j) << 4), d * ci, 8);
        }
      }
      nlu++;
      if (!lu_real(n, LUr, pivR) || !lu_complex(n, LUc, pivC)) return -0.5; // a smaller step moves it away from the spectrum
      luReady = true;
      luScale = 1.0;
      luH = abs<f64>(hs);
      luT = t + hs;
    }
  }
  // Starting guess: the previous collocation polynomial extrapolated, else zero.
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    let z0: f64 = 0.0, z1: f64 = 0.0, z2: f64 = 0.0;
    if (haveDense) {
      const q0 = load<f64>(Q + o), q1 = load<f64>(Q + vb + o), q2 = load<f64>(Q + 2 * vb + o);
      const base = load<f64>(yold + o) - load<f64>(y + o);
      const xa = (t + C0 * hs - dT0) / dH, xb = (t + C1 * hs - dT0) / dH, xc = (t + hs - dT0) / dH;
      z0 = base + xa * (q0 + xa * (q1 + xa * q2));
      z1 = base + xb * (q0 + xb * (q1 + xb * q2));
      z2 = base + xc * (q0 + xc * (q1 + xc * q2));
    }
    store<f64>(Z + o, z0);
    store<f64>(Z + vb + o, z1);
    store<f64>(Z + 2 * vb + o, z2);
    store<f64>(W + o, TI00 * z0 + TI01 * z1 + TI02 * z2);
    store<f64>(W + vb + o, TI10 * z0 + TI11 * z1 + TI12 * z2);
    store<f64>(W + 2 * vb + o, TI20 * z0 + TI21 * z1 + TI22 * z2);
  }
  // Simplified Newton. The error of the iterate is estimated as faccon·‖ΔW‖ with faccon = ρ/(1 − ρ) from the
  // observed contraction ρ; the first iteration of a step uses the last step's ρ (damped, as RADAU5 does), so
  // a step whose starting guess is already good stops after one iteration.
  let converged = false, dwOld: f64 = 0.0;
  nIter = 0;
  rate = -1.0;
  faccon = Math.pow(max<f64>(faccon, f64.EPSILON), 0.8);
  for (let k = 0; k < MAXITER; k++) {
    nIter = k + 1;
    let ok = true;
    for (let s = 0; s < 3; s++) {
      const cs = s == 0 ? C0 : s == 1 ? C1 : 1.0;
      for (let i = 0; i < n; i++) {
        const o = <usize>i << 3;
        store<f64>(tmp + o, load<f64>(y + o) + load<f64>(Z + <usize>s * vb + o));
      }
      f(t + cs * hs, tmp, F + <usize>s * vb);
      if (!finite(n, F + <usize>s * vb)) ok = false;
    }
    if (!ok) break;
    let dw: f64 = 0.0;
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3;
      const F0 = load<f64>(F + o), F1 = load<f64>(F + vb + o), F2 = load<f64>(F + 2 * vb + o);
      const w0 = load<f64>(W + o), w1 = load<f64>(W + vb + o), w2 = load<f64>(W + 2 * vb + o);
      store<f64>(dW0 + o, TI00 * F0 + TI01 * F1 + TI02 * F2 - MU_R / hs * w0);
      store<f64>(R + (o << 1), TI10 * F0 + TI11 * F1 + TI12 * F2 - (MU_CR * w1 - MU_CI * w2) / hs);
      store<f64>(R + (o << 1), TI20 * F0 + TI21 * F1 + TI22 * F2 - (MU_CI * w1 + MU_CR * w2) / hs, 8);
    }
    if (krylov > 0) {
      krylov_solve(MU_R / hs, 0.0, dW0, krylov, krylovRtol, KRYLOV_MAXITER, kScratch);
      for (let i = 0; i < n; i++) {
        const o = <usize>i << 3;
        store<f64>(kb + o, load<f64>(R + (o << 1)));
        store<f64>(kb + vb + o, load<f64>(R + (o << 1), 8));
      }
      krylov_solve(MU_CR / hs, MU_CI / hs, kb, krylov, krylovRtol, KRYLOV_MAXITER, kScratch);
      for (let i = 0; i < n; i++) {
        const o = <usize>i << 3;
        store<f64>(R + (o << 1), load<f64>(kb + o));
        store<f64>(R + (o << 1), load<f64>(kb + vb + o), 8);
      }
    } else {
      solveReal(dW0);
      if (hess) hess_apply(n, V, tau, R, true, true);
      lu_solve_complex(n, LUc, pivC, R);
      if (hess) hess_apply(n, V, tau, R, true, false);
      if (luScale != 1.0) scaleVector(2 * n, R, 1.0 / luScale);
    }
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3;
      const sk = atol + rtol * abs<f64>(load<f64>(y + o));
      const a = load<f64>(dW0 + o), b = load<f64>(R + (o << 1)), c = load<f64>(R + (o << 1), 8);
      dw = max<f64>(dw, max<f64>(abs<f64>(a), max<f64>(abs<f64>(b), abs<f64>(c))) / sk);
      const w0 = load<f64>(W + o) + a, w1 = load<f64>(W + vb + o) + b, w2 = load<f64>(W + 2 * vb + o) + c;
      store<f64>(W + o, w0);
      store<f64>(W + vb + o, w1);
      store<f64>(W + 2 * vb + o, w2);
      store<f64>(Z + o, T00 * w0 + T01 * w1 + T02 * w2);
      store<f64>(Z + vb + o, T10 * w0 + T11 * w1 + T12 * w2);
      store<f64>(Z + 2 * vb + o, T20 * w0 + T21 * w1 + T22 * w2);
    }
    if (dw != dw) break;
    if (k > 0) {
      rate = dw / dwOld;
      if (rate >= 1.0 || Math.pow(rate, <f64>(MAXITER - k)) / (1.0 - rate) * dw > newtonTol) break;
      faccon = rate / (1.0 - rate);
    }
    if (dw == 0.0 || faccon * dw < newtonTol) { converged = true; break; }
    dwOld = dw;
  }
  if (!converged) {
    luReady = false;
    if (krylov == 0 && !jacCurrent) {
      formJacobian(t, y);
      njev++;
      tJ = t;
      jacCurrent = true;
      return -1.0;
    }
    return -0.5;
  }
  // Error estimate: (μ_r/h − J)⁻¹ (f(t, y) + Σ E_j Z_j / h)
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(ynew + o, load<f64>(y + o) + load<f64>(Z + 2 * vb + o));
    const ze = (E0 * load<f64>(Z + o) + E1 * load<f64>(Z + vb + o) + E2 * load<f64>(Z + 2 * vb + o)) / hs;
    store<f64>(F + o, ze); // keep Σ E Z / h for a possible second estimate
    store<f64>(err + o, load<f64>(f0 + o) + ze);
  }
  if (krylov > 0) krylov_solve(MU_R / hs, 0.0, err, krylov, krylovRtol, KRYLOV_MAXITER, kScratch);
  else solveReal(err);
  let en = fixed ? 0.0 : error_norm(nControlled, err, y, ynew, rtol, atol);
  if (en > 1.0 && (first || ctl_rejected_last())) {
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3;
      store<f64>(tmp + o, load<f64>(y + o) + load<f64>(err + o));
    }
    f(t, tmp, err);
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3;
      store<f64>(err + o, load<f64>(err + o) + load<f64>(F + o));
    }
    if (krylov > 0) krylov_solve(MU_R / hs, 0.0, err, krylov, krylovRtol, KRYLOV_MAXITER, kScratch);
    else solveReal(err);
    en = error_norm(nControlled, err, y, ynew, rtol, atol);
  }
  return en;
}

/** After the driver accepted the step [t, t + hs] (tnew its end): dense output, ynew, and f0 ← f(tnew, ynew) —
 *  first, because the error estimate and the Jacobian of the next step need it and model events at the new
 *  point then reuse this evaluation. */
export function radau5_accept(t: f64, hs: f64, tnew: f64, y: usize): void {
  first = false;
  memory.copy(yold, y, vb);
  for (let i = 0; i < N; i++) {
    const o = <usize>i << 3;
    const z0 = load<f64>(Z + o), z1 = load<f64>(Z + vb + o), z2 = load<f64>(Z + 2 * vb + o);
    store<f64>(Q + o, P00 * z0 + P01 * z1 + P02 * z2);
    store<f64>(Q + vb + o, P10 * z0 + P11 * z1 + P12 * z2);
    store<f64>(Q + 2 * vb + o, P20 * z0 + P21 * z1 + P22 * z2);
  }
  dT0 = t; dH = hs; haveDense = true;
  f(tnew, ynew, f0);
}

/** The next step size after an accepted step, now at (t, y), given the controller's factor: refreshes the Jacobian
 *  when Newton contracted slowly (or when it is analytic: ~one evaluation), and keeps h — and the iteration
 *  matrices — when the factor is in [1, 1.2) and nothing else changed. */
export function radau5_next_h(t: f64, y: usize, h: f64, factor: f64, hmax: f64): f64 {
  // an analytic Jacobian costs about one evaluation: keep it fresh (Newton then needs ~2 iterations, not ~4)
  const recompute = krylov == 0 && (analyticJ || (nIter > 2 && rate > 0.3)); // a Jacobian costs n evaluations, a Newton iteration 3: refresh only when Newton contracts slowly
  if (recompute) {
    formJacobian(t, y);
    njev++;
    tJ = t;
    jacCurrent = true;
    luReady = false;
  } else jacCurrent = false;
  // e^t·G(y) switching systems with a finite-difference Jacobian (formed rarely, so the LU pair is the cost of a step): a step
  // h' from t with h'·e^{h'} = luH·e^{luT − t} needs the iteration matrices μ/h' − e^{t+h'−tJ}·J, which are
  // (luH/h')·(the factored pair): no new factorization, when that h' is about what the controller asks (between
  // its step and a third less). The flow's own stiffness grows like e^t, so such steps are the natural ones.
  if (reuseScaled && expScaled && krylov == 0 && !analyticJ && !recompute && !fixed && luReady && h > 0.0) {
    const want = min<f64>(hmax, h * factor);
    const h1 = lambertW(luH * Math.exp(luT - t));
    if (h1 > 0.0 && h1 <= want && h1 >= 0.66 * want) {
      luScale = luH / h1;
      return h1;
    }
  }
  if (expScaled || krylov > 0) luReady = false;
  if (fixed) factor = 1.0;
  if (!(recompute == false && !expScaled && factor >= 1.0 && factor < 1.2)) {
    luReady = false;
    return min<f64>(hmax, h * factor);
  }
  return h;
}

export function radau5_stats(stats: usize): void {
  put_stat(stats, STAT_NJEV, <f64>njev);
  put_stat(stats, STAT_NLU, <f64>nlu);
}
