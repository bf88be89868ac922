// sq-toy — seed 001's toy dynamics of the scale ρ under the square loss with normalization and weight decay (the
// "theory, executable", first part of issue 14): with the margins' mean μ and mean square M held fixed,
//   L(ρ) = 1 − 2ρμ + ρ²M + λρ²,  ρ' = −∂L/∂ρ = 2(μ − ρ(M + λ))  (eq. 6, 1/N convention),
// integrated by the kernels (a linear system on (ρ, 1)) against its closed form ρ_eq + (ρ0 − ρ_eq)e^{−2(M+λ)t},
// ρ_eq = μ/(M + λ) (eq. 11); Lemma 9's identity L = 1 − ρ(μ + ρ'/2) along the flow; Lemma 2's all-equal-margin fixed
// point in the paper's no-1/N convention, ρ_λ = ρ0/(1 + ρ0²λ/N); and gradient descent against the flow and against
// the modified equation (η/2)ρ'' + ρ' = 2(μ − ρ(M + λ)) (Barrett & Dherin): the decay rate per unit time of GD,
// −ln|1 − ηc|/η with c = 2(M + λ), the modified equation's slow root (1 − √(1 − 2ηc))/η and the flow's c; and where
// each oscillates — GD alternates only for ηc > 1, the modified equation is underdamped for ηc > ½ (4η(M + λ) > 1):
// between the two it predicts an oscillation GD does not have (the printed condition is inconsistent; spec notes).
import { Num, Positive, Strict, Type, type Static } from "../schema/schema.js";
import { parseSpec } from "../schema/validate.js";
import { ArgumentError } from "../errors.js";
import type { Runtime } from "../runtime/kernels.js";
import { integrate } from "../dynamics/ode.js";
import { lineFigure } from "../report/figure.js";
import { RESULT_SCHEMA_VERSION, defineExperiment } from "./experiment.js";
import { exp, log } from "../runtime/detmath.js";

const Case = Strict({
  mu: Positive({ description: "μ, the mean margin of the normalized network" }),
  M: Positive({ description: "M, the mean squared margin (M ≥ μ²)" }),
  lambda: Num({ minimum: 0, description: "λ, the weight decay (≥ 0)" }),
  rho0: Positive({ description: "ρ(0)" }),
});
export const SqToySpecSchema = Strict({
  cases: Type.Optional(Type.Array(Case, {
    minItems: 1, maxItems: 20,
    default: [{ mu: 0.8, M: 0.7, lambda: 0.01, rho0: 0.01 }, { mu: 0.8, M: 0.7, lambda: 0.01, rho0: 5 }, { mu: 0.8, M: 0.7, lambda: 0, rho0: 0.01 }, { mu: 0.3, M: 0.1, lambda: 0.05, rho0: 3 }],
    description: "(μ, M, λ, ρ0) of the toy flows",
  })),
  horizon: Type.Optional(Positive({ default: 20, description: "the flows' horizon t" })),
  etas: Type.Optional(Type.Array(Positive(), { minItems: 1, maxItems: 40, default: [0.01, 0.03, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.1], description: "GD step sizes, as multiples ηc of 1/c, c = 2(M + λ) of the first case" })),
  equalMargin: Type.Optional(Positive({ default: 0.5, description: "Lemma 2: the common margin f̄ of all N samples" })),
  samples: Type.Optional(Positive({ default: 100, description: "Lemma 2: N, for the paper's no-1/N convention" })),
});
export type SqToySpec = Static<typeof SqToySpecSchema>;

export const SqToyResultSchema = Strict({
  kind: Type.Literal("sq-toy"),
  flows: Type.Array(Strict({ mu: Num(), M: Num(), lambda: Num(), rho0: Num(), t: Type.Array(Num()), rho: Type.Array(Num()), closed: Type.Array(Num()), maxError: Num(), lemma9Error: Num(), rhoEq: Num() })),
  lemma2: Strict({ rhoFlow: Num({ description: "the flow's limit with all margins f̄ (1/N convention, λ/N)" }), rhoClosed: Num({ description: "ρ0/(1 + ρ0²λ/N), ρ0 = 1/f̄" }), lossFlow: Num(), lossClosed: Num({ description: "λρ0²/(1 + λρ0²/N) — the summed loss in the paper's convention" }) }),
  gd: Type.Array(Strict({ etaC: Num(), gdRate: Num({ description: "−ln|1 − ηc|/η: GD's decay rate per unit time (η·steps)" }), meRate: Num({ description: "the modified equation's slowest decay rate" }), flowRate: Num({ description: "c" }), gdAlternates: Type.Boolean(), meUnderdamped: Type.Boolean(), measuredRate: Num({ description: "GD's rate measured from its iterates (until the deviation falls below 1e-8 of its start, at most 200)" }) })),
  schema: Type.Literal(RESULT_SCHEMA_VERSION, { description: "version of the result format" }),
});
export type SqToyResult = Static<typeof SqToyResultSchema>;

