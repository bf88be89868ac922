// sq-flow — seed 001's theory on a small real network (issue 14, item 1, after sq-toy): a bias-free ReLU network on a
// few dozen 2-D points (two Gaussian classes, ‖x‖ ≤ 1, labels ±1), square loss in the 1/N convention.
// 1. The normalized flow in (ρ, V_k) form (eq. 6–7, dynamics/normalized-flow.ts: the host's DOPRI5, the ReLU kinks
//    followed as a Filippov system) with weight decay λ on ρ: μ, M, σ², ρ_eq = μ/(M + λ), ρ_0 = μ/M, the multipliers
//    ν_k (eq. 5) measured per layer, Lemma 9's L = 1 − ρ(μ + ρ'/2) against the kernels' loss of the network, the drift
//    of ‖V_k‖ from 1, ρ(T) against ρ_eq of the final margins; eq. 6–7's right-hand side against the kernels' gradient
//    of the same network with "frobenius"-normalized layers.
// 2. The unnormalized flow (λ = 0) by the kernels' gradientFlow: Lemma 10's balance (‖W_k‖² − ‖W_k(0)‖² equal across
//    layers) and, started balanced, Fig. 10's ρ' = 2Lρ^{(2L−2)/L}[Σf̄ − ρΣf̄²] against the flow's own ρ(t).
// 3. App. J.2: ρ' = (1/N)Σe^{−ρf̄}f̄ − λρ with the margins of flow 1 fixed: its limit against the bisection root
//    (and, all margins equal, against Lambert's W).
// 4. The landscape (Figs. 7–9): L over ρ at the final V with and without λ, over a great circle of V through it, and
//    the valley floor ρ_eq, ρ_0 along that circle.
import { Int, Num, Positive, Strict, Type, type Static } from "../schema/schema.js";
import { parseSpec } from "../schema/validate.js";
import { ArgumentError } from "../errors.js";
import type { Runtime } from "../runtime/kernels.js";
import { Rng } from "../runtime/rng.js";
import { gaussianPair } from "../data/datasets.js";
import type { TrainingSet } from "../dynamics/problem.js";
import { compileModel, type CompiledModel } from "../models/compile.js";
import { initialize } from "../models/init.js";
import { ModelEvaluator } from "../models/evaluate.js";
import { gradientFlow } from "../dynamics/flow.js";
import { solveRk } from "../dynamics/explicit-rk.js";
import { NormalizedFlow, marginStats } from "../dynamics/normalized-flow.js";
import { normalizedFlow } from "../dynamics/normalized-flow-run.js";
import { balancedScaleRate, expScaleEquilibrium, expScaleRate, lambertW } from "../dynamics/scale-flow.js";
import { lineFigure, panelFigure } from "../report/figure.js";
import { RESULT_SCHEMA_VERSION, defineExperiment } from "./experiment.js";
import { cos, exp, hypot, log10, pow, sin } from "../runtime/detmath.js";

const Start = Strict({
  lambda: Num({ minimum: 0, maximum: 10, description: "λ, the weight decay on ρ (≥ 0)" }),
  rho0: Positive({ maximum: 1000, description: "ρ(0)" }),
});
export const SqFlowSpecSchema = Strict({
  dataSize: Type.Optional(Int(4, 400, { default: 32, description: "training points N (half per class)" })),
  dataSpread: Type.Optional(Positive({ maximum: 10, default: 0.3, description: "σ of the two Gaussian classes around ±(0.6, 0.8), before the inputs are scaled to ‖x‖ ≤ 1" })),
  hidden: Type.Optional(Type.Array(Int(1, 64), { minItems: 1, maxItems: 4, default: [8, 8], description: "hidden widths of the bias-free ReLU network (L = hidden layers + 1)" })),
  seed: Type.Optional(Int(0, Number.MAX_SAFE_INTEGER, { default: 1, description: "seed of the data, V(0) and the landscape's slice direction" })),
  starts: Type.Optional(Type.Array(Start, {
    minItems: 1, maxItems: 8,
    default: [{ lambda: 0.01, rho0: 0.5 }, { lambda: 0.01, rho0: 3 }, { lambda: 0, rho0: 0.5 }],
    description: "(λ, ρ(0)) of the normalized flows, all from the same V(0); the first needs λ > 0 (App. J.2 and the landscape use its end point)",
  })),
  horizon: Type.Optional(Positive({ maximum: 1e5, default: 1000, description: "the normalized flows' horizon t" })),
  rtol: Type.Optional(Positive({ maximum: 0.1, default: 1e-10, description: "relative tolerance of the flows" })),
  atol: Type.Optional(Positive({ maximum: 0.1, default: 1e-12, description: "absolute tolerance of the flows" })),
  maxSteps: Type.Optional(Int(1, 10_000_000, { default: 50_000, description: "the normalized flows' step limit (accepted + rejected)" })),
  budgetS: Type.Optional(Positive({ maximum: 86_400, default: 30, description: "each normalized flow's wall-clock budget in seconds (status budget when spent)" })),
  minStep: Type.Optional(Num({ minimum: 0, default: 0, description: "the normalized flows' smallest step, taken whatever its error (0: none) — a fallback where the Filippov treatment of the kinks does not carry a flow through, at O(minStep) accuracy" })),
  layerNorms: Type.Optional(Type.Array(Positive({ maximum: 100 }), { minItems: 2, maxItems: 5, default: [0.5, 1, 2], description: "Lemma 10: each layer's initial Frobenius norm (one per layer) of the unnormalized flow" })),
  balancedNorm: Type.Optional(Positive({ maximum: 100, default: 0.5, description: "Fig. 10: the common initial Frobenius norm of every layer" })),
  flowTime: Type.Optional(Positive({ maximum: 1e6, default: 100, description: "the unnormalized flows' horizon (the kernels' loss (1/N)Σ½(f − y)²)" })),
  gridPoints: Type.Optional(Int(11, 2001, { default: 121, description: "points of each landscape curve" })),
});
export type SqFlowSpec = Static<typeof SqFlowSpecSchema>;

