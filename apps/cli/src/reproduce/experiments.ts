// The reproducible results of seed 000, one entry per id: the parameters (paper defaults, overridable by
// flags), the pool items, and how finished items become result.json, figures and a report section.
import {
  FIG1_DEPTHS, FIG4_MU, compileModel, inferLambda, inferPolynomialLambda, linePlot, polynomialFromMonomials,
  type Fig1Result, type Fig4GapResult, type Fig4Result, type ModelSpec, type Spec, type Thm61Result,
} from "@marginflow/core";
import { UsageError } from "../errors.js";
import { intFlag } from "../main.js";

export type Flags = Record<string, string | boolean | undefined>;

export interface Assembled {
  result: Record<string, unknown>;
  /** file name → SVG text */
  figures: Record<string, string>;
  /** key figures for the report, label → value */
  numbers: [string, string][];
  /** a paragraph for the report */
  notes: string;
}

export interface Experiment {
  id: string;
  title: string;
  /** flags this id reads (besides the common ones) */
  flags: string[];
  params(flags: Flags, seed: number): Record<string, unknown>;
  /** work for the pool (empty: computed in the main thread by `local`) */
  specs(params: Record<string, unknown>): Spec[];
  local?(params: Record<string, unknown>): unknown;
  assemble(params: Record<string, unknown>, items: unknown[]): Assembled;
}

const RESULT_SCHEMA = 1;

function floatList(name: string, v: string | boolean | undefined, fallback: number[]): number[] {
  if (v === undefined) return fallback;
  const xs = typeof v === "string" ? v.split(",").map(Number) : [];
  if (xs.length === 0 || xs.some((x) => !Number.isFinite(x)) || xs.some((x, i) => i > 0 && x <= xs[i - 1]!)) {
    throw new UsageError(`--${name}: expected ascending comma-separated numbers (e.g. 5,100), got ${JSON.stringify(v)}`);
  }
  return xs;
}

