// Seed 001's normalized flow of a real network in (ρ, V_k) form (§3.4, eq. 1–11): a bias-free ReLU network written
// f_W = ρ·f_V, every layer V_k on its unit (Frobenius) sphere, ρ a separate scale, trained on the square loss with
// weight decay on ρ only, L = (1/N)Σ_n (1 − ρf̄_n)² + λρ², f̄_n = y_n f_V(x_n). The gradient flow on ℝ × Π_k spheres
// (the Lagrange multiplier ν_k of eq. 4–5 keeping ‖V_k‖ = 1) is
//   ρ'   = 2(μ − ρ(M + λ))                                                    (eq. 6, 8)
//   V_k' = (2/N) ρ Σ_n (1 − ρf̄_n)(∂f̄_n/∂V_k − V_k f̄_n)                      (eq. 7)
//   ν_k  = (1/N) Σ_n ρ f̄_n (1 − ρf̄_n)                                        (eq. 5)
// with μ = mean f̄, M = mean f̄². Eq. 7 is the tangent projection (I − V_kV_kᵀ)∂/∂V_k because ⟨V_k, ∂f̄_n/∂V_k⟩ = f̄_n
// (each layer enters homogeneously of degree 1, the structural lemma): that identity also makes the spheres
// invariant, d‖V_k‖²/dt = 4ν(1 − ‖V_k‖²), so the drift of ‖V_k‖ from 1 measures the integrator alone.
// The margins and Σ_n c_n ∂f̄_n/∂V (one backward pass with cotangents y_n c_n, c_n = 1 − ρf̄_n) come from the kernels'
// model program, resident in WASM memory for the whole integration; the integrator is the host's DOPRI5
// (dynamics/explicit-rk.ts). ReLU kinks are followed as a Filippov system: V' jumps across a unit's kink z = 0 by a
// multiple of its normal ∇z (the unit's backward factor switches), so where both sides push into the kink the flow
// slides on it with the convex weight α ∈ [0, 1] that keeps n·V' = 0 — solved by Newton on the kernels' backward
// passes with that unit's factor set to α (exact in one step when the field is affine in the weights). A unit enters
// when its input changes sign (or nears 0) at an accepted step and both one-sided fields point into the kink; it
// leaves when its weight leaves [0, 1] (the field then takes it off the kink to the side it leaves to).
import { ArgumentError, checkFinite } from "../errors.js";
import type { Runtime } from "../runtime/kernels.js";
import type { F64Buffer } from "../runtime/arena.js";
import type { CompiledModel } from "../models/compile.js";
import { ModelEvaluator } from "../models/evaluate.js";
import { checkTrainingSet, type TrainingSet } from "./problem.js";
import { ReluKinks } from "./relu-kinks.js";
import { exp } from "../runtime/detmath.js";
import { solveDense } from "../linalg/dense-solve.js";

/** μ, M and σ² = M − μ² of the margins (seed 001 §3.4.1, 1/N convention). */
export function marginStats(fbar: ArrayLike<number>): { mu: number; M: number; sigma2: number } {
  let s = 0, s2 = 0;
  for (let i = 0; i < fbar.length; i++) {
    s += fbar[i]!;
    s2 += fbar[i]! * fbar[i]!;
  }
  const mu = s / fbar.length, M = s2 / fbar.length;
  let v = 0; // σ² as the mean squared deviation (no cancellation in M − μ²)
  for (let i = 0; i < fbar.length; i++) v += (fbar[i]! - mu) ** 2;
  return { mu, M, sigma2: v / fbar.length };
}

/** The observables of seed 001's normalized flow at one point (ρ, V). */
export interface NormalizedPoint {
  rho: number;
  mu: number;
  M: number;
  sigma2: number;
  /** ρ' of eq. 6 */
  drho: number;
  /** μ/(M + λ) (eq. 11) and μ/M (λ = 0) at these margins */
  rhoEq: number;
  rho0: number;
  /** the loss (1/N)Σ(f_W(x_n) − y_n)² + λρ² of the network W = (V_1, …, ρV_L), from the kernels' square loss */
  loss: number;
  /** Lemma 9's right-hand side 1 − ρ(μ + ρ'/2) */
  lemma9: number;
  /** ν of eq. 5, (1/N)Σρf̄(1 − ρf̄) */
  nu: number;
  /** ν_k measured per layer from the kernels' gradient: −⟨V_k, ∂L/∂V_k⟩/2 (equal to eq. 5 by the structural lemma) */
  nuLayers: number[];
  /** ‖V_k‖ per layer */
  norms: number[];
  /** ‖V'‖ (all layers, the sliding field where units slide): 0 at a critical point of the V dynamics */
  speedV: number;
  /** units sliding on their kinks here */
  sliding: number;
}