const Arr = (o: { description?: string } = {}) => Type.Array(Num(), o);
const FlowSchema = Strict({
  lambda: Num(), rho0: Num(), status: Type.String(), accepted: Num(), rejected: Num(), forced: Num(),
  kinks: Strict({ crossed: Num(), entered: Num({ description: "sliding intervals entered" }), left: Num(), slidingAtEnd: Num() }),
  t: Arr(), rho: Arr(), rhoEq: Arr(), rhoZero: Arr({ description: "μ/M" }), mu: Arr(), sigma2: Arr(), loss: Arr(), lemma9: Arr({ description: "1 − ρ(μ + ρ'/2)" }), speedV: Arr(),
  lemma9Error: Num({ description: "largest |L − (1 − ρ(μ + ρ'/2))|" }), nuError: Num({ description: "largest |ν_k − ν(eq. 5)| / max|ν|" }),
  drift: Num({ description: "largest |‖V_k‖ − 1|" }), lossIncrease: Num({ description: "largest L(t_{i+1}) − L(t_i) (≤ 0 for a gradient flow)" }),
  final: Strict({ rho: Num(), rhoEq: Num(), rhoZero: Num(), mu: Num(), M: Num(), sigma2: Num(), nu: Num(), loss: Num() }),
});
export const SqFlowResultSchema = Strict({
  kind: Type.Literal("sq-flow"),
  layers: Num(), params: Num(), n: Num(),
  flows: Type.Array(FlowSchema),
  frobenius: Strict({ vError: Num({ description: "eq. 7's V' against −2∂L/∂U of the frobenius-normalized net, relative" }), rhoError: Num({ description: "eq. 6 (λ = 0) against −2∂L/∂s_L, relative" }), clockFactor: Num({ description: "K = Σ_k (ρ/s_k)²: the frobenius net's ρ' is K × eq. 6" }) }),
  lemma10: Strict({ status: Type.String(), t: Arr(), deltas: Type.Array(Arr()), spread: Num({ description: "largest spread of ‖W_k‖² − ‖W_k(0)‖² across k, relative to max(1, |·|)" }) }),
  fig10: Strict({
    status: Type.String(), t: Arr(), rho: Arr(), driven: Arr({ description: "Fig. 10's equation driven by the flow's own μ(t), M(t)" }), frozen: Arr({ description: "Fig. 10's equation with the final margins held fixed" }),
    rateError: Num({ description: "largest |ρ' (kernels' gradient) − Fig. 10's ρ'| / |ρ'|" }), trajectoryError: Num({ description: "largest |ρ_driven − ρ| / ρ" }), imbalance: Num({ description: "largest (max_k ρ_k − min_k ρ_k)/ρ_k" }),
  }),
  exp: Strict({ note: Type.String({ description: "why App. J.2 was not run (\"\": it was)" }), lambda: Num(), t: Arr(), rho: Arr(), limit: Num(), root: Num(), iterations: Num(), equalMargin: Num(), equalRoot: Num(), lambertW: Num(), equalLimit: Num() }),
  landscape: Strict({
    lambda: Num(), rhoEq: Num(), rhoZero: Num(),
    rho: Arr(), loss: Arr(), lossNoDecay: Arr(), closedError: Num({ description: "largest |kernels' loss − (1 − 2ρμ + ρ²(M + λ))| over the ρ grid" }),
    alpha: Arr(), sliceLoss: Arr(), sliceLossNoDecay: Arr(), sliceRhoEq: Arr(), sliceRhoZero: Arr(), sliceMinLoss: Arr(),
    sliceDrop: Num({ description: "largest L(α) below L(0) for |α| ≤ 0.2 (≤ 0 at a local minimum)" }),
  }),
  schema: Type.Literal(RESULT_SCHEMA_VERSION, { description: "version of the result format" }),
});
export type SqFlowResult = Static<typeof SqFlowResultSchema>;

/** The data: two Gaussian classes around ±(0.6, 0.8), scaled so that the largest ‖x‖ is 1. */
function sqFlowData(s: SqFlowSpec): TrainingSet {
  const d = gaussianPair({ mu: [0.6, 0.8], sigma: s.dataSpread!, n: s.dataSize!, seed: s.seed! });
  let r = 0;
  for (let i = 0; i < d.X.rows; i++) r = Math.max(r, hypot(d.X.data[2 * i]!, d.X.data[2 * i + 1]!));
  return { X: { ...d.X, data: d.X.data.map((v) => v / r) }, labels: d.labels };
}

const maxAbs = (xs: number[]) => xs.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const layerNorm2 = (model: CompiledModel, th: Float64Array) => model.groups.map((g) => {
  let s = 0;
  for (let j = g.offset; j < g.offset + g.size; j++) s += th[j]! ** 2;
  return s;
});

