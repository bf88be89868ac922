// Every BLAS kernel against the plain-TS reference (src/reference/blas.ts), on random shapes (fast-check):
// empty and odd lengths, unaligned tails, huge and tiny magnitudes, NaN propagation.
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { ArgumentError, Blas, Runtime, matrix } from "../src/index.js";
import { blas as ref } from "../src/reference/index.js";

let b: Blas;
beforeAll(async () => {
  b = new Blas(await Runtime.create());
});

const finite = fc.double({ min: -1e3, max: 1e3, noNaN: true });
const vec = (min = 0, max = 67) => fc.integer({ min, max }).chain((n) => fc.float64Array({ minLength: n, maxLength: n, min: -1e3, max: 1e3, noNaN: true }));
const pair = fc.integer({ min: 0, max: 67 }).chain((n) =>
  fc.tuple(
    fc.float64Array({ minLength: n, maxLength: n, min: -1e3, max: 1e3, noNaN: true }),
    fc.float64Array({ minLength: n, maxLength: n, min: -1e3, max: 1e3, noNaN: true }),
  ),
);
// Summation-order differences bound: |Σ| error ≤ n·ε·Σ|terms|.
const tol = (n: number, scale: number) => 4 * (n + 1) * Number.EPSILON * scale + 1e-300;

describe("BLAS-1 matches the plain-TS reference", () => {
  it("dot on random lengths 0…67 (odd lengths exercise the scalar tail)", () => {
    fc.assert(
      fc.property(pair, ([x, y]) => {
        const scale = x.reduce((s, v, i) => s + Math.abs(v * y[i]!), 0);
        expect(Math.abs(b.dot(x, y) - ref.dot(x, y))).toBeLessThanOrEqual(tol(x.length, scale));
      }),
    );
  });
  it("axpy is elementwise exact (one rounding of a·x + y, as the reference)", () => {
    fc.assert(
      fc.property(pair, finite, ([x, y], a) => {
        const got = b.axpy(a, x, y);
        const want = ref.axpy(a, x, y);
        for (let i = 0; i < x.length; i++) expect(got[i]! === want[i]!).toBe(true);
      }),
    );
  });
  it("sum, max, min and amax", () => {
    fc.assert(
      fc.property(vec(), (x) => {
        const scale = x.reduce((s, v) => s + Math.abs(v), 0);
        expect(Math.abs(b.sum(x) - ref.sum(x))).toBeLessThanOrEqual(tol(x.length, scale));
        expect(b.max(x)).toBe(x.length ? Math.max(...x) : -Infinity);
        expect(b.min(x)).toBe(x.length ? Math.min(...x) : Infinity);
        expect(b.amax(x)).toBe(x.reduce((m, v) => Math.max(m, Math.abs(v)), 0));
      }),
    );
  });
  it("nrm2 neither overflows nor underflows, from 1e-320 to 1e305", () => {
    const mags = fc.constantFrom(1e-320, 1e-300, 1e-160, 1, 1e150, 1e300, 1e305);
    fc.assert(
      fc.property(vec(1), mags, (x, m) => {
        const y = x.map((v) => (v / 1e3) * m); // entries in [−m, m]: inside the double range
        const want = ref.nrm2(y);
        const got = b.nrm2(y);
        if (want === 0) expect(got).toBe(0);
        else expect(Math.abs(got - want) / want).toBeLessThanOrEqual(8 * Number.EPSILON * Math.sqrt(y.length) + (m < 1e-300 ? 1e-10 : 0));
      }),
    );
    expect(b.nrm2(Float64Array.of(3e300, 4e300))).toBeCloseTo(5e300, -290);
    expect(b.nrm2(Float64Array.of(3e-310, 4e-310))).toBe(5e-310);
  });
  it("NaN propagates through dot, sum, max, min, amax and nrm2; ±inf through nrm2", () => {
    const x = Float64Array.of(1, 2, NaN, 4, 5);
    const y = Float64Array.of(1, 1, 1, 1, 1);
    for (const v of [b.dot(x, y), b.sum(x), b.max(x), b.min(x), b.amax(x), b.nrm2(x)]) expect(v).toBeNaN();
    expect(b.nrm2(Float64Array.of(1, -Infinity, 3))).toBe(Infinity);
  });
});

