// Λ inference and verification (seed 000, Def. 3.1, Euler's identity, App. B "proper Λ"): the lexicographic-minimax
// rates reproduce every example of the paper, the objective ½‖θ‖²_Λmax keeps only the λmax parameters, the scaling
// law and Euler's identity hold to rounding for the inferred Λ and fail visibly for a wrong one, and the minimax
// solution is feasible and lexicographically optimal on random rate systems.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ArgumentError, MarginflowError } from "../src/errors.js";
import { compileModel } from "../src/models/compile.js";
import {
  LambdaError,
  RateInfeasibleError,
  RateZeroError,
  assertLambda,
  inferPolynomialLambda,
  lambdaFromGroups,
  polynomialConstraints,
  polynomialForward,
  polynomialFromMonomials,
  polynomialGradient,
  solveRates,
  verifyLambda,
  type LambdaModel,
  type PolynomialSpec,
  type RateEquation,
} from "../src/index.js";

const close = (a: ArrayLike<number>, b: number[], tol = 1e-12) => {
  expect(a.length).toBe(b.length);
  b.forEach((v, i) => expect(Math.abs(a[i]! - v)).toBeLessThanOrEqual(tol));
};
const eq = (terms: [number, number][], rhs = 1): RateEquation => ({ terms: terms.map(([index, coef]) => ({ index, coef })), rhs });

// App. B: f = θ1 θ2² x  and  f = θ3 (θ1 x + θ2)² + θ4 = θ3θ1²x² + 2θ3θ1θ2x + θ3θ2² + θ4
const cubic: PolynomialSpec = polynomialFromMonomials(["θ1", "θ2"], [{ theta: { θ1: 1, θ2: 2 }, x: [1] }]);
const nested: PolynomialSpec = polynomialFromMonomials(
  ["θ1", "θ2", "θ3", "θ4"],
  [
    { theta: { θ3: 1, θ1: 2 }, x: [2] },
    { coef: 2, theta: { θ3: 1, θ1: 1, θ2: 1 }, x: [1] },
    { theta: { θ3: 1, θ2: 2 } },
    { theta: { θ4: 1 } },
  ],
);
const polyModel = (spec: PolynomialSpec, gradient = true): LambdaModel => ({
  forward: (t, x) => polynomialForward(spec, t, x),
  ...(gradient ? { gradient: (t: Float64Array, x: Float64Array) => polynomialGradient(spec, t, x) } : {}),
});
const rnd = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
const r = rnd(7);
const vec = (n: number, s = 1.5) => Float64Array.from({ length: n }, () => s * r());
const xs1 = Array.from({ length: 8 }, () => vec(1, 2));