/** Part 1: the normalized flows from V(0), and eq. 6–7 against the kernels' frobenius-normalized layers at t = 0. */
function normalizedPart(rt: Runtime, s: SqFlowSpec, model: CompiledModel, data: TrainingSet, V0: Float64Array) {
  // observed at t = 0 and at 80 log-spaced times from T·1e-4 to T (the flows settle early; the end must be seen too)
  const T = s.horizon!, ts = [0, ...Array.from({ length: 80 }, (_, i) => (i === 79 ? T : T * pow(10, -4 + (4 * i) / 79)))];
  const ends: Float64Array[] = [];
  const flows = s.starts!.map((st) => {
    const flow = new NormalizedFlow(rt, model, data, st.lambda);
    const r = normalizedFlow(flow, { rho0: st.rho0, V0, horizon: T, tOut: ts, rtol: s.rtol!, atol: s.atol!, maxSteps: s.maxSteps!, hmin: s.minStep! > 0 ? s.minStep : undefined, budgetMs: 1000 * s.budgetS! });
    ends.push(r.V);
    const p = r.points, last = p.at(-1)!;
    const nuScale = Math.max(...p.map((q) => Math.abs(q.nu)), 1e-300);
    return {
      lambda: st.lambda, rho0: st.rho0, status: r.status, accepted: r.stats.accepted, rejected: r.stats.rejected, forced: r.stats.forced, kinks: r.kinks,
      t: r.t, rho: p.map((q) => q.rho), rhoEq: p.map((q) => q.rhoEq), rhoZero: p.map((q) => q.rho0), mu: p.map((q) => q.mu), sigma2: p.map((q) => q.sigma2), loss: p.map((q) => q.loss), lemma9: p.map((q) => q.lemma9), speedV: p.map((q) => q.speedV),
      lemma9Error: maxAbs(p.map((q) => q.loss - q.lemma9)),
      nuError: maxAbs(p.flatMap((q) => q.nuLayers.map((v) => v - q.nu))) / nuScale,
      drift: maxAbs(p.flatMap((q) => q.norms.map((v) => v - 1))),
      lossIncrease: p.length > 1 ? Math.max(...p.slice(1).map((q, i) => q.loss - p[i]!.loss)) : 0,
      final: { rho: last.rho, rhoEq: last.rhoEq, rhoZero: last.rho0, mu: last.mu, M: last.M, sigma2: last.sigma2, nu: last.nu, loss: last.loss },
    };
  });
  // The same network with "frobenius" layers W_k = s_k U_k/‖U_k‖_F, U_k = V_k, s = (1, …, 1, ρ): the kernels' loss is
  // (1/N)Σ½(f − y)², so −2∂L/∂U_k is eq. 7's V' (λ plays no part in V') and −2∂L/∂s_L is eq. 6 at λ = 0.
  const st = s.starts![0]!, rho = st.rho0;
  const net = compileModel({ kind: "net", inputs: 2, outputs: 1, layers: [...s.hidden!.flatMap((h) => [{ type: "dense" as const, units: h, bias: false, norm: "frobenius" as const }, { type: "relu" as const }]), { type: "dense", units: 1, bias: false, norm: "frobenius" }] });
  const flow = new NormalizedFlow(rt, model, data, 0);
  const V = flow.normalize(V0), state = new Float64Array(1 + model.size), dy = new Float64Array(1 + model.size);
  state[0] = rho;
  state.set(V, 1);
  flow.use((sys) => sys.rhs(state, dy));
  const th = new Float64Array(net.size);
  model.groups.forEach((g, k) => {
    th.set(V.subarray(g.offset, g.offset + g.size), net.groups[2 * k]!.offset);
    th[net.groups[2 * k + 1]!.offset] = k === model.groups.length - 1 ? rho : 1;
  });
  const ev = new ModelEvaluator(rt, net);
  const f = ev.forward(th, data.X);
  const G = { rows: f.rows, cols: 1, data: f.data.map((v, i) => (v - data.labels[i]!) / f.rows) };
  const grad = ev.backward(th, data.X, G);
  let num = 0, den = 0;
  model.groups.forEach((g, k) => {
    const u = net.groups[2 * k]!.offset;
    for (let j = 0; j < g.size; j++) {
      num += (-2 * grad[u + j]! - dy[1 + g.offset + j]!) ** 2;
      den += dy[1 + g.offset + j]! ** 2;
    }
  });
  const sL = net.groups[2 * model.groups.length - 1]!.offset;
  const frobenius = { vError: Math.sqrt(num / den), rhoError: Math.abs(-2 * grad[sL]! - dy[0]!) / Math.abs(dy[0]!), clockFactor: (model.groups.length - 1) * rho * rho + 1 };
  return { flows, ends, frobenius };
}

