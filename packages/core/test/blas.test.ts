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

const fill32 = (len: number, seed: number) => Float32Array.from({ length: len }, (_, i) => Math.sin(seed + i * 1.7) * 10);
const bitsEqual = (x: Float32Array, y: Float32Array) => Buffer.compare(Buffer.from(x.buffer, x.byteOffset, x.byteLength), Buffer.from(y.buffer, y.byteOffset, y.byteLength)) === 0;
const m32 = (rows: number, cols: number, seed: number) => ({ rows, cols, data: fill32(rows * cols, seed) });

describe("gemm_f32 equals the f32 reference bit for bit", () => {
  it("NN, NT and TN on odd shapes (edge 4×8 tiles, k not a multiple of anything), with α and β", () => {
    fc.assert(
      fc.property(dims, fc.constantFrom("NN", "NT", "TN"), fc.constantFrom(0, 1, -0.75), ({ m, n, k }, mode, beta) => {
        const transA = mode === "TN", transB = mode === "NT";
        const A = transA ? m32(k, m, 4) : m32(m, k, 4);
        const B = transB ? m32(n, k, 5) : m32(k, n, 5);
        const C = m32(m, n, 6);
        const got = b.gemmF32(A, B, { transA, transB, alpha: 0.3, beta, C });
        const want = ref.gemmF32(A, B, transA, transB, 0.3, beta, C);
        expect([got.rows, got.cols]).toEqual([m, n]);
        expect(bitsEqual(got.data, want.data)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
  it("large blocked shapes: k > 256 (two KC slices), n > 1024 (two NC blocks), m past MC = 64, all three modes", () => {
    for (const [m, n, k, mode] of [[67, 1030, 300, "NN"], [70, 1027, 513, "NT"], [131, 1033, 257, "TN"], [129, 9, 700, "NT"]] as const) {
      const transA = mode === "TN", transB = mode === "NT";
      const A = transA ? m32(k, m, 7) : m32(m, k, 7);
      const B = transB ? m32(n, k, 8) : m32(k, n, 8);
      const C = m32(m, n, 9);
      const got = b.gemmF32(A, B, { transA, transB, alpha: -1.5, beta: 0.5, C });
      expect(bitsEqual(got.data, ref.gemmF32(A, B, transA, transB, -1.5, 0.5, C).data), `${m}×${n}×${k} ${mode}`).toBe(true);
    }
  });
  it("the f32 reference is the f64 product to single precision (relative 1e-5 of Σ|terms|)", () => {
    const [m, n, k] = [13, 21, 300];
    const A = m32(m, k, 1), B = m32(k, n, 2);
    const got = b.gemmF32(A, B);
    const want = ref.gemm(matrix(m, k, A.data), matrix(k, n, B.data));
    for (let i = 0; i < m * n; i++) expect(Math.abs(got.data[i]! - want.data[i]!)).toBeLessThanOrEqual(1e-5 * 100 * k);
  });
  it("β = 0 ignores NaN in C; NaN in A propagates; bad operands get typed errors", () => {
    const A = { rows: 2, cols: 2, data: Float32Array.of(1, 2, 3, 4) };
    const C = { rows: 2, cols: 2, data: Float32Array.of(NaN, NaN, NaN, NaN) };
    expect([...b.gemmF32(A, A, { beta: 0, C }).data]).toEqual([7, 10, 15, 22]);
    expect(b.gemmF32({ rows: 2, cols: 2, data: Float32Array.of(NaN, 0, 0, 0) }, A).data[0]).toBeNaN();
    expect(() => b.gemmF32(matrix(2, 2) as never, A)).toThrow(/^A: expected a matrix \{rows, cols, data: Float32Array/);
    expect(() => b.gemmF32(m32(2, 3, 0), m32(2, 3, 0))).toThrow(/^B: expected 3×n/);
  });
});

describe("gemm_f64 across the block edges in every mode", () => {
  it("k > 256, n > 1024, m past MC = 64: NN, NT and TN with α and β", () => {
    for (const [m, n, k, mode] of [[67, 1030, 300, "NT"], [70, 1027, 260, "TN"], [9, 1100, 513, "NN"]] as const) {
      const transA = mode === "TN", transB = mode === "NT";
      const A = transA ? matrix(k, m, fill(m * k, 1)) : matrix(m, k, fill(m * k, 1));
      const B = transB ? matrix(n, k, fill(k * n, 2)) : matrix(k, n, fill(k * n, 2));
      const C = matrix(m, n, fill(m * n, 3));
      const got = b.gemm(A, B, { transA, transB, alpha: 0.5, beta: 2, C });
      const want = ref.gemm(A, B, transA, transB, 0.5);
      for (let i = 0; i < m * n; i++) expect(Math.abs(got.data[i]! - (want.data[i]! + 2 * C.data[i]!))).toBeLessThanOrEqual(tol(k, 100 * k));
    }
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
