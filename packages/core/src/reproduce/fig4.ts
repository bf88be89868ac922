// Seed 000, Fig. 4 — one radius of the ball robustness sweep: 1e4 samples on the surfaces of B(±µ, r),
// µ = [0.8660254, 0.4330127, 0.25], a homogeneous (D = (1, 1, 1), i.e. linear) and a quasi-homogeneous
// (D = (1, 5, 10)) diagonal network from all-ones, gradient flow to each horizon (the paper's T = 1e5 and the
// terminal phase's 1e100). Per model and horizon: the unit classifier w, its robustness on the exact balls
// (w·µ̂ − r), the smallest sample margin, log10 L and the cost; per radius the closed forms (Lemma 5.1 above
// ρ = 0.5, Conjecture 5.1's cascade on the exact balls at every r) and the certificate: the exact empirical
// max-margin solution on the same samples and the trajectory's distance to it.
import { ArgumentError, checkFinite, checkInt, checkPositive } from "../errors.js";
import type { Runtime } from "../runtime/kernels.js";
import { compileModel } from "../models/compile.js";
import { ballSurfaces } from "../data/datasets.js";
import { gradientFlow } from "../dynamics/flow.js";
import { hardMarginSvm } from "../certify/svm.js";
import { cascadedMaxMargin, diagonalBeta } from "../certify/asymmetric.js";
import { ballCascade } from "../certify/ball.js";
import { lemma51 } from "../certify/closed-forms.js";

export const FIG4_MU = [0.8660254, 0.4330127, 0.25] as const;
export const FIG4_MODELS = { hom: [1, 1, 1], qh: [1, 5, 10] } as const;

export interface Fig4Spec {
  kind: "fig4";
  r: number;
  /** samples (default 1e4); the sample directions depend on `seed` only, so every radius shares them */
  samples?: number;
  seed?: number;
  /** log10 of the horizons (default [5, 100]) */
  horizons?: number[];
  rtol?: number;
  atol?: number;
  /** solve the exact empirical max-margin problems too (default true; the benchmark turns it off to time the flow alone) */
  certificate?: boolean;
}

export interface Fig4Horizon {
  /** unit classifier β/‖β‖ */
  w: number[];
  /** on the exact balls: w·µ̂ − r */
  robustness: number;
  /** min_i y_i w·x_i on the samples */
  sampleMargin: number;
  log10Loss: number;
  /** right-hand-side evaluations of a run to this horizon (Jacobian work included) */
  nfev: number;
  /** ‖w − w_cert‖: distance to the certificate's direction */
  distance: number;
  log10t: number;
}

export interface Fig4Model {
  depths: number[];
  horizons: Record<string, Fig4Horizon>;
  /** the exact empirical max-margin problem on the same samples: the SVM (hom) or the cascaded asymmetric problem (qh); NaN when not computed */
  certificate: { w: number[]; robustness: number; problem: string };
  /** the closed form on the exact balls */
  closedForm: { w: number[]; robustness: number; source: string };
}

export interface Fig4Result {
  kind: "fig4";
  r: number;
  samples: number;
  seed: number;
  mu: number[];
  rtol: number;
  atol: number;
  /** Lemma 5.1 (defined for ρ < r < 1): the homogeneous and quasi-homogeneous robustness */
  lemma51: { hom: number; qh: number } | null;
  hom: Fig4Model;
  qh: Fig4Model;
}

const unit = (v: ArrayLike<number>): number[] => {
  const n = Math.hypot(...Array.from(v));
  return Array.from(v, (x) => x / n);
};
const dist = (a: number[], b: number[]) => Math.hypot(...a.map((x, i) => x - b[i]!));

export function checkFig4Spec(spec: Fig4Spec): Required<Fig4Spec> {
  const r = checkFinite("spec.r", spec.r);
  if (!(r > 0 && r < 1)) throw new ArgumentError("spec.r", r, "a radius in (0, 1) (the balls must be separable)");
  const horizons = spec.horizons ?? [5, 100];
  if (!Array.isArray(horizons) || horizons.length === 0) throw new ArgumentError("spec.horizons", horizons, "a non-empty array of log10 t");
  horizons.forEach((h, i) => {
    checkFinite(`spec.horizons[${i}]`, h);
    if (i > 0 && h <= horizons[i - 1]!) throw new ArgumentError(`spec.horizons[${i}]`, h, "ascending values");
  });
  return {
    kind: "fig4",
    r,
    samples: checkInt("spec.samples", spec.samples ?? 10_000, 2, 10_000_000),
    seed: checkInt("spec.seed", spec.seed ?? 0, 0, Number.MAX_SAFE_INTEGER),
    horizons,
    rtol: checkPositive("spec.rtol", spec.rtol ?? 1e-6),
    atol: checkPositive("spec.atol", spec.atol ?? 1e-9),
    certificate: spec.certificate ?? true,
  };
}