/** Part 2: the unnormalized flow θ' = −∇L by the kernels (ReLU kinks followed as a Filippov system). */
function unnormalizedPart(rt: Runtime, s: SqFlowSpec, model: CompiledModel, data: TrainingSet) {
  const T = s.flowTime!, K = 400, ts = Array.from({ length: K }, (_, i) => (T * (i + 1)) / K);
  const L = model.groups.length, N = data.X.rows;
  const run = (norms: number[]) => {
    const th0 = initialize(model, { kind: "frobenius", norm: 1, seed: s.seed! });
    model.groups.forEach((g, k) => {
      for (let j = g.offset; j < g.offset + g.size; j++) th0[j]! *= norms[k]!;
    });
    const r = gradientFlow(rt, model, data, "square", th0, { rtol: 1e-11, atol: 1e-13, log10T: log10(T), checkpoints: ts.map(log10), cascade: "off" });
    return { status: r.status, t: [0, ...r.checkpoints.map((c) => pow(10, c.log10t))], thetas: [th0, ...r.checkpoints.map((c) => c.theta)] };
  };
  // Lemma 10 from an unbalanced start
  const a = run(s.layerNorms!);
  const n0 = layerNorm2(model, a.thetas[0]!);
  const deltas = model.groups.map((_, k) => a.thetas.map((th) => layerNorm2(model, th)[k]! - n0[k]!));
  const spread = Math.max(...a.t.map((_, i) => {
    const d = deltas.map((x) => x[i]!);
    return (Math.max(...d) - Math.min(...d)) / Math.max(1, maxAbs(d));
  }));
  // Fig. 10 from a balanced start: ρ = Π‖W_k‖, the margins f̄ of f_V = f_W/ρ, and ρ' from the kernels' gradient
  const b = run(model.groups.map(() => s.balancedNorm!));
  const ev = new ModelEvaluator(rt, model);
  const obs = b.thetas.map((th) => {
    const nk = layerNorm2(model, th).map(Math.sqrt), rho = nk.reduce((x, y) => x * y, 1);
    const f = ev.forward(th, data.X);
    const grad = ev.backward(th, data.X, { rows: N, cols: 1, data: f.data.map((v, i) => (v - data.labels[i]!) / N) });
    let sumF = 0, sumF2 = 0;
    for (let i = 0; i < N; i++) {
      const fb = (data.labels[i]! * f.data[i]!) / rho;
      sumF += fb;
      sumF2 += fb * fb;
    }
    // ρ'/ρ = Σ_k ⟨W_k, W_k'⟩/ρ_k² with W' = −∇L
    let dlog = 0;
    model.groups.forEach((g, k) => {
      let d = 0;
      for (let j = g.offset; j < g.offset + g.size; j++) d -= th[j]! * grad[j]!;
      dlog += d / nk[k]! ** 2;
    });
    return { rho, sumF, sumF2, drho: rho * dlog, imbalance: (Math.max(...nk) - Math.min(...nk)) / Math.min(...nk) };
  });
  // the kernels' loss (1/N)Σ½(f − y)² runs 2N times slower than the paper's Σ(1 − ρf̄)²
  const rate = (rho: number, sumF: number, sumF2: number) => balancedScaleRate(L, rho, sumF, sumF2) / (2 * N);
  const rateError = Math.max(...obs.map((o) => Math.abs(o.drho - rate(o.rho, o.sumF, o.sumF2)) / Math.max(Math.abs(o.drho), 1e-300)));
  // Fig. 10's equation driven by the flow's own Σf̄(t), Σf̄²(t) (linear between checkpoints), and with the final margins fixed
  const K1 = obs.length - 1, T1 = b.t[K1]!;
  // cubic Lagrange interpolation through the 4 checkpoints around t (O(Δt⁴))
  const interp = (t: number, key: "sumF" | "sumF2") => {
    let j = Math.min(K1 - 1, Math.max(0, Math.floor((t / T1) * K1)));
    while (j > 0 && b.t[j]! > t) j--;
    while (j < K1 - 1 && b.t[j + 1]! <= t) j++;
    const i0 = Math.min(Math.max(0, j - 1), Math.max(0, K1 - 3));
    let v = 0;
    for (let a = i0; a < Math.min(i0 + 4, K1 + 1); a++) {
      let w = 1;
      for (let c = i0; c < Math.min(i0 + 4, K1 + 1); c++) if (c !== a) w *= (t - b.t[c]!) / (b.t[a]! - b.t[c]!);
      v += w * obs[a]![key];
    }
    return v;
  };
  const ode = (fixed: boolean) => K1 < 1 ? obs.map((o) => o.rho) : solveRk((t, y, dy) => {
    dy[0] = fixed ? rate(y[0]!, obs[K1]!.sumF, obs[K1]!.sumF2) : rate(y[0]!, interp(t, "sumF"), interp(t, "sumF2"));
  }, Float64Array.of(obs[0]!.rho), 0, T1, { rtol: 1e-11, atol: 1e-14, tOut: b.t }).yOut.map((y) => y[0]!);
  const driven = ode(false), frozen = ode(true);
  const fig10 = {
    status: b.status, t: b.t, rho: obs.map((o) => o.rho), driven, frozen, rateError,
    trajectoryError: Math.max(...obs.map((o, i) => Math.abs(driven[i]! - o.rho) / o.rho)), imbalance: Math.max(...obs.map((o) => o.imbalance)),
  };
  return { lemma10: { status: a.status, t: a.t, deltas, spread }, fig10 };
}

/** Part 3: App. J.2 with the margins fbar fixed. */
function expPart(fbar: Float64Array, lambda: number, rho0: number) {
  const m = marginStats(fbar).mu;
  if (!(m > 0)) {
    const note = `the first flow's final margins have mean ${m.toExponential(3)} ≤ 0: no fixed point ρ* > 0 (average separability fails)`;
    return { note, lambda, t: [], rho: [], limit: 0, root: 0, iterations: 0, equalMargin: m, equalRoot: 0, lambertW: 0, equalLimit: 0 };
  }
  const root = expScaleEquilibrium(fbar, lambda);
  // the linearized rate |g'(ρ*)| ≥ λ sets the horizon: e^{−40} of the start's distance
  let curv = lambda;
  for (const v of fbar) curv += (exp(-root.rho * v) * v * v) / fbar.length;
  const T = 40 / curv, ts = Array.from({ length: 41 }, (_, i) => (i === 40 ? T : (T * i) / 40));
  const flow = (fb: ArrayLike<number>) => solveRk((_t, y, dy) => {
    dy[0] = expScaleRate(y[0]!, fb, lambda);
  }, Float64Array.of(rho0), 0, T, { rtol: 1e-13, atol: 1e-15, tOut: ts }).yOut.map((y) => y[0]!);
  const rho = flow(fbar);
  // all margins equal to their mean: ρ* f̄ e^{ρ* f̄} = f̄²/λ, ρ* = W(f̄²/λ)/f̄
  const eq = new Float64Array(fbar.length).fill(m);
  return {
    note: "", lambda, t: ts, rho, limit: rho.at(-1)!, root: root.rho, iterations: root.iterations,
    equalMargin: m, equalRoot: expScaleEquilibrium(eq, lambda).rho, lambertW: lambertW((m * m) / lambda) / m, equalLimit: flow(eq).at(-1)!,
  };
}

