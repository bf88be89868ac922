// Numerical verification of a declared (or inferred) Λ for ANY model given as a forward function (seed 000,
// Def. 3.1 and Euler's identity): (a) scaling  f(x; e^{αΛ}θ) = e^α f(x; θ)  for several α, and
// (b) Euler  ⟨∇θ f(x; θ), Λθ⟩ = f(x; θ)  — with the model's gradient if given, otherwise with a Richardson-
// extrapolated central difference of α ↦ f(x; ψ_α θ) at α = 0 (that derivative IS ⟨∇θ f, Λθ⟩).
import { ArgumentError, MarginflowError } from "../errors.js";
import { exp } from "../runtime/detmath.js";

/** One sample: a scalar output, or a vector of outputs (multi-class). */
export type ModelForward = (theta: Float64Array, x: Float64Array) => number | Float64Array;
/** ∇θ f for one sample: length m (scalar output) or outputs·m, row-major (the Jacobian). */
export type ModelGradient = (theta: Float64Array, x: Float64Array) => Float64Array;

export interface LambdaModel {
  forward: ModelForward;
  gradient?: ModelGradient;
}

/** Defaults of verifyLambda's options. */
export const VERIFY_LAMBDA_DEFAULTS = {
  /** α values of the scaling check f(ψ_α θ) = e^α f(θ). */
  alphas: [-2, -0.5, 0.5, 2] as readonly number[],
  /** Both residuals must be ≤ tol. */
  tol: 1e-8,
  /** Step h of the finite-difference Euler check (h, h/2, h/4 are Richardson-combined to O(h⁶)). */
  fdStep: 2e-2,
} as const;

export interface VerifyLambdaOptions {
  /** α values of the scaling check (default [−2, −0.5, 0.5, 2]) */
  alphas?: number[];
  /** both residuals must be ≤ tol (default 1e-8) */
  tol?: number;
  /** step h of the finite-difference Euler check (default 2e-2; h, h/2, h/4 are Richardson-combined to O(h⁶)) */
  fdStep?: number;
}

export interface LambdaResidual {
  kind: "scaling" | "euler";
  residual: number;
  /** index into thetas */
  theta: number;
  /** index into xs */
  sample: number;
  output: number;
  /** α of the scaling check (undefined for Euler) */
  alpha?: number;
}

export interface LambdaCheck {
  /** max over θ, samples, outputs and α of |f(x; ψ_α θ) − e^α f(x; θ)| / max(|·|, |·|, 1e-3·e^α·F) */
  scalingResidual: number;
  /** max of |⟨∇θ f, Λθ⟩ − f| / max(|·|, |·|, 1e-3·F) */
  eulerResidual: number;
  ok: boolean;
  tol: number;
  /** the worst residual found (scaling or Euler) */
  worst: LambdaResidual;
  /** F: the largest |f(x; θ)| seen, the floor of the relative residuals */
  outputScale: number;
  /** "gradient" or "finite-difference" */
  eulerMethod: "gradient" | "finite-difference";
}

/** The declared Λ is violated by the model. */
export class LambdaError extends MarginflowError {
  readonly check: LambdaCheck;
  readonly residual: LambdaResidual;
  constructor(check: LambdaCheck) {
    const w = check.worst;
    const law = w.kind === "scaling" ? "the scaling law f(x; e^{αΛ}θ) = e^α f(x; θ)" : "Euler's identity ⟨∇θ f, Λθ⟩ = f";
    const where = `θ #${w.theta}, sample #${w.sample}, output ${w.output}${w.alpha === undefined ? "" : `, α = ${w.alpha}`}`;
    super("E_LAMBDA", `the model violates the declared Λ: ${w.kind} residual ${w.residual.toExponential(3)} > tolerance ${check.tol} (${law}; ${where})`);
    this.name = "LambdaError";
    this.check = check;
    this.residual = w;
  }
}

const asArray = (v: number | Float64Array): Float64Array => (typeof v === "number" ? Float64Array.of(v) : v);

function rel(a: number, b: number, floor: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  const d = Math.abs(a - b);
  return d === 0 ? 0 : d / Math.max(Math.abs(a), Math.abs(b), floor, Number.MIN_VALUE);
}

/** ψ_α(θ) = e^{αΛ} θ */
export function scaleParams(theta: Float64Array, lambda: ArrayLike<number>, alpha: number): Float64Array {
  const out = new Float64Array(theta.length);
  for (let k = 0; k < theta.length; k++) out[k] = theta[k]! * exp(alpha * lambda[k]!);
  return out;
}

/** Per-parameter Λ from per-group rates and group sizes (groups laid out consecutively in θ). */
export function lambdaFromGroups(sizes: number[], rates: ArrayLike<number>): Float64Array {
  if (rates.length !== sizes.length) throw new ArgumentError("rates", rates, `one rate per group (${sizes.length})`);
  const out = new Float64Array(sizes.reduce((a, b) => a + b, 0));
  let o = 0;
  sizes.forEach((s, g) => out.fill(rates[g]!, o, (o += s)));
  return out;
}

