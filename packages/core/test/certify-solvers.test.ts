// The exact solvers under the certificates: the active-set QP (positive SEMI-definite Q, equality rows, LPs, row
// generation over 1e4 rows) and Lawson–Hanson NNLS, against hand solutions, brute force and the KKT conditions.
import { describe, expect, it } from "vitest";
import { ArgumentError, QpError, Rng, matrix, nnls, solveQp, type Matrix } from "../src/index.js";
import { ballSurfaceSample, expectThrowsArgument, FIG4_MU } from "./certify-helpers.js";

const I = (n: number, zeros: number[] = []) => {
  const Q = matrix(n, n);
  for (let i = 0; i < n; i++) if (!zeros.includes(i)) Q.data[i * n + i] = 1;
  return Q;
};
const maxResidual = (r: { primalInfeasibility: number; stationarity: number; complementarity: number; dualInfeasibility: number }) =>
  Math.max(r.primalInfeasibility, r.stationarity, r.complementarity, r.dualInfeasibility);

describe("active-set QP: hand problems with known KKT points", () => {
  it("min ½‖x‖² s.t. x1 + x2 ≥ 2: x = (1, 1), μ = 1", () => {
    const s = solveQp({ Q: I(2), A: matrix(1, 2, [1, 1]), b: Float64Array.of(2) });
    expect(Math.abs(s.x[0]! - 1) + Math.abs(s.x[1]! - 1)).toBeLessThan(1e-15);
    expect(s.multipliers[0]).toBeCloseTo(1, 14);
    expect(Array.from(s.active)).toEqual([0]);
  });
  it("with an equality row: min ½‖x‖² s.t. x1 + x2 + x3 = 3, x1 ≥ 2 gives x = (2, ½, ½), ν = ½, μ = 3/2", () => {
    const s = solveQp({ Q: I(3), A: matrix(1, 3, [1, 0, 0]), b: Float64Array.of(2), E: matrix(1, 3, [1, 1, 1]), e: Float64Array.of(3) });
    [2, 0.5, 0.5].forEach((v, i) => expect(Math.abs(s.x[i]! - v)).toBeLessThan(1e-15));
    expect(s.equalityMultipliers[0]).toBeCloseTo(0.5, 14);
    expect(s.multipliers[0]).toBeCloseTo(1.5, 14);
    expect(maxResidual(s.residuals)).toBeLessThan(1e-14);
  });
  it("singular Q with a free coordinate: min ½x1² s.t. x1 ± x2 ≥ 1 gives x = (1, 0), μ = (½, ½)", () => {
    const s = solveQp({ Q: I(2, [1]), A: matrix(2, 2, [1, 1, 1, -1]), b: Float64Array.of(1, 1) });
    expect(Math.abs(s.x[0]! - 1) + Math.abs(s.x[1]!)).toBeLessThan(1e-15);
    expect(Math.abs(s.multipliers[0]! - 0.5) + Math.abs(s.multipliers[1]! - 0.5)).toBeLessThan(1e-15);
  });
  it("a linear program (Q = null): min x + y s.t. x, y ≥ 0, x + 2y ≥ 2, 2x + y ≥ 2 at the vertex (2/3, 2/3)", () => {
    const s = solveQp({ Q: null, c: Float64Array.of(1, 1), A: matrix(4, 2, [1, 0, 0, 1, 1, 2, 2, 1]), b: Float64Array.of(0, 0, 2, 2) });
    expect(Math.abs(s.x[0]! - 2 / 3) + Math.abs(s.x[1]! - 2 / 3)).toBeLessThan(1e-15);
    expect(s.objective).toBeCloseTo(4 / 3, 14);
    expect(maxResidual(s.residuals)).toBeLessThan(1e-15);
  });
  it("a highly degenerate LP (400 rows through the optimal vertex) terminates at it (anti-cycling)", () => {
    const m = 400, A = matrix(m + 2, 2), b = new Float64Array(m + 2);
    for (let i = 0; i < m; i++) {
      const t = ((i % 97) / 97 + Math.floor(i / 97) * 1e-3) * (Math.PI / 2); // directions in the positive quadrant, repeated
      A.data[i * 2] = -Math.cos(t);
      A.data[i * 2 + 1] = -Math.sin(t);
      b[i] = -(Math.cos(t) + Math.sin(t)); // a·x ≤ a·(1, 1)
    }
    A.data[m * 2] = 1;
    A.data[(m + 1) * 2 + 1] = 1; // x, y ≥ 0
    for (const threshold of [Infinity, 10]) {
      const s = solveQp({ Q: null, c: Float64Array.of(-1, -1), A, b }, { rowGenerationThreshold: threshold });
      expect(Math.abs(s.x[0]! - 1) + Math.abs(s.x[1]! - 1)).toBeLessThan(1e-13);
      expect(maxResidual(s.residuals)).toBeLessThan(1e-13);
    }
  });
});