export function runFig4(rt: Runtime, raw: Fig4Spec): Fig4Result {
  const spec = checkFig4Spec(raw);
  const { r, samples, seed, horizons, rtol, atol } = spec;
  const none = { w: [NaN, NaN, NaN], problem: "not computed" };
  const data = ballSurfaces({ mu: FIG4_MU, r, n: samples, seed });
  const mu = unit(FIG4_MU);
  const model = (name: "hom" | "qh"): Fig4Model => {
    const depths = [...FIG4_MODELS[name]];
    const compiled = compileModel({ kind: "diagonal", depths });
    const cert = !spec.certificate
      ? none
      : name === "hom"
        ? { w: unit(hardMarginSvm(data.X, data.labels, { bias: false }).w), problem: "max ℓ2-margin (hard-margin SVM, no bias)" }
        : (() => {
            const c = cascadedMaxMargin(data.X, data.labels, depths);
            return { w: unit(c.beta), problem: `asymmetric max-margin, cascade level ${c.level} (rate ${c.rate})` };
          })();
    const certificate = { ...cert, robustness: dot(cert.w, mu) - r };
    const closedForm = !spec.certificate
      ? { w: [NaN, NaN, NaN], robustness: NaN, source: "not computed" }
      : name === "hom"
        ? { w: mu, robustness: 1 - r, source: "w ∝ µ (max ℓ2 margin of the balls)" }
        : (() => {
            const b = ballCascade(Float64Array.from(mu), r, depths);
            return { w: Array.from(b.direction), robustness: b.robustness, source: b.level === 0 ? "Lemma 5.1" : `Conjecture 5.1, level ${b.level}` };
          })();
    const out: Record<string, Fig4Horizon> = {};
    for (const h of horizons) {
      const run = gradientFlow(rt, compiled, data, "exp", new Float64Array(compiled.size).fill(1), {
        rtol, atol, log10T: h, checkpoints: [h],
      });
      if (run.stop !== "horizon") throw new ArgumentError("spec", { r, model: name, horizon: h }, `a run that reaches 1e${h} (it stopped: ${run.stop}${run.note ? `, ${run.note}` : ""})`);
      const w = unit(diagonalBeta(run.theta, depths));
      let qmin = Infinity;
      for (let i = 0; i < samples; i++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += w[k]! * data.X.data[3 * i + k]!;
        qmin = Math.min(qmin, data.labels[i]! * s);
      }
      out[`1e${h}`] = {
        w,
        robustness: dot(w, mu) - r,
        sampleMargin: qmin,
        log10Loss: run.logL / Math.LN10,
        nfev: run.stats.rhsEvaluations,
        distance: dist(w, certificate.w),
        log10t: run.log10t,
      };
    }
    return { depths, horizons: out, certificate, closedForm };
  };
  const rho = Math.hypot(mu[1]!, mu[2]!);
  const l = r > rho ? lemma51(Float64Array.from(mu), r, 1) : null;
  return {
    kind: "fig4",
    r,
    samples,
    seed,
    mu,
    rtol,
    atol,
    lemma51: l ? { hom: l.homogeneous.robustness, qh: l.quasiHomogeneous.robustness } : null,
    hom: model("hom"),
    qh: model("qh"),
  };
}

function dot(a: number[], b: number[]): number {
  return a.reduce((s, x, i) => s + x * b[i]!, 0);
}

/** The finite-sample floor of Fig. 4: how far the exact empirical asymmetric solution (the flow's limit on these
 *  samples) is from Lemma 5.1's ball solution, for a sample size, radius and seed. */
export interface Fig4GapSpec {
  kind: "fig4gap";
  r: number;
  samples: number;
  seed?: number;
}

export interface Fig4GapResult {
  kind: "fig4gap";
  r: number;
  samples: number;
  seed: number;
  robustness: number;
  lemma51: number;
  gap: number;
}

export function runFig4Gap(raw: Fig4GapSpec): Fig4GapResult {
  const r = checkFinite("spec.r", raw.r);
  const mu = unit(FIG4_MU);
  const rho = Math.hypot(mu[1]!, mu[2]!);
  if (!(r > rho && r < 1)) throw new ArgumentError("spec.r", r, `a radius in (ρ, 1) = (${rho}, 1), where Lemma 5.1 holds`);
  const samples = checkInt("spec.samples", raw.samples, 2, 10_000_000);
  const seed = checkInt("spec.seed", raw.seed ?? 0, 0, Number.MAX_SAFE_INTEGER);
  const data = ballSurfaces({ mu: FIG4_MU, r, n: samples, seed });
  const w = unit(cascadedMaxMargin(data.X, data.labels, FIG4_MODELS.qh).beta);
  const robustness = dot(w, mu) - r;
  const l = lemma51(Float64Array.from(mu), r, 1).quasiHomogeneous.robustness;
  return { kind: "fig4gap", r, samples, seed, robustness, lemma51: l, gap: Math.abs(robustness - l) };
}
