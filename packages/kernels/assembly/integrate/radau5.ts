// Radau IIA of order 5 (3-stage collocation; Hairer & Wanner, Solving ODEs II, §IV.8): an L-stable implicit
// method for stiff flows — here the terminal phase of gradient flow, whose relaxation rates grow like e^σ.
// Simplified Newton on the transformed stage system: one real LU of (μ_r/h − J) and one complex LU of
// (μ_c/h − J); the Jacobian (forward differences of the right-hand side, every evaluation counted) is reused
// across steps while Newton converges fast. Embedded 3rd-order error estimate filtered through (μ_r/h − J)⁻¹,
// Gustafsson's predictive step control, the collocation polynomial as dense output, events on it. For large
// systems (krylov > 0) the same iteration runs matrix-free: GMRES with J·v products (krylov.ts).
// Over 400 lines because this file still owns its whole step loop (prologue, guards, Newton, error control, the
// terminal-phase Jacobian rescaling); the shared driver of the open flow issue takes the loop out and leaves the
// stepper — the tableau, the Newton solve and the dense output — well under it.
import { eval_rhs, eval_event, event_stride, RHS_GF_LOGS } from "./flows";
import { lu_real, lu_solve_real, lu_complex, lu_solve_complex } from "./linsolve";
import { krylov_bytes, krylov_base, krylov_solve } from "./krylov";
import { gf_has_analytic_jacobian, gf_jacobian_logs } from "./gradflow";
import { finish_step, stepTerminal, stepEvCount, stepOutIdx } from "./events";
import { error_norm } from "./controller";
import { STATUS_DONE, STATUS_EVENT, STATUS_MAX_STEPS, STATUS_STEP_TOO_SMALL, STATUS_NONFINITE, STATUS_BAD_RHS, STATUS_DEADLINE, host_now } from "./dopri5";
export { STATUS_DEADLINE };
/** Extra stats slots of radau5_solve (after dopri5's): Jacobians, RHS evaluations spent in them (or in the
 *  J·v products of the matrix-free mode), LU pairs. */
export const STAT_NJEV: i32 = 7;
export const STAT_NFEV_JAC: i32 = 8;
export const STAT_NLU: i32 = 9;
export const RADAU_STATS_LEN: i32 = 10;

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

/** Bytes of workspace radau5_solve needs for dimension n with nEvents events; krylov > 0: the GMRES restart
 *  length of the matrix-free mode (no n² storage), 0: dense Jacobian and LU. */
export function radau5_workspace_bytes(n: i32, nEvents: i32, krylov: i32): i32 {
  // dense: J, LUr: n² each; LUc: 2n²; vectors: 21n; two pivot arrays of n i32 (= n f64); events: 2·nEvents
  const matrices = krylov > 0 ? 0 : 4 * n * n;
  return ((matrices + 22 * n + 2 * nEvents) << 3) + (krylov > 0 ? krylov_bytes(n, krylov) + 16 * n : 0); // + kb: 2n
}

/** Relative residual of the GMRES solves, and their product budget (per solve). */
const KRYLOV_RTOL: f64 = 1e-7;
const KRYLOV_MAXITER: i32 = 200;

// Dense output of the last accepted step (module state; one solve at a time).
let dN: i32 = 0;
let dT0: f64 = 0.0;
let dH: f64 = 0.0;
let dY: usize = 0;
let dQ: usize = 0; // 3n: Q_0, Q_1, Q_2

function dense(t: f64, out: usize): void {
  const x = (t - dT0) / dH;
  const x2 = x * x, x3 = x2 * x;
  const vb = <usize>dN << 3;
  for (let i = 0; i < dN; i++) {
    const o = <usize>i << 3;
    store<f64>(out + o, load<f64>(dY + o) + x * load<f64>(dQ + o) + x2 * load<f64>(dQ + vb + o) + x3 * load<f64>(dQ + 2 * vb + o));
  }
}

function finite(n: i32, v: usize): bool {
  for (let i = 0; i < n; i++) {
    const x = load<f64>(v + (<usize>i << 3));
    if (x - x != 0.0) return false;
  }
  return true;
}

