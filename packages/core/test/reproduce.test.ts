// The seed-000 reproductions at the library level (the CLI tests cover files, pool, resume, shards): neural
// collapse (Thm 6.1) reached within 1e-3 of App. G's closed form (plain-TS Gram comparison, certify/closed-forms)
// and approached monotonically once separated; Fig. 1's lines converge to their certificates (the exact SVM and
// the exact cascaded asymmetric problem on the same samples); a Fig. 4 radius lands on Lemma 5.1.
import { beforeAll, describe, expect, it } from "vitest";
import { Runtime, runFig1, runFig4, runThm61 } from "../src/index.js";

let rt: Runtime;
beforeAll(async () => {
  rt = await Runtime.create();
});

describe("Theorem 6.1: neural collapse", () => {
  it.each([3, 5])("C = %i: every distance to the closed form falls below 1e-3 by t = 10^1000, decreasing after 1e10", (C) => {
    const r = runThm61(rt, { kind: "thm61", classes: C });
    expect(r.stop).toBe("horizon");
    expect(r.final.log10t).toBe(1000);
    for (const k of ["classifierGram", "crossGram", "featureNorm", "bias", "total"] as const) expect(r.final[k], k).toBeLessThan(1e-3);
    const late = r.trajectory.filter((p) => p.log10t >= 10).map((p) => p.total);
    for (let i = 1; i < late.length; i++) expect(late[i]!).toBeLessThan(late[i - 1]!);
  });
});

describe("Fig. 1", () => {
  it("GD as in the paper, then the flow to 1e100: the homogeneous line → the SVM line, the QH line → the asymmetric one", () => {
    const r = runFig1(rt, { steps: 20_000 });
    expect(r.hom.flow.distance).toBeLessThan(r.hom.gd.distance);
    expect(r.qh.flow.distance).toBeLessThan(r.qh.gd.distance);
    expect(r.hom.flow.distance).toBeLessThan(1e-3);
    expect(r.qh.flow.distance).toBeLessThan(1e-2);
    expect(Math.abs(r.qh.certificate.angle - r.svm.angle)).toBeGreaterThan(10); // the asymmetric bias is visible
  });
});

describe("Fig. 4, one radius", () => {
  it("r = 0.85 with 2000 samples: QH robustness at 1e100 within 5e-3 of Lemma 5.1, closer than at 1e5", () => {
    const r = runFig4(rt, { kind: "fig4", r: 0.85, samples: 2000 });
    const gap = (h: string) => Math.abs(r.qh.horizons[h]!.robustness - r.lemma51!.qh);
    expect(gap("1e100")).toBeLessThan(5e-3);
    expect(gap("1e100")).toBeLessThan(gap("1e5"));
    expect(r.qh.horizons["1e100"]!.distance).toBeLessThan(r.qh.horizons["1e5"]!.distance);
    expect(r.qh.horizons["1e100"]!.nfev / r.qh.horizons["1e5"]!.nfev).toBeLessThan(3);
  });
  it("bad radius: a typed error naming it", () => {
    expect(() => runFig4(rt, { kind: "fig4", r: 1.2 })).toThrow(/^spec\.r: expected a finite number in \(0, 1\), got 1\.2/);
  });
});
