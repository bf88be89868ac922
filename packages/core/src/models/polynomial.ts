// "Polynomial" models for small worked examples (seed 000, App. B): f(x; θ) = Σ_t c_t Π_k θ_k^{p_tk} Π_j x_j^{q_tj}
// with named scalar parameters. Each monomial must scale like e^α under θ_k → e^{αλ_k} θ_k (inputs have rate 0),
// so Σ_k p_tk λ_k = 1 for every term; the proper Λ is the lexicographic-minimax solution of these equalities.
import { ArgumentError, checkF64 } from "../errors.js";
import { solveRates, type RateEquation, type RateLevel, type RateOptions, type RateSolution } from "./rates.js";
import { pow } from "../runtime/detmath.js";

export interface PolynomialTerm {
  coef: number;
  /** exponent of each parameter (length = params.length), non-negative integers */
  powers: number[];
  /** exponent of each input coordinate (non-negative integers; missing trailing entries are 0) */
  inputPowers?: number[];
}

export interface PolynomialSpec {
  kind: "polynomial";
  params: string[];
  terms: PolynomialTerm[];
  /** input dimension (default: the longest inputPowers) */
  inputs?: number;
}

const MAX_POWER = 64;

function power(path: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > MAX_POWER) throw new ArgumentError(path, v, `an integer in [0, ${MAX_POWER}]`);
  return v;
}

/** Validates a polynomial spec (throws ArgumentError naming the field); returns parameter and input counts. */
export function checkPolynomialSpec(spec: unknown, path = "model"): { params: number; inputs: number } {
  const s = spec as PolynomialSpec;
  if (typeof spec !== "object" || spec === null) throw new ArgumentError(path, spec, "a polynomial model spec object");
  if (s.kind !== "polynomial") throw new ArgumentError(`${path}.kind`, s.kind, '"polynomial"');
  if (!Array.isArray(s.params) || s.params.length === 0) throw new ArgumentError(`${path}.params`, s.params, "a non-empty array of parameter names");
  const seen = new Set<string>();
  s.params.forEach((name, i) => {
    if (typeof name !== "string" || name.length === 0) throw new ArgumentError(`${path}.params[${i}]`, name, "a non-empty string");
    if (seen.has(name)) throw new ArgumentError(`${path}.params[${i}]`, name, "a name not used by another parameter");
    seen.add(name);
  });
  if (!Array.isArray(s.terms) || s.terms.length === 0) throw new ArgumentError(`${path}.terms`, s.terms, "a non-empty array of terms");
  let inputs = 0;
  s.terms.forEach((t, i) => {
    const p = `${path}.terms[${i}]`;
    if (typeof t !== "object" || t === null) throw new ArgumentError(p, t, "a term {coef, powers, inputPowers?}");
    if (typeof t.coef !== "number" || !Number.isFinite(t.coef)) throw new ArgumentError(`${p}.coef`, t.coef, "a finite number");
    if (!Array.isArray(t.powers) || t.powers.length !== s.params.length) {
      throw new ArgumentError(`${p}.powers`, t.powers, `an array of ${s.params.length} exponents (one per parameter)`);
    }
    t.powers.forEach((v, k) => power(`${p}.powers[${k}]`, v));
    if (t.inputPowers !== undefined) {
      if (!Array.isArray(t.inputPowers)) throw new ArgumentError(`${p}.inputPowers`, t.inputPowers, "an array of exponents");
      t.inputPowers.forEach((v, k) => power(`${p}.inputPowers[${k}]`, v));
      inputs = Math.max(inputs, t.inputPowers.length);
    }
  });
  if (s.inputs !== undefined) {
    if (typeof s.inputs !== "number" || !Number.isInteger(s.inputs) || s.inputs < inputs || s.inputs > 1_000_000) {
      throw new ArgumentError(`${path}.inputs`, s.inputs, `an integer in [${inputs}, 1000000] (the longest inputPowers)`);
    }
    inputs = s.inputs;
  }
  return { params: s.params.length, inputs };
}

function checkInput(x: unknown, inputs: number): void {
  if (!(x instanceof Float64Array) || x.length < inputs) throw new ArgumentError("x", x, `a Float64Array of length ≥ ${inputs}`);
}

/** c_t Π_k θ_k^{p_tk} Π_j x_j^{q_tj}. */
function monomial(t: PolynomialTerm, theta: Float64Array, x: Float64Array): number {
  let v = t.coef;
  t.powers.forEach((p, k) => p && (v *= p === 1 ? theta[k]! : pow(theta[k]!, p)));
  t.inputPowers?.forEach((q, j) => q && (v *= q === 1 ? x[j]! : pow(x[j]!, q)));
  return v;
}

/** f(x; θ). theta: one value per parameter; x: one input sample. */
export function polynomialForward(spec: PolynomialSpec, theta: Float64Array, x: Float64Array = new Float64Array(0)): number {
  const { params, inputs } = checkPolynomialSpec(spec);
  checkF64("theta", theta, params);
  checkInput(x, inputs);
  let f = 0;
  for (const t of spec.terms) f += monomial(t, theta, x);
  return f;
}