// ---------------------------------------------------------------------------------------------------- fig4
const fig4: Experiment = {
  id: "fig4",
  title: "Fig. 4 — robustness of the limit classifier on two balls, homogeneous vs quasi-homogeneous",
  flags: ["radii", "samples", "horizons"],
  params: (f, seed) => ({
    radii: intFlag("radii", f.radii, 100, 2),
    samples: intFlag("samples", f.samples, 10_000, 10),
    horizons: floatList("horizons", f.horizons, [5, 100]),
    seed,
    rtol: 1e-6,
    atol: 1e-9,
  }),
  specs: (p) =>
    Array.from({ length: p.radii as number }, (_, k) => ({
      kind: "fig4" as const,
      r: (k + 0.5) / (p.radii as number),
      samples: p.samples as number,
      seed: p.seed as number,
      horizons: p.horizons as number[],
      rtol: p.rtol as number,
      atol: p.atol as number,
    })),
  assemble(p, items) {
    const rs = items as Fig4Result[];
    const hs = (p.horizons as number[]).map((h) => `1e${h}`);
    const r = rs.map((x) => x.r);
    const colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];
    const series = hs.flatMap((h, i) => [
      { label: `hom, t = ${h}`, x: r, y: rs.map((x) => x.hom.horizons[h]!.robustness), color: colors[0]!, dash: i === 0 ? "5 4" : undefined },
      { label: `QH D=(1,5,10), t = ${h}`, x: r, y: rs.map((x) => x.qh.horizons[h]!.robustness), color: colors[1]!, dash: i === 0 ? "5 4" : undefined },
    ]);
    series.push({ label: "Lemma 5.1 / cascade (QH)", x: r, y: rs.map((x) => x.qh.closedForm.robustness), color: "#000", dash: "1 3" });
    series.push({ label: "1 − r (hom limit)", x: r, y: rs.map((x) => x.hom.closedForm.robustness), color: "#888", dash: "1 3" });
    const vlines = [{ x: 0.5, label: "r = ρ = 0.5" }, { x: 0.25, label: "r = 0.25" }];
    const robustness = linePlot({ title: "Robustness vs radius", xLabel: "radius r", yLabel: "robustness w·µ − r", series, xRange: [0, 1], vlines });
    const last = hs[hs.length - 1]!;
    const coordinates = linePlot({
      title: `Quasi-homogeneous classifier coordinates at t = ${last} (dashed: t = ${hs[0]}; dotted: closed form)`,
      xLabel: "radius r",
      yLabel: "unit classifier coordinate",
      xRange: [0, 1],
      vlines,
      series: [0, 1, 2].flatMap((c) => [
        { label: `w${c + 1}`, x: r, y: rs.map((x) => x.qh.horizons[last]!.w[c]!), color: colors[c]! },
        { label: `w${c + 1} at ${hs[0]}`, x: r, y: rs.map((x) => x.qh.horizons[hs[0]!]!.w[c]!), color: colors[c]!, dash: "5 4" },
        { label: `w${c + 1} closed form`, x: r, y: rs.map((x) => x.qh.closedForm.w[c]!), color: colors[c]!, dash: "1 3" },
      ]),
    });
    const band = rs.filter((x) => x.r >= 0.65 && x.r <= 0.95);
    const gap = (h: string) => band.reduce((s, x) => s + Math.abs(x.qh.horizons[h]!.robustness - x.lemma51!.qh), 0) / Math.max(1, band.length);
    const gaps = Object.fromEntries(hs.map((h) => [h, gap(h)]));
    const certGap = band.reduce((s, x) => s + Math.abs(x.qh.certificate.robustness - x.lemma51!.qh), 0) / Math.max(1, band.length);
    const dist = (h: string, set = rs) => set.reduce((s, x) => Math.max(s, x.qh.horizons[h]!.distance), 0);
    return {
      result: {
        schema: RESULT_SCHEMA,
        id: "fig4",
        params: p,
        mu: FIG4_MU,
        summary: {
          meanGapToLemma51_065_095: gaps,
          certificateGapToLemma51_065_095: certGap,
          maxDistanceToCertificate: Object.fromEntries(hs.map((h) => [h, dist(h)])),
          maxDistanceToCertificate_065_095: Object.fromEntries(hs.map((h) => [h, dist(h, band)])),
        },
        radii: rs,
      },
      figures: { "fig4-robustness.svg": robustness, "fig4-coordinates.svg": coordinates },
      numbers: [
        ...hs.map((h): [string, string] => [`mean |robustness − Lemma 5.1| over r ∈ [0.65, 0.95], QH, t = ${h}`, gaps[h]!.toExponential(2)]),
        ["same gap for the exact empirical solution on the same samples (finite-sample floor)", certGap.toExponential(2)],
        ...hs.map((h): [string, string] => [`largest distance to the certificate, QH, r ∈ [0.65, 0.95], t = ${h}`, dist(h, band).toExponential(2)]),
        ...hs.map((h): [string, string] => [`largest distance to the certificate, QH, all r (slowest in the cascade, r < 0.5), t = ${h}`, dist(h).toExponential(2)]),
        ["radii × samples", `${rs.length} × ${p.samples}`],
      ],
      notes:
        "Homogeneous: a linear model (D = (1,1,1)); quasi-homogeneous: the diagonal network D = (1,5,10), Λ = (1, 0.2, 0.1), both from all-ones. " +
        "Every radius uses the same sample directions (seeded once), so the curves are not noisier than the finite sample itself. " +
        "Robustness is measured on the exact balls (w·µ − r for the unit classifier w). Below r = 0.5 the data are not conditionally separable and " +
        "Conjecture 5.1's cascade gives the closed form; the certificate is the exact solution of the (cascaded) asymmetric problem on the same samples.",
    };
  },
};