describe("the proper Λ of the paper's examples is the lexicographic minimax of the rate equalities", () => {
  it("θ1·θ2²·x: λ1 + 2λ2 = 1 admits (1−2ξ, ξ); the proper choice is (1/3, 1/3)", () => {
    const L = inferPolynomialLambda(cubic);
    close(L.lambda, [1 / 3, 1 / 3]);
    expect(L.objectiveParams).toEqual(["θ1", "θ2"]);
    expect(L.determined).toEqual([]); // a one-parameter family: the minimax rule chose
    expect(L.solution.nullDirections).toHaveLength(1);
  });
  it("θ3(θ1x + θ2)² + θ4: Λ = (1/3, 1/3, 1/3, 1), λmax only on θ4, so the objective is ½θ4²", () => {
    const L = inferPolynomialLambda(nested);
    close(L.lambda, [1 / 3, 1 / 3, 1 / 3, 1]);
    expect(L.lambdaMax).toBe(1);
    expect(L.objectiveParams).toEqual(["θ4"]);
    expect(L.objective).toBe("½(θ4²)");
    expect(L.levels.map((l) => l.params)).toEqual([["θ4"], ["θ1", "θ2", "θ3"]]);
    expect(L.determined).toEqual(["θ4"]);
    expect(polynomialConstraints(nested)).toHaveLength(4);
  });
  it("2-layer ReLU net with biases: λ_b2 = 1, λ_w2 + r = 1, λ_w1 = λ_b1 = r → ½ for all but b2", () => {
    // groups w1, b1, w2, b2: paths w2·w1·x, w2·b1 and b2 all scale like e^α
    const S = solveRates(4, [eq([[2, 1], [0, 1]]), eq([[2, 1], [1, 1]]), eq([[3, 1]])]);
    close(S.lambda, [0.5, 0.5, 0.5, 1]);
    expect(S.levels[0]!.indices).toEqual([3]);
    // the same from compile.ts's scale-propagation equalities (bias ≡ weight·input, output rate 1)
    const net = compileModel({ kind: "mlp", inputs: 3, hidden: [4], bias: true });
    const C = solveRates(net.groups.length, net.constraints);
    close(C.lambda, net.groups.map((g) => (g.name === "layer2.bias" ? 1 : 0.5)));
  });
  it("unbalanced diagonal network β_i = Π_j θ_ij, depths (1, 2, 3): Σ_j λ_ij = 1 → λ_ij = 1/D_i", () => {
    const params = ["a1", "b1", "b2", "c1", "c2", "c3"];
    const spec = polynomialFromMonomials(params, [
      { theta: { a1: 1 }, x: [1, 0, 0] },
      { theta: { b1: 1, b2: 1 }, x: [0, 1, 0] },
      { theta: { c1: 1, c2: 1, c3: 1 }, x: [0, 0, 1] },
    ]);
    const L = inferPolynomialLambda(spec);
    close(L.lambda, [1, 1 / 2, 1 / 2, 1 / 3, 1 / 3, 1 / 3]);
    expect(L.objective).toBe("½(a1²)");
  });
  it("parameters that do not affect the output scale (before a normalization layer, behind a residual) → 0", () => {
    // f = Σ w_i LN(h(θ'))_i + b: λ_w = λ_b = 1, θ' unconstrained → 0
    close(solveRates(3, [eq([[1, 1]]), eq([[2, 1]])]).lambda, [0, 1, 1]);
    // f = Σ_j w2_j σ(Σ_i w1_ji x_i + x_j): λ_w2 = 1 (skip path), λ_w2 + λ_w1 = 1 → λ_w1 = 0
    close(solveRates(2, [eq([[1, 1]]), eq([[1, 1], [0, 1]])]).lambda, [0, 1]);
    const ln = compileModel({ kind: "mlp", inputs: 2, hidden: [3], bias: true, layerNorm: true });
    close(solveRates(ln.groups.length, ln.constraints).lambda, ln.groups.map((g) => (g.name.startsWith("layer2") ? 1 : 0)));
  });
});

describe("invalid rate systems raise typed errors", () => {
  it("conflicting equalities (λ1 = 1 and 2λ1 = 1) → RateInfeasibleError naming exactly those two", () => {
    const e = (() => { try { solveRates(2, [eq([[1, 1]]), eq([[0, 1]]), eq([[0, 2]])]); } catch (err) { return err; } })();
    expect(e).toBeInstanceOf(RateInfeasibleError);
    expect((e as RateInfeasibleError).code).toBe("E_RATES_INFEASIBLE");
    expect((e as RateInfeasibleError).constraints).toEqual([1, 2]);
  });
  it("no Λ ≥ 0 (λ1 + λ2 = −1) and a parameter-free term (θ1x + 1: 0 = 1) are infeasible, naming the term", () => {
    expect(() => solveRates(2, [eq([[0, 1], [1, 1]], -1)])).toThrow(RateInfeasibleError);
    const affine = polynomialFromMonomials(["θ1"], [{ theta: { θ1: 1 }, x: [1] }, { theta: {} }]);
    expect(() => inferPolynomialLambda(affine)).toThrow(/term 1: 1 must scale/);
  });
  it("Λ = 0 the only choice (no equalities, or only homogeneous ones) → RateZeroError", () => {
    expect(() => solveRates(3, [])).toThrow(RateZeroError);
    expect(() => solveRates(2, [eq([[0, 1], [1, -1]], 0)])).toThrow(expect.objectContaining({ code: "E_RATES_ZERO" }));
  });
  it("malformed input: ArgumentError naming the field", () => {
    expect(() => solveRates(2, [eq([[2, 1]])])).toThrow(/constraints\[0\]\.terms\[0\]\.index/);
    const bad = { ...cubic, terms: [{ coef: 1, powers: [1] }] };
    expect(() => inferPolynomialLambda(bad)).toThrow(ArgumentError);
    expect(() => inferPolynomialLambda(bad)).toThrow(/model\.terms\[0\]\.powers/);
    expect(() => polynomialForward({ ...cubic, terms: [{ coef: 1, powers: [1, 0.5] }] }, vec(2))).toThrow(/powers\[1\]/);
  });
});