describe("active-set QP: no optimum is a typed error naming which", () => {
  it("infeasible rows → QpError kind 'infeasible' (the dual start's verdict is confirmed by phase I)", () => {
    const f = () => solveQp({ Q: I(2), A: matrix(2, 2, [1, 0, -1, 0]), b: Float64Array.of(1, 1) });
    expect(f).toThrow(QpError);
    expect(f).toThrow(/infeasible/);
    try {
      f();
    } catch (e) {
      expect((e as QpError).kind).toBe("infeasible");
      expect((e as QpError).code).toBe("E_QP_INFEASIBLE");
    }
  });
  it("a zero-curvature descent ray nothing blocks → QpError kind 'unbounded' (also through row generation)", () => {
    for (const opts of [{}, { start: "row-generation" as const, rowGenerationThreshold: Infinity }, { start: "row-generation" as const, rowGenerationThreshold: 0 }]) {
      try {
        solveQp({ Q: I(2, [1]), c: Float64Array.of(0, -1), A: matrix(1, 2, [1, 0]), b: Float64Array.of(1) }, opts);
        expect.unreachable();
      } catch (e) {
        expect((e as QpError).kind).toBe("unbounded");
      }
    }
  });
  it("inconsistent equality rows are infeasible", () => {
    expect(() => solveQp({ Q: I(2), E: matrix(2, 2, [1, 1, 2, 2]), e: Float64Array.of(1, 3) })).toThrow(/infeasible/);
  });
  it("bad inputs → ArgumentError naming the argument (Q not symmetric / not PSD, shapes, NaN)", () => {
    expectThrowsArgument(() => solveQp({ Q: matrix(2, 2, [1, 2, 0, 1]) }), "Q[1][0]");
    expectThrowsArgument(() => solveQp({ Q: matrix(2, 2, [0, 1, 1, 0]), c: Float64Array.of(1, 0), A: matrix(1, 2, [1, 0]), b: Float64Array.of(0) }), "Q");
    expectThrowsArgument(() => solveQp({ Q: I(2), A: matrix(1, 3, [1, 1, 1]), b: Float64Array.of(1) }), "A");
    expectThrowsArgument(() => solveQp({ Q: I(2), A: matrix(1, 2, [1, 1]), b: Float64Array.of(1, 2) }), "b");
    expectThrowsArgument(() => solveQp({ Q: I(2), A: matrix(1, 2, [1, NaN]), b: Float64Array.of(1) }), "A[0][1]");
    expectThrowsArgument(() => solveQp({ Q: I(2), c: Float64Array.of(1) }), "c");
  });
});

/** A random PSD Q = BᵀB of rank k and rows through a known feasible point. */
function randomQp(n: number, k: number, m: number, seed: number): { Q: Matrix; c: Float64Array; A: Matrix; b: Float64Array } {
  const rng = Rng.fromSeed(seed);
  const B = rng.fillNormal(new Float64Array(k * n));
  const Q = matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let l = 0; l < k; l++) Q.data[i * n + j]! += B[l * n + i]! * B[l * n + j]!;
  const A = matrix(m, n, rng.fillNormal(new Float64Array(m * n)));
  const x0 = rng.fillNormal(new Float64Array(n));
  const b = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += A.data[i * n + j]! * x0[j]!;
    b[i] = s - Math.abs(rng.normal());
  }
  // c in the range of Q plus a combination of rows with positive weights keeps the QP bounded.
  const c = new Float64Array(n);
  for (let l = 0; l < k; l++) {
    const t = rng.normal();
    for (let i = 0; i < n; i++) c[i]! += t * B[l * n + i]!;
  }
  for (let i = 0; i < m; i++) {
    const t = Math.abs(rng.normal());
    for (let j = 0; j < n; j++) c[j]! -= t * A.data[i * n + j]!;
  }
  return { Q, c, A, b };
}

