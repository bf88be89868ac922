// Seed 000, Theorem 6.1 (neural collapse): a network whose last hidden layer is layer-normalized, trained with
// cross-entropy on C classes into the terminal phase. The features h_i = LN(W1 x_i + b1) (zero mean, unit
// norm), the last layer (W, b) rescaled to multiclass margin 1 (ψ_α), and their distance to the closed form of
// App. G: a regular simplex with ‖w_c‖ = (C−1)/C, Σ_c w_c = 0, b = 0, h_i = C/(C−1)·w_{y_i}.
// Expressivity (A8) is met by construction: one-hot inputs into a linear first layer make every sample's feature
// a free vector (the unconstrained-features setting). The pre-normalization layer is linear (smooth), so the flow
// is followed by Radau in the σ = log s clock to t = 10^1000 and beyond — where the slow (≈ 1/log t) convergence ends.
import { Ascending, Int, Nullable, Num, Positive, Strict, Type, type Static } from "../schema/schema.js";
import { ArgumentError } from "../errors.js";
import { parseSpec } from "../schema/validate.js";
import type { Runtime } from "../runtime/kernels.js";
import { Rng } from "../runtime/rng.js";
import { compileModel } from "../models/compile.js";
import { inferLambda } from "../models/infer.js";
import { gradientFlow } from "../dynamics/flow.js";
import { simplexDistance } from "../certify/closed-forms.js";
import { lineFigure } from "../report/figure.js";
import { RESULT_SCHEMA_VERSION, defineExperiment } from "./experiment.js";

const shared = {
  perClass: Type.Optional(Int(1, 10_000, { default: 2, description: "samples per class; sample i has class i mod C and a one-hot input" })),
  features: Type.Optional(Nullable(Int(2, 100_000), { default: null, description: "feature dimension d ≥ C; null: C + 1" })),
  seed: Type.Optional(Int(0, Number.MAX_SAFE_INTEGER, { default: 0, description: "seed of the initialization (θ ~ N(0, 0.5²))" })),
  checkpoints: Type.Optional(Ascending(Num({ minimum: -10, maximum: 100_000 }), { maxItems: 200, default: [1, 2, 5, 10, 30, 100, 300, 1000], description: "checkpoints as log10 t; the last is the horizon (the distances fall like 1/log t)" })),
  rtol: Type.Optional(Positive({ maximum: 0.1, default: 1e-8, description: "relative tolerance" })),
  atol: Type.Optional(Positive({ maximum: 0.1, default: 1e-10, description: "absolute tolerance" })),
};

export const Thm61SpecSchema = Strict({
  classes: Type.Optional(Type.Array(Int(2, 100), { minItems: 1, maxItems: 64, default: [3, 4, 5, 6, 7, 8, 9, 10], description: "numbers of classes C, one run each (a range 3-10 or a list 3,5,8 on the command line)" })),
  ...shared,
});
export type Thm61Spec = Static<typeof Thm61SpecSchema>;

export const Thm61ItemSchema = Strict({ kind: Type.Optional(Type.Literal("thm61")), classes: Int(2, 100, { description: "number of classes C" }), ...shared });
export type Thm61Item = Static<typeof Thm61ItemSchema>;

const PointSchema = Strict({
  log10t: Num(),
  log10Loss: Nullable(Num()),
  qmin: Num({ description: "the multiclass margin q_min before rescaling" }),
  classifierGram: Nullable(Num({ description: "relative Frobenius distance of W Wᵀ to the simplex (null before separation)" })),
  crossGram: Nullable(Num({ description: "… of W Hᵀ" })),
  featureNorm: Nullable(Num({ description: "max |‖h_i‖² − 1|" })),
  bias: Nullable(Num({ description: "‖b‖" })),
  total: Nullable(Num({ description: "the largest of the four" })),
});
export const Thm61ResultSchema = Strict({
  kind: Type.Literal("thm61"),
  classes: Int(2, undefined), samples: Int(1, undefined), features: Int(1, undefined), inputs: Int(1, undefined), seed: Int(0, undefined),
  trajectory: Type.Array(PointSchema),
  final: PointSchema,
  nfev: Int(0, undefined),
  stop: Type.String(),
  schema: Type.Literal(RESULT_SCHEMA_VERSION, { description: "version of the result format" }),
});
export type Thm61Result = Static<typeof Thm61ResultSchema>;
export type Thm61Point = Static<typeof PointSchema>;

const orNull = (x: number) => (Number.isFinite(x) ? x : null);

