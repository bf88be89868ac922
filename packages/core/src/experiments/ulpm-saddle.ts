// ulpm-saddle — seed 002, Example 3.1 (K = 4, n = 1, d = 4, W = H = B): a KKT direction of the min-norm separation
// problem (3.1) that is not neural collapse. At B and at the collapsed point of the same ρ² = 16: the summed loss,
// q/ρ², the gradient's coefficient along θ (∇L ∥ θ at both), the paper's curve (W'(α), H'(α)) on the sphere with
// f''(0) = 16(e⁻² − 1), and the spectrum of the tangent (Riemannian) Hessian P(∇²L − λI)P, λ = ⟨∇L, θ⟩/ρ²
// (Theorem 3.4: a negative eigenvalue at B — a strict saddle — and none at collapse). Then gradient flow from B stays
// on its ray, and flows from B + ε·u (u a seeded unit direction) escape it — the escape time against ε.
// The loss is evaluated by the kernels (the ULPM as a deep linear network on one-hot inputs, models/ulpm.ts).
import { Ascending, Int, Nullable, Num, Positive, Strict, Type, type Static } from "../schema/schema.js";
import { parseSpec } from "../schema/validate.js";
import type { Runtime } from "../runtime/kernels.js";
import { Rng } from "../runtime/rng.js";
import { ModelEvaluator } from "../models/evaluate.js";
import { summedLoss, ulpm, ulpmTheta, type Ulpm } from "../models/ulpm.js";
import { symmetricEigen } from "../linalg/symmetric-eigen.js";
import { gradientFlow } from "../dynamics/flow.js";
import { lineFigure } from "../report/figure.js";
import { RESULT_SCHEMA_VERSION, defineExperiment } from "./experiment.js";
import { exp, log } from "../runtime/detmath.js";

export const UlpmSaddleSpecSchema = Strict({
  perturbations: Type.Optional(Ascending(Positive({ maximum: 10 }), { maxItems: 12, default: [1e-3, 1e-2, 3e-2, 0.1, 0.3, 1], description: "sizes ε of the perturbations scale·B + ε·u of the escape runs" })),
  scale: Type.Optional(Positive({ maximum: 10, default: 0.1, description: "the escape runs start at scale·B + ε·u (B's direction; at ‖θ‖² = 16·scale² the tangent curvature is larger for smaller scales)" })),
  log10T: Type.Optional(Num({ minimum: 1, maximum: 300, default: 100, description: "horizon of the flows, log10 t (t of the mean loss: the paper's summed loss runs 4× faster)" })),
  seed: Type.Optional(Int(0, Number.MAX_SAFE_INTEGER, { default: 0, description: "seed of the perturbation direction u" })),
  rtol: Type.Optional(Positive({ maximum: 0.1, default: 1e-10, description: "relative tolerance of the flows" })),
  atol: Type.Optional(Positive({ maximum: 0.1, default: 1e-12, description: "absolute tolerance of the flows" })),
});
export type UlpmSaddleSpec = Static<typeof UlpmSaddleSpecSchema>;