/** A bias-free ReLU (or linear) network with one output, each of whose layers is homogeneous of degree 1. */
function checkHomogeneous(model: CompiledModel): void {
  const s = model.spec;
  const ok = (s.kind === "mlp" || s.kind === "deepLinear") && s.bias === false && !s.layerNorm && !(s.kind === "mlp" && s.residual) && model.outputs === 1;
  if (!ok) throw new ArgumentError("model", s.kind, 'a one-output "mlp" or "deepLinear" with bias: false, no residual connections and no layer norm (each layer homogeneous of degree 1: seed 001\'s f_W = ρ f_V)');
}

/** Eq. 5–7 for one network, training set and λ; use() lends the resident system that evaluates them. */
export class NormalizedFlow {
  readonly layers: { offset: number; size: number }[];
  readonly n: number;
  readonly kinks: ReluKinks | null;

  constructor(
    readonly rt: Runtime,
    readonly model: CompiledModel,
    readonly data: TrainingSet,
    readonly lambda: number,
  ) {
    checkHomogeneous(model);
    checkTrainingSet(model, data);
    checkFinite("lambda", lambda);
    if (!(lambda >= 0)) throw new ArgumentError("lambda", lambda, "a weight decay λ ≥ 0");
    this.layers = model.groups.map((g) => ({ offset: g.offset, size: g.size }));
    this.n = data.X.rows;
    this.kinks = model.spec.kind === "mlp" && model.spec.hidden.length > 0 ? new ReluKinks(rt, model, data.X) : null;
  }

  /** Runs fn with the model program, inputs and workspace resident in WASM memory (call everything inside it). */
  use<T>(fn: (s: NormalizedSystem) => T): T {
    const rt = this.rt, e = rt.exports, m = this.model, n = this.n;
    return rt.arena.scope((a) => {
      const prog = a.allocBytes(m.program.length * 4);
      new Int32Array(e.memory.buffer, prog, m.program.length).set(m.program);
      const units = this.kinks?.units ?? 0;
      const buf = {
        prog, th: a.f64(m.size), x: a.f64(this.data.X.data.length, this.data.X.data), f: a.f64(n), g: a.f64(n), grad: a.f64(m.size),
        modes: a.f64(Math.max(1, units)), sub: a.f64(Math.max(1, units)), capList: a.allocBytes(4 * (1 + 2 * units)), capOut: a.f64(Math.max(1, units)), work: a.allocBytes(Math.max(16, e.model_workspace_bytes(prog, n))),
      };
      e.model_set_modes(0, 0, 0, 0);
      try {
        return fn(new NormalizedSystem(this, buf));
      } finally {
        e.model_set_modes(0, 0, 0, 0);
      }
    });
  }

  /** V scaled layer by layer onto the unit spheres (a copy). */
  normalize(V: Float64Array): Float64Array {
    const out = Float64Array.from(V);
    for (const l of this.layers) {
      let s = 0;
      for (let j = l.offset; j < l.offset + l.size; j++) s += V[j]! * V[j]!;
      const k = 1 / Math.sqrt(s);
      if (!Number.isFinite(k)) throw new ArgumentError("V", `a zero layer at ${l.offset}`, "every layer nonzero");
      for (let j = l.offset; j < l.offset + l.size; j++) out[j]! *= k;
    }
    return out;
  }
}

interface Buffers {
  prog: number;
  th: F64Buffer;
  x: F64Buffer;
  f: F64Buffer;
  g: F64Buffer;
  grad: F64Buffer;
  modes: F64Buffer;
  sub: F64Buffer;
  capList: number;
  capOut: F64Buffer;
  work: number;
}

/** A unit whose input |z| is below this at an accepted step is tested for sliding even if its sign did not change
 *  (an error-controlled explicit step may creep up to a kink from one side without crossing it). |z| ≤ 1 here:
 *  unit-norm layers and ‖x‖ ≤ 1. */
const KINK_TOL = 1e-8;