export function runThm61(rt: Runtime, input: Thm61Item): Thm61Result {
  const spec = parseSpec(Thm61ItemSchema, input, "spec");
  const C = spec.classes, k = spec.perClass!, d = spec.features ?? C + 1, seed = spec.seed!, cps = spec.checkpoints!;
  if (d < C) throw new ArgumentError("spec.features", d, `d ≥ C = ${C} (Theorem 6.1 needs d ≥ C)`);
  const n = C * k, inputs = n;
  // one-hot inputs: every sample's pre-normalization feature u_i = W1 e_i is a free vector (A8 by construction),
  // and — the normalization being scale-invariant — the flow keeps each ‖u_i‖ constant, away from LN's singularity
  const X = new Float64Array(n * n);
  for (let i = 0; i < n; i++) X[i * n + i] = 1;
  const data = { X: { rows: n, cols: n, data: X }, labels: Float64Array.from({ length: n }, (_, i) => i % C) };
  const model = compileModel({ kind: "deepLinear", inputs, hidden: [d], outputs: C, bias: "last", layerNorm: true });
  const rates = inferLambda(model);
  if (rates.objectiveGroups.join() !== "layer2.weight,layer2.bias") throw new ArgumentError("model", rates.objectiveGroups, "λmax on the last layer only");
  const theta0 = Rng.fromSeed(seed + 1).fillNormal(new Float64Array(model.size), 0, 0.5);
  const run = gradientFlow(rt, model, data, "logistic", theta0, { rtol: spec.rtol!, atol: spec.atol!, log10T: cps[cps.length - 1]!, checkpoints: cps, lambda: rates.lambda });
  const g = Object.fromEntries(model.groups.map((x) => [x.name, x]));
  const trajectory = run.checkpoints.map((c): Thm61Point => {
    const th = c.theta;
    const W1 = th.subarray(g["layer1.weight"]!.offset, g["layer1.weight"]!.offset + d * inputs);
    const H = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const h = H.subarray(i * d, (i + 1) * d);
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let l = 0; l < inputs; l++) s += W1[j * inputs + l]! * data.X.data[i * inputs + l]!;
        h[j] = s;
      }
      const mean = h.reduce((a, b) => a + b, 0) / d;
      let nrm = 0;
      for (let j = 0; j < d; j++) nrm += (h[j]! - mean) ** 2;
      nrm = Math.sqrt(nrm);
      for (let j = 0; j < d; j++) h[j] = (h[j]! - mean) / nrm;
    }
    const W = Float64Array.from(th.subarray(g["layer2.weight"]!.offset, g["layer2.weight"]!.offset + C * d));
    const b = Float64Array.from(th.subarray(g["layer2.bias"]!.offset, g["layer2.bias"]!.offset + C));
    let qmin = Infinity;
    for (let i = 0; i < n; i++) {
      const y = data.labels[i]!;
      const f = Array.from({ length: C }, (_, c) => b[c]! + W.subarray(c * d, (c + 1) * d).reduce((s, w, j) => s + w * H[i * d + j]!, 0));
      qmin = Math.min(qmin, f[y]! - Math.max(...f.filter((_, c) => c !== y)));
    }
    // ψ_α with λ = 1 on (W, b) and 0 before: divide the last layer by q_min so that the margin constraint is tight
    if (qmin > 0) {
      for (let j = 0; j < W.length; j++) W[j]! /= qmin;
      for (let j = 0; j < C; j++) b[j]! /= qmin;
    }
    const dist = qmin > 0 ? simplexDistance({ rows: C, cols: d, data: W }, b, { rows: n, cols: d, data: H }, data.labels) : null;
    const logL = c.monitors?.logL;
    return {
      log10t: c.log10t, log10Loss: logL === undefined ? null : orNull(logL / Math.LN10), qmin,
      classifierGram: dist && dist.classifierGram, crossGram: dist && dist.crossGram, featureNorm: dist && dist.featureNorm, bias: dist && dist.bias, total: dist && dist.total,
    };
  });
  return {
    kind: "thm61", classes: C, samples: n, features: d, inputs, seed,
    trajectory, final: trajectory[trajectory.length - 1]!, nfev: run.stats.rhsEvaluations, stop: run.stop, schema: RESULT_SCHEMA_VERSION,
  };
}

const colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
const e1 = (x: number | null) => (x === null ? "—" : x.toExponential(1));

export interface Thm61Runs {
  runs: Thm61Result[];
}