describe("verifyLambda: Def. 3.1 scaling law and Euler's identity ⟨∇θ f, Λθ⟩ = f", () => {
  const thetas = [vec(4), vec(4), vec(4)];
  it("inferred Λ of the App. B polynomials: residuals at rounding level (gradient and finite-difference Euler)", () => {
    for (const spec of [cubic, nested]) {
      const L = inferPolynomialLambda(spec);
      const th = thetas.map((t) => t.slice(0, spec.params.length));
      const g = verifyLambda(polyModel(spec), L.lambda, th, xs1);
      expect(g.ok).toBe(true);
      expect(g.scalingResidual).toBeLessThan(1e-14);
      expect(g.eulerResidual).toBeLessThan(1e-14);
      const fd = verifyLambda(polyModel(spec, false), L.lambda, th, xs1);
      expect(fd.eulerMethod).toBe("finite-difference");
      expect(fd.eulerResidual).toBeLessThan(1e-11);
    }
  });
  it("the exact gradient of the polynomial matches central differences", () => {
    const t = vec(4), x = vec(1), g = polynomialGradient(nested, t, x), h = 1e-6;
    g.forEach((gk, k) => {
      const p = t.slice(), m = t.slice();
      p[k]! += h; m[k]! -= h;
      expect(Math.abs((polynomialForward(nested, p, x) - polynomialForward(nested, m, x)) / (2 * h) - gk)).toBeLessThan(1e-7 * (1 + Math.abs(gk)));
    });
  });
  it("a wrong Λ = (1/2, 1/2) for θ1θ2²x (total rate 3/2) fails both checks; assertLambda throws E_LAMBDA naming the residual", () => {
    const th = thetas.map((t) => t.slice(0, 2));
    const c = verifyLambda(polyModel(cubic), [0.5, 0.5], th, xs1);
    expect(c.ok).toBe(false);
    expect(c.scalingResidual).toBeCloseTo(1 - Math.exp(-1), 10); // |e^{3} − e^{2}| / e^{3} at α = 2
    expect(c.eulerResidual).toBeCloseTo(1 / 3, 10); // |3/2 f − f| / (3/2 |f|)
    const e = (() => { try { assertLambda(polyModel(cubic), [0.5, 0.5], th, xs1); } catch (err) { return err; } })();
    expect(e).toBeInstanceOf(LambdaError);
    expect(e).toBeInstanceOf(MarginflowError);
    expect((e as LambdaError).code).toBe("E_LAMBDA");
    expect((e as LambdaError).message).toMatch(/scaling residual 6\.32\de-1 > tolerance 1e-8/);
    expect(() => assertLambda(polyModel(cubic), [1 / 3, 1 / 3], th, xs1)).not.toThrow();
  });
  it("any black-box model: a 2-layer ReLU net with biases is QH for (½, ½, ½, 1) but not homogeneous", () => {
    const d = 3, k = 5, sizes = [k * d, k, k, 1];
    const forward = (t: Float64Array, x: Float64Array) => {
      let f = t[k * d + 2 * k]!;
      for (let i = 0; i < k; i++) {
        let a = t[k * d + i]!;
        for (let j = 0; j < d; j++) a += t[i * d + j]! * x[j]!;
        f += t[k * d + k + i]! * Math.max(0, a);
      }
      return f;
    };
    const th = [vec(26), vec(26)], xs = Array.from({ length: 16 }, () => vec(d, 2));
    const c = assertLambda({ forward }, lambdaFromGroups(sizes, [0.5, 0.5, 0.5, 1]), th, xs);
    expect(c.scalingResidual).toBeLessThan(1e-13);
    expect(c.eulerResidual).toBeLessThan(1e-10); // finite differences through near-cancelling samples
    expect(() => assertLambda({ forward }, lambdaFromGroups(sizes, [1, 1, 1, 1]), th, xs)).toThrow(LambdaError);
  });
  it("a layer-normalized last hidden layer: Λ = 0 on the earlier layer, 1 on the last layer and its bias", () => {
    const d = 2, k = 4, sizes = [k * d, k, 1];
    const forward = (t: Float64Array, x: Float64Array) => {
      const h = Array.from({ length: k }, (_, i) => Math.max(0, t[i * d]! * x[0]! + t[i * d + 1]! * x[1]!) + 0.1 * i);
      const mu = h.reduce((a, b) => a + b) / k, c = h.map((v) => v - mu), nrm = Math.hypot(...c);
      return c.reduce((a, v, i) => a + t[k * d + i]! * (v / nrm), t[k * d + k]!);
    };
    const c = verifyLambda({ forward }, lambdaFromGroups(sizes, [0, 1, 1]), [vec(13)], Array.from({ length: 8 }, () => vec(d, 2)));
    expect(c.ok).toBe(true);
    expect(Math.max(c.scalingResidual, c.eulerResidual)).toBeLessThan(1e-11);
  });
});