// ---------------------------------------------------------------------------------------------------- fig4n
const fig4n: Experiment = {
  id: "fig4n",
  title: "Fig. 4 — the finite-sample floor: exact empirical solution vs Lemma 5.1 as the sample grows",
  flags: [],
  params: (_f, seed) => ({ samples: [1000, 10_000, 100_000], radii: [0.65, 0.75, 0.85, 0.95], seeds: [0, 1, 2, 3].map((k) => seed + k) }),
  specs: (p) =>
    (p.samples as number[]).flatMap((n) =>
      (p.radii as number[]).flatMap((r) => (p.seeds as number[]).map((seed) => ({ kind: "fig4gap" as const, r, samples: n, seed }))),
    ),
  assemble(p, items) {
    const rs = items as Fig4GapResult[];
    const sizes = p.samples as number[];
    const mean = sizes.map((n) => {
      const g = rs.filter((x) => x.samples === n).map((x) => x.gap);
      return g.reduce((a, b) => a + b, 0) / g.length;
    });
    const plot = linePlot({
      title: "Mean |robustness − Lemma 5.1| of the exact empirical solution, r ∈ [0.65, 0.95]",
      xLabel: "log10 samples", yLabel: "log10 mean gap",
      series: [
        { label: "mean over radii and seeds", x: sizes.map(Math.log10), y: mean.map(Math.log10), color: "#d62728" },
        { label: "each radius and seed", x: rs.map((x) => Math.log10(x.samples)), y: rs.map((x) => Math.log10(x.gap)), color: "#999", points: true },
      ],
    });
    return {
      result: { schema: RESULT_SCHEMA, id: "fig4n", params: p, meanGap: Object.fromEntries(sizes.map((n, i) => [String(n), mean[i]])), items: rs },
      figures: { "fig4n-gap.svg": plot },
      numbers: sizes.map((n, i): [string, string] => [`${n} samples: mean gap (${(p.radii as number[]).length} radii × ${(p.seeds as number[]).length} seeds)`, mean[i]!.toExponential(2)]),
      notes:
        "Fig. 4's trajectories converge to the exact max-margin solution on their own samples; that solution differs from the ball solution of " +
        "Lemma 5.1 because the sphere surfaces are only sampled. This floor shrinks as the sample grows — the part of the Fig. 4 gap that is not the dynamics.",
    };
  },
};