const PointSchema = Strict({
  loss: Num({ description: "the summed cross-entropy (2.3)" }),
  qOverRho2: Num({ description: "q_min/ρ²" }),
  gradientCoefficient: Num({ description: "c with ∇L = c·θ (least squares)" }),
  gradientResidual: Num({ description: "‖∇L − cθ‖/‖∇L‖: 0 when the gradient is radial" }),
  tangentEigenvalues: Type.Array(Num(), { description: "spectrum of P(∇²L − λI)P, ascending" }),
});
const EscapeSchema = Strict({
  epsilon: Nullable(Num({ description: "perturbation size (null: the flow from B itself)" })),
  log10t: Type.Array(Num()),
  distance: Type.Array(Num({ description: "‖θ/‖θ‖ − B/‖B‖‖ at each checkpoint" })),
  qOverRho2: Type.Array(Num({ description: "q_min/ρ² at each checkpoint" })),
  escapeLog10t: Nullable(Num({ description: "first checkpoint where q_min/ρ² passes halfway from B's 1/8 to collapse's 1/6 (null: not by the horizon)" })),
  finalLoss: Num({ description: "summed loss at the horizon" }),
  finalQOverRho2: Num(),
});
export const UlpmSaddleResultSchema = Strict({
  kind: Type.Literal("ulpm-saddle"),
  atB: PointSchema,
  atCollapse: PointSchema,
  secondDerivative: Num({ description: "f''(0) of the paper's curve (W'(α), H'(α)), by Richardson-extrapolated central differences of the kernels' loss" }),
  curveMaxError: Num({ description: "largest |L(W'(α), H'(α)) − the paper's closed form| over the α sampled" }),
  escapes: Type.Array(EscapeSchema),
  schema: Type.Literal(RESULT_SCHEMA_VERSION, { description: "version of the result format" }),
});
export type UlpmSaddleResult = Static<typeof UlpmSaddleResultSchema>;

/** The closed forms of Example 3.1. */
export const EXAMPLE_31 = {
  lossAtB: 4 * log(1 + 2 * exp(-2) + exp(-4)),
  lossAtCollapse: 4 * log(1 + 3 * exp(-8 / 3)),
  gradientCoefficient: -(2 + 2 * exp(-2)) / (2 + exp(-2) + exp(2)),
  secondDerivative: 16 * (exp(-2) - 1),
  qOverRho2AtB: 1 / 8,
  qOverRho2AtCollapse: 1 / 6,
} as const;

const B = [1, -1, 0, 0, -1, 1, 0, 0, 0, 0, 1, -1, 0, 0, -1, 1];

/** The paper's curve through B on the sphere: W'(α) and H'(α) (App. C). */
function curve(alpha: number): { W: number[]; H: number[] } {
  const a = alpha, s = 1 / Math.sqrt(1 + 2 * a * a);
  const W = [1 + a, -1 + a, a, a, -1 + a, 1 + a, a, a, -a, -a, 1 - a, -1 - a, -a, -a, -1 - a, 1 - a].map((v) => s * v);
  const H = [1 + a, -1 + a, -a, -a, -1 + a, 1 + a, -a, -a, a, a, 1 - a, -1 - a, a, a, -1 - a, 1 - a].map((v) => s * v);
  return { W, H };
}

/** The collapsed point with ρ² = 16: rows of W a simplex with ‖w_k‖² = 2, H = Wᵀ (n = 1). */
function collapsed(): { W: number[]; H: number[] } {
  const K = 4, W: number[] = [];
  for (let k = 0; k < K; k++) for (let j = 0; j < K; j++) W.push(Math.sqrt(2) * Math.sqrt(K / (K - 1)) * ((k === j ? 1 : 0) - 1 / K));
  const H = Array.from({ length: 16 }, (_, i) => W[(i % 4) * 4 + Math.floor(i / 4)]!); // H[j][i] = W[i][j]
  return { W, H };
}

function norm(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s);
}