describe("active-set QP: random rank-deficient problems", () => {
  it("KKT residuals ≤ 1e-10 and no feasible perturbation lowers the objective (n = 8, rank 3, 30 rows)", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const p = randomQp(8, 3, 30, seed);
      const s = solveQp(p);
      expect(maxResidual(s.residuals)).toBeLessThan(1e-10);
      const f = (x: Float64Array) => {
        let v = 0;
        for (let i = 0; i < 8; i++) {
          let qx = 0;
          for (let j = 0; j < 8; j++) qx += p.Q.data[i * 8 + j]! * x[j]!;
          v += x[i]! * (p.c[i]! + 0.5 * qx);
        }
        return v;
      };
      const rng = Rng.fromSeed(1000 + seed);
      for (let t = 0; t < 200; t++) {
        const x = Float64Array.from(s.x, (v) => v + 1e-3 * rng.normal());
        let feasible = true;
        for (let i = 0; i < 30 && feasible; i++) {
          let ax = 0;
          for (let j = 0; j < 8; j++) ax += p.A.data[i * 8 + j]! * x[j]!;
          feasible = ax >= p.b[i]!;
        }
        if (feasible) expect(f(x)).toBeGreaterThanOrEqual(s.objective - 1e-12);
      }
    }
  });
  it("the three starts agree to 1e-12: dual (Goldfarb–Idnani on Q + εI), row generation, direct phase I (2000 rows)", () => {
    for (const seed of [77, 78, 79]) {
      const p = randomQp(6, 2, 2000, seed);
      const a = solveQp(p), b = solveQp(p, { start: "row-generation" }), c = solveQp(p, { start: "row-generation", rowGenerationThreshold: Infinity });
      expect(a.start).toBe("dual");
      expect(b.rounds).toBeGreaterThan(1);
      expect(c.rounds).toBe(1);
      for (const s of [a, b]) {
        expect(Math.abs(s.objective - c.objective)).toBeLessThan(1e-12 * Math.max(1, Math.abs(c.objective)));
        expect(maxResidual(s.residuals)).toBeLessThan(1e-10);
      }
    }
  });
  it("a feasible warm start x0 leads to the same optimum", () => {
    const p = randomQp(5, 5, 40, 3);
    const a = solveQp(p);
    const b = solveQp(p, { x0: Float64Array.from(a.x) }); // x* itself is a feasible start
    expect(b.start).toBe("row-generation");
    expect(Math.abs(a.objective - b.objective)).toBeLessThan(1e-12 * Math.max(1, Math.abs(a.objective)));
  });
  it("3 variables × 1e4 rows (the Fig. 4 asymmetric problem) solves in < 100 ms", () => {
    const build = (seed: number) => {
      const { X, y } = ballSurfaceSample(FIG4_MU, 0.7, 10000, seed);
      const A = matrix(10000, 3);
      for (let k = 0; k < 10000; k++) for (let j = 0; j < 3; j++) A.data[k * 3 + j] = y[k]! * X.data[k * 3 + j]!;
      return { Q: I(3, [1, 2]), A, b: new Float64Array(10000).fill(1) };
    };
    solveQp(build(1)); // warm-up (JIT)
    const p = build(2);
    const t0 = performance.now();
    const s = solveQp(p);
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(100);
    expect(maxResidual(s.residuals)).toBeLessThan(1e-12);
  });
});