/** J ← ∂f/∂y at (t, y): analytic for the terminal-phase flow of diagonal networks, else forward differences.
 *  Returns the right-hand-side evaluations it cost (1 for the analytic one: a single pass over the samples). */
function formJacobian(n: i32, rhs: i32, params: usize, t: f64, y: usize, f0: usize, J: usize, fp: usize, analytic: bool): i32 {
  if (analytic) {
    gf_jacobian_logs(params, t, y, J);
    return 1;
  }
  jacobian(n, rhs, params, t, y, f0, J, fp);
  return n;
}

/** J ← ∂f/∂y at (t, y) by forward differences (n extra RHS evaluations); f0 = f(t, y). */
function jacobian(n: i32, rhs: i32, params: usize, t: f64, y: usize, f0: usize, J: usize, fp: usize): void {
  const sq = Math.sqrt(f64.EPSILON);
  for (let j = 0; j < n; j++) {
    const yj = y + (<usize>j << 3);
    const v = load<f64>(yj);
    const d = sq * max<f64>(abs<f64>(v), 1e-3);
    store<f64>(yj, v + d);
    eval_rhs(rhs, n, t, y, fp, params);
    store<f64>(yj, v);
    const inv = 1.0 / d;
    for (let i = 0; i < n; i++) {
      store<f64>(J + ((<usize>i * n + j) << 3), (load<f64>(fp + (<usize>i << 3)) - load<f64>(f0 + (<usize>i << 3))) * inv);
    }
  }
}

/**
 * Integrates y' = f(t, y) from t0 towards t1 with Radau IIA(5). Arguments as dopri5_solve, plus `deadline`
 * (host milliseconds from env.now; 0 = none) and `fixed` (steps of exactly h0, no error control — for
 * convergence-order studies; Newton still solves to the tolerances). stats receives RADAU_STATS_LEN f64s.
 */