export function runSqToy(rt: Runtime, input: SqToySpec): SqToyResult {
  const s = parseSpec(SqToySpecSchema, input, "spec");
  const T = s.horizon!;
  const ts = Array.from({ length: 41 }, (_, i) => (T * i) / 40);
  const flows = s.cases!.map((c) => {
    const k = 2 * (c.M + c.lambda), eq = c.mu / (c.M + c.lambda);
    // (ρ, 1)' = [[−2(M+λ), 2μ], [0, 0]] (ρ, 1): ρ' = 2(μ − ρ(M + λ))
    const sol = integrate(rt, { kind: "linear", matrix: Float64Array.of(-k, 2 * c.mu, 0, 0) }, Float64Array.of(c.rho0, 1), 0, T, { rtol: 1e-12, atol: 1e-14, tOut: ts });
    const rho = sol.yOut.map((y) => y[0]!);
    const closed = ts.map((t) => eq + (c.rho0 - eq) * exp(-k * t));
    const maxError = Math.max(...rho.map((r, i) => Math.abs(r - closed[i]!) / Math.max(1, Math.abs(closed[i]!))));
    // Lemma 9: L = 1 − ρ(μ + ρ'/2), with L = 1 − 2ρμ + ρ²(M + λ) and ρ' from the flow's right-hand side
    const lemma9Error = Math.max(...rho.map((r) => {
      const L = 1 - 2 * r * c.mu + r * r * (c.M + c.lambda), dr = 2 * (c.mu - r * (c.M + c.lambda));
      return Math.abs(L - (1 - r * (c.mu + dr / 2)));
    }));
    return { mu: c.mu, M: c.M, lambda: c.lambda, rho0: c.rho0, t: ts, rho, closed, maxError, lemma9Error, rhoEq: eq };
  });
  // Lemma 2 (App. F): all N margins equal f̄: μ = f̄, M = f̄². The paper's loss Σ(1 − ρf̄)² + λ'ρ² (no 1/N) is N times
  // the 1/N loss with λ = λ'/N; its fixed point is ρ_λ = ρ0/(1 + ρ0²λ'/N) with ρ0 = 1/f̄.
  const fb = s.equalMargin!, N = s.samples!, lamP = 0.5;
  const lam = lamP / N, k2 = 2 * (fb * fb + lam);
  const lim = integrate(rt, { kind: "linear", matrix: Float64Array.of(-k2, 2 * fb, 0, 0) }, Float64Array.of(0.01, 1), 0, 200 / k2, { rtol: 1e-13, atol: 1e-15 }).y[0]!;
  const rho0 = 1 / fb;
  const lemma2 = {
    rhoFlow: lim, rhoClosed: rho0 / (1 + (rho0 * rho0 * lamP) / N),
    lossFlow: N * ((1 - lim * fb) ** 2) + lamP * lim * lim, lossClosed: (lamP * rho0 * rho0) / (1 + (lamP * rho0 * rho0) / N),
  };
  // GD on the toy: e_{k+1} = (1 − ηc) e_k exactly; the modified equation (η/2)e'' + e' + c e = 0
  const c0 = s.cases![0]!, c = 2 * (c0.M + c0.lambda), eq0 = c0.mu / (c0.M + c0.lambda);
  const gd = s.etas!.map((etaC) => {
    const eta = etaC / c;
    let r = c0.rho0, alternations = 0, prev = r - eq0, steps = 0;
    const e0 = Math.abs(prev);
    // iterate while the deviation is well above rounding (|e| > 1e-8·e0), at most 200 steps
    for (let it = 0; it < 200 && Math.abs(prev) > 1e-8 * e0; it++) {
      r += eta * 2 * (c0.mu - r * (c0.M + c0.lambda));
      const e = r - eq0;
      if (e * prev < 0) alternations++;
      prev = e;
      steps++;
    }
    const measuredRate = -log(Math.abs(prev) / e0) / (steps * eta);
    const disc = 1 - 2 * eta * c;
    return {
      etaC, gdRate: -log(Math.abs(1 - eta * c)) / eta, meRate: disc >= 0 ? (1 - Math.sqrt(disc)) / eta : 1 / eta, flowRate: c,
      gdAlternates: alternations >= steps - 1 && steps > 2, meUnderdamped: disc < 0, measuredRate: Number.isFinite(measuredRate) ? measuredRate : 0,
    };
  });
  return { kind: "sq-toy", flows, lemma2, gd, schema: RESULT_SCHEMA_VERSION };
}

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