// ---------------------------------------------------------------------------------------------------- fig1
const fig1: Experiment = {
  id: "fig1",
  title: "Fig. 1 — logistic regression on two Gaussians: homogeneous vs quasi-homogeneous parameterization",
  flags: ["steps"],
  params: (f, seed) => ({ seed, steps: intFlag("steps", f.steps, 100_000), depths: FIG1_DEPTHS, lr: 0.5 }),
  specs: (p) => [{ kind: "fig1", seed: p.seed as number, steps: p.steps as number }],
  assemble(p, items) {
    const r = items[0] as Fig1Result;
    const seg = (w: number[]) => ({ x: [-2 * w[1]!, 2 * w[1]!], y: [2 * w[0]!, -2 * w[0]!] }); // the line w·x = 0
    const pos = r.X.filter((_, i) => r.labels[i] === 1), neg = r.X.filter((_, i) => r.labels[i] === -1);
    const plot = linePlot({
      title: "Decision lines through the origin (data: 100 samples, σ = 0.25)",
      xLabel: "x1", yLabel: "x2", width: 560, height: 600, xRange: [-1.6, 1.6], yRange: [-1.6, 1.6],
      series: [
        { label: "y = +1", x: pos.map((v) => v[0]!), y: pos.map((v) => v[1]!), color: "#d62728", points: true },
        { label: "y = −1", x: neg.map((v) => v[0]!), y: neg.map((v) => v[1]!), color: "#1f77b4", points: true },
        { label: "max ℓ2-margin SVM", ...seg(r.svm.w), color: "#000", dash: "6 4" },
        { label: "asymmetric problem", ...seg(r.qh.certificate.w), color: "#9467bd", dash: "6 4" },
        { label: `hom, GD ${r.hom.gd.steps} steps`, ...seg(r.hom.gd.w), color: "#2ca02c" },
        { label: `QH D=(1,2), GD ${r.qh.gd.steps} steps`, ...seg(r.qh.gd.w), color: "#ff7f0e" },
        { label: "hom, flow to t = 1e100", ...seg(r.hom.flow.w), color: "#2ca02c", dash: "1 3" },
        { label: "QH, flow to t = 1e100", ...seg(r.qh.flow.w), color: "#ff7f0e", dash: "1 3" },
      ],
    });
    const f = (x: number) => x.toExponential(2);
    return {
      result: { schema: RESULT_SCHEMA, id: "fig1", params: p, ...r },
      figures: { "fig1-lines.svg": plot },
      numbers: [
        ["angle of the normal: SVM / asymmetric problem", `${r.svm.angle.toFixed(2)}° / ${r.qh.certificate.angle.toFixed(2)}°`],
        ["hom: GD end, flow 1e100 (°)", `${r.hom.gd.angle.toFixed(2)}, ${r.hom.flow.angle.toFixed(2)}`],
        ["QH: GD end, flow 1e100 (°)", `${r.qh.gd.angle.toFixed(2)}, ${r.qh.flow.angle.toFixed(2)}`],
        ["distance to the certificate, hom: GD / 1e100", `${f(r.hom.gd.distance)} / ${f(r.hom.flow.distance)}`],
        ["distance to the certificate, QH: GD / 1e100", `${f(r.qh.gd.distance)} / ${f(r.qh.flow.distance)}`],
        ["log10 L after GD (hom, QH)", `${r.hom.gd.log10Loss.toFixed(2)}, ${r.qh.gd.log10Loss.toFixed(2)}`],
      ],
      notes:
        "The paper does not state its quasi-homogeneous depths: marginflow uses the diagonal network D = (1, 2), Λ = (1, ½) (Fig. 2's λ = (1, 0.5)). " +
        "Here the second coordinate alone separates the data, so the asymmetric problem's first level is degenerate and its cascade (Conjecture 5.1) " +
        "discards the highest-rate coordinate: the QH line turns horizontal, while the homogeneous one approaches the SVM line. GD as in the paper " +
        "(lr 0.5, standard Gaussian init), then the same model's gradient flow continued from the GD end point to t = 1e100.",
    };
  },
};

// ---------------------------------------------------------------------------------------------------- thm61
function intList(name: string, v: string | boolean | undefined, fallback: number[]): number[] {
  if (v === undefined) return fallback;
  const m = typeof v === "string" ? /^(\d+)-(\d+)$/.exec(v) : null;
  const xs = m ? Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, i) => Number(m[1]) + i) : typeof v === "string" ? v.split(",").map(Number) : [];
  if (xs.length === 0 || xs.some((x) => !Number.isInteger(x) || x < 2)) throw new UsageError(`--${name}: expected integers ≥ 2 as a range (3-10) or a list (3,5,8), got ${JSON.stringify(v)}`);
  return xs;
}