describe("properties of the minimax solution on random feasible rate systems", () => {
  // integer coefficients in [−2, 3], a generating point λ0 on the grid {0, ¼, …, 1}: rhs = a·λ0 exactly
  const system = fc.integer({ min: 1, max: 7 }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      lam0: fc.array(fc.integer({ min: 0, max: 4 }).map((v) => v / 4), { minLength: n, maxLength: n }),
      rows: fc.array(fc.array(fc.integer({ min: -2, max: 3 }), { minLength: n, maxLength: n }), { minLength: 1, maxLength: 6 }),
      mix: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }),
    }),
  );
  const desc = (v: ArrayLike<number>) => Array.from(v).sort((a, b) => b - a);
  /** −1 if a <lex b, 0 if equal within tol, 1 if a >lex b (vectors sorted descending). */
  const lex = (a: number[], b: number[], tol: number) => {
    for (let i = 0; i < a.length; i++) if (Math.abs(a[i]! - b[i]!) > tol) return a[i]! < b[i]! ? -1 : 1;
    return 0;
  };
  it("feasible, ≥ 0, and no feasible point (λ0, segments to λ0, null-space perturbations) is lexicographically smaller", () => {
    let perturbed = 0;
    fc.assert(
      fc.property(system, ({ n, lam0, rows, mix }) => {
        const eqs = rows.map((a) => ({ terms: a.map((coef, index) => ({ index, coef })).filter((t) => t.coef !== 0), rhs: a.reduce((s, c, i) => s + c * lam0[i]!, 0) }));
        if (eqs.every((e) => e.rhs === 0)) {
          expect(() => solveRates(n, eqs)).toThrow(RateZeroError);
          return;
        }
        const S = solveRates(n, eqs);
        expect(S.residual).toBeLessThan(1e-10);
        S.lambda.forEach((l) => expect(l).toBeGreaterThanOrEqual(0));
        const best = desc(S.lambda);
        const feasible = (v: Float64Array) => v.every((x) => x >= 0);
        const trial: Float64Array[] = [Float64Array.from(lam0), Float64Array.from(lam0, (l, i) => 0.5 * (l + S.lambda[i]!))];
        for (const d of S.nullDirections) for (const s of [1e-3, 1e-2, 0.1, 0.5]) for (const sign of [-1, 1]) {
          trial.push(Float64Array.from(S.lambda, (l, i) => l + sign * s * d[i]!));
        }
        if (S.nullDirections.length > 1) {
          const d = new Float64Array(n);
          S.nullDirections.forEach((q, j) => q.forEach((v, i) => (d[i]! += mix[j % 8]! * v)));
          for (const s of [1e-3, 0.05, 0.3]) trial.push(Float64Array.from(S.lambda, (l, i) => l + s * d[i]!));
        }
        for (const t of trial.filter(feasible)) {
          perturbed++;
          expect(Math.max(...t)).toBeGreaterThanOrEqual(S.lambdaMax - 1e-12);
          expect(lex(best, desc(t), 1e-10)).toBeLessThanOrEqual(0);
        }
      }),
      { numRuns: 300, seed: 20230501 },
    );
    expect(perturbed).toBeGreaterThan(500);
  });
});
