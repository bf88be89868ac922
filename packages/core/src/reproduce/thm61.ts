// Seed 000, Theorem 6.1 (neural collapse): a network whose last hidden layer is layer-normalized, trained with
// cross-entropy on C classes into the terminal phase. The features h_i = LN(W1 x_i + b1) (zero mean, unit
// norm), the last layer (W, b) rescaled to multiclass margin 1 (ψ_α), and their distance to the closed form of
// App. G: a regular simplex with ‖w_c‖ = (C−1)/C, Σ_c w_c = 0, b = 0, h_i = C/(C−1)·w_{y_i}.
// Expressivity (A8) is met by construction: one-hot inputs into a linear first layer make every sample's feature
// a free vector (the unconstrained-features setting). The pre-normalization layer is linear (smooth), so the flow is followed by
// Radau in the σ = log s clock to t = 10^1000 and beyond — where the slow (≈ 1/log t) convergence ends.
import { ArgumentError, checkInt, checkPositive } from "../errors.js";
import type { Runtime } from "../runtime/kernels.js";
import { Rng } from "../runtime/rng.js";
import { compileModel } from "../models/compile.js";
import { inferLambda } from "../models/infer.js";
import { gradientFlow } from "../dynamics/flow.js";
import { simplexDistance, type SimplexDistance } from "../certify/closed-forms.js";

export interface Thm61Spec {
  kind: "thm61";
  classes: number;
  /** samples per class (default 2); sample i has class i mod C and a one-hot input */
  perClass?: number;
  /** feature dimension d ≥ C (default C + 1) */
  features?: number;
  seed?: number;
  /** log10 t checkpoints (default 1, 2, 5, 10, 30, 100, 300, 1000: the distances fall like 1/log t) */
  checkpoints?: number[];
  rtol?: number;
  atol?: number;
}

export interface Thm61Point extends SimplexDistance {
  log10t: number;
  log10Loss: number;
  /** the multiclass margin q_min before rescaling */
  qmin: number;
}

export interface Thm61Result {
  kind: "thm61";
  classes: number;
  samples: number;
  features: number;
  inputs: number;
  seed: number;
  trajectory: Thm61Point[];
  final: Thm61Point;
  nfev: number;
  stop: string;
}

const DEFAULT_CPS = [1, 2, 5, 10, 30, 100, 300, 1000];

export function runThm61(rt: Runtime, spec: Thm61Spec): Thm61Result {
  const C = checkInt("spec.classes", spec.classes, 2, 1000);
  const k = checkInt("spec.perClass", spec.perClass ?? 2, 1, 1_000_000);
  const d = checkInt("spec.features", spec.features ?? C + 1, C, 100_000);
  const seed = checkInt("spec.seed", spec.seed ?? 0, 0, Number.MAX_SAFE_INTEGER);
  const rtol = checkPositive("spec.rtol", spec.rtol ?? 1e-8);
  const atol = checkPositive("spec.atol", spec.atol ?? 1e-10);
  const cps = spec.checkpoints ?? DEFAULT_CPS;
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
  const run = gradientFlow(rt, model, data, "logistic", theta0, { rtol, atol, log10T: cps[cps.length - 1]!, checkpoints: cps, lambda: rates.lambda });
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
    const dist = qmin > 0 ? simplexDistance({ rows: C, cols: d, data: W }, b, { rows: n, cols: d, data: H }, data.labels) : { classifierGram: Infinity, crossGram: Infinity, featureNorm: Infinity, bias: Infinity, total: Infinity };
    return { log10t: c.log10t, log10Loss: (c.monitors?.logL ?? NaN) / Math.LN10, qmin, ...dist };
  });
  return {
    kind: "thm61",
    classes: C,
    samples: n,
    features: d,
    inputs,
    seed,
    trajectory,
    final: trajectory[trajectory.length - 1]!,
    nfev: run.stats.rhsEvaluations,
    stop: run.stop,
  };
}