/** Part 4: the landscape around the end point V* of the first flow. */
function landscapePart(rt: Runtime, s: SqFlowSpec, model: CompiledModel, data: TrainingSet, Vend: Float64Array, lambda: number) {
  const flow = new NormalizedFlow(rt, model, data, lambda);
  const V = flow.normalize(Vend), P = s.gridPoints!;
  const ev = new ModelEvaluator(rt, model), last = model.groups.at(-1)!;
  // the network W = (V_1, …, ρV_L) by the kernels: 2 × (1/N)Σ½(f − y)² + λρ²
  const kernelLoss = (rho: number, lam: number) => {
    const W = Float64Array.from(V);
    for (let j = last.offset; j < last.offset + last.size; j++) W[j]! *= rho;
    return 2 * exp(ev.loss("square", ev.forward(W, data.X), data.labels).logL) + lam * rho * rho;
  };
  // a great circle through V* on every layer's sphere: V(α) = cos α V* + sin α U, U_k ⟂ V*_k, ‖U_k‖ = 1
  const U = new Float64Array(V.length);
  Rng.fromSeed(s.seed!).split(77).fillNormal(U);
  for (const g of model.groups) {
    let d = 0;
    for (let j = g.offset; j < g.offset + g.size; j++) d += U[j]! * V[j]!;
    for (let j = g.offset; j < g.offset + g.size; j++) U[j]! -= d * V[j]!;
  }
  const Un = flow.normalize(U);
  const alpha = Array.from({ length: P }, (_, i) => -Math.PI / 2 + (Math.PI * i) / (P - 1));
  return flow.use((sys) => {
    const st = marginStats(sys.margins(V));
    const rhoEq = st.mu / (st.M + lambda), rhoZero = st.mu / st.M;
    const rho = Array.from({ length: P }, (_, i) => (2 * Math.max(rhoEq, rhoZero) * i) / (P - 1));
    const loss = rho.map((x) => kernelLoss(x, lambda)), lossNoDecay = rho.map((x) => kernelLoss(x, 0));
    const closedError = maxAbs(rho.map((x, i) => loss[i]! - (1 - 2 * x * st.mu + x * x * (st.M + lambda))));
    const at = alpha.map((a) => {
      const Va = V.map((v, j) => cos(a) * v + sin(a) * Un[j]!);
      const m = marginStats(sys.margins(Va));
      return { L: sys.lossAt(rhoEq, Va, lambda), L0: sys.lossAt(rhoZero, Va, 0), eq: m.mu / (m.M + lambda), zero: m.mu / m.M, min: 1 - (m.mu * m.mu) / (m.M + lambda) };
    });
    const L0 = sys.lossAt(rhoEq, V, lambda);
    const sliceDrop = Math.max(...alpha.map((a, i) => (Math.abs(a) <= 0.2 ? L0 - at[i]!.L : -Infinity)));
    return {
      lambda, rhoEq, rhoZero, rho, loss, lossNoDecay, closedError, alpha,
      sliceLoss: at.map((x) => x.L), sliceLossNoDecay: at.map((x) => x.L0), sliceRhoEq: at.map((x) => x.eq), sliceRhoZero: at.map((x) => x.zero), sliceMinLoss: at.map((x) => x.min), sliceDrop,
    };
  });
}

export function runSqFlow(rt: Runtime, input: SqFlowSpec): SqFlowResult {
  const s = parseSpec(SqFlowSpecSchema, input, "spec");
  checkSqFlow(s);
  const data = sqFlowData(s);
  const model = compileModel({ kind: "mlp", inputs: 2, hidden: s.hidden!, outputs: 1, bias: false });
  const V0 = initialize(model, { kind: "frobenius", norm: 1, seed: s.seed! });
  const { flows, ends, frobenius } = normalizedPart(rt, s, model, data, V0);
  const { lemma10, fig10 } = unnormalizedPart(rt, s, model, data);
  const first = new NormalizedFlow(rt, model, data, s.starts![0]!.lambda);
  const fbar = first.use((sys) => sys.margins(first.normalize(ends[0]!)));
  const exp = expPart(fbar, s.starts![0]!.lambda, s.starts![0]!.rho0);
  const landscape = landscapePart(rt, s, model, data, ends[0]!, s.starts![0]!.lambda);
  return { kind: "sq-flow", layers: model.groups.length, params: model.size, n: data.X.rows, flows, frobenius, lemma10, fig10, exp, landscape, schema: RESULT_SCHEMA_VERSION };
}

function checkSqFlow(s: SqFlowSpec): void {
  if (!(s.starts![0]!.lambda > 0)) throw new ArgumentError("starts[0].lambda", s.starts![0]!.lambda, "λ > 0 (App. J.2's fixed point and the landscape's ρ_eq use the first flow)");
  if (s.layerNorms!.length !== s.hidden!.length + 1) throw new ArgumentError("layerNorms", s.layerNorms, `one norm per layer (${s.hidden!.length + 1}: hidden ${JSON.stringify(s.hidden)} and the output layer)`);
  if (s.dataSize! % 2 !== 0) throw new ArgumentError("dataSize", s.dataSize, "an even N (half per class)");
}

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f"];
const e2 = (v: number) => v.toExponential(2);

