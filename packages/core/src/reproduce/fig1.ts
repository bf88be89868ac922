// Seed 000, Fig. 1 — 2-D logistic regression on two Gaussians (100 samples, µ = ±[1/√2, 1/√2], σ = 0.25),
// homogeneous (β = w, linear) vs quasi-homogeneous parameterization of β. The paper does not name its depths;
// we take the diagonal network D = (1, 2) (Λ = (1, ½), the λ = (1, 0.5) of Fig. 2). Standard Gaussian init,
// full-batch GD with lr 0.5 for 1e5 steps as in the paper, then the same model's gradient flow continued into
// the terminal phase (t = 1e100) from the GD end point, against the max ℓ2-margin SVM line and the exact
// asymmetric-problem line on the same samples.
import { checkInt } from "../errors.js";
import type { Runtime } from "../runtime/kernels.js";
import { Rng } from "../runtime/rng.js";
import { compileModel } from "../models/compile.js";
import { inferLambda } from "../models/infer.js";
import { gaussianPair } from "../data/datasets.js";
import { gradientDescent } from "../dynamics/descent.js";
import { gradientFlow } from "../dynamics/flow.js";
import { hardMarginSvm } from "../certify/svm.js";
import { cascadedMaxMargin, diagonalBeta } from "../certify/asymmetric.js";

export const FIG1_DEPTHS = { hom: [1, 1], qh: [1, 2] } as const;

export interface Fig1Spec {
  kind: "fig1";
  seed?: number;
  /** GD steps (default 1e5) */
  steps?: number;
}

export interface Fig1Line {
  /** unit normal of the decision line β·x = 0 */
  w: number[];
  /** angle of the normal, degrees */
  angle: number;
}

export interface Fig1Model extends Record<string, unknown> {
  depths: number[];
  /** the line after GD, and after the flow continued to t = 1e100; distances to the certificate direction */
  gd: Fig1Line & { steps: number; log10Loss: number; distance: number };
  flow: Fig1Line & { log10t: number; log10Loss: number; distance: number };
  certificate: Fig1Line & { problem: string };
}

export interface Fig1Result {
  kind: "fig1";
  seed: number;
  X: number[][];
  labels: number[];
  svm: Fig1Line;
  hom: Fig1Model;
  qh: Fig1Model;
}

const line = (v: ArrayLike<number>): Fig1Line => {
  const n = Math.hypot(v[0]!, v[1]!);
  const w = [v[0]! / n, v[1]! / n];
  return { w, angle: (Math.atan2(w[1]!, w[0]!) * 180) / Math.PI };
};
const dist = (a: number[], b: number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!);

export function runFig1(rt: Runtime, spec: Fig1Spec): Fig1Result {
  const seed = checkInt("spec.seed", spec.seed ?? 0, 0, Number.MAX_SAFE_INTEGER);
  const steps = checkInt("spec.steps", spec.steps ?? 100_000, 1, 1e8);
  const data = gaussianPair({ mu: [Math.SQRT1_2, Math.SQRT1_2], sigma: 0.25, n: 100, seed });
  const svm = line(hardMarginSvm(data.X, data.labels, { bias: false }).w);
  const model = (name: "hom" | "qh"): Fig1Model => {
    const depths = [...FIG1_DEPTHS[name]];
    const m = compileModel({ kind: "diagonal", depths });
    const theta0 = Rng.fromSeed(seed).split(name === "hom" ? 1 : 2).fillNormal(new Float64Array(m.size));
    const cert = name === "hom" ? { ...svm, problem: "max ℓ2 margin (SVM, no bias)" } : (() => {
      const c = cascadedMaxMargin(data.X, data.labels, depths);
      return { ...line(c.beta), problem: `asymmetric max-margin, level ${c.level}` };
    })();
    const gd = gradientDescent(rt, m, data, "logistic", theta0, { lr: 0.5, steps });
    const g = line(diagonalBeta(gd.theta, depths));
    // the flow continued from the GD end point: its clock starts at t = steps·lr, so t = 1e100 is 1e100 more
    const fl = gradientFlow(rt, m, data, "logistic", gd.theta, { rtol: 1e-8, atol: 1e-10, log10T: 100, checkpoints: [100], lambda: inferLambda(m).lambda });
    const f = line(diagonalBeta(fl.theta, depths));
    const flowLoss = fl.checkpoints[fl.checkpoints.length - 1]?.monitors?.logL ?? NaN;
    return {
      depths,
      gd: { ...g, steps: gd.steps, log10Loss: gd.logL / Math.LN10, distance: dist(g.w, cert.w) },
      flow: { ...f, log10t: fl.log10t, log10Loss: flowLoss / Math.LN10, distance: dist(f.w, cert.w) },
      certificate: cert,
    };
  };
  const rows = Array.from({ length: 100 }, (_, i) => [data.X.data[2 * i]!, data.X.data[2 * i + 1]!]);
  return { kind: "fig1", seed, X: rows, labels: Array.from(data.labels), svm, hom: model("hom"), qh: model("qh") };
}
