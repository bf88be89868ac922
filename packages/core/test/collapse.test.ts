// Neural-collapse metrics (core/src/collapse) against a NumPy peer of the same definitions (bench/peers/
// collapse_numpy.py: d×d covariances and np.linalg.pinv, two passes) to 1e-10, on random features and on nearly
// collapsed ones (a simplex ETF plus small noise); the streaming statistics against two-pass sums to 1e-12; merged
// accumulators against one; closed forms on an exact simplex; bad input named.
import { execFileSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { ArgumentError, Blas, ClassStats, collapseMetrics, measureCollapse, Rng, Runtime, SecondPass } from "../src/index.js";

let blas: Blas;
beforeAll(async () => {
  blas = new Blas(await Runtime.create());
});

const PY = "/usr/bin/python3";
const PEER = new URL("../../../bench/peers/collapse_numpy.py", import.meta.url).pathname;

interface Case { H: number[][]; y: number[]; K: number; W: number[][]; b: number[] }

/** n samples per class (imbalanced: class k gets n + k), K classes, dimension d; `noise` around class means that
 *  form a simplex ETF (scaled by 3) embedded in R^d, or random means (etf = false). */
function makeCase(K: number, d: number, n: number, noise: number, etf: boolean, seed: number): Case {
  const rng = Rng.fromSeed(seed);
  const g = () => rng.fillNormal(new Float64Array(1), 0, 1)[0]!;
  const means = Array.from({ length: K }, (_, k) => Array.from({ length: d }, (_, j) => (etf ? (j < K ? 3 * ((j === k ? 1 : 0) - 1 / K) : 0) : g())));
  const H: number[][] = [], y: number[] = [];
  for (let k = 0; k < K; k++) for (let i = 0; i < n + k; i++) { H.push(means[k]!.map((m) => m + noise * g())); y.push(k); }
  const W = means.map((m) => m.map((v) => 0.7 * v + 0.1 * g()));
  const b = Array.from({ length: K }, () => 0.1 * g());
  return { H, y, K, W, b };
}

function numpy(c: Case, globalMean = "samples"): Record<string, number> & { classifier: Record<string, number> } {
  return JSON.parse(execFileSync(PY, [PEER], { input: JSON.stringify({ ...c, globalMean }), maxBuffer: 1 << 26 }).toString());
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe("every metric equals the NumPy peer's (1e-10, relative)", () => {
  const cases: [string, Case, string][] = [
    ["random features, K = 4, d = 7", makeCase(4, 7, 30, 1, false, 1), "samples"],
    ["random features, K = 10, d = 32, class-mean centring", makeCase(10, 32, 20, 1, false, 2), "classMeans"],
    ["nearly collapsed (ETF + 1e-3 noise), K = 5, d = 12", makeCase(5, 12, 25, 1e-3, true, 3), "samples"],
  ];
  it.each(cases.flatMap(([name, c, g]) => [[`${name}, plain TS`, c, g, false], [`${name}, WASM GEMM`, c, g, true]] as const))("%s", (_, c, globalMean, gemm) => {
    const ours = measureCollapse(c.H, c.y, c.K, { W: c.W, b: c.b }, { globalMean: globalMean as "samples", ...(gemm ? { blas } : {}) });
    const peer = numpy(c, globalMean);
    expect(Object.keys(peer).length).toBeGreaterThan(10); // the peer answered (not a vacuous comparison)
    expect(Object.keys(peer.classifier).length).toBeGreaterThan(10);
    for (const [k, v] of Object.entries(peer)) {
      if (k === "classifier") continue;
      expect(rel((ours as unknown as Record<string, number>)[k]!, v), k).toBeLessThan(1e-10);
    }
    for (const [k, v] of Object.entries(peer.classifier)) {
      const mine = (ours.classifier as unknown as Record<string, number>)[k]!;
      if (v === 0) expect(mine, k).toBe(0);
      else expect(rel(mine, v), k).toBeLessThan(1e-10);
    }
  });
});

describe("streaming", () => {
  const c = makeCase(6, 9, 40, 0.5, false, 4);
  it("batches of any size, merged in any grouping, give the one-pass statistics (1e-12) — and the same metrics", () => {
    const whole = ClassStats.of(c.H, c.y, c.K);
    const a = new ClassStats(c.K, 9), b = new ClassStats(c.K, 9);
    for (let i = 0; i < c.H.length; i += 17) (i % 2 ? a : b).add(c.H.slice(i, i + 17), c.y.slice(i, i + 17));
    const merged = a.clone().merge(b);
    const close = (x: Float64Array, y: Float64Array) => x.forEach((v, i) => expect(Math.abs(v - y[i]!)).toBeLessThan(1e-12 * Math.max(1, Math.abs(y[i]!))));
    close(merged.counts, whole.counts);
    close(merged.means, whole.means);
    close(merged.scatter, whole.scatter);
    close(merged.classScatter, whole.classScatter);
    // two-pass sums directly
    const d = 9, mean = new Float64Array(c.K * d), cnt = new Float64Array(c.K);
    c.H.forEach((h, i) => { cnt[c.y[i]!]!++; h.forEach((v, j) => (mean[c.y[i]! * d + j]! += v)); });
    mean.forEach((v, i) => (mean[i] = v / cnt[Math.floor(i / d)]!));
    const S = new Float64Array(d * d);
    c.H.forEach((h, i) => { for (let j = 0; j < d; j++) for (let l = 0; l < d; l++) S[j * d + l]! += (h[j]! - mean[c.y[i]! * d + j]!) * (h[l]! - mean[c.y[i]! * d + l]!); });
    close(whole.means, mean);
    close(whole.scatter, S);
    const m1 = collapseMetrics(whole), m2 = collapseMetrics(merged);
    expect(rel(m2.nc1, m1.nc1)).toBeLessThan(1e-12);
    // the second pass merges too
    const p = new SecondPass(whole).add(c.H.slice(0, 50), c.y.slice(0, 50)).merge(new SecondPass(whole).add(c.H.slice(50), c.y.slice(50)));
    expect(p.result().nc1Seed002).toBeCloseTo(new SecondPass(whole).add(c.H, c.y).result().nc1Seed002, 14);
  });
  it("NC1 from the residuals projected on the K means (measureCollapse) equals the d×d scatter's (1e-12)", () => {
    const scatter = collapseMetrics(ClassStats.of(c.H, c.y, c.K), { W: c.W, b: c.b });
    const projected = measureCollapse(c.H, c.y, c.K, { W: c.W, b: c.b });
    for (const k of ["nc1", "nc1Unscaled", "nc1TraceRatio", "cdnv", "etfError"] as const) expect(rel(projected[k], scatter[k]), k).toBeLessThan(1e-12);
    expect(() => collapseMetrics(ClassStats.of(c.H, c.y, c.K, { scatter: false }))).toThrow(/^options\.projected: expected the second pass's projection/);
  });
  it("a large offset does not cost accuracy (the pairwise update centres each batch first)", () => {
    const shifted = c.H.map((h) => h.map((v) => v + 1e8));
    const a = new ClassStats(c.K, 9);
    for (let i = 0; i < shifted.length; i += 7) a.add(shifted.slice(i, i + 7), c.y.slice(i, i + 7));
    const ref = ClassStats.of(c.H, c.y, c.K);
    a.scatter.forEach((v, i) => expect(Math.abs(v - ref.scatter[i]!)).toBeLessThan(1e-6 * Math.max(1, Math.abs(ref.scatter[i]!))));
  });
});

describe("the WASM kernels (kernels/assembly/collapse.ts) equal the plain-TS reference (1e-12, relative)", () => {
  const flat = (m: Record<string, unknown>, prefix = ""): Record<string, number> => Object.fromEntries(Object.entries(m).flatMap(([k, v]) => (typeof v === "number" ? [[prefix + k, v]] : v && typeof v === "object" ? Object.entries(flat(v as Record<string, unknown>, `${prefix}${k}.`)) : [])));
  const cases: [string, Case][] = [
    ["random features, K = 10, d = 33 (odd: the SIMD tails)", makeCase(10, 33, 70, 1, false, 11)],
    ["nearly collapsed (ETF + 1e-4 noise), K = 6, d = 24", makeCase(6, 24, 150, 1e-4, true, 12)],
    ["collapsed with an offset of 1e3, K = 4, d = 7", (() => { const c = makeCase(4, 7, 40, 1e-3, true, 13); return { ...c, H: c.H.map((h) => h.map((v) => v + 1e3)) }; })()],
  ];
  it.each(cases)("%s: every metric of measureCollapse", (_, c) => {
    for (const globalMean of ["samples", "classMeans"] as const) {
      const ts = flat(measureCollapse(c.H, c.y, c.K, { W: c.W, b: c.b }, { globalMean }) as never);
      const wasm = flat(measureCollapse(c.H, c.y, c.K, { W: c.W, b: c.b }, { globalMean, blas }) as never);
      expect(Object.keys(wasm).sort()).toEqual(Object.keys(ts).sort());
      for (const [k, v] of Object.entries(ts)) {
        if (v === 0) expect(Math.abs(wasm[k]!), k).toBeLessThan(1e-300);
        else expect(rel(wasm[k]!, v), `${k} (${globalMean})`).toBeLessThan(1e-12);
      }
      // without a classifier too
      const a = flat(measureCollapse(c.H, c.y, c.K, undefined, { globalMean }) as never), b = flat(measureCollapse(c.H, c.y, c.K, undefined, { globalMean, blas }) as never);
      for (const [k, v] of Object.entries(a)) expect(rel(b[k]!, v), k).toBeLessThan(1e-12);
    }
  });
  it.each(cases)("%s: the first-pass kernel's statistics, per batch and merged (Chan), equal the reference's", (_, c) => {
    const d = c.H[0]!.length, close = (x: Float64Array, y: Float64Array) => x.forEach((v, i) => expect(Math.abs(v - y[i]!)).toBeLessThan(1e-12 * Math.max(1, Math.abs(y[i]!))));
    const ref = ClassStats.of(c.H, c.y, c.K, { scatter: false });
    const one = ClassStats.of(c.H, c.y, c.K, { scatter: false, blas });
    const merged = new ClassStats(c.K, d, { scatter: false }), other = new ClassStats(c.K, d, { scatter: false });
    for (let i = 0; i < c.H.length; i += 23) (i % 2 ? merged : other).add(c.H.slice(i, i + 23), c.y.slice(i, i + 23), { blas });
    merged.merge(other);
    for (const s of [one, merged]) {
      expect(Array.from(s.counts)).toEqual(Array.from(ref.counts));
      close(s.means, ref.means);
      close(s.classScatter, ref.classScatter);
    }
    expect(one.means).toEqual(ref.means); // the same sums in the same order, then one division
  });
  it("the second-pass kernel's accumulators merge: batches through the kernel, merged, equal one plain-TS pass", () => {
    const c = cases[0]![1], stats = ClassStats.of(c.H, c.y, c.K, { scatter: false }), clf = { W: c.W, b: c.b };
    const ref = new SecondPass(stats, clf).add(c.H, c.y);
    const parts = [new SecondPass(stats, clf, { blas }), new SecondPass(stats, clf, { blas })];
    for (let i = 0; i < c.H.length; i += 97) parts[(i / 97) % 2]!.add(c.H.slice(i, i + 97), c.y.slice(i, i + 97));
    const merged = parts[0]!.merge(parts[1]!);
    const a = flat(ref.result() as never), b = flat(merged.result() as never);
    for (const [k, v] of Object.entries(a)) expect(rel(b[k]!, v), k).toBeLessThan(1e-12);
    const pa = ref.projected(), pb = merged.projected();
    expect(rel(pb.trace, pa.trace)).toBeLessThan(1e-12);
    let scale = 0;
    pa.gram.forEach((v) => (scale = Math.max(scale, Math.abs(v))));
    pa.gram.forEach((v, i) => expect(Math.abs(pb.gram[i]! - v)).toBeLessThan(1e-12 * scale));
  });
  it("bad input is named as on the plain-TS path, and the arena is released", () => {
    const c = makeCase(3, 4, 5, 1, false, 5);
    const used = blas.rt.arena.used;
    expect(() => measureCollapse(c.H.map((h, i) => (i === 1 ? [h[0]!, NaN, h[2]!, h[3]!] : h)), c.y, 3, undefined, { blas })).toThrow(/^features\[1\]\[1\]: expected a finite number, got NaN/);
    expect(() => measureCollapse(c.H, c.y.map((v, i) => (i === 2 ? 2.5 : v)), 3, undefined, { blas })).toThrow(/^labels\[2\]: expected a class in 0…2, got 2\.5/);
    expect(() => measureCollapse(c.H, c.y.map((v, i) => (i === 4 ? -1 : v)), 3, undefined, { blas })).toThrow(/^labels\[4\]: expected a class in 0…2, got -1/);
    expect(() => ClassStats.of(c.H, c.y.slice(1), 3, { scatter: false, blas })).toThrow(/^labels: expected one label per row/);
    const s = ClassStats.of(c.H, c.y, 3, { scatter: false, blas }), before = Float64Array.from(s.means);
    expect(() => s.add([[1, 2, Infinity, 4]], [0], { blas })).toThrow(/^features\[0\]\[2\]: expected a finite number/);
    expect(s.means).toEqual(before);
    expect(blas.rt.arena.used).toBe(used);
  });
});

describe("closed forms: an exact simplex ETF with classifiers W = M (collapse)", () => {
  it("NC1 = 0, the ETF and self-duality errors 0, equiangular cosines −1/(K−1), NC4 agreement", () => {
    const K = 4, d = 6;
    const M = Array.from({ length: K }, (_, k) => Array.from({ length: d }, (_, j) => (j < K ? (j === k ? 1 : 0) - 1 / K : 0)));
    const H = M.flatMap((m) => [m, m, m]), y = M.flatMap((_, k) => [k, k, k]);
    const r = measureCollapse(H, y, K, { W: M });
    expect(r.nc1).toBe(0);
    expect(r.etfError).toBeLessThan(1e-15);
    expect(r.equinormMeans).toBeLessThan(1e-15);
    expect(r.maxAngleError).toBeLessThan(1e-15);
    expect(r.classifier!.selfDuality).toBeLessThan(1e-15);
    expect(r.classifier!.selfDualityEtf).toBeLessThan(1e-15);
    expect(r.classifier!.nc4Mismatch).toBe(0);
    expect(r.classifier!.accuracy).toBe(1);
    expect(r.classifier!.biasCollapse).toBeLessThan(1e-15);
  });
});

describe("bad input", () => {
  const c = makeCase(3, 4, 5, 1, false, 5);
  it.each([
    ["a label outside 0…K−1", () => ClassStats.of(c.H, c.y.map((v, i) => (i === 2 ? 3 : v)), 3), /^labels\[2\]: expected a class in 0…2, got 3/],
    ["an empty class", () => collapseMetrics(ClassStats.of(c.H.slice(0, 5), c.y.slice(0, 5), 3)), /^labels: expected samples of every class 0…2, got "class 1 has no samples"/],
    ["a NaN feature", () => ClassStats.of(c.H.map((h, i) => (i === 1 ? [h[0]!, NaN, h[2]!, h[3]!] : h)), c.y, 3), /^features\[1\]\[1\]: expected a finite number, got NaN/],
    ["features of the wrong width", () => new ClassStats(3, 5).add(c.H, c.y), /^features: expected 5 columns/],
    ["a classifier of the wrong shape", () => collapseMetrics(ClassStats.of(c.H, c.y, 3), { W: c.W.slice(0, 2) }), /^classifier\.W: expected 3×4/],
    ["fewer labels than rows", () => ClassStats.of(c.H, c.y.slice(1), 3), /^labels: expected one label per row/],
    ["one class", () => new ClassStats(1, 4), /^classes/],
  ])("%s", (_, call, message) => {
    expect(call).toThrow(ArgumentError);
    expect(call).toThrow(message);
  });
  it("nothing is added from a batch that fails its checks", () => {
    const s = ClassStats.of(c.H, c.y, 3);
    const before = Float64Array.from(s.means);
    expect(() => s.add([[1, 2, 3, 4]], [7])).toThrow(ArgumentError);
    expect(s.means).toEqual(before);
  });
});