export function runUlpmSaddle(rt: Runtime, input: UlpmSaddleSpec): UlpmSaddleResult {
  const s = parseSpec(UlpmSaddleSpecSchema, input, "spec");
  const u = ulpm(4, 1, 4);
  const ev = new ModelEvaluator(rt, u.model);
  const lossAt = (th: Float64Array) => summedLoss(u, ev.loss("logistic", ev.forward(th, u.data.X), u.data.labels).logL);
  const gradAt = (th: Float64Array) => {
    const l = ev.loss("logistic", ev.forward(th, u.data.X), u.data.labels);
    const g = ev.backward(th, u.data.X, l.grad); // ∇ log L_mean
    const L = summedLoss(u, l.logL);
    return g.map((v) => v * L); // ∇L_sum = L_sum·∇log L
  };
  const qmin = (th: Float64Array) => ev.loss("logistic", ev.forward(th, u.data.X), u.data.labels).qmin;
  const point = (th: Float64Array) => {
    const g = gradAt(th), rho2 = norm(th) ** 2;
    let dot = 0;
    for (let i = 0; i < th.length; i++) dot += g[i]! * th[i]!;
    const c = dot / rho2;
    const r = norm(g.map((v, i) => v - c * th[i]!)) / norm(g);
    // the Hessian by central differences of the gradient, symmetrized; then the tangent Hessian P(∇²L − λI)P
    const m = th.length, h = 1e-5, Hs = new Float64Array(m * m);
    for (let k = 0; k < m; k++) {
      const tp = th.slice(), tm = th.slice();
      tp[k]! += h;
      tm[k]! -= h;
      const gp = gradAt(tp), gm = gradAt(tm);
      for (let j = 0; j < m; j++) Hs[j * m + k] = (gp[j]! - gm[j]!) / (2 * h);
    }
    for (let j = 0; j < m; j++) for (let k = 0; k < j; k++) Hs[j * m + k] = Hs[k * m + j] = 0.5 * (Hs[j * m + k]! + Hs[k * m + j]!);
    const P = new Float64Array(m * m);
    for (let j = 0; j < m; j++) for (let k = 0; k < m; k++) P[j * m + k] = (j === k ? 1 : 0) - (th[j]! * th[k]!) / rho2;
    const A = new Float64Array(m * m);
    for (let j = 0; j < m; j++) A[j * m + j] = -c;
    for (let i = 0; i < m * m; i++) A[i]! += Hs[i]!;
    const PA = new Float64Array(m * m), T = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) { let acc = 0; for (let k = 0; k < m; k++) acc += P[i * m + k]! * A[k * m + j]!; PA[i * m + j] = acc; }
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) { let acc = 0; for (let k = 0; k < m; k++) acc += PA[i * m + k]! * P[k * m + j]!; T[i * m + j] = acc; }
    const values = Array.from(symmetricEigen(T, m).values).sort((a, b) => a - b);
    return { loss: lossAt(th), qOverRho2: qmin(th) / rho2, gradientCoefficient: c, gradientResidual: r, tangentEigenvalues: values };
  };
  const thB = ulpmTheta(u, B, B);
  const nc = collapsed();
  const atB = point(thB), atCollapse = point(ulpmTheta(u, nc.W, nc.H));

  // the paper's curve: L(α) = −4 log(e²/(e² + f(α))), f(α) = e^{2(2α²−1)/(1+2α²)} + 2e^{−4α²/(1+2α²)}
  const fOf = (a: number) => { const c = curve(a); return exp(2) * (exp(lossAt(ulpmTheta(u, c.W, c.H)) / 4) - 1); };
  let curveMaxError = 0;
  for (const a of [-0.5, -0.2, -0.05, 0, 0.03, 0.1, 0.3, 0.7]) {
    const c = curve(a), q = 1 + 2 * a * a;
    const closed = -4 * log(exp(2) / (exp(2) + exp((2 * (2 * a * a - 1)) / q) + 2 * exp((-4 * a * a) / q)));
    curveMaxError = Math.max(curveMaxError, Math.abs(lossAt(ulpmTheta(u, c.W, c.H)) - closed));
  }
  const D = (h: number) => (fOf(h) - 2 * fOf(0) + fOf(-h)) / (h * h);
  const secondDerivative = (4 * D(1e-3) - D(2e-3)) / 3;

  // flows: from B, and from B + ε·u
  const cps = Array.from({ length: Math.floor(s.log10T! * 4) + 1 }, (_, i) => i / 4);
  const dir = Rng.fromSeed(s.seed!).fillNormal(new Float64Array(u.model.size));
  const dn = norm(dir);
  const bHat = thB.map((v) => v / norm(thB));
  const escape = (eps: number | null) => {
    const th0 = eps === null ? thB.map((v) => s.scale! * v) : thB.map((v, i) => s.scale! * v + (eps * dir[i]!) / dn);
    const f = gradientFlow(rt, u.model, u.data, "logistic", th0, { rtol: s.rtol!, atol: s.atol!, log10T: s.log10T!, checkpoints: cps, cascade: "off" });
    const distance = f.checkpoints.map((c) => { const r = norm(c.theta); return norm(c.theta.map((v, i) => v / r - bHat[i]!)); });
    const log10t = f.checkpoints.map((c) => c.log10t);
    const qr = f.checkpoints.map((c) => qmin(c.theta) / norm(c.theta) ** 2);
    const k = qr.findIndex((q) => q > (1 / 8 + 1 / 6) / 2);
    const last = f.checkpoints[f.checkpoints.length - 1]!;
    return { epsilon: eps, log10t, distance, qOverRho2: qr, escapeLog10t: k < 0 ? null : log10t[k]!, finalLoss: summedLoss(u, last.logL), finalQOverRho2: qr[qr.length - 1]! };
  };
  const escapes = [escape(null), ...s.perturbations!.map((e) => escape(e))];
  return { kind: "ulpm-saddle", atB, atCollapse, secondDerivative, curveMaxError, escapes, schema: RESULT_SCHEMA_VERSION };
}