/** ∇θ f(x; θ), exact (term by term, no division by θ_k). */
export function polynomialGradient(spec: PolynomialSpec, theta: Float64Array, x: Float64Array = new Float64Array(0)): Float64Array {
  const { params, inputs } = checkPolynomialSpec(spec);
  checkF64("theta", theta, params);
  checkInput(x, inputs);
  const g = new Float64Array(params);
  for (const t of spec.terms) {
    t.powers.forEach((p, k) => {
      if (p === 0) return;
      const reduced = { ...t, powers: t.powers.map((q, i) => (i === k ? q - 1 : q)) };
      g[k]! += p * monomial(reduced, theta, x);
    });
  }
  return g;
}

const SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹";
const sup = (p: number) => (p === 1 ? "" : String(p).split("").map((d) => SUP[+d]).join(""));

/** Human-readable monomial, e.g. "2·θ3·θ1·θ2·x". */
export function termLabel(spec: PolynomialSpec, t: PolynomialTerm): string {
  const inputs = checkPolynomialSpec(spec).inputs;
  const f = [
    ...t.powers.flatMap((p, k) => (p ? [`${spec.params[k]}${sup(p)}`] : [])),
    ...(t.inputPowers ?? []).flatMap((q, j) => (q ? [`x${inputs > 1 ? j + 1 : ""}${sup(q)}`] : [])),
  ];
  const c = t.coef === 1 && f.length ? "" : `${t.coef}${f.length ? "·" : ""}`;
  return c + f.join("·");
}

/**
 * The rate equalities Σ_k p_tk λ_k = 1, one per distinct monomial (like monomials are merged first; a monomial
 * whose coefficients cancel does not constrain Λ). A term without parameters gives 0 = 1: not quasi-homogeneous.
 */
export function polynomialConstraints(spec: PolynomialSpec): RateEquation[] {
  checkPolynomialSpec(spec);
  const merged = new Map<string, { coef: number; term: PolynomialTerm; index: number }>();
  spec.terms.forEach((t, index) => {
    const q = (t.inputPowers ?? []).slice();
    while (q.length && q[q.length - 1] === 0) q.pop();
    const key = `${t.powers.join(",")}|${q.join(",")}`;
    const m = merged.get(key);
    if (m) m.coef += t.coef;
    else merged.set(key, { coef: t.coef, term: t, index });
  });
  const out = new Map<string, RateEquation>();
  for (const { coef, term, index } of merged.values()) {
    if (coef === 0) continue;
    const key = term.powers.join(",");
    if (out.has(key)) continue; // same parameter powers, other input powers: the same equality
    out.set(key, {
      terms: term.powers.flatMap((p, k) => (p ? [{ index: k, coef: p }] : [])),
      rhs: 1,
      why: `term ${index}: ${termLabel(spec, { ...term, coef })} must scale like e^α`,
    });
  }
  return [...out.values()];
}

export interface PolynomialLambda {
  /** λ per parameter, in spec.params order */
  lambda: Float64Array;
  byParam: Record<string, number>;
  lambdaMax: number;
  /** parameters with λ = λmax: the ones the implicit objective ½‖θ‖²_Λmax penalizes */
  objectiveParams: string[];
  /** e.g. "½(θ4²)"; the paper's ½ Σ_{λ=λmax} λ_i θ_i² is this times λmax (same KKT points) */
  objective: string;
  levels: { value: number; params: string[] }[];
  /** parameters whose rate the equalities alone fix (the rest were balanced by the minimax rule) */
  determined: string[];
  solution: RateSolution;
}

/** The proper Λ of a polynomial model (lexicographic minimax over the valid rates). */
export function inferPolynomialLambda(spec: PolynomialSpec, options: RateOptions = {}): PolynomialLambda {
  const sol = solveRates(checkPolynomialSpec(spec).params, polynomialConstraints(spec), options);
  const names = (l: RateLevel) => l.indices.slice().sort((a, b) => a - b).map((k) => spec.params[k]!);
  const objectiveParams = names(sol.levels[0]!);
  return {
    lambda: sol.lambda,
    byParam: Object.fromEntries(spec.params.map((p, k) => [p, sol.lambda[k]!])),
    lambdaMax: sol.lambdaMax,
    objectiveParams,
    objective: `½(${objectiveParams.map((p) => `${p}²`).join(" + ")})`,
    levels: sol.levels.map((l) => ({ value: l.value, params: names(l) })),
    determined: spec.params.filter((_, k) => sol.determined[k]),
    solution: sol,
  };
}

/** Builds a polynomial spec from monomials written as { coef, θ: {name: power}, x: [powers] }. */
export function polynomialFromMonomials(params: string[], monomials: { coef?: number; theta: Record<string, number>; x?: number[] }[]): PolynomialSpec {
  const terms = monomials.map((m, i) => {
    for (const name of Object.keys(m.theta)) if (!params.includes(name)) throw new ArgumentError(`monomials[${i}].theta.${name}`, name, `one of ${params.join(", ")}`);
    return { coef: m.coef ?? 1, powers: params.map((p) => m.theta[p] ?? 0), ...(m.x ? { inputPowers: m.x } : {}) };
  });
  const spec: PolynomialSpec = { kind: "polynomial", params, terms };
  checkPolynomialSpec(spec);
  return spec;
}
