// The simplex view (collapse/simplex-view.ts) against closed forms — a regular simplex of means is drawn as the ideal
// simplex, the coordinates are those of an orthonormal frame (distances kept, invariant under rotations of the
// features), PCA keeps 3/(K − 1) of a simplex's energy — and the live collapse frames of `ulpm` and `nc-mnist`
// (RunContext.live) against the items' own results.
import { createRequire } from "node:module";
import { beforeAll, describe, expect, it } from "vitest";
import { getExperiment, registerMnist, runtime, simplexView, type CollapseFrame, type ItemProgress, type NcMnistResult, type Runtime, type UlpmResult } from "../src/index.js";
import { Rng } from "../src/runtime/rng.js";

let rt: Runtime;
beforeAll(async () => {
  rt = await runtime();
});

/** K class means at the vertices of a regular simplex of radius `r` in R^d (d ≥ K), rotated by a seeded orthogonal
 *  map, plus `spread` of seeded noise per sample; n samples per class, interleaved. */
function simplexData(K: number, d: number, n: number, r: number, spread: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  const Q = orthogonal(d, rng);
  const labels: number[] = [];
  const rows: number[][] = [];
  const vertex = (k: number) => Array.from({ length: d }, (_, j) => (j < K ? ((j === k ? 1 : 0) - 1 / K) / Math.sqrt(1 - 1 / K) : 0) * r);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      const v = vertex(k).map((x) => x + spread * rng.normal());
      rows.push(Array.from({ length: d }, (_, a) => v.reduce((s, x, b) => s + Q[a]![b]! * x, 0) + 3)); // rotated, shifted
      labels.push(k);
    }
  }
  return { rows, labels, Q };
}

function orthogonal(d: number, rng: Rng): number[][] {
  const Q: number[][] = [];
  for (let i = 0; i < d; i++) {
    const v = Array.from({ length: d }, () => rng.normal());
    for (const q of Q) {
      const c = q.reduce((s, x, j) => s + x * v[j]!, 0);
      q.forEach((x, j) => (v[j]! -= c * x));
    }
    const n = Math.hypot(...v);
    Q.push(v.map((x) => x / n));
  }
  return Q;
}

const dist = (a: number[], b: number[]) => Math.hypot(...a.map((x, i) => x - b[i]!));

describe("simplexView", () => {
  it("K = 3 and 4: collapsed features of a rotated regular simplex are drawn at the ideal simplex's vertices", () => {
    for (const K of [3, 4]) {
      const { rows, labels } = simplexData(K, 7, 5, 2.5, 0, 1);
      const v = simplexView(rows, labels, K);
      expect(v.dims).toBe(K - 1);
      expect(v.basis).toBe("simplex");
      expect(v.kept).toBe(1);
      expect(v.ideal).not.toBeNull();
      for (let k = 0; k < K; k++) {
        expect(dist(v.means[k]!, v.ideal![k]!)).toBeLessThan(1e-12);
        expect(Math.hypot(...v.ideal![k]!)).toBeCloseTo(1, 14);
      }
      // the frame's conventions: class 0 on the first axis, class 1 in the upper half-plane
      expect(v.means[0]![0]).toBeGreaterThan(0);
      expect(Math.abs(v.means[0]![1]!)).toBeLessThan(1e-12);
      expect(v.means[1]![1]).toBeGreaterThan(0);
      // the ideal's pairwise cosines are −1/(K − 1)
      for (let a = 0; a < K; a++) for (let b = a + 1; b < K; b++) expect(v.ideal![a]!.reduce((s, x, j) => s + x * v.ideal![b]![j]!, 0)).toBeCloseTo(-1 / (K - 1), 14);
      // 5 features per class shown by default (20 at most), each on its mean
      expect(v.features.length).toBe(5 * K);
      v.features.forEach((f, i) => expect(dist(f, v.means[v.labels[i]!]!)).toBeLessThan(1e-12));
    }
  });

  it("coordinates are those of an orthonormal frame: in-plane distances kept, the same view for rotated features", () => {
    const { rows, labels } = simplexData(3, 6, 8, 1, 0.3, 4);
    const v = simplexView(rows, labels, 3, undefined, { featuresPerClass: 3 });
    expect(v.features.length).toBe(9);
    // the means' pairwise distances in the view are the true ones (divided by the means' mean norm)
    const d = 6, K = 3;
    const mu = Array.from({ length: K }, (_, k) => Array.from({ length: d }, (_, j) => rows.filter((_, i) => labels[i] === k).reduce((s, r) => s + r[j]!, 0) / 8));
    const g = Array.from({ length: d }, (_, j) => mu.reduce((s, m) => s + m[j]!, 0) / K);
    const meanNorm = mu.reduce((s, m) => s + dist(m, g), 0) / K;
    for (let a = 0; a < K; a++) for (let b = a + 1; b < K; b++) expect(dist(v.means[a]!, v.means[b]!)).toBeCloseTo(dist(mu[a]!, mu[b]!) / meanNorm, 12);
    // rotating every feature by Q leaves every coordinate as it was
    const Q = orthogonal(d, Rng.fromSeed(9));
    const rotated = rows.map((r) => Array.from({ length: d }, (_, a) => r.reduce((s, x, b) => s + Q[a]![b]! * x, 0)));
    const w = simplexView(rotated, labels, 3, undefined, { featuresPerClass: 3 });
    for (let k = 0; k < K; k++) expect(dist(w.means[k]!, v.means[k]!)).toBeLessThan(1e-12);
    w.features.forEach((f, i) => expect(dist(f, v.features[i]!)).toBeLessThan(1e-12));
  });

  it("K ≥ 5: PCA keeps 3/(K − 1) of a regular simplex's energy; classifiers are scaled by their own mean norm", () => {
    const K = 6, { rows, labels } = simplexData(K, 9, 2, 1, 0, 2);
    const mean = (k: number) => Array.from({ length: 9 }, (_, j) => rows[k]![j]! - 3);
    // a classifier of twice the means' rotated rows: scaled to unit mean norm, it is the means' own picture
    const W = Array.from({ length: K }, (_, k) => mean(k).map((x) => 2 * x));
    const v = simplexView(rows, labels, K, W);
    expect(v.basis).toBe("pca");
    expect(v.dims).toBe(3);
    expect(v.ideal).toBeNull();
    expect(v.kept).toBeCloseTo(3 / (K - 1), 12);
    for (let k = 0; k < K; k++) expect(dist(v.classifiers![k]!, v.means[k]!)).toBeLessThan(1e-12);
    // each axis's sign: its largest-|coordinate| class is positive
    for (let a = 0; a < 3; a++) {
      const col = v.means.map((m) => m[a]!);
      const big = col.reduce((b, x, i) => (Math.abs(x) > Math.abs(col[b]!) ? i : b), 0);
      expect(col[big]).toBeGreaterThan(0);
    }
  });

  it("bad input is named: K < 3, means that do not span the simplex's space, a classifier of the wrong shape", () => {
    const { rows, labels } = simplexData(3, 4, 2, 1, 0, 0);
    expect(() => simplexView(rows.map((r) => r.slice(0, 2)).map((r) => [r[0]!, r[0]!]), labels, 3)).toThrow(/^features: .*span 2 dimensions/);
    expect(() => simplexView(rows, labels.map((y) => y % 2), 2)).toThrow(/^K: expected an integer ≥ 3, got 2$/);
    expect(() => simplexView(rows, labels, 3, [[1, 2, 3, 4]])).toThrow(/^classifier: expected a K×d = 3×4 classifier/);
  });
});