export const sqFlow = defineExperiment({
  id: "sq-flow",
  title: "Seed 001's dynamics on a small ReLU network: the normalized flow in (ρ, V_k), Lemmas 9 and 10, Fig. 10, the exponential loss, the landscape",
  source: { paper: "seed 001 (Rangamani et al., CBMM Memo 117)", section: "eq. 5–7, 11, Lemma 9, Lemma 10, App. J.2", figure: "Figs. 7–10" },
  category: "reproduction",
  spec: SqFlowSpecSchema,
  itemResult: SqFlowResultSchema,
  check: checkSqFlow,
  items: (s) => [s],
  label: () => "network",
  run: (item, { rt }) => runSqFlow(rt, item),
  assemble: (_s, [r]): SqFlowResult => r!,
  figures: (r) => {
    const F = r.flows, ls = r.landscape;
    const name = (f: (typeof F)[number]) => `λ ${f.lambda}, ρ(0) ${f.rho0}`;
    return [
      panelFigure({
        name: "sq-flow-normalized",
        title: "The normalized flow (eq. 6–7) of a bias-free ReLU network: ρ(t) and ρ_eq = μ/(M + λ) of the current margins; the loss and Lemma 9",
        caption: "Top: ρ (lines) and μ/(M + λ) of the current margins (markers) — they meet where the flow settles. Bottom: the kernels' loss of the network (lines) and Lemma 9's 1 − ρ(μ + ρ'/2) (markers).",
        panels: [
          lineFigure({ name: "rho", title: "ρ and ρ_eq", caption: "", x: { title: "t", scale: "log" }, y: { title: "ρ" }, series: F.flatMap((f, i) => [
            { label: name(f), color: COLORS[i % 8]!, x: f.t, y: f.rho },
            { label: "", color: COLORS[i % 8]!, mark: "markers" as const, x: f.t.filter((_, k) => k % 3 === 0), y: f.rhoEq.map((v) => (v > 0 && v < 2 * Math.max(...f.rho) ? v : null)).filter((_, k) => k % 3 === 0) },
          ]) }),
          lineFigure({ name: "loss", title: "L and Lemma 9", caption: "", x: { title: "t", scale: "log" }, y: { title: "L", scale: "log" }, series: F.flatMap((f, i) => [
            { label: name(f), color: COLORS[i % 8]!, x: f.t, y: f.loss },
            { label: "", color: COLORS[i % 8]!, mark: "markers" as const, x: f.t.filter((_, k) => k % 4 === 0), y: f.lemma9.filter((_, k) => k % 4 === 0) },
          ]) }),
        ],
      }),
      lineFigure({
        name: "sq-flow-lemma10",
        title: "Lemma 10: ‖W_k(t)‖² − ‖W_k(0)‖² of the unnormalized flow, one line per layer, from unbalanced layer norms",
        caption: "Gradient flow of the plain bias-free ReLU network (the kernels, kinks followed): every layer's squared norm grows by the same amount.",
        x: { title: "t (the kernels' loss (1/N)Σ½(f − y)²)" }, y: { title: "‖W_k‖² − ‖W_k(0)‖²" },
        series: r.lemma10.deltas.map((d, k) => ({ label: `layer ${k + 1}`, color: COLORS[k % 8]!, dash: k === 0 ? undefined : [2 + 3 * k, 3], x: r.lemma10.t, y: d })),
      }),
      lineFigure({
        name: "sq-flow-fig10",
        title: "Fig. 10: ρ(t) of the unnormalized flow started balanced, against ρ' = 2Lρ^{(2L−2)/L}[Σf̄ − ρΣf̄²]",
        caption: "The network's ρ = Π‖W_k‖ (line), the equation driven by the flow's own margins (markers), and the logistic-like curve with the final margins held fixed (dashed: the paper's Fig. 10).",
        x: { title: "t" }, y: { title: "ρ", scale: "log" },
        series: [
          { label: "network ρ(t)", color: "#1f77b4", x: r.fig10.t, y: r.fig10.rho },
          { label: "driven by the flow's μ(t), M(t)", color: "#d62728", mark: "markers", x: r.fig10.t.filter((_, k) => k % 8 === 0), y: r.fig10.driven.filter((_, k) => k % 8 === 0) },
          { label: "final margins fixed", color: "#2ca02c", dash: [6, 4], x: r.fig10.t, y: r.fig10.frozen },
        ],
      }),
      lineFigure({
        name: "sq-flow-exp",
        title: "App. J.2: ρ' = (1/N)Σe^{−ρf̄}f̄ − λρ with the normalized flow's final margins fixed, and the root of the right-hand side",
        caption: "The flow (line) settles on the root found by bisection (rule).",
        x: { title: "t" }, y: { title: "ρ" },
        series: [{ label: "ρ(t)", color: "#1f77b4", x: r.exp.t, y: r.exp.rho }, { label: "bisection root", color: "#d62728", dash: [4, 3], x: [r.exp.t[0]!, r.exp.t.at(-1)!], y: [r.exp.root, r.exp.root] }],
      }),
      lineFigure({
        name: "sq-flow-landscape-rho",
        title: "Figs. 7–8 along ρ: the loss at the flow's final V with and without weight decay",
        caption: `L(ρ) = 1 − 2ρμ + ρ²(M + λ) at V*: its minimum is ρ_eq = ${ls.rhoEq.toFixed(4)} with λ = ${ls.lambda}, ρ_0 = ${ls.rhoZero.toFixed(4)} without.`,
        x: { title: "ρ" }, y: { title: "L" },
        rules: [{ x: ls.rhoEq, label: "ρ_eq" }, { x: ls.rhoZero, label: "ρ_0" }],
        series: [{ label: `λ = ${ls.lambda}`, color: "#1f77b4", x: ls.rho, y: ls.loss }, { label: "λ = 0", color: "#d62728", dash: [6, 4], x: ls.rho, y: ls.lossNoDecay }],
      }),
      panelFigure({
        name: "sq-flow-landscape-slice",
        title: "Figs. 8–9 along V: a great circle of every layer's sphere through the final V* (α = 0)",
        caption: "Top: L(α) at ρ_eq with λ and at ρ_0 without. Bottom: the valley floor along the circle — ρ_eq(α) = μ/(M + λ), ρ_0(α) = μ/M and the loss there, 1 − μ²/(M + λ).",
        panels: [
          lineFigure({ name: "slice", title: "L along the circle", caption: "", x: { title: "α" }, y: { title: "L" }, rules: [{ x: 0, label: "V*" }], series: [
            { label: `λ = ${ls.lambda}, ρ = ρ_eq`, color: "#1f77b4", x: ls.alpha, y: ls.sliceLoss },
            { label: "λ = 0, ρ = ρ_0", color: "#d62728", dash: [6, 4], x: ls.alpha, y: ls.sliceLossNoDecay },
            { label: "min over ρ (λ)", color: "#2ca02c", dash: [2, 3], x: ls.alpha, y: ls.sliceMinLoss },
          ] }),
          lineFigure({ name: "valley", title: "ρ_eq and ρ_0 along the circle", caption: "", x: { title: "α" }, y: { title: "ρ" }, series: [
            { label: "ρ_eq(α)", color: "#1f77b4", x: ls.alpha, y: ls.sliceRhoEq.map((v) => (v > 0 ? v : null)) },
            { label: "ρ_0(α)", color: "#d62728", dash: [6, 4], x: ls.alpha, y: ls.sliceRhoZero.map((v) => (v > 0 ? v : null)) },
          ] }),
        ],
      }),
    ];
  },
  summary(r) {
    const F = r.flows, wd = F.filter((f) => f.lambda === F[0]!.lambda);
    const finals = wd.map((f) => f.final.rho);
    const conv = Math.max(...F.map((f) => (f.final.rhoEq > 0 ? Math.abs(f.final.rho - f.final.rhoEq) / f.final.rhoEq : Infinity)));
    const statuses = F.map((f) => `${f.status} (${f.accepted} steps, ${f.rejected} rejected${f.forced ? `, ${f.forced} forced` : ""}; ${f.kinks.crossed} kinks crossed, ${f.kinks.entered} slid on, ${f.kinks.slidingAtEnd} at the end)`);
    const l9 = Math.max(...F.map((f) => f.lemma9Error)), nu = Math.max(...F.map((f) => f.nuError)), drift = Math.max(...F.map((f) => f.drift));
    const rise = Math.max(...F.map((f) => f.lossIncrease));
    const ex = r.exp, ls = r.landscape;
    const ran = ex.note === "";
    const expErr = ran ? Math.abs(ex.limit - ex.root) / ex.root : NaN, wErr = ran ? Math.abs(ex.equalRoot - ex.lambertW) / ex.lambertW : NaN, wFlow = ran ? Math.abs(ex.equalLimit - ex.lambertW) / ex.lambertW : NaN;
    return {
      shows: `Seed 001's dynamics on a bias-free ReLU network (L = ${r.layers} layers, ${r.params} weights, N = ${r.n} points in 2-D): the normalized flow in (ρ, V_k), the unnormalized flow's balance and ρ dynamics, the exponential-loss fixed point and the loss landscape around the flow's end point.`,
      claim: "ρ' = 2(μ − ρ(M + λ)) and eq. 7 keep every ‖V_k‖ = 1 and end at ρ = ρ_eq = μ/(M + λ); L = 1 − ρ(μ + ρ'/2); ν_k = (1/N)Σρf̄(1 − ρf̄) for every k; without normalization d‖W_k‖²/dt is the same for every layer, and with equal norms ρ' = 2Lρ^{(2L−2)/L}[Σf̄ − ρΣf̄²]; with the exponential loss ρ settles where (1/N)Σe^{−ρf̄}f̄ = λρ.",
      checks: [
        { claim: "the normalized flows reach their horizon", closedForm: "status done (the host's DOPRI5, ReLU kinks as a Filippov system)", measured: statuses.join("; "), holds: F.every((f) => f.status === "done") },
        { claim: "eq. 7 keeps every layer on its unit sphere", closedForm: "d‖V_k‖²/dt = 4ν(1 − ‖V_k‖²): ‖V_k‖ = 1", measured: `largest |‖V_k‖ − 1| ${e2(drift)}`, holds: drift <= 1e-9 },
        { claim: "ρ ends at ρ_eq of the final margins (eq. 11)", closedForm: "ρ_eq = μ/(M + λ)", measured: F.map((f) => `λ ${f.lambda}, ρ(0) ${f.rho0}: ρ ${f.final.rho.toFixed(9)}, ρ_eq ${f.final.rhoEq.toFixed(9)}`).join("; ") + ` (largest relative gap ${e2(conv)})`, holds: conv <= 1e-8 },
        { claim: "Lemma 9 along the real flow", closedForm: "L = 1 − ρ(μ + ρ'/2), L the kernels' loss of W = (V_1, …, ρV_L)", measured: `largest |difference| ${e2(l9)}`, holds: l9 <= 1e-12 },
        { claim: "eq. 5: the multiplier of every layer", closedForm: "ν_k = −⟨V_k, ∂L/∂V_k⟩/2 = (1/N)Σρf̄(1 − ρf̄)", measured: `largest |ν_k − ν| / max|ν| ${e2(nu)}`, holds: nu <= 1e-11 },
        { claim: "the loss decreases along the flow (a gradient flow on ℝ × Π spheres)", closedForm: "dL/dt = −ρ'² − ‖V'‖² ≤ 0", measured: `largest increase between observations ${e2(rise)}`, holds: rise <= 1e-13 },
        { claim: "eq. 6–7 are the kernels' gradient of the same network with frobenius-normalized layers", closedForm: "V' = −2∂L/∂U_k, eq. 6 (λ = 0) = −2∂L/∂s_L at ‖U_k‖ = 1, s = (1, …, 1, ρ)", measured: `relative differences ${e2(r.frobenius.vError)} (V), ${e2(r.frobenius.rhoError)} (ρ)`, holds: r.frobenius.vError <= 1e-12 && r.frobenius.rhoError <= 1e-12 },
        { claim: "with weight decay the final ρ does not depend on ρ(0) (this network)", closedForm: "one ρ_eq", measured: finals.map((v) => v.toFixed(9)).join(", "), holds: finals.length > 1 ? (Math.max(...finals) - Math.min(...finals)) / Math.min(...finals) <= 1e-6 : null },
        { claim: "Lemma 10 (no normalization, λ = 0)", closedForm: "‖W_k(t)‖² − ‖W_k(0)‖² the same for every k", measured: `largest spread across layers ${e2(r.lemma10.spread)} over ${r.lemma10.t.length} times (${r.lemma10.status}); at t = ${r.lemma10.t.at(-1)}: ${r.lemma10.deltas.map((d) => d.at(-1)!.toFixed(9)).join(", ")}`, holds: r.lemma10.status === "horizon" && r.lemma10.spread <= 1e-8 },
        { claim: "Fig. 10's ρ' along the balanced unnormalized flow", closedForm: "ρ' = 2Lρ^{(2L−2)/L}[Σf̄ − ρΣf̄²] (÷2N in the kernels' loss)", measured: `largest relative difference from the kernels' ρ' ${e2(r.fig10.rateError)} (layers stay balanced to ${e2(r.fig10.imbalance)})`, holds: r.fig10.status === "horizon" && r.fig10.rateError <= 1e-9 },
        { claim: "Fig. 10's equation, integrated, follows the network's ρ(t)", closedForm: "ρ' = 2Lρ^{(2L−2)/L}[Σf̄(t) − ρΣf̄²(t)], margins cubic between 400 checkpoints", measured: `largest relative difference ${e2(r.fig10.trajectoryError)}`, holds: r.fig10.trajectoryError <= 1e-3 },
        { claim: "App. J.2: the flow's limit is the root of its right-hand side", closedForm: `(1/N)Σe^{−ρf̄}f̄ = λρ, bisection: ρ* = ${ex.root.toFixed(12)} (${ex.iterations} halvings)`, measured: ran ? `flow ${ex.limit.toFixed(12)}, relative difference ${e2(expErr)}` : `not run: ${ex.note}`, holds: ran && expErr <= 1e-9 },
        { claim: "App. J.2 with all margins equal (SGD's equilibria)", closedForm: `ρ* = W(f̄²/λ)/f̄ = ${ex.lambertW.toFixed(12)} (f̄ = ${ex.equalMargin.toFixed(6)})`, measured: ran ? `bisection ${ex.equalRoot.toFixed(12)}, flow ${ex.equalLimit.toFixed(12)} (relative ${e2(wErr)}, ${e2(wFlow)})` : `not run: ${ex.note}`, holds: ran && wErr <= 1e-12 && wFlow <= 1e-9 },
        { claim: "the landscape along ρ at V* (Figs. 7–8)", closedForm: "L(ρ) = 1 − 2ρμ + ρ²(M + λ), minimal at ρ_eq", measured: `kernels' loss vs the quadratic: largest difference ${e2(ls.closedError)} over ${ls.rho.length} values`, holds: ls.closedError <= 1e-12 },
        { claim: "V* is a minimum of the loss along the circle (Fig. 9's valley floor)", closedForm: "L(ρ_eq, V(α)) ≥ L(ρ_eq, V*) for |α| ≤ 0.2", measured: `largest drop below L(0) ${e2(ls.sliceDrop)}`, holds: ls.sliceDrop <= 1e-12 },
      ],
      numbers: [
        ...F.map((f): [string, string] => [`flow λ ${f.lambda}, ρ(0) ${f.rho0}`, `ρ ${f.final.rho.toFixed(6)}, ρ_eq ${f.final.rhoEq.toFixed(6)}, ρ_0 ${f.final.rhoZero.toFixed(6)}, μ ${f.final.mu.toFixed(6)}, σ² ${e2(f.final.sigma2)}, ν ${e2(f.final.nu)}, L ${f.final.loss.toFixed(6)}, ‖V'‖ ${e2(f.speedV.at(-1)!)}`]),
        ["frobenius net's clock factor K = Σ(ρ/s_k)² at s = (1, …, 1, ρ(0))", r.frobenius.clockFactor.toFixed(4)],
        ["Fig. 10: ρ(0) → ρ(T), frozen-margin curve at T", `${r.fig10.rho[0]!.toFixed(6)} → ${r.fig10.rho.at(-1)!.toFixed(6)}, ${r.fig10.frozen.at(-1)!.toFixed(6)}`],
        ["App. J.2: ρ* (exp) vs ρ_eq (square) at the same margins", `${ex.root.toFixed(6)} vs ${F[0]!.final.rhoEq.toFixed(6)}`],
      ],
      notes: "Eq. 6–7 are integrated by a host-side Dormand–Prince 5(4) (dynamics/explicit-rk.ts) whose right-hand side calls the kernels' forward and backward passes: the kernels' integrators take only their built-in right-hand sides, and gradientFlow on a net with frobenius-normalized layers is eq. 7 in V but runs ρ on a different clock (ρ' = K × eq. 6, K = Σ_k (ρ/s_k)²) and its weight decay shrinks the directions too, so it is not eq. 6–7 up to a time change (docs/decisions.md). " +
        "ReLU kinks make eq. 7 discontinuous: where both sides push into a kink the flow slides on it; the host follows that as a Filippov system (a unit's backward factor set to the weight that holds its kink, solved by Newton on the kernels' passes; entry when an input changes sign or nears 0 and both one-sided fields point in, exit when the weight leaves [0, 1]) — without it an error-controlled step creeps to a halt at the first sliding kink. minStep > 0 forces steps instead, at O(minStep) accuracy. " +
        "The unnormalized flows are the kernels' gradientFlow on the kernels' loss (1/N)Σ½(f − y)², 2N times slower than the paper's Σ(1 − ρf̄)². The data are two Gaussian classes (a stated choice: the small network's flow converges there); the exponential-loss flow uses the first normalized flow's final margins.",
    };
  },
  tables: (r) => ({
    "sq-flow-normalized": r.flows.flatMap((f) => f.t.map((t, i) => ({ lambda: f.lambda, rho0: f.rho0, t, rho: f.rho[i]!, rhoEq: f.rhoEq[i]!, rhoZero: f.rhoZero[i]!, mu: f.mu[i]!, sigma2: f.sigma2[i]!, loss: f.loss[i]!, speedV: f.speedV[i]! }))),
    "sq-flow-landscape": r.landscape.rho.map((rho, i) => ({ rho, loss: r.landscape.loss[i]!, lossNoDecay: r.landscape.lossNoDecay[i]!, alpha: r.landscape.alpha[i]!, sliceLoss: r.landscape.sliceLoss[i]!, sliceLossNoDecay: r.landscape.sliceLossNoDecay[i]!, sliceRhoEq: r.landscape.sliceRhoEq[i]!, sliceRhoZero: r.landscape.sliceRhoZero[i]! })),
  }),
});