export const sqToy = defineExperiment({
  id: "sq-toy",
  title: "Seed 001's toy ρ dynamics: the flow against its closed form, Lemmas 2 and 9, and GD against the modified equation",
  source: { paper: "seed 001 (Rangamani et al., CBMM Memo 117)", section: "eq. 6, 11, Lemma 2 / App. F, Lemma 9, the modified equation" },
  category: "reproduction",
  spec: SqToySpecSchema,
  itemResult: SqToyResultSchema,
  check: (s) => s.cases!.forEach((c, i) => {
    if (c.M < c.mu * c.mu) throw new ArgumentError(`cases[${i}].M`, c.M, `M ≥ μ² = ${c.mu * c.mu} (a mean square is at least the squared mean)`);
  }),
  items: (s) => [s],
  label: () => "toy",
  run: (item, { rt }) => runSqToy(rt, item),
  assemble: (_s, [r]): SqToyResult => r!,
  figures: (r) => [
    lineFigure({
      name: "sq-toy-rho",
      title: "ρ(t) of the toy flow ρ' = 2(μ − ρ(M + λ)) (lines, kernels) and its closed form (markers)",
      caption: "With weight decay ρ settles at ρ_eq = μ/(M + λ) from any start; the closed form ρ_eq + (ρ0 − ρ_eq)e^{−2(M+λ)t}.",
      x: { title: "t" }, y: { title: "ρ" },
      series: r.flows.flatMap((f, i) => [
        { label: `μ ${f.mu}, M ${f.M}, λ ${f.lambda}, ρ0 ${f.rho0}`, color: COLORS[i % COLORS.length]!, x: f.t, y: f.rho },
        { label: "", color: COLORS[i % COLORS.length]!, mark: "markers" as const, x: f.t.filter((_, k) => k % 4 === 0), y: f.closed.filter((_, k) => k % 4 === 0) },
      ]),
    }),
    lineFigure({
      name: "sq-toy-gd",
      title: "Decay rate per unit time of GD, of the modified equation and of the flow, against ηc (c = 2(M + λ))",
      caption: "At small η GD and the modified equation agree (O(η²)); the modified equation is underdamped from ηc = ½ on, GD alternates only from ηc = 1.",
      x: { title: "ηc" }, y: { title: "decay rate / c" },
      series: [
        { label: "GD (measured)", color: "#000000", mark: "points", x: r.gd.map((g) => g.etaC), y: r.gd.map((g) => g.measuredRate / g.flowRate) },
        { label: "GD (−ln|1 − ηc|/η)", color: "#1f77b4", x: r.gd.map((g) => g.etaC), y: r.gd.map((g) => g.gdRate / g.flowRate) },
        { label: "modified equation", color: "#d62728", dash: [6, 4], x: r.gd.map((g) => g.etaC), y: r.gd.map((g) => g.meRate / g.flowRate) },
      ],
    }),
  ],
  summary(r) {
    const flowErr = Math.max(...r.flows.map((f) => f.maxError));
    const l9 = Math.max(...r.flows.map((f) => f.lemma9Error));
    const small = r.gd.filter((g) => g.etaC <= 0.3);
    const meErr = Math.max(...small.map((g) => Math.abs(g.gdRate - g.meRate) / g.gdRate));
    const measErr = Math.max(...r.gd.filter((g) => g.measuredRate > 0).map((g) => Math.abs(g.measuredRate - g.gdRate) / g.gdRate));
    const between = r.gd.filter((g) => g.etaC > 0.5 && g.etaC < 1);
    const wd = r.flows.filter((f) => f.lambda > 0 && f.mu === r.flows[0]!.mu && f.M === r.flows[0]!.M && f.lambda === r.flows[0]!.lambda);
    const finals = wd.map((f) => f.rho.at(-1)!);
    return {
      shows: "Seed 001's scale dynamics with the margins held fixed: the flow of ρ by the kernels against its closed form, Lemma 9's identity, Lemma 2's fixed point, and gradient descent against the flow and the modified equation.",
      claim: "ρ' = 2(μ − ρ(M + λ)) has the fixed point ρ_eq = μ/(M + λ), independent of ρ(0) with weight decay; L = 1 − ρ(μ + ρ'/2); with all margins equal ρ_λ = ρ0/(1 + ρ0²λ/N); GD follows the modified equation (η/2)ρ'' + ρ' = 2(μ − ρ(M + λ)).",
      checks: [
        { claim: "the kernels' flow equals the closed form", closedForm: "ρ_eq + (ρ0 − ρ_eq)e^{−2(M+λ)t}", measured: `largest relative error ${flowErr.toExponential(2)} over ${r.flows.length} cases`, holds: flowErr <= 1e-9 },
        { claim: "Lemma 9", closedForm: "L = 1 − ρ(μ + ρ'/2)", measured: `largest |difference| ${l9.toExponential(2)}`, holds: l9 <= 1e-12 },
        { claim: "with weight decay the final ρ does not depend on ρ(0)", closedForm: `ρ_eq = ${wd[0] ? wd[0].rhoEq.toFixed(6) : "—"}`, measured: finals.map((v) => v.toFixed(9)).join(", "), holds: finals.length > 1 && Math.max(...finals) - Math.min(...finals) < 1e-6 },
        { claim: "Lemma 2: the all-equal-margin fixed point (no 1/N)", closedForm: `ρ0/(1 + ρ0²λ/N) = ${r.lemma2.rhoClosed.toFixed(10)}; L = λρ0²/(1 + λρ0²/N) = ${r.lemma2.lossClosed.toFixed(10)}`, measured: `flow: ρ ${r.lemma2.rhoFlow.toFixed(10)}, L ${r.lemma2.lossFlow.toFixed(10)}`, holds: Math.abs(r.lemma2.rhoFlow - r.lemma2.rhoClosed) <= 1e-9 * r.lemma2.rhoClosed && Math.abs(r.lemma2.lossFlow - r.lemma2.lossClosed) <= 1e-9 * r.lemma2.lossClosed },
        { claim: "GD's decay matches the modified equation at small η", closedForm: "(1 − √(1 − 2ηc))/η against −ln(1 − ηc)/η", measured: `largest relative difference ${(100 * meErr).toFixed(2)}% for ηc ≤ 0.3 (GD's iterates decay at −ln|1 − ηc|/η to ${measErr.toExponential(1)})`, holds: meErr <= 0.05 },
        { claim: "where the modified equation is underdamped but GD is not (the printed condition)", closedForm: "ME underdamped iff 4η(M + λ) > 1; GD alternates iff 2η(M + λ) > 1", measured: between.map((g) => `ηc ${g.etaC}: ME ${g.meUnderdamped ? "underdamped" : "overdamped"}, GD ${g.gdAlternates ? "alternates" : "monotone"}`).join("; "), holds: between.length > 0 && between.every((g) => g.meUnderdamped && !g.gdAlternates) },
      ],
      numbers: [
        ...r.flows.map((f): [string, string] => [`μ ${f.mu}, M ${f.M}, λ ${f.lambda}, ρ0 ${f.rho0}`, `ρ(${f.t.at(-1)}) = ${f.rho.at(-1)!.toFixed(9)}, ρ_eq = ${f.rhoEq.toFixed(9)}`]),
        ...r.gd.map((g): [string, string] => [`GD ηc = ${g.etaC}`, `rate/c: GD ${(g.gdRate / g.flowRate).toFixed(4)}, modified equation ${(g.meRate / g.flowRate).toFixed(4)}`]),
      ],
      notes: "The margins' statistics μ and M are held fixed (the normalized network's V frozen): the toy of Fig. 1B. The flow is a 2×2 linear system on (ρ, 1) integrated by the kernels' DOPRI5 at rtol 1e-12. " +
        "In the toy GD is exactly geometric, e_{k+1} = (1 − ηc)e_k: it alternates only for ηc > 1, while the modified equation turns underdamped at ηc = ½ — " +
        "the oscillation condition derived from it is not GD's. The networks of §7 (μ, M moving with V) are the rest of the issue.",
    };
  },
  tables: (r) => ({ "sq-toy-gd": r.gd }),
});