export const thm61 = defineExperiment({
  id: "thm61",
  title: "Theorem 6.1 — neural collapse of a layer-normalized network trained with cross-entropy",
  source: { paper: "seed 000 (Kunin et al., ICLR 2023)", section: "§6, Theorem 6.1, App. G" },
  category: "reproduction",
  spec: Thm61SpecSchema,
  itemResult: Thm61ResultSchema,
  check: (s) => {
    const C = Math.max(...s.classes!);
    if (s.features !== null && s.features! < C) throw new ArgumentError("features", s.features, `d ≥ C = ${C} (the largest number of classes; Theorem 6.1 needs d ≥ C), or null for C + 1`);
  },
  items: (s) => s.classes!.map((C): Thm61Item => ({ kind: "thm61", classes: C, perClass: s.perClass!, features: s.features!, seed: s.seed!, checkpoints: s.checkpoints!, rtol: s.rtol!, atol: s.atol! })),
  label: (item) => `C = ${item.classes}`,
  run: (item, { rt }) => runThm61(rt, item),
  assemble: (_spec, runs): Thm61Runs => ({ runs }),
  figures: ({ runs }) => [
    lineFigure({
      name: "thm61-distance",
      title: "Distance to the neural-collapse closed form (the largest of the four measures) along gradient flow",
      caption: "Each line is one number of classes C; the distance is measured after the rescaling ψ_α to multiclass margin 1 and falls like 1/log t.",
      x: { title: "log10 t" }, y: { title: "distance to App. G's simplex", scale: "log" },
      series: runs.map((r, i) => ({ label: `C = ${r.classes}`, x: r.trajectory.map((q) => q.log10t), y: r.trajectory.map((q) => q.total), color: colors[i % colors.length]! })),
    }),
  ],
  summary({ runs }) {
    const worst = runs.reduce((s, r) => Math.max(s, r.final.total ?? Infinity), 0);
    const monotone = runs.every((r) => {
      const late = r.trajectory.filter((p) => p.log10t >= 10).map((p) => p.total ?? Infinity);
      return late.every((v, i) => i === 0 || v < late[i - 1]!);
    });
    const T = runs[0]?.final.log10t;
    return {
      shows: "How far the last layer and the normalized features are from the regular simplex of neural collapse, along gradient flow into the terminal phase, for each number of classes.",
      claim: "With a normalized last hidden layer and cross-entropy, the rescaled parameters converge to a KKT point of Eq. 8, whose global optimum is neural collapse (Theorem 6.1): a regular simplex with ‖w_c‖ = (C−1)/C, Σ w_c = 0, b = 0, h_i = C/(C−1)·w_{y_i}.",
      checks: [
        { claim: "the flow reaches neural collapse", closedForm: "App. G's simplex (distance 0)", measured: `largest final distance over C = ${runs.map((r) => r.classes).join(", ")} at t = 1e${T}: ${worst.toExponential(2)}`, holds: worst < 1e-3 },
        { claim: "the distance decreases once the data are separated", closedForm: "≈ 1/log t", measured: monotone ? "decreasing at every checkpoint from 1e10 on, for every C" : "not monotone after 1e10 for some C", holds: monotone },
      ],
      numbers: [
        ...runs.map((r): [string, string] => [
          `C = ${r.classes} (n = ${r.samples}, d = ${r.features}) at t = 1e${r.final.log10t}`,
          `W Gram ${e1(r.final.classifierGram)}, W·H ${e1(r.final.crossGram)}, ‖h‖ ${e1(r.final.featureNorm)}, b ${e1(r.final.bias)}`,
        ]),
        ["largest final distance over all C", worst.toExponential(2)],
      ],
      notes:
        "Features h_i = LN(W1 x_i) with one-hot inputs (every sample's feature is free, assumption A8), a last layer (W, b) with λ = 1 and λ = 0 before, " +
        "cross-entropy, gradient flow into the terminal phase (the distances fall like 1/log t). (W, b) are rescaled to multiclass margin 1 and " +
        "compared with App. G's closed form. The short statement of the theorem writes ‖w_c‖ = √((C−1)/C); App. G's proof (and unit-norm features) " +
        "give (C−1)/C, which is what is checked. The distances are invariant to rotations of feature space (Gram matrices).",
    };
  },
  tables: ({ runs }) => ({
    thm61: runs.flatMap((r) => r.trajectory.map((p) => ({ classes: r.classes, log10t: p.log10t, log10_loss: p.log10Loss, qmin: p.qmin, classifier_gram: p.classifierGram, cross_gram: p.crossGram, feature_norm: p.featureNorm, bias: p.bias, total: p.total }))),
  }),
});
