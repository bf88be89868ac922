// Seed 000, Fig. 2 — the natural coordinates of a quasi-homogeneous model in two parameters: the characteristic
// curves ψ_α(θ) = e^{αΛ}θ (Eq. 1) through points of the unit Λ-sphere, and the level sets of the Λ-seminorm
// ‖θ‖²_Λ = λ1θ1² + λ2θ2². For λ = (1, 1) the curves are rays; for λ = (1, ½) they bend towards θ1, the
// highest-rate direction, and cross the ellipses at right angles.
import { Num, Strict, Type, type Static } from "../schema/schema.js";
import { lineFigure } from "../report/figure.js";
import { defineExperiment } from "./experiment.js";
import { cos, exp, sin } from "../runtime/detmath.js";

const Lambda = Type.Array(Num({ exclusiveMinimum: 0, maximum: 10 }), { minItems: 2, maxItems: 2, description: "(λ1, λ2)" });

export const Fig2SpecSchema = Strict({
  lambdas: Type.Optional(Type.Array(Lambda, { minItems: 1, maxItems: 8, default: [[1, 1], [1, 0.5]], description: "the diagonal Λ of each panel (the paper: (1, 1) and (1, 0.5))" })),
});
export type Fig2Spec = Static<typeof Fig2SpecSchema>;

const Curve = Type.Array(Type.Array(Num(), { minItems: 2, maxItems: 2 }));
export const Fig2PanelSchema = Strict({
  lambda: Type.Array(Num()),
  curves: Type.Array(Curve, { description: "ψ_α(θ) for α ∈ [−3, 3] through 12 points of the unit Λ-sphere" }),
  levels: Type.Array(Curve, { description: "‖θ‖²_Λ = 0.25, 1, 2.25" }),
});
export type Fig2Panel = Static<typeof Fig2PanelSchema>;

/** ψ_α(θ) through 12 points of the unit Λ-sphere, α ∈ [−3, 3] in steps of 0.05, and three level sets. */
export function characteristicCurves(lambda: number[]): Fig2Panel {
  const [l1, l2] = lambda as [number, number];
  const starts = Array.from({ length: 12 }, (_, k) => (2 * Math.PI * (k + 0.5)) / 12).map((a) => [cos(a), sin(a)]);
  const alphas = Array.from({ length: 121 }, (_, i) => -3 + i * 0.05);
  const curves = starts.map(([a, b]) => {
    // start on the unit Λ-sphere: scale (a, b) so that λ1 a² + λ2 b² = 1
    const s = Math.sqrt(l1 * a! * a! + l2 * b! * b!);
    return alphas.map((al) => [exp(al * l1) * (a! / s), exp(al * l2) * (b! / s)]);
  });
  const levels = [0.25, 1, 2.25].map((c) =>
    Array.from({ length: 181 }, (_, i) => (2 * Math.PI * i) / 180).map((t) => [Math.sqrt(c / l1) * cos(t), Math.sqrt(c / l2) * sin(t)]),
  );
  return { lambda, curves, levels };
}

export const fig2 = defineExperiment({
  id: "fig2",
  title: "Fig. 2 — characteristic curves ψ_α(θ) and Λ-seminorm level sets",
  source: { paper: "seed 000 (Kunin et al., ICLR 2023)", section: "§3, Eq. 1", figure: "Fig. 2" },
  category: "reproduction",
  spec: Fig2SpecSchema,
  itemResult: Fig2PanelSchema,
  items: (s) => s.lambdas!.map((lambda) => ({ lambda })),
  label: (item) => `λ = (${item.lambda.join(", ")})`,
  run: (item) => characteristicCurves(item.lambda),
  assemble: (_spec, panels) => ({ panels }),
  figures: ({ panels }) =>
    panels.map((pan, k) =>
      lineFigure({
        // one file per panel, also when two panels have the same Λ
        name: `fig2-lambda-${pan.lambda.join("-")}${panels.findIndex((p) => p.lambda.join() === pan.lambda.join()) < k ? `-${k}` : ""}`,
        title: `Λ = diag(${pan.lambda.join(", ")}): characteristic curves and Λ-seminorm level sets`,
        caption: "Blue: ψ_α(θ), α ∈ [−3, 3], through 12 points of the unit Λ-sphere; grey: ‖θ‖²_Λ = 0.25, 1, 2.25.",
        x: { title: "θ1", domain: [-2, 2] }, y: { title: "θ2", domain: [-2, 2] }, width: 380, height: 380,
        series: [
          ...pan.levels.map((c) => ({ label: "‖θ‖²_Λ = 0.25, 1, 2.25", x: c.map((v) => v[0]!), y: c.map((v) => v[1]!), color: "#999" })),
          ...pan.curves.map((c) => ({ label: "ψ_α(θ), α ∈ [−3, 3]", x: c.map((v) => v[0]!), y: c.map((v) => v[1]!), color: "#1f77b4" })),
        ],
      }),
    ),
  summary: ({ panels }) => ({
    shows: "The characteristic curves of the scaling ψ_α (the directions along which a quasi-homogeneous model's output only rescales) and the level sets of the Λ-seminorm, for each Λ.",
    claim: "For a homogeneous model (λ1 = λ2) the decomposition is polar: rays and circles. For a quasi-homogeneous one the curves are eventually dominated by the highest-rate parameters and the level sets are ellipses (Fig. 2).",
    checks: [],
    numbers: [["panels", String(panels.length)], ...panels.map((p): [string, string] => [`Λ = (${p.lambda.join(", ")})`, `${p.curves.length} curves, ${p.levels.length} level sets`])],
    notes: "For λ = (1, 1) the characteristic curves are rays (homogeneous scaling); for λ = (1, 0.5) they bend towards the θ1 axis, the highest-rate direction.",
  }),
});