/** The resident system of a NormalizedFlow: eq. 6–7 with the Filippov state of the ReLU kinks. */
export class NormalizedSystem {
  /** units sliding on their kinks → their Filippov weight α at the last evaluation */
  readonly sliding = new Map<number, number>();
  /** kink crossings and sliding intervals so far */
  readonly counts = { crossed: 0, entered: 0, left: 0 };
  private readonly n: number;
  private readonly units: number;
  private readonly fbar: Float64Array;
  private readonly c: Float64Array;
  private readonly gv: Float64Array;
  private readonly natural: Float64Array;
  private readonly factors: Float64Array;
  private previous: Float64Array | null = null;
  private readonly z: Float64Array;

  constructor(
    readonly flow: NormalizedFlow,
    private readonly b: Buffers,
  ) {
    this.n = flow.n;
    this.units = flow.kinks?.units ?? 0;
    this.fbar = new Float64Array(this.n);
    this.c = new Float64Array(this.n);
    this.gv = new Float64Array(flow.model.size);
    this.natural = new Float64Array(flow.model.size);
    this.factors = new Float64Array(this.units);
    this.z = new Float64Array(this.units);
  }

  /** f̄_n = y_n f_V(x_n) at V (natural ReLUs); the ReLU units' natural factors [z > 0] into this.factors. */
  margins(V: Float64Array, fbar: Float64Array = new Float64Array(this.n)): Float64Array {
    const e = this.flow.rt.exports, y = this.flow.data.labels;
    this.b.th.set(V);
    e.model_forward(this.b.prog, this.b.th.ptr, this.b.x.ptr, this.n, this.b.f.ptr, this.b.work);
    const fv = this.b.f.view;
    for (let i = 0; i < this.n; i++) fbar[i] = y[i]! * fv[i]!;
    if (this.units > 0) {
      e.model_relu_factors(this.b.prog, this.n, this.b.modes.ptr);
      this.factors.set(this.b.modes.view);
    }
    return fbar;
  }

  /** out ← Σ_n c_n ∂f̄_n/∂V at the V of the last margins(), the ReLUs' backward factors from `factors` (null: natural);
   *  with `capture`, the cotangent arriving at each of those units (before its factor) into the returned array. */
  private backward(c: Float64Array, factors: Float64Array | null, out: Float64Array, capture?: number[]): Float64Array | null {
    const e = this.flow.rt.exports, y = this.flow.data.labels, gv = this.b.g.view;
    for (let i = 0; i < this.n; i++) gv[i] = y[i]! * c[i]!;
    if (factors) this.b.modes.set(factors);
    let cap = 0;
    if (capture && capture.length > 0) {
      const list = new Int32Array(e.memory.buffer, this.b.capList, 1 + 2 * capture.length);
      list[0] = capture.length;
      capture.forEach((u, j) => {
        const { layer, sample, unit } = this.flow.kinks!.decode(u);
        list[1 + 2 * j] = 2 * layer + 1; // ReLU q is op 2q + 1 of a bias-free mlp
        list[2 + 2 * j] = sample * this.flow.kinks!.width(layer) + unit;
      });
      cap = this.b.capList;
    }
    if (factors || cap) e.model_set_modes(0, factors ? this.b.modes.ptr : 0, cap, cap ? this.b.capOut.ptr : 0);
    e.model_backward(this.b.prog, this.b.th.ptr, this.n, this.b.g.ptr, this.b.grad.ptr, this.flow.model.size, this.b.work);
    if (factors || cap) e.model_set_modes(0, 0, 0, 0);
    out.set(this.b.grad.view);
    return cap ? this.b.capOut.view.slice(0, capture!.length) : null;
  }

  /** The factors of the current Filippov state: natural, sliding units at α clamped to [0, 1] (an element of the
   *  Filippov set even where the kink cannot be held). */
  private stateFactors(): Float64Array | null {
    if (this.sliding.size === 0) return null;
    const f = Float64Array.from(this.factors);
    for (const [u, a] of this.sliding) f[u] = Math.min(1, Math.max(0, a));
    return f;
  }

  /** The kink normals of these units at V (upstream factors from f). The truncated networks' passes overwrite the
   *  kernels' record of the last forward, so the main forward is run again after them (backward needs it). */
  private normals(V: Float64Array, units: number[], f: Float64Array | null): Float64Array[] {
    const out = units.map((u) => {
      const s = new Float64Array(V.length);
      this.flow.kinks!.normal(V, u, f, this.b.sub, s);
      return s;
    });
    const e = this.flow.rt.exports;
    e.model_forward(this.b.prog, this.b.th.ptr, this.b.x.ptr, this.n, this.b.f.ptr, this.b.work);
    return out;
  }