export function radau5_solve(
  n: i32, rhs: i32, params: usize, t0: f64, t1: f64, y: usize, rtol: f64, atol: f64, h0: f64, hmax: f64,
  maxSteps: i32, tOut: usize, nOut: i32, yOut: usize, events: usize, nEvents: i32, evOut: usize, evCap: i32,
  work: usize, stats: usize, deadline: f64, fixed: bool, krylov: i32,
): i32 {
  const vb = <usize>n << 3;
  const mb: usize = krylov > 0 ? 0 : <usize>n * vb;
  const J = work, LUr = J + mb, LUc = LUr + mb; // LUc: 2n²
  let p = LUc + 2 * mb;
  const f0 = p; p += vb;
  const ynew = p; p += vb;
  const Z = p; p += 3 * vb;
  const W = p; p += 3 * vb;
  const F = p; p += 3 * vb;
  const R = p; p += 2 * vb; // complex right-hand side (interleaved)
  const dW0 = p; p += vb;
  const err = p; p += vb;
  const tmp = p; p += vb;
  const Q = p; p += 3 * vb;
  const yold = p; p += vb;
  const scratch = p; p += vb;
  const pivR = p; p += vb >> 1;
  const pivC = p; p += vb >> 1;
  const gOld = p; p += <usize>nEvents << 3;
  const gNew = p; p += <usize>nEvents << 3;
  const kb = p; p += 2 * vb; // complex right-hand side as [Re; Im] for GMRES
  const kScratch = p;
  let nKrylov = 0;
  dN = n; dQ = Q; dY = yold;

  let nfev = 0, njev = 0, nfevJac = 0, nlu = 0, naccept = 0, nreject = 0, outIdx = 0, evCount = 0, steps = 0;
  let status = STATUS_DONE;
  const dir: f64 = t1 >= t0 ? 1.0 : -1.0;
  const span = abs<f64>(t1 - t0);
  hmax = hmax > 0.0 ? min<f64>(hmax, span) : span;
  let t = t0;
  while (outIdx < nOut && load<f64>(tOut + (<usize>outIdx << 3)) == t0) {
    memory.copy(yOut + <usize>outIdx * vb, y, vb);
    outIdx++;
  }
  if (!eval_rhs(rhs, n, t, y, f0, params)) {
    store<f64>(stats, t);
    return STATUS_BAD_RHS;
  }
  nfev++;
  if (!finite(n, y) || !finite(n, f0)) status = STATUS_NONFINITE;
  for (let e = 0; e < nEvents; e++) {
    store<f64>(gOld + (<usize>e << 3), eval_event(events + <usize>(e * event_stride(n)) * 8, n, t, y, params));
  }
  let h = abs<f64>(h0);
  if (h == 0.0) {
    let d0: f64 = 0.0, d1: f64 = 0.0;
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3;
      const sk = atol + rtol * abs<f64>(load<f64>(y + o));
      d0 = max<f64>(d0, abs<f64>(load<f64>(y + o)) / sk);
      d1 = max<f64>(d1, abs<f64>(load<f64>(f0 + o)) / sk);
    }
    h = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
    if (!(h > 0.0) || h == Infinity) h = 1e-6;
  }
  h = min<f64>(h, hmax);

  const analyticJ = krylov == 0 && rhs == RHS_GF_LOGS && gf_has_analytic_jacobian(params);
  if (status == STATUS_DONE && krylov == 0) {
    nfevJac += formJacobian(n, rhs, params, t, y, f0, J, tmp, analyticJ);
    njev++;
  }
  let tJ0 = t;
  // Right-hand sides of the form f(t, y) = e^t·G(y) (the terminal-phase gradient flow, t = σ) have
  // J(t, y) = e^{t − tJ}·J(tJ, y): a Jacobian formed at tJ is rescaled instead of being recomputed, so only its
  // slow drift with y calls for a new one. It is rescaled to the END of the step: the stages sit at
  // t + c_j·h with c = (0.155, 0.645, 1), and the step-end scale e^h leaves simplified Newton contracting
  // faster on the stiff modes than the step-start one (on Fig. 4's D = (1, 5, 10) flows, 17% fewer
  // evaluations; scales at 0.8h–1.2h do about as well, 0.5h clearly worse). The iteration matrices are then
  // rebuilt every step (O(n³), cheap next to a right-hand side over the whole training set).
  const expScaled = rhs == RHS_GF_LOGS;
  let tJ = tJ0;
  let jacCurrent = true, luReady = false, haveDense = false, rejectedLast = false, first = true;
  let hOld: f64 = 0.0, enOld: f64 = 0.0, hDense: f64 = 0.0;
  let faccon: f64 = 1.0;
  // Newton stops when its remaining error is below 3% of the local tolerance. This is RADAU5's criterion in the
  // user's units: RADAU5 iterates to fnewt·tol' with tol' = 0.1·rtol^(2/3) and fnewt = √tol', i.e. to
  // 0.1^1.5·rtol ≈ 0.03·rtol at every rtol (SciPy's min(0.03, √rtol) in units of rtol itself asks 30× more at
  // rtol = 1e-6: ~1 more iteration per step, three evaluations, for no measurable accuracy: errors at the
  // fig4 bench tolerances against a 1e-12 reference are unchanged, 3.7e-8 / 2.5e-7 in θ, hom / QH).
  const newtonTol = max<f64>(10.0 * f64.EPSILON / rtol, 0.03);

  while (status == STATUS_DONE && dir * (t1 - t) > 0.0) {
    if (steps >= maxSteps) { status = STATUS_MAX_STEPS; break; }
    if (deadline > 0.0 && host_now() > deadline) { status = STATUS_DEADLINE; break; }
    if (0.1 * h <= abs<f64>(t) * f64.EPSILON || h < 1e-300) { status = STATUS_STEP_TOO_SMALL; break; }
    let last = false;
    if (dir * (t + dir * h - t1) >= 0.0) { h = abs<f64>(t1 - t); last = true; luReady = false; }
    const hs = dir * h;
    steps++;
    if (!luReady && krylov > 0) {
      krylov_base(n, rhs, params, t, y, f0, kScratch); // J·v products at the step's base point: always current
      luReady = true;
    }
    if (!luReady) {
      const ar = MU_R / hs, cr = MU_CR / hs, ci = MU_CI / hs;
      const js = expScaled ? Math.exp(t + hs - tJ) : 1.0;
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
      if (!lu_real(n, LUr, pivR) || !lu_complex(n, LUc, pivC)) {
        h *= 0.5; // singular iteration matrix: a smaller step moves it away from the spectrum
        nreject++;
        continue;
      }
      luReady = true;
    }
    // Starting guess: the previous collocation polynomial extrapolated, else zero.
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3;
      let z0: f64 = 0.0, z1: f64 = 0.0, z2: f64 = 0.0;
      if (haveDense) {
        const q0 = load<f64>(Q + o), q1 = load<f64>(Q + vb + o), q2 = load<f64>(Q + 2 * vb + o);
        const base = load<f64>(yold + o) - load<f64>(y + o);
        const xa = (t + C0 * hs - dT0) / hDense, xb = (t + C1 * hs - dT0) / hDense, xc = (t + hs - dT0) / hDense;
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
    let converged = false, nIter = 0, rate: f64 = -1.0, dwOld: f64 = 0.0;
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
        eval_rhs(rhs, n, t + cs * hs, tmp, F + <usize>s * vb, params);
        if (!finite(n, F + <usize>s * vb)) ok = false;
      }
      nfev += 3;
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
        nKrylov += krylov_solve(MU_R / hs, 0.0, dW0, krylov, KRYLOV_RTOL, KRYLOV_MAXITER, kScratch);
        for (let i = 0; i < n; i++) {
          const o = <usize>i << 3;
          store<f64>(kb + o, load<f64>(R + (o << 1)));
          store<f64>(kb + vb + o, load<f64>(R + (o << 1), 8));
        }
        nKrylov += 2 * krylov_solve(MU_CR / hs, MU_CI / hs, kb, krylov, KRYLOV_RTOL, KRYLOV_MAXITER, kScratch);
        for (let i = 0; i < n; i++) {
          const o = <usize>i << 3;
          store<f64>(R + (o << 1), load<f64>(kb + o));
          store<f64>(R + (o << 1), load<f64>(kb + vb + o), 8);
        }
      } else {
        lu_solve_real(n, LUr, pivR, dW0);
        lu_solve_complex(n, LUc, pivC, R);
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
      nreject++;
      if (krylov == 0 && !jacCurrent) {
        nfevJac += formJacobian(n, rhs, params, t, y, f0, J, tmp, analyticJ);
        njev++;
        tJ = t;
        jacCurrent = true;
      } else h *= 0.5;
      luReady = false;
      continue;
    }
    // Error estimate: (μ_r/h − J)⁻¹ (f(t, y) + Σ E_j Z_j / h)
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3;
      store<f64>(ynew + o, load<f64>(y + o) + load<f64>(Z + 2 * vb + o));
      const ze = (E0 * load<f64>(Z + o) + E1 * load<f64>(Z + vb + o) + E2 * load<f64>(Z + 2 * vb + o)) / hs;
      store<f64>(F + o, ze); // keep Σ E Z / h for a possible second estimate
      store<f64>(err + o, load<f64>(f0 + o) + ze);
    }
    if (krylov > 0) nKrylov += krylov_solve(MU_R / hs, 0.0, err, krylov, KRYLOV_RTOL, KRYLOV_MAXITER, kScratch);
    else lu_solve_real(n, LUr, pivR, err);
    let en = fixed ? 0.0 : error_norm(n, err, y, ynew, rtol, atol);
    if (en > 1.0 && (first || rejectedLast)) {
      for (let i = 0; i < n; i++) {
        const o = <usize>i << 3;
        store<f64>(tmp + o, load<f64>(y + o) + load<f64>(err + o));
      }
      eval_rhs(rhs, n, t, tmp, err, params);
      nfev++;
      for (let i = 0; i < n; i++) {
        const o = <usize>i << 3;
        store<f64>(err + o, load<f64>(err + o) + load<f64>(F + o));
      }
      if (krylov > 0) nKrylov += krylov_solve(MU_R / hs, 0.0, err, krylov, KRYLOV_RTOL, KRYLOV_MAXITER, kScratch);
      else lu_solve_real(n, LUr, pivR, err);
      en = error_norm(n, err, y, ynew, rtol, atol);
    }
    const safety = 0.9 * <f64>(2 * MAXITER + 1) / <f64>(2 * MAXITER + nIter);
    if (!(en <= 1.0)) {
      nreject++;
      rejectedLast = true;
      h *= en == en ? max<f64>(0.2, safety * Math.pow(en, -0.25)) : 0.1;
      luReady = false;
      continue;
    }

    // Accepted. Dense output of [t, t + h].
    naccept++;
    first = false;
    const tnew = last ? t1 : t + hs;
    memory.copy(yold, y, vb);
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3;
      const z0 = load<f64>(Z + o), z1 = load<f64>(Z + vb + o), z2 = load<f64>(Z + 2 * vb + o);
      store<f64>(Q + o, P00 * z0 + P01 * z1 + P02 * z2);
      store<f64>(Q + vb + o, P10 * z0 + P11 * z1 + P12 * z2);
      store<f64>(Q + 2 * vb + o, P20 * z0 + P21 * z1 + P22 * z2);
    }
    dT0 = t; dH = hs; hDense = hs; haveDense = true;
    // f at the new point first: the error estimate and the Jacobian of the next step need it, and model
    // events at the new point then reuse this evaluation
    eval_rhs(rhs, n, tnew, ynew, f0, params);
    nfev++;

    const tEnd = finish_step(n, t, tnew, dir, ynew, dense, scratch, params, events, nEvents, gOld, gNew, evOut, evCount, evCap, tOut, nOut, yOut, outIdx);
    const terminalHit = stepTerminal;
    evCount = stepEvCount;
    outIdx = stepOutIdx;
    if (terminalHit) {
      dense(tEnd, y);
      t = tEnd;
      status = STATUS_EVENT;
      break;
    }
    memory.copy(y, ynew, vb);
    memory.copy(gOld, gNew, <usize>nEvents << 3);
    t = tnew;
    if (!finite(n, y) || !finite(n, f0)) { status = STATUS_NONFINITE; break; }

    // Next step size: Gustafsson's predictive controller.
    let factor: f64;
    const enc = max<f64>(en, 1e-10);
    if (hOld > 0.0 && enOld > 0.0) factor = min<f64>(1.0, h / hOld * Math.pow(enOld / enc, 0.25)) * Math.pow(enc, -0.25);
    else factor = Math.pow(enc, -0.25);
    factor = min<f64>(10.0, safety * factor);
    if (rejectedLast) factor = min<f64>(1.0, factor);
    rejectedLast = false;
    hOld = h;
    enOld = enc;
    // an analytic Jacobian costs about one evaluation: keep it fresh (Newton then needs ~2 iterations, not ~4)
    const recompute = krylov == 0 && (analyticJ || (nIter > 2 && rate > 0.3)); // a Jacobian costs n evaluations, a Newton iteration 3: refresh only when Newton contracts slowly
    if (recompute) {
      nfevJac += formJacobian(n, rhs, params, t, y, f0, J, tmp, analyticJ);
      njev++;
      tJ = t;
      jacCurrent = true;
      luReady = false;
    } else jacCurrent = false;
    if (expScaled || krylov > 0) luReady = false;
    if (fixed) factor = 1.0;
    if (!(recompute == false && !expScaled && factor >= 1.0 && factor < 1.2)) {
      h = min<f64>(hmax, h * factor);
      luReady = false;
    }
  }

  store<f64>(stats, t);
  store<f64>(stats + 8, <f64>naccept);
  store<f64>(stats + 16, <f64>nreject);
  store<f64>(stats + 24, <f64>nfev);
  store<f64>(stats + 32, <f64>outIdx);
  store<f64>(stats + 40, <f64>evCount);
  store<f64>(stats + 48, h);
  store<f64>(stats + (<usize>STAT_NJEV << 3), <f64>njev);
  store<f64>(stats + (<usize>STAT_NFEV_JAC << 3), <f64>(nfevJac + nKrylov));
  store<f64>(stats + (<usize>STAT_NLU << 3), <f64>nlu);
  return status;
}