const dims = fc.record({ m: fc.integer({ min: 0, max: 37 }), n: fc.integer({ min: 0, max: 37 }), k: fc.integer({ min: 0, max: 37 }) });
const fill = (len: number, seed: number) => Float64Array.from({ length: len }, (_, i) => Math.sin(seed + i * 1.7) * 10);

describe("BLAS-2 and BLAS-3 match the plain-TS reference", () => {
  it("gemv, normal and transposed, with α and β", () => {
    fc.assert(
      fc.property(dims, fc.boolean(), finite, finite, ({ m, n }, trans, alpha, beta) => {
        const A = matrix(m, n, fill(m * n, 1));
        const x = fill(trans ? m : n, 2);
        const y = fill(trans ? n : m, 3);
        const got = b.gemv(A, x, { trans, alpha, beta, y });
        const want = ref.gemv(A, x, trans, alpha, beta, y);
        for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(tol(m + n, 1e2 * (m + n + 1) * (Math.abs(alpha) + Math.abs(beta) + 1)));
      }),
    );
  });
  it("gemm NN, NT and TN on odd shapes (edge micro-tiles, k not a multiple of anything)", () => {
    fc.assert(
      fc.property(dims, fc.constantFrom("NN", "NT", "TN"), ({ m, n, k }, mode) => {
        const transA = mode === "TN", transB = mode === "NT";
        const A = transA ? matrix(k, m, fill(m * k, 4)) : matrix(m, k, fill(m * k, 4));
        const B = transB ? matrix(n, k, fill(k * n, 5)) : matrix(k, n, fill(k * n, 5));
        const got = b.gemm(A, B, { transA, transB, alpha: 0.5 });
        const want = ref.gemm(A, B, transA, transB, 0.5);
        expect(got.rows).toBe(m);
        expect(got.cols).toBe(n);
        for (let i = 0; i < m * n; i++) expect(Math.abs(got.data[i]! - want.data[i]!)).toBeLessThanOrEqual(tol(k, 100 * k));
      }),
      { numRuns: 60 },
    );
  });
  it("gemm on large blocked shapes (crosses the KC = 256 and MC = 64 block edges) with β·C", () => {
    const [m, n, k] = [131, 70, 300];
    const A = matrix(m, k, fill(m * k, 6));
    const B = matrix(k, n, fill(k * n, 7));
    const C = matrix(m, n, fill(m * n, 8));
    const got = b.gemm(A, B, { alpha: 2, beta: -1, C });
    const want = ref.gemm(A, B, false, false, 2);
    for (let i = 0; i < m * n; i++) expect(Math.abs(got.data[i]! - (want.data[i]! - C.data[i]!))).toBeLessThanOrEqual(tol(k, 200 * k));
  });
  it("β = 0 ignores NaN in C (BLAS convention); NaN in A propagates", () => {
    const A = matrix(2, 2, [1, 2, 3, 4]);
    const C = matrix(2, 2, [NaN, NaN, NaN, NaN]);
    expect([...b.gemm(A, A, { beta: 0, C }).data]).toEqual([7, 10, 15, 22]);
    expect(b.gemm(matrix(2, 2, [NaN, 0, 0, 0]), A).data[0]).toBeNaN();
  });
});

describe("bad input gets a typed error naming the argument", () => {
  it("length mismatch, wrong type, bad shapes", () => {
    expect(() => b.dot(new Float64Array(3), new Float64Array(4))).toThrow(ArgumentError);
    expect(() => b.dot(new Float64Array(3), new Float64Array(4))).toThrow(/^y: expected a Float64Array of length 3/);
    expect(() => b.nrm2([1, 2] as unknown as Float64Array)).toThrow(/^x: expected a Float64Array, got array/);
    expect(() => b.gemm(matrix(2, 3), matrix(2, 3))).toThrow(/^B: expected 3×n/);
    expect(() => b.gemv(matrix(2, 3), new Float64Array(2))).toThrow(/^x: expected a Float64Array of length 3/);
    expect(() => b.gemm({ rows: 2, cols: 2, data: new Float64Array(3) }, matrix(2, 2))).toThrow(/^A: expected a matrix/);
  });
});