const thm61: Experiment = {
  id: "thm61",
  title: "Theorem 6.1 — neural collapse of a layer-normalized network trained with cross-entropy",
  flags: ["classes"],
  params: (f, seed) => ({ classes: intList("classes", f.classes, [3, 4, 5, 6, 7, 8, 9, 10]), seed, perClass: 2, horizon: 1000 }),
  specs: (p) => (p.classes as number[]).map((C) => ({ kind: "thm61" as const, classes: C, seed: p.seed as number, perClass: p.perClass as number })),
  assemble(p, items) {
    const rs = items as Thm61Result[];
    const colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
    const plot = linePlot({
      title: "Distance to the neural-collapse closed form (largest of the four measures)",
      xLabel: "log10 t", yLabel: "log10 distance",
      series: rs.map((r, i) => ({
        label: `C = ${r.classes}`,
        x: r.trajectory.map((q) => q.log10t),
        y: r.trajectory.map((q) => (Number.isFinite(q.total) ? Math.log10(q.total) : NaN)),
        color: colors[i % colors.length]!,
      })),
    });
    const worst = rs.reduce((s, r) => Math.max(s, r.final.total), 0);
    return {
      result: { schema: RESULT_SCHEMA, id: "thm61", params: p, runs: rs },
      figures: { "thm61-distance.svg": plot },
      numbers: [
        ...rs.map((r): [string, string] => [
          `C = ${r.classes} (n = ${r.samples}, d = ${r.features}) at t = 1e${r.final.log10t}`,
          `W Gram ${r.final.classifierGram.toExponential(1)}, W·H ${r.final.crossGram.toExponential(1)}, ‖h‖ ${r.final.featureNorm.toExponential(1)}, b ${r.final.bias.toExponential(1)}`,
        ]),
        ["largest final distance over all C", worst.toExponential(2)],
      ],
      notes:
        "Features h_i = LN(W1 x_i) with one-hot inputs (every sample's feature is free, assumption A8), a last layer (W, b) with λ = 1 and λ = 0 before, " +
        "cross-entropy, gradient flow into the terminal phase (t = 10^1000: the distances fall like 1/log t). (W, b) are rescaled to multiclass margin 1 and " +
        "compared with App. G's closed form — a regular simplex with ‖w_c‖ = (C−1)/C, Σ w_c = 0, b = 0, h_i = C/(C−1)·w_{y_i}. The short statement of the " +
        "theorem in the spec notes writes ‖w_c‖ = √((C−1)/C); App. G's proof (and unit-norm features) give (C−1)/C, which is what is checked. " +
        "The distances are invariant to rotations of feature space (Gram matrices).",
    };
  },
};

// ---------------------------------------------------------------------------------------------------- fig2
const fig2: Experiment = {
  id: "fig2",
  title: "Fig. 2 — characteristic curves ψ_α(θ) and Λ-seminorm level sets",
  flags: [],
  params: () => ({ lambdas: [[1, 1], [1, 0.5]] }),
  specs: () => [],
  local: (p) =>
    (p.lambdas as number[][]).map((lam) => {
      const starts = Array.from({ length: 12 }, (_, k) => (2 * Math.PI * (k + 0.5)) / 12).map((a) => [Math.cos(a), Math.sin(a)]);
      const alphas = Array.from({ length: 121 }, (_, i) => -3 + i * 0.05);
      const curves = starts.map(([a, b]) => {
        // start on the unit Λ-sphere: scale (a, b) so that λ1 a² + λ2 b² = 1
        const s = Math.sqrt(lam[0]! * a! * a! + lam[1]! * b! * b!);
        return alphas.map((al) => [Math.exp(al * lam[0]!) * (a! / s), Math.exp(al * lam[1]!) * (b! / s)]);
      });
      const levels = [0.25, 1, 2.25].map((c) =>
        Array.from({ length: 181 }, (_, i) => (2 * Math.PI * i) / 180).map((t) => [Math.sqrt(c / lam[0]!) * Math.cos(t), Math.sqrt(c / lam[1]!) * Math.sin(t)]),
      );
      return { lambda: lam, curves, levels };
    }),
  assemble(p, items) {
    const panels = items[0] as { lambda: number[]; curves: number[][][]; levels: number[][][] }[];
    const figures: Record<string, string> = {};
    for (const pan of panels) {
      const name = `fig2-lambda-${pan.lambda.join("-")}.svg`;
      figures[name] = linePlot({
        title: `Λ = diag(${pan.lambda.join(", ")}): characteristic curves (blue), ‖θ‖_Λ level sets (grey)`,
        xLabel: "θ1", yLabel: "θ2", width: 480, height: 520, xRange: [-2, 2], yRange: [-2, 2],
        series: [
          ...pan.levels.map((c, i) => ({ label: i === 0 ? "‖θ‖²_Λ = 0.25, 1, 2.25" : "", x: c.map((v) => v[0]!), y: c.map((v) => v[1]!), color: "#999" })),
          ...pan.curves.map((c, i) => ({ label: i === 0 ? "ψ_α(θ), α ∈ [−3, 3]" : "", x: c.map((v) => v[0]!), y: c.map((v) => v[1]!), color: "#1f77b4" })),
        ],
      });
    }
    return {
      result: { schema: RESULT_SCHEMA, id: "fig2", params: p, panels },
      figures,
      numbers: [["panels", String(panels.length)]],
      notes: "For λ = (1, 1) the characteristic curves are rays (homogeneous scaling); for λ = (1, 0.5) they bend towards the θ1 axis, the highest-rate direction.",
    };
  },
};

