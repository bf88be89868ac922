// simplex — seed 004 (E & Wojtowytsch 2021) §3–4: the cross-entropy's optimum over a ball is a regular simplex.
// Final layer: L*(k, R) = log(1 + (k−1)e^{−R√(k/(k−1))}) in closed form against projected gradient on the ball from a
// random start (no symmetry assumed) over a grid of (k, R), and the minimizers' geometry (‖z_i‖ = R, centroid 0,
// cos = −1/(k−1)); ℓp balls with the closed-form α, β (and Σz ≠ 0 for p ≠ 2); Lemma 3.1 (class means never raise the
// risk) on random draws; the penultimate-layer model — PGD over (Y, A), rows of Y on the ball, ‖A‖₂ ≤ 1 — reaching
// L*(k, R) with a regular-simplex Y.
import { Ascending, Int, Num, Positive, Strict, Type, type Static } from "../schema/schema.js";
import { parseSpec } from "../schema/validate.js";
import { Rng } from "../runtime/rng.js";
import { crossEntropyAt, lpSimplex, minimizeOnBall, penultimatePgd, simplexRisk } from "../geometry/simplex.js";
import { lineFigure } from "../report/figure.js";
import { RESULT_SCHEMA_VERSION, defineExperiment } from "./experiment.js";
import { pow } from "../runtime/detmath.js";

export const SimplexSpecSchema = Strict({
  classes: Type.Optional(Ascending(Int(2, 50), { maxItems: 10, default: [2, 3, 4, 5, 10], description: "numbers of classes k of the final-layer grid" })),
  radii: Type.Optional(Ascending(Positive({ maximum: 50 }), { maxItems: 12, default: [0.5, 1, 2, 5, 10], description: "ball radii R of the grid" })),
  exponents: Type.Optional(Ascending(Num({ exclusiveMinimum: 1, maximum: 20 }), { maxItems: 8, default: [1.5, 3, 4], description: "exponents 1 < p < ∞ of the ℓp balls (k ∈ {2, 3, 5}, R ∈ {1, 2})" })),
  trials: Type.Optional(Int(1, 10_000, { default: 200, description: "random draws of Lemma 3.1's check" })),
  penultimate: Type.Optional(Type.Array(Type.Array(Num(), { minItems: 3, maxItems: 3 }), { maxItems: 8, default: [[3, 5, 1], [4, 8, 2], [5, 4, 1.5]], description: "(k, m, R) of the penultimate-layer PGD runs (m ≥ k − 1)" })),
  iterations: Type.Optional(Int(100, 10_000_000, { default: 20_000, description: "PGD iterations of each penultimate run" })),
  seed: Type.Optional(Int(0, Number.MAX_SAFE_INTEGER, { default: 0, description: "seed of the random starts and draws" })),
});
export type SimplexSpec = Static<typeof SimplexSpecSchema>;

export const SimplexResultSchema = Strict({
  kind: Type.Literal("simplex"),
  grid: Type.Array(Strict({ k: Int(2, undefined), R: Num(), closed: Num(), numerical: Num(), error: Num(), normError: Num(), centroid: Num(), cosError: Num() })),
  lp: Type.Array(Strict({ k: Int(2, undefined), R: Num(), p: Num(), alpha: Num(), beta: Num(), closedRisk: Num(), numericalRisk: Num(), zError: Num(), coordinateSum: Num() })),
  lemma31: Strict({ trials: Int(1, undefined), smallestGap: Num({ description: "min over draws of risk(features) − risk(class means)" }) }),
  penultimate: Type.Array(Strict({ k: Int(2, undefined), m: Int(1, undefined), R: Num(), risk: Num(), closed: Num(), gap: Num(), gramError: Num({ description: "max |y_i·y_j − R²(δ_ij − (1 − δ_ij)/(k−1))|" }), centroid: Num() })),
  schema: Type.Literal(RESULT_SCHEMA_VERSION, { description: "version of the result format" }),
});
export type SimplexResult = Static<typeof SimplexResultSchema>;

const nrm = (x: ArrayLike<number>) => Math.sqrt(Array.from(x).reduce((s, v) => s + v * v, 0));