/** Residuals of the scaling law and Euler's identity for Λ over the given parameter points and samples. */
export function verifyLambda(
  model: LambdaModel,
  lambda: ArrayLike<number>,
  thetas: Float64Array | Float64Array[],
  xs: Float64Array[],
  options: VerifyLambdaOptions = {},
): LambdaCheck {
  if (typeof model !== "object" || model === null || typeof model.forward !== "function") {
    throw new ArgumentError("model", model, "{ forward(theta, x), gradient?(theta, x) }");
  }
  const ths = thetas instanceof Float64Array ? [thetas] : thetas;
  if (!Array.isArray(ths) || ths.length === 0) throw new ArgumentError("thetas", thetas, "a Float64Array or a non-empty array of them");
  const m = ths[0]!.length;
  ths.forEach((t, i) => {
    if (!(t instanceof Float64Array) || t.length !== m) throw new ArgumentError(`thetas[${i}]`, t, `a Float64Array of length ${m}`);
  });
  if (!Array.isArray(xs) || xs.length === 0) throw new ArgumentError("xs", xs, "a non-empty array of input samples (Float64Array)");
  xs.forEach((x, i) => {
    if (!(x instanceof Float64Array)) throw new ArgumentError(`xs[${i}]`, x, "a Float64Array");
  });
  if (lambda.length !== m) throw new ArgumentError("lambda", lambda, `one rate per parameter (${m})`);
  let lmax = 0;
  for (let k = 0; k < m; k++) {
    const l = lambda[k]!;
    if (typeof l !== "number" || !Number.isFinite(l) || l < 0) throw new ArgumentError(`lambda[${k}]`, l, "a finite rate ≥ 0");
    lmax = Math.max(lmax, l);
  }
  if (!(lmax > 0)) throw new ArgumentError("lambda", lambda, "at least one positive rate (λmax > 0, Def. 3.1)");
  const alphas = options.alphas ?? [...VERIFY_LAMBDA_DEFAULTS.alphas];
  alphas.forEach((a, i) => {
    if (typeof a !== "number" || !Number.isFinite(a) || a === 0) throw new ArgumentError(`options.alphas[${i}]`, a, "a finite non-zero number");
  });
  const tol = options.tol ?? VERIFY_LAMBDA_DEFAULTS.tol;
  if (!(tol > 0)) throw new ArgumentError("options.tol", tol, "a number > 0");
  const h = options.fdStep ?? VERIFY_LAMBDA_DEFAULTS.fdStep;
  if (!(h > 0 && h < 1)) throw new ArgumentError("options.fdStep", h, "a number in (0, 1)");

  const f = (th: Float64Array, x: Float64Array) => asArray(model.forward(th, x));
  let worstS: LambdaResidual = { kind: "scaling", residual: 0, theta: 0, sample: 0, output: 0, alpha: alphas[0] };
  let worstE: LambdaResidual = { kind: "euler", residual: 0, theta: 0, sample: 0, output: 0 };
  let outputScale = 0;
  ths.forEach((theta, ti) => {
    const f0 = xs.map((x) => f(theta, x));
    const F = Math.max(0, ...f0.flatMap((v) => [...v].map(Math.abs)));
    outputScale = Math.max(outputScale, F);
    for (const alpha of alphas) {
      const th = scaleParams(theta, lambda, alpha), ea = exp(alpha);
      xs.forEach((x, si) => {
        const fa = f(th, x);
        for (let o = 0; o < f0[si]!.length; o++) {
          const r = fa.length === f0[si]!.length ? rel(fa[o]!, ea * f0[si]![o]!, 1e-3 * ea * F) : Infinity;
          if (r > worstS.residual || Number.isNaN(r)) worstS = { kind: "scaling", residual: r, theta: ti, sample: si, output: o, alpha };
        }
      });
    }
    const lt = new Float64Array(m);
    for (let k = 0; k < m; k++) lt[k] = lambda[k]! * theta[k]!;
    const D = (step: number, x: Float64Array) => {
      const a = f(scaleParams(theta, lambda, step), x), b = f(scaleParams(theta, lambda, -step), x);
      return a.map((v, o) => (v - b[o]!) / (2 * step));
    };
    xs.forEach((x, si) => {
      const out = f0[si]!;
      let dir: Float64Array;
      if (model.gradient) {
        const g = model.gradient(theta, x);
        if (!(g instanceof Float64Array) || g.length !== out.length * m) {
          throw new ArgumentError("model.gradient(theta, x)", g, `a Float64Array of length ${out.length * m} (outputs × parameters)`);
        }
        dir = out.map((_, o) => {
          let s = 0;
          for (let k = 0; k < m; k++) s += g[o * m + k]! * lt[k]!;
          return s;
        });
      } else {
        const d1 = D(h, x), d2 = D(h / 2, x), d4 = D(h / 4, x); // Richardson to O(h⁶)
        dir = d1.map((v, o) => (64 * d4[o]! - 20 * d2[o]! + v) / 45);
      }
      for (let o = 0; o < out.length; o++) {
        const r = rel(dir[o]!, out[o]!, 1e-3 * F);
        if (r > worstE.residual || Number.isNaN(r)) worstE = { kind: "euler", residual: r, theta: ti, sample: si, output: o };
      }
    });
  });
  const scalingResidual = worstS.residual, eulerResidual = worstE.residual;
  const ok = scalingResidual <= tol && eulerResidual <= tol;
  const worst = scalingResidual / tol >= eulerResidual / tol ? worstS : worstE;
  return { scalingResidual, eulerResidual, ok, tol, worst, outputScale, eulerMethod: model.gradient ? "gradient" : "finite-difference" };
}

/** verifyLambda, throwing a LambdaError (code "E_LAMBDA") naming the residual when Λ is violated. */
export function assertLambda(...args: Parameters<typeof verifyLambda>): LambdaCheck {
  return throwIfViolated(verifyLambda(...args));
}

/** The check itself, or a LambdaError naming its worst residual. */
export function throwIfViolated(check: LambdaCheck): LambdaCheck {
  if (!check.ok) throw new LambdaError(check);
  return check;
}