describe("live collapse frames (RunContext.live)", () => {
  it("ulpm: frames through GD and the flow; the last frame is the flow's end point, its metrics the result's", async () => {
    const frames: CollapseFrame[] = [];
    const item = { kind: "ulpm", scale: 1, numClasses: 3, perClass: 4, dim: 8, epochs: 300, log10T: 30 };
    const progress = (p: ItemProgress) => void (p.collapse && frames.push(p.collapse));
    const r = (await getExperiment("ulpm").run(item, { rt, progress, live: true, progressMs: 1 })) as UlpmResult;
    expect(frames.filter((f) => f.phase === "gd").length).toBe(r.gd.length - 1);
    expect(frames.filter((f) => f.phase === "flow").length).toBeGreaterThan(1);
    const last = frames.at(-1)!, end = r.flow.at(-1)!;
    expect(Math.abs(last.log10t! - end.log10t)).toBeLessThan(1e-12 * end.log10t); // the end reached, the horizon to rounding
    // the frame's metrics (plain TS) are the result's (the kernels' blocked passes) to rounding
    for (const [k, v] of Object.entries(end.metrics)) expect(Math.abs(last.metrics[k]! - v)).toBeLessThan(1e-9 * Math.max(1, Math.abs(v)));
    expect(last.log10Loss! * Math.LN10).toBeCloseTo(Math.log(end.loss), 6);
    expect(last.accuracy).toBe(1);
    expect(last.view!.dims).toBe(2);
    // at t = 1e30 the means are nearly the regular simplex (seed 002's equinorm and angles are small)
    for (let k = 0; k < 3; k++) expect(dist(last.view!.means[k]!, last.view!.ideal![k]!)).toBeLessThan(0.05);
    // without live, no frame is computed and the result is bitwise the same
    const quiet: ItemProgress[] = [];
    const r2 = await getExperiment("ulpm").run(item, { rt, progress: (p) => void quiet.push(p), progressMs: 1 });
    expect(quiet.some((p) => p.collapse)).toBe(false);
    expect(JSON.stringify(r2)).toBe(JSON.stringify(r));
  });

  it("nc-mnist: one frame per record, with the record's own metrics and the view of its features", async () => {
    registerMnist(() => (createRequire(import.meta.url)("mnist") as { raw: number[]; length: number }[]).map((d) => ({ count: d.length, raw: d.raw })));
    const frames: CollapseFrame[] = [];
    const item = { kind: "nc-mnist", network: "layernorm", digits: [0, 1, 2, 3], perClass: 10, testPerClass: 0, width: 16, batch: 20, targetLogL: -40, recordEvery: 10 };
    const r = (await getExperiment("nc-mnist").run(item, { rt, progress: (p) => void (p.collapse && frames.push(p.collapse)), live: true })) as NcMnistResult;
    // the continuation's first record is the SGD's last point again (the result drops it)
    expect(frames.length).toBe(r.records.length + 1);
    const kept = frames.filter((_, i) => i !== r.records.filter((p) => p.phase === "sgd").length);
    kept.forEach((f, i) => {
      expect(f.phase).toBe(r.records[i]!.phase);
      expect(f.metrics).toEqual(r.records[i]!.metrics);
      expect(f.log10t).toBe(r.records[i]!.log10t);
      expect(f.view!.dims).toBe(3);
      expect(f.view!.features.length).toBe(40);
      expect(f.view!.classifiers!.length).toBe(4);
    });
  });
});