/** Brute-force NNLS: least squares on every column subset, keep the best non-negative one. */
function bruteNnls(A: Matrix, g: Float64Array): { mu: Float64Array; res: number } {
  const { rows: m, cols: n } = A;
  let best = { mu: new Float64Array(n), res: Math.hypot(...g) };
  for (let mask = 1; mask < 1 << n; mask++) {
    const S = Array.from({ length: n }, (_, j) => j).filter((j) => mask & (1 << j));
    if (S.length > m) continue;
    // Normal equations on S (small, well conditioned here).
    const k = S.length, M = new Float64Array(k * k), r = new Float64Array(k);
    S.forEach((a, i) => {
      S.forEach((c, j) => {
        for (let l = 0; l < m; l++) M[i * k + j]! += A.data[l * n + a]! * A.data[l * n + c]!;
      });
      for (let l = 0; l < m; l++) r[i]! += A.data[l * n + a]! * g[l]!;
    });
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        const f = M[j * k + i]! / M[i * k + i]!;
        for (let l = i; l < k; l++) M[j * k + l]! -= f * M[i * k + l]!;
        r[j]! -= f * r[i]!;
      }
    }
    const z = new Float64Array(k);
    for (let i = k - 1; i >= 0; i--) {
      let s = r[i]!;
      for (let j = i + 1; j < k; j++) s -= M[i * k + j]! * z[j]!;
      z[i] = s / M[i * k + i]!;
    }
    if (z.some((v) => v < 0)) continue;
    const mu = new Float64Array(n);
    S.forEach((j, i) => (mu[j] = z[i]!));
    const resid = Array.from(g, (gl, l) => gl - S.reduce((s, j) => s + A.data[l * n + j]! * mu[j]!, 0));
    const res = Math.hypot(...resid);
    if (res < best.res - 1e-13) best = { mu, res };
  }
  return best;
}

describe("Lawson–Hanson NNLS", () => {
  it("matches brute force over all column subsets: the residual (m = 4 < n = 7) and the unique μ (m = 7 > n = 5)", () => {
    for (let seed = 1; seed <= 30; seed++) {
      const rng = Rng.fromSeed(seed);
      const wide = matrix(4, 7, rng.fillNormal(new Float64Array(28)));
      const g4 = rng.fillNormal(new Float64Array(4));
      expect(Math.abs(nnls(wide, g4).residualNorm - bruteNnls(wide, g4).res)).toBeLessThan(1e-12);
      const tall = matrix(7, 5, rng.fillNormal(new Float64Array(35)));
      const g7 = rng.fillNormal(new Float64Array(7));
      const s = nnls(tall, g7), bf = bruteNnls(tall, g7);
      expect(Math.abs(s.residualNorm - bf.res)).toBeLessThan(1e-12);
      for (let j = 0; j < 5; j++) expect(Math.abs(s.mu[j]! - bf.mu[j]!)).toBeLessThan(1e-10);
    }
  });
  it("KKT of NNLS on a wide problem (m = 20, n = 1e4): μ ≥ 0, gradient ≤ 0 off the passive set and 0 on it", () => {
    const rng = Rng.fromSeed(5);
    const m = 20, n = 10000;
    const A = matrix(m, n, rng.fillNormal(new Float64Array(m * n)));
    const g = rng.fillNormal(new Float64Array(m));
    const t0 = performance.now();
    const s = nnls(A, g);
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(2000);
    const r = Float64Array.from(g);
    for (let l = 0; l < m; l++) for (let j = 0; j < n; j++) r[l]! -= A.data[l * n + j]! * s.mu[j]!;
    for (let j = 0; j < n; j++) {
      expect(s.mu[j]!).toBeGreaterThanOrEqual(0);
      let w = 0;
      for (let l = 0; l < m; l++) w += A.data[l * n + j]! * r[l]!;
      if (s.mu[j]! > 0) expect(Math.abs(w)).toBeLessThan(1e-11);
      else expect(w).toBeLessThan(1e-11);
    }
  });
  it("an exactly representable g = Aμ*, μ* ≥ 0 sparse, is fit to rounding", () => {
    const rng = Rng.fromSeed(9);
    const m = 30, n = 500;
    const A = matrix(m, n, rng.fillNormal(new Float64Array(m * n)));
    const muStar = new Float64Array(n);
    for (let t = 0; t < 6; t++) muStar[Math.floor(rng.uniform() * n)] = 0.5 + rng.uniform();
    const g = new Float64Array(m);
    for (let l = 0; l < m; l++) for (let j = 0; j < n; j++) g[l]! += A.data[l * n + j]! * muStar[j]!;
    expect(nnls(A, g).residualNorm).toBeLessThan(1e-13 * Math.hypot(...g));
  });
  it("bad inputs → ArgumentError naming the argument", () => {
    expectThrowsArgument(() => nnls(matrix(2, 3), new Float64Array(3)), "g");
    expectThrowsArgument(() => nnls(matrix(2, 3, [1, 2, 3, 4, 5, Infinity]), new Float64Array(2)), "A[1][2]");
    expect(() => nnls({ rows: 2, cols: 2, data: new Float64Array(3) } as Matrix, new Float64Array(2))).toThrow(ArgumentError);
  });
});