// ---------------------------------------------------------------------------------------------------- appb
const zoo: [string, ModelSpec][] = [
  ["linear", { kind: "linear", inputs: 3 }],
  ["diagonal network D = (1, 5, 10)", { kind: "diagonal", depths: [1, 5, 10] }],
  ["deep linear, 3 layers", { kind: "deepLinear", inputs: 3, hidden: [4, 4] }],
  ["2-layer ReLU with biases", { kind: "mlp", inputs: 2, hidden: [5], bias: true }],
  ["residual ReLU block", { kind: "mlp", inputs: 3, hidden: [3], residual: true }],
  ["layer-normalized last hidden layer", { kind: "mlp", inputs: 4, hidden: [6], outputs: 3, bias: true, layerNorm: true }],
  ["ensemble of orders 1 and 2", { kind: "ensemble", members: [{ kind: "linear", inputs: 2 }, { kind: "deepLinear", inputs: 2, hidden: [3] }] }],
];

const appb: Experiment = {
  id: "appb",
  title: "App. B — the proper Λ and the objective it implies",
  flags: [],
  params: () => ({}),
  specs: () => [],
  local: () => {
    const cubic = polynomialFromMonomials(["θ1", "θ2"], [{ theta: { θ1: 1, θ2: 2 }, x: [1] }]);
    const nested = polynomialFromMonomials(["θ1", "θ2", "θ3", "θ4"], [
      { theta: { θ3: 1, θ1: 2 }, x: [2] },
      { coef: 2, theta: { θ3: 1, θ1: 1, θ2: 1 }, x: [1] },
      { theta: { θ3: 1, θ2: 2 } },
      { theta: { θ4: 1 } },
    ]);
    const poly = [
      ["f = θ1·θ2²·x", cubic],
      ["f = θ3(θ1x + θ2)² + θ4", nested],
    ].map(([name, spec]) => {
      const L = inferPolynomialLambda(spec as typeof cubic);
      return { model: name as string, lambda: L.byParam, objective: L.objective, objectiveParams: L.objectiveParams };
    });
    const nets = zoo.map(([name, spec]) => {
      const m = compileModel(spec);
      const L = inferLambda(m);
      return { model: name, lambda: Object.fromEntries(m.groups.map((g, i) => [g.name, L.groupRates[i]!])), objectiveGroups: L.objectiveGroups };
    });
    return { polynomials: poly, networks: nets };
  },
  assemble(p, items) {
    const r = items[0] as { polynomials: { model: string; lambda: Record<string, number>; objective: string }[]; networks: { model: string; lambda: Record<string, number>; objectiveGroups: string[] }[] };
    const fmtL = (l: Record<string, number>) => Object.entries(l).map(([k, v]) => `${k}: ${+v.toFixed(6)}`).join(", ");
    return {
      result: { schema: RESULT_SCHEMA, id: "appb", params: p, ...r },
      figures: {},
      numbers: [
        ...r.polynomials.map((x): [string, string] => [x.model, `Λ = {${fmtL(x.lambda)}}; objective ${x.objective}`]),
        ...r.networks.map((x): [string, string] => [x.model, `Λ = {${fmtL(x.lambda)}}; objective keeps ${x.objectiveGroups.join(", ")}`]),
      ],
      notes: "The proper Λ is the lexicographic-minimax solution of the scale-propagation equalities (largest rate as small as possible, then the next).",
    };
  },
};

export const EXPERIMENTS: Record<string, Experiment> = { fig1, fig2, fig4, fig4n, thm61, appb };