export function runSimplex(input: SimplexSpec): SimplexResult {
  const s = parseSpec(SimplexSpecSchema, input, "spec");
  const rng = Rng.fromSeed(s.seed!);
  const grid: SimplexResult["grid"] = [];
  for (const k of s.classes!) {
    for (const R of s.radii!) {
      const zs = Array.from({ length: k }, (_, i) => minimizeOnBall(k, i, R, 2, rng.fillNormal(new Float64Array(k), 0, R)));
      const closed = simplexRisk(k, R);
      const error = Math.max(...zs.map((z) => Math.abs(z.risk - closed)));
      const normError = Math.max(...zs.map((z) => Math.abs(nrm(z.z) - R)));
      const centroid = nrm(Array.from({ length: k }, (_, j) => zs.reduce((a, z) => a + z.z[j]!, 0) / k));
      let cosError = 0;
      for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) {
        const c = zs[i]!.z.reduce((a, v, l) => a + v * zs[j]!.z[l]!, 0) / (nrm(zs[i]!.z) * nrm(zs[j]!.z));
        cosError = Math.max(cosError, Math.abs(c + 1 / (k - 1)));
      }
      grid.push({ k, R, closed, numerical: zs[0]!.risk, error, normError, centroid, cosError });
    }
  }
  const lp: SimplexResult["lp"] = [];
  for (const p of s.exponents!) {
    for (const k of [2, 3, 5]) {
      for (const R of [1, 2]) {
        const c = lpSimplex(k, R, p);
        const n = minimizeOnBall(k, 0, R, p, rng.fillNormal(new Float64Array(k), 0, R));
        const zErr = Math.max(Math.abs(n.z[0]! - c.alpha), ...Array.from(n.z.subarray(1), (v) => Math.abs(v - c.beta)));
        lp.push({ k, R, p, alpha: c.alpha, beta: c.beta, closedRisk: c.risk, numericalRisk: n.risk, zError: zErr, coordinateSum: c.alpha + (k - 1) * c.beta });
      }
    }
  }
  // Lemma 3.1: for any linear classifier, replacing each feature by its class mean never raises the mean risk
  let smallestGap = Infinity;
  for (let t = 0; t < s.trials!; t++) {
    const k = 2 + (t % 4), m = 3 + (t % 5), n = 2 + (t % 3);
    const A = rng.fillNormal(new Float64Array(k * m), 0, 2), Hf = rng.fillNormal(new Float64Array(k * n * m), 0, 1.5);
    const risk = (h: (i: number, r: number, b: number) => number) => {
      let sum = 0;
      for (let i = 0; i < k; i++) for (let r = 0; r < n; r++) {
        const z = Array.from({ length: k }, (_, a) => { let acc = 0; for (let b = 0; b < m; b++) acc += A[a * m + b]! * h(i, r, b); return acc; });
        sum += crossEntropyAt(z, i);
      }
      return sum / (k * n);
    };
    const mean = (i: number, b: number) => { let acc = 0; for (let r = 0; r < n; r++) acc += Hf[(i * n + r) * m + b]!; return acc / n; };
    smallestGap = Math.min(smallestGap, risk((i, r, b) => Hf[(i * n + r) * m + b]!) - risk((i, _r, b) => mean(i, b)));
  }
  const penultimate: SimplexResult["penultimate"] = [];
  for (const [k, m, R] of s.penultimate! as [number, number, number][]) {
    const Y0 = rng.fillNormal(new Float64Array(k * m), 0, 0.1), A0 = rng.fillNormal(new Float64Array(k * m), 0, 0.3);
    const r = penultimatePgd(k, m, R, Y0, A0, { iterations: s.iterations! });
    let gramError = 0;
    for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) {
      let d = 0;
      for (let b = 0; b < m; b++) d += r.Y[i * m + b]! * r.Y[j * m + b]!;
      gramError = Math.max(gramError, Math.abs(d - R * R * (i === j ? 1 : -1 / (k - 1))));
    }
    const centroid = nrm(Array.from({ length: m }, (_, b) => { let acc = 0; for (let i = 0; i < k; i++) acc += r.Y[i * m + b]!; return acc / k; }));
    const closed = simplexRisk(k, R);
    penultimate.push({ k, m, R, risk: r.risk, closed, gap: r.risk - closed, gramError, centroid });
  }
  return { kind: "simplex", grid, lp, lemma31: { trials: s.trials!, smallestGap }, penultimate, schema: RESULT_SCHEMA_VERSION };
}

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