const rel = (a: number, b: number) => Math.abs(a - b);
const COLORS = ["#000000", "#1f77b4", "#2ca02c", "#ff7f0e", "#d62728", "#9467bd", "#8c564b", "#e377c2"];

export const ulpmSaddle = defineExperiment({
  id: "ulpm-saddle",
  title: "Example 3.1 (seed 002): a KKT point of the ULPM that is not collapse — a strict saddle the flow leaves only when perturbed",
  source: { paper: "seed 002 (Ji et al., ICLR 2022)", section: "§3.2, Example 3.1, Theorem 3.4, App. C" },
  category: "reproduction",
  spec: UlpmSaddleSpecSchema,
  itemResult: UlpmSaddleResultSchema,
  items: (s) => [s],
  label: () => "Example 3.1",
  run: (item, { rt }) => runUlpmSaddle(rt, item),
  assemble: (_s, [r]): UlpmSaddleResult => r!,
  figures: (r) => [
    lineFigure({
      name: "ulpm-saddle-escape",
      title: "Distance of the flow's direction θ/‖θ‖ from the saddle ray B/‖B‖ (Example 3.1), from B and from B + ε·u",
      caption: "Gradient flow of the mean cross-entropy (t runs 4× slower than for the paper's summed loss). From B exactly the flow stays on the ray; a perturbation of size ε grows along the tangent Hessian's negative direction until the flow leaves for collapse.",
      x: { title: "log10 t" }, y: { title: "‖θ/‖θ‖ − B/‖B‖‖", scale: "log" },
      series: r.escapes.map((e, i) => ({
        label: e.epsilon === null ? "from B" : `ε = ${e.epsilon.toExponential(0)}`, color: COLORS[i % COLORS.length]!,
        x: e.log10t.filter((_, k) => e.distance[k]! > 0), y: e.distance.filter((d) => d > 0),
      })),
    }),
    lineFigure({
      name: "ulpm-saddle-margin",
      title: "Normalized margin q_min/ρ² of the flows from scale·B + ε·u: B's value 1/8, collapse's 1/6",
      caption: "Small perturbations stay near the saddle's direction for decades of log t; larger ones reach collapse. The escape is slow because the tangent curvature shrinks as ρ grows.",
      x: { title: "log10 t" }, y: { title: "q_min/ρ²" },
      series: [
        ...r.escapes.map((e, i) => ({ label: e.epsilon === null ? "from B" : `ε = ${e.epsilon.toExponential(0)}`, color: COLORS[i % COLORS.length]!, x: e.log10t, y: e.qOverRho2 })),
        { label: "1/8 (B), 1/6 (collapse)", color: "#7f7f7f", dash: [4, 4], x: [0, r.escapes[0]!.log10t.at(-1)!], y: [1 / 8, 1 / 8] },
        { label: "", color: "#7f7f7f", dash: [4, 4], x: [0, r.escapes[0]!.log10t.at(-1)!], y: [1 / 6, 1 / 6] },
      ],
    }),
    lineFigure({
      name: "ulpm-saddle-spectrum",
      title: "Spectrum of the tangent Hessian P(∇²L − λI)P at B and at the collapsed point of the same norm",
      caption: "Theorem 3.4: a non-collapsed critical direction is a strict saddle (a negative eigenvalue); at collapse no eigenvalue is negative.",
      x: { title: "eigenvalue index" }, y: { title: "eigenvalue" },
      series: [
        { label: "at B", color: "#d62728", mark: "points", x: r.atB.tangentEigenvalues.map((_, i) => i), y: r.atB.tangentEigenvalues },
        { label: "at collapse", color: "#1f77b4", mark: "points", shape: "square", x: r.atCollapse.tangentEigenvalues.map((_, i) => i), y: r.atCollapse.tangentEigenvalues },
      ],
    }),
  ],
  summary(r) {
    const E = EXAMPLE_31;
    const negB = r.atB.tangentEigenvalues.filter((v) => v < -1e-6);
    const minB = r.atB.tangentEigenvalues[0]!;
    const mult = r.atB.tangentEigenvalues.filter((v) => Math.abs(v - minB) < 1e-6).length;
    const minNC = r.atCollapse.tangentEigenvalues[0]!;
    const fromB = r.escapes.find((e) => e.epsilon === null)!;
    const perturbed = r.escapes.filter((e) => e.epsilon !== null);
    return {
      shows: "Example 3.1 of seed 002 computed by the kernels: the loss, margin and gradient at the bad KKT point B and at collapse, the tangent Hessian's spectra, and gradient flows from B and from perturbations of it.",
      claim: "B is along a KKT direction of (3.1) with ∇L ∥ θ, so gradient flow from B only grows the norm; but it is a strict saddle (Theorem 3.4): the tangent Hessian has a negative eigenvalue, and collapse has a lower loss at the same norm.",
      checks: [
        { claim: "the summed loss at B", closedForm: `4 log(1 + 2e⁻² + e⁻⁴) = ${E.lossAtB.toFixed(7)}`, measured: r.atB.loss.toFixed(9), holds: rel(r.atB.loss, E.lossAtB) <= 1e-7 },
        { claim: "the summed loss at collapse, ρ² = 16", closedForm: `4 log(1 + 3e^{−8/3}) = ${E.lossAtCollapse.toFixed(7)}`, measured: r.atCollapse.loss.toFixed(9), holds: rel(r.atCollapse.loss, E.lossAtCollapse) <= 1e-7 },
        { claim: "∇L = c·θ at B", closedForm: `c = −(2+2e⁻²)/(2+e⁻²+e²) = ${E.gradientCoefficient.toFixed(7)}`, measured: `c = ${r.atB.gradientCoefficient.toFixed(9)}, ‖∇L − cθ‖/‖∇L‖ = ${r.atB.gradientResidual.toExponential(1)}`, holds: rel(r.atB.gradientCoefficient, E.gradientCoefficient) <= 1e-7 && r.atB.gradientResidual < 1e-12 },
        { claim: "f''(0) along the paper's curve on the sphere", closedForm: `16(e⁻² − 1) = ${E.secondDerivative.toFixed(7)}`, measured: `${r.secondDerivative.toFixed(9)} (the curve's loss equals its closed form to ${r.curveMaxError.toExponential(1)})`, holds: rel(r.secondDerivative, E.secondDerivative) <= 1e-7 },
        { claim: "q/ρ² at B and at collapse", closedForm: "1/8 and 1/6", measured: `${r.atB.qOverRho2.toFixed(12)}, ${r.atCollapse.qOverRho2.toFixed(12)}`, holds: rel(r.atB.qOverRho2, 1 / 8) < 1e-12 && rel(r.atCollapse.qOverRho2, 1 / 6) < 1e-12 },
        { claim: "B is a strict saddle: the tangent Hessian has a negative eigenvalue", closedForm: "λ_min < 0 (Theorem 3.4)", measured: `λ_min = ${minB.toFixed(6)} (multiplicity ${mult}); ${negB.length} negative`, holds: negB.length > 0 },
        { claim: "no negative tangent eigenvalue at collapse", closedForm: "λ_min ≥ 0", measured: `λ_min = ${minNC.toExponential(2)}`, holds: minNC >= -1e-8 },
        { claim: "the flow from B stays on its ray", closedForm: "distance 0", measured: `largest distance ${Math.max(...fromB.distance).toExponential(1)} to t = 1e${fromB.log10t[fromB.log10t.length - 1]}`, holds: Math.max(...fromB.distance) < 1e-6 },
        {
          claim: "perturbed flows leave B's direction: q/ρ² rises above 1/8, the sooner the larger ε", closedForm: "final q/ρ² > 1/8; escape time non-increasing in ε",
          measured: perturbed.map((e) => `ε ${e.epsilon!.toExponential(0)}: q/ρ² ${e.finalQOverRho2.toFixed(6)}, halfway to collapse ${e.escapeLog10t === null ? "not by the horizon" : `at 1e${e.escapeLog10t}`}`).join("; "),
          holds: perturbed.every((e) => e.finalQOverRho2 > 1 / 8 + 1e-7) && perturbed.every((e, i) => i === 0 || (e.escapeLog10t ?? Infinity) <= (perturbed[i - 1]!.escapeLog10t ?? Infinity)),
        },
        { claim: "the largest perturbation reaches collapse", closedForm: "q/ρ² → 1/6", measured: `${perturbed.at(-1)!.finalQOverRho2.toFixed(7)} at t = 1e${perturbed.at(-1)!.log10t.at(-1)}`, holds: Math.abs(perturbed.at(-1)!.finalQOverRho2 - 1 / 6) < 1e-4 },
      ],
      numbers: [
        ["tangent spectrum at B (lowest 4)", r.atB.tangentEigenvalues.slice(0, 4).map((v) => v.toFixed(5)).join(", ")],
        ["tangent spectrum at collapse (lowest 4)", r.atCollapse.tangentEigenvalues.slice(0, 4).map((v) => v.toExponential(2)).join(", ")],
        ...perturbed.map((e): [string, string] => [`ε = ${e.epsilon!.toExponential(0)}`, `halfway to collapse at log10 t = ${e.escapeLog10t ?? "— (not by the horizon)"}, final q/ρ² = ${e.finalQOverRho2.toFixed(6)} (B: 0.125, collapse: 0.166667)`]),
      ],
      notes:
        "The ULPM is the kernels' deep linear network on one-hot inputs (H the first layer, W the second, no bias). The paper's loss is the sum of the " +
        "cross-entropies; the flows integrate the mean (the same trajectory, t four times slower). The gradient coefficient's denominator is " +
        "2 + e⁻² + e² (the paper prints 2 + 2e⁻² + 2e²; erratum in the spec notes). Escapes start at scale·B (default 0.1: ρ² = 0.16), where the saddle's " +
        "negative curvature is not yet suppressed by a large norm; from B itself (ρ² = 16) even ε = 0.1 had not left by t = 1e12. The Hessian is central differences (h = 1e-5) of the kernels' gradient; " +
        "f''(0) is a Richardson-extrapolated central difference (h = 2e-3, 1e-3) of the kernels' loss along the paper's curve.",
    };
  },
  tables: (r) => ({
    "ulpm-saddle": r.escapes.flatMap((e) => e.log10t.map((t, k) => ({ epsilon: e.epsilon, log10t: t, distance: e.distance[k]!, q_over_rho2: e.qOverRho2[k]! }))),
  }),
});

export type { Ulpm };
