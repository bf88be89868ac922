// Closed forms of seed 000: Lemma 5.1 (robustness of the homogeneous and quasi-homogeneous ball limits) and
// Theorem 6.1 (neural collapse: the regular simplex), checked against their own definitions and the exact QP.
import { describe, expect, it } from "vitest";
import { Rng, ballRobustness, lemma51, matrix, simplexDistance, simplexEtf, solveQp, type Matrix } from "../src/index.js";
import { expectThrowsArgument, FIG4_MU, norm } from "./certify-helpers.js";

describe("Lemma 5.1 closed forms", () => {
  it("the stated robustness is that of the stated direction (w·µ/‖w‖ − r), and l_QH ≤ l_hom = 1 − r for ρ < r < 1", () => {
    for (const r of [0.51, 0.6, 0.75, 0.9, 0.99]) {
      const L = lemma51(FIG4_MU, r, 1);
      expect(L.rho).toBeCloseTo(0.5, 7);
      const mu = Float64Array.from(FIG4_MU, (v) => v / norm(FIG4_MU));
      expect(Math.abs(ballRobustness(L.quasiHomogeneous.w, mu, r) - L.quasiHomogeneous.robustness)).toBeLessThan(1e-14);
      expect(Math.abs(ballRobustness(L.homogeneous.w, mu, r) - (1 - r))).toBeLessThan(1e-14);
      expect(L.quasiHomogeneous.robustness).toBeLessThanOrEqual(L.homogeneous.robustness + 1e-15);
      expect(Math.abs(norm(L.quasiHomogeneous.w) - 1)).toBeLessThan(1e-15);
    }
  });
  it("the robustness collapses as r ↓ ρ (sqrt(1 − ρ²/r²) → 0) and both limits vanish at r → 1", () => {
    expect(lemma51(FIG4_MU, 0.5 + 1e-8, 1).quasiHomogeneous.robustness).toBeLessThan(1e-3);
    expect(lemma51(FIG4_MU, 1 - 1e-12, 1).quasiHomogeneous.robustness).toBeLessThan(1e-6);
  });
  it("with every coordinate λmax (ρ = 0) the quasi-homogeneous limit is the homogeneous one", () => {
    const L = lemma51(FIG4_MU, 0.3, [true, true, true]);
    expect(L.rho).toBe(0);
    expect(Math.abs(L.quasiHomogeneous.robustness - 0.7)).toBeLessThan(1e-15);
    expect(norm(L.quasiHomogeneous.w.map((v, i) => v - L.homogeneous.w[i]!))).toBeLessThan(1e-15);
  });
  it("outside its hypotheses → ArgumentError naming mu or r", () => {
    expectThrowsArgument(() => lemma51(Float64Array.of(1, 1, 0), 0.7, 1), "mu");
    expectThrowsArgument(() => lemma51(FIG4_MU, 0.4, 1), "r");
    expectThrowsArgument(() => lemma51(FIG4_MU, 1, 1), "r");
    expectThrowsArgument(() => lemma51(FIG4_MU, 0.7, [true, false]), "lambdaMaxCoords");
  });
});

/** Q R of a random Gaussian d×d: a random orthogonal matrix (modified Gram–Schmidt on the columns). */
function randomOrthogonal(d: number, seed: number): Float64Array {
  const rng = Rng.fromSeed(seed);
  const O = rng.fillNormal(new Float64Array(d * d)); // row-major; orthonormalize the rows
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let l = 0; l < d; l++) s += O[i * d + l]! * O[j * d + l]!;
      for (let l = 0; l < d; l++) O[i * d + l]! -= s * O[j * d + l]!;
    }
    const n = norm(O.subarray(i * d, (i + 1) * d));
    for (let l = 0; l < d; l++) O[i * d + l]! /= n;
  }
  return O;
}
function rotate(M: Matrix, O: Float64Array): Matrix {
  const { rows, cols: d } = M;
  const out = matrix(rows, d);
  for (let i = 0; i < rows; i++) for (let j = 0; j < d; j++) for (let l = 0; l < d; l++) out.data[i * d + j]! += M.data[i * d + l]! * O[j * d + l]!;
  return out;
}