export const simplex = defineExperiment({
  id: "simplex",
  title: "Seed 004: the cross-entropy's optimum over a ball is a regular simplex — final layer, ℓp balls, Lemma 3.1, the penultimate layer",
  source: { paper: "seed 004 (E & Wojtowytsch 2021)", section: "§3–4" },
  category: "reproduction",
  spec: SimplexSpecSchema,
  itemResult: SimplexResultSchema,
  items: (s) => [s],
  label: () => "simplex",
  run: (item) => runSimplex(item),
  assemble: (_s, [r]): SimplexResult => r!,
  figures: (r) => [
    lineFigure({
      name: "simplex-risk",
      title: "The smallest cross-entropy over the ball of radius R: closed form L*(k, R) (lines) and projected gradient (markers)",
      caption: "Each colour one number of classes k; the numerical optima start from random points and assume no symmetry.",
      x: { title: "R", scale: "log" }, y: { title: "L*(k, R)", scale: "log" },
      series: [...new Set(r.grid.map((g) => g.k))].flatMap((k, i) => {
        const rows = r.grid.filter((g) => g.k === k);
        const Rs = Array.from({ length: 60 }, (_, j) => rows[0]!.R * pow(rows[rows.length - 1]!.R / rows[0]!.R, j / 59));
        return [
          { label: `k = ${k}`, color: COLORS[i % COLORS.length]!, x: Rs, y: Rs.map((R) => simplexRisk(k, R)) },
          { label: "", color: COLORS[i % COLORS.length]!, mark: "markers" as const, x: rows.map((g) => g.R), y: rows.map((g) => g.numerical) },
        ];
      }),
    }),
  ],
  summary(r) {
    const worst = Math.max(...r.grid.map((g) => g.error));
    const geo = Math.max(...r.grid.map((g) => Math.max(g.normError, g.centroid, g.cosError)));
    const lpWorst = Math.max(...r.lp.map((x) => Math.abs(x.numericalRisk - x.closedRisk)));
    const lpZ = Math.max(...r.lp.map((x) => x.zError));
    const sums = r.lp.filter((x) => x.p !== 2 && x.k > 2); // k = 2: α = −β by symmetry
    const pen = Math.max(...r.penultimate.map((x) => x.gap));
    const penGram = Math.max(...r.penultimate.map((x) => x.gramError));
    return {
      shows: "The cross-entropy's minimum over a ball, in closed form against numerical optima: the final layer over a grid of (k, R), ℓp balls, Lemma 3.1 on random draws, and the penultimate-layer model by projected gradient.",
      claim: "Over the ℓ2 ball the optimal logits form a regular simplex (centroid 0, ‖z_i‖ = R, cos = −1/(k−1)) with risk L*(k, R) = log(1 + (k−1)e^{−R√(k/(k−1))}); over ℓp balls the optimum is (α, β, …, β) with Σz ≠ 0 for p ≠ 2; class means never raise the risk; the penultimate-layer model reaches L*(k, R) with a regular-simplex Y.",
      checks: [
        { claim: "L*(k, R) equals the numerical optimum on the grid", closedForm: "log(1 + (k−1)e^{−R√(k/(k−1))})", measured: `largest |difference| ${worst.toExponential(2)} over ${r.grid.length} (k, R)`, holds: worst <= 1e-9 },
        { claim: "the minimizers form a regular simplex", closedForm: "‖z_i‖ = R, centroid 0, cos = −1/(k−1)", measured: `largest deviation ${geo.toExponential(2)}`, holds: geo <= 1e-6 },
        { claim: "ℓp balls: the closed-form α, β and risk", closedForm: "c = (k−1)^{1/(p−1)}: α = (c/(1+c))^{1/p}R, β = −R/((k−1)(1+c))^{1/p}", measured: `risk within ${lpWorst.toExponential(2)}, z within ${lpZ.toExponential(2)} over ${r.lp.length} (k, R, p)`, holds: lpWorst <= 1e-9 && lpZ <= 1e-6 },
        { claim: "ℓp, p ≠ 2, k ≥ 3: the optimum is not centred", closedForm: "α + (k−1)β ≠ 0", measured: `smallest |α + (k−1)β| ${Math.min(...sums.map((x) => Math.abs(x.coordinateSum))).toExponential(2)}`, holds: sums.every((x) => Math.abs(x.coordinateSum) > 1e-6) },
        { claim: "Lemma 3.1: class means never raise the risk", closedForm: "risk(h) − risk(h̄) ≥ 0", measured: `smallest gap ${r.lemma31.smallestGap.toExponential(2)} over ${r.lemma31.trials} random draws`, holds: r.lemma31.smallestGap >= -1e-14 },
        { claim: "the penultimate-layer PGD reaches L*(k, R)", closedForm: "risk − L* → 0, Y a regular simplex", measured: `largest gap ${pen.toExponential(2)}, Gram error ${penGram.toExponential(2)} over ${r.penultimate.map((x) => `(${x.k}, ${x.m}, ${x.R})`).join(", ")}`, holds: pen <= 1e-6 && penGram <= 1e-3 },
      ],
      numbers: [
        ...r.grid.filter((g) => (g.k === 2 && g.R === 1) || (g.k === 3 && g.R === 1) || (g.k === 10 && g.R === 1)).map((g): [string, string] => [`L*(${g.k}, ${g.R})`, `${g.closed.toFixed(12)} (numerical ${g.numerical.toFixed(12)})`]),
        ...r.lp.filter((x) => x.k === 3 && x.R === 1).map((x): [string, string] => [`ℓ${x.p}, k = 3, R = 1`, `α ${x.alpha.toFixed(8)}, β ${x.beta.toFixed(8)}, Φ* ${x.closedRisk.toFixed(10)}`]),
        ...r.penultimate.map((x): [string, string] => [`penultimate (k, m, R) = (${x.k}, ${x.m}, ${x.R})`, `risk ${x.risk.toFixed(12)}, L* ${x.closed.toFixed(12)}, centroid ${x.centroid.toExponential(1)}`]),
      ],
      notes: "Projected gradient with step 1 (Φ's Hessian diag(p) − ppᵀ has norm ≤ 1) from random starts; the ℓp projection by nested bisection on the KKT equations (exact to rounding). The penultimate runs use step 0.5 from small random (Y, A); A's singular values are clipped at 1 through the eigen-decomposition of AAᵀ.",
    };
  },
  tables: (r) => ({ "simplex-grid": r.grid, "simplex-lp": r.lp, "simplex-penultimate": r.penultimate }),
});