  /** y = [ρ, V]: writes [ρ', V'] of eq. 6–7, with the sliding units' weights solved so that their kinks hold. */
  rhs(state: Float64Array, dy: Float64Array): void {
    const rho = state[0]!, V = state.subarray(1), n = this.n, { fbar, c, gv } = this;
    this.margins(V, fbar);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      c[i] = 1 - rho * fbar[i]!;
      sum += c[i]! * fbar[i]!;
    }
    const { mu, M } = marginStats(fbar);
    dy[0] = 2 * (mu - rho * (M + this.flow.lambda));
    const k = (2 / n) * rho;
    const f = this.stateFactors();
    if (this.sliding.size > 0) {
      this.solveSliding(V, f!, sum, k);
      // the sliding units' correction g(α) − g(natural) is a combination of their kink normals, tangent to the spheres
      // only where z = 0 exactly (⟨V_k, ∂z/∂V_k⟩ = z): a unit taken onto its kink at |z| ≤ KINK_TOL would leak off the
      // sphere at a rate ∝ z, so the correction is projected onto each layer's tangent space
      const nat = this.natural;
      this.backward(c, null, nat);
      this.backward(c, f, gv);
      for (const l of this.flow.layers) {
        let vd = 0, vv = 0;
        for (let j = l.offset; j < l.offset + l.size; j++) {
          vd += V[j]! * (gv[j]! - nat[j]!);
          vv += V[j]! * V[j]!;
        }
        for (let j = l.offset; j < l.offset + l.size; j++) gv[j] = gv[j]! - (vd / vv) * V[j]!;
      }
    } else this.backward(c, null, gv);
    for (let j = 0; j < V.length; j++) dy[1 + j] = k * (gv[j]! - V[j]! * sum);
  }

  /**
   * Newton on the sliding weights α: n_r·V'(α) = 0 for every sliding unit r. Switching unit s's factor from 0 to 1 adds
   * γ_s n_s to Σ_n c_n ∂f̄_n/∂V (γ_s the cotangent arriving at the unit, captured by the backward pass, n_s its kink
   * normal), so the Jacobian is J_rs = (2ρ/N) γ_s n_r·n_s — exact in one step when no two sliding units share a sample
   * in different layers (γ then does not depend on α); a second pass checks, and refines otherwise.
   */
  private solveSliding(V: Float64Array, f: Float64Array, sum: number, k: number): void {
    const S = [...this.sliding.keys()], q = S.length, c = this.c, g = this.gv;
    const nrm = this.normals(V, S, f);
    const G = nrm.map((a) => nrm.map((b) => dotAll(a, b)));
    const residual = () => nrm.map((s) => {
      let r = 0;
      for (let j = 0; j < V.length; j++) r += s[j]! * k * (g[j]! - V[j]! * sum);
      return r;
    });
    for (let it = 0; it < 4; it++) {
      const gamma = this.backward(c, f, g, S)!;
      const r = residual();
      const J = G.map((row) => Float64Array.from(row, (v, j) => k * gamma[j]! * v));
      const d = solveDense(J, r);
      let step = 0;
      S.forEach((u, j) => {
        f[u] = f[u]! - d[j]!;
        step = Math.max(step, Math.abs(d[j]!));
      });
      if (step <= 1e-13) break;
    }
    S.forEach((u) => {
      this.sliding.set(u, f[u]!);
      f[u] = Math.min(1, Math.max(0, f[u]!));
    });
  }

  /** Before the first step: the natural factors there (for sign changes). */
  prime(state: Float64Array): void {
    this.margins(state.subarray(1), this.fbar);
    this.previous = Float64Array.from(this.factors);
  }

  /**
   * After an accepted step at `state` (the last rhs() was evaluated there: DOPRI5's last stage): units whose weight
   * left [0, 1] leave their kink; units whose input changed sign, or is within KINK_TOL of 0 (but not exactly 0: a unit
   * fed only zeros has a zero normal and cannot slide), enter when both one-sided fields point into the kink. Returns
   * true when the sliding set changed (the integrator restarts there).
   */
  update(state: Float64Array): boolean {
    if (this.units === 0) return false;
    const rho = state[0]!, V = state.subarray(1);
    let changed = false;
    const left = new Set<number>();
    for (const [u, a] of [...this.sliding]) {
      if (a > 1 || a < 0) {
        this.sliding.delete(u);
        left.add(u);
        this.counts.left++;
        changed = true;
      }
    }
    this.margins(V, this.fbar);
    const nat = Float64Array.from(this.factors), prev = this.previous ?? nat;
    let sum = 0;
    for (let i = 0; i < this.n; i++) {
      this.c[i] = 1 - rho * this.fbar[i]!;
      sum += this.c[i]! * this.fbar[i]!;
    }
    const k = (2 / this.n) * rho;
    this.flow.kinks!.inputs(this.z);
    for (let u = 0; u < this.units; u++) {
      if (this.sliding.has(u) || left.has(u)) continue; // one that just left is not taken back at once
      const flipped = nat[u] !== prev[u];
      if (!flipped && !(Math.abs(this.z[u]!) <= KINK_TOL && this.z[u] !== 0)) continue;
      if (flipped) this.counts.crossed++;
      const f = this.stateFactors() ?? Float64Array.from(nat);
      const [s] = this.normals(V, [u], f);
      const side = (v: number) => {
        f[u] = v;
        this.backward(this.c, f, this.gv);
        let r = 0;
        for (let j = 0; j < V.length; j++) r += s![j]! * k * (this.gv[j]! - V[j]! * sum);
        return r;
      };
      const up = side(1), down = side(0);
      if (up < 0 && down > 0) {
        this.sliding.set(u, down / (down - up));
        this.counts.entered++;
        changed = true;
      }
    }
    this.previous = nat;
    return changed;
  }

  /** The observables at (ρ, V). */
  observe(state: Float64Array): NormalizedPoint {
    const rho = state[0]!, V = state.subarray(1), n = this.n, lam = this.flow.lambda, flow = this.flow;
    const dy = new Float64Array(state.length);
    this.rhs(state, dy);
    let sp = 0;
    for (let j = 1; j < dy.length; j++) sp += dy[j]! * dy[j]!;
    const fbar = this.margins(V), c = fbar.map((v) => 1 - rho * v), g = new Float64Array(V.length);
    this.backward(c, null, g);
    const { mu, M, sigma2 } = marginStats(fbar);
    const drho = 2 * (mu - rho * (M + lam));
    // the network W = (V_1, …, ρV_L): its square loss by the kernels ((1/n)Σ½(f − y)², log domain) — twice it is seed 001's
    const W = Float64Array.from(V), last = flow.layers[flow.layers.length - 1]!;
    for (let j = last.offset; j < last.offset + last.size; j++) W[j]! *= rho;
    const ev = new ModelEvaluator(flow.rt, flow.model);
    const loss = 2 * exp(ev.loss("square", ev.forward(W, flow.data.X), flow.data.labels).logL) + lam * rho * rho;
    let nu = 0;
    for (let i = 0; i < n; i++) nu += rho * fbar[i]! * (1 - rho * fbar[i]!);
    const dot = (a: Float64Array, b: Float64Array, l: { offset: number; size: number }) => {
      let s = 0;
      for (let j = l.offset; j < l.offset + l.size; j++) s += a[j]! * b[j]!;
      return s;
    };
    // eq. 4's multiplier from V_kᵀV_k' = 0 at ‖V_k‖ = 1: ν_k = −⟨V_k, ∂L/∂V_k⟩/2 = (ρ/N)⟨V_k, g_k⟩ (∂L/∂V_k = −(2/N)ρ g_k)
    const nuLayers = flow.layers.map((l) => (rho / n) * dot(V, g, l));
    const norms = flow.layers.map((l) => Math.sqrt(dot(V, V, l)));
    return { rho, mu, M, sigma2, drho, rhoEq: mu / (M + lam), rho0: mu / M, loss, lemma9: 1 - rho * (mu + drho / 2), nu: nu / n, nuLayers, norms, speedV: Math.sqrt(sp), sliding: this.sliding.size };
  }

  /** The loss (1/N)Σ(1 − ρf̄_n)² + λρ² at (ρ, V) from the margins (landscapes). */
  lossAt(rho: number, V: Float64Array, lambda = this.flow.lambda): number {
    const fbar = this.margins(V);
    let s = 0;
    for (let i = 0; i < this.n; i++) s += (1 - rho * fbar[i]!) ** 2;
    return s / this.n + lambda * rho * rho;
  }
}

function dotAll(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j]! * b[j]!;
  return s;
}