describe("Theorem 6.1: the regular simplex (neural collapse)", () => {
  it("‖w_c‖ = (C − 1)/C, Σ_c w_c = 0, zero coordinate sums, h_c = C/(C − 1)·w_c zero-mean and unit-norm, every margin exactly 1", () => {
    for (const [C, d] of [[2, 2], [3, 5], [4, 4], [10, 16]] as const) {
      const { W, b, H, classifierNorm } = simplexEtf(C, d);
      expect(classifierNorm).toBe((C - 1) / C);
      const sum = new Float64Array(d);
      for (let c = 0; c < C; c++) {
        const w = W.data.subarray(c * d, (c + 1) * d), h = H.data.subarray(c * d, (c + 1) * d);
        expect(Math.abs(norm(w) - (C - 1) / C)).toBeLessThan(1e-15);
        expect(Math.abs(norm(h) - 1)).toBeLessThan(1e-15);
        expect(Math.abs(w.reduce((s, v) => s + v, 0))).toBeLessThan(1e-15);
        w.forEach((v, j) => (sum[j]! += v));
        for (let e = 0; e < C; e++) {
          if (e === c) continue;
          let m = b[c]! - b[e]!;
          for (let j = 0; j < d; j++) m += (w[j]! - W.data[e * d + j]!) * h[j]!;
          expect(Math.abs(m - 1)).toBeLessThan(1e-14);
        }
      }
      expect(norm(sum)).toBeLessThan(1e-15);
    }
  });
  it("at its own features the simplex is the exact QP optimum of min Σ‖w_c‖² + ‖b‖² s.t. multiclass margins ≥ 1 (so ‖w_c‖ is (C−1)/C, not sqrt((C−1)/C))", () => {
    const C = 4, d = 6;
    const { W, H } = simplexEtf(C, d);
    const H2 = rotate(H, randomOrthogonal(d, 3)); // any rotation of the features: the optimum rotates along
    const nv = C * d + C;
    const Q = matrix(nv, nv);
    for (let i = 0; i < nv; i++) Q.data[i * nv + i] = 2;
    const rows: number[][] = [];
    for (let y = 0; y < C; y++) {
      for (let c = 0; c < C; c++) {
        if (c === y) continue;
        const row = new Array<number>(nv).fill(0);
        for (let j = 0; j < d; j++) {
          row[y * d + j] = H2.data[y * d + j]!;
          row[c * d + j] = -H2.data[y * d + j]!;
        }
        row[C * d + y] = 1;
        row[C * d + c] = -1;
        rows.push(row);
      }
    }
    const s = solveQp({ Q, A: matrix(rows.length, nv, rows.flat()), b: new Float64Array(rows.length).fill(1) });
    const Wq = matrix(C, d, s.x.subarray(0, C * d));
    const dist = simplexDistance(Wq, s.x.slice(C * d), H2, [0, 1, 2, 3]);
    expect(dist.total).toBeLessThan(1e-13);
    expect(Math.abs(s.objective - C * ((C - 1) / C) ** 2)).toBeLessThan(1e-13);
    // The brief's sqrt((C − 1)/C) normalization is feasible but not optimal: margins C/(C − 1) > 1.
    const Wb = matrix(C, d, W.data.map((v) => v * Math.sqrt(C / (C - 1))));
    expect(simplexDistance(Wb, new Float64Array(C), H, [0, 1, 2, 3]).classifierGram).toBeGreaterThan(0.1);
  });
  it("simplexDistance is rotation invariant: ~1e-15 for a rotated closed form, clearly > 0 for a perturbed one", () => {
    const C = 5, d = 8;
    const { W, b, H } = simplexEtf(C, d);
    const O = randomOrthogonal(d, 7);
    const y = Array.from({ length: 40 }, (_, i) => i % C);
    const feats = matrix(40, d);
    y.forEach((c, i) => feats.data.set(H.data.subarray(c * d, (c + 1) * d), i * d));
    expect(simplexDistance(rotate(W, O), b, rotate(feats, O), y).total).toBeLessThan(1e-14);
    const rng = Rng.fromSeed(1);
    const Wp = matrix(C, d, W.data.map((v) => v + 1e-2 * rng.normal()));
    expect(simplexDistance(Wp, b, feats, y).total).toBeGreaterThan(1e-3);
    expect(simplexDistance(W, Float64Array.of(0.1, 0, 0, 0, 0), feats, y).bias).toBeCloseTo(0.1, 15);
  });
  it("bad inputs → ArgumentError naming C, d, y, H or b", () => {
    expectThrowsArgument(() => simplexEtf(1, 3), "C");
    expectThrowsArgument(() => simplexEtf(4, 3), "d");
    const { W, b, H } = simplexEtf(3, 3);
    expectThrowsArgument(() => simplexDistance(W, b, H, [0, 1, 3]), "y[2]");
    expectThrowsArgument(() => simplexDistance(W, b, matrix(3, 4), [0, 1, 2]), "H");
    expectThrowsArgument(() => simplexDistance(W, new Float64Array(2), H, [0, 1, 2]), "b");
  });
});
