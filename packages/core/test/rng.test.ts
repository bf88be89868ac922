// The counter-based RNG: Philox4x32-10 against the Random123 known-answer vectors, and the splitting rule
// that makes a sweep's numbers independent of how it is spread over workers.
import { describe, expect, it } from "vitest";
import { ArgumentError, Rng, philox4x32 } from "../src/index.js";

describe("Philox4x32-10 matches the Random123 known-answer vectors", () => {
  it.each([
    [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
    [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
  ])("ctr %j key %j", (c, k, want) => {
    const out = new Uint32Array(4);
    philox4x32(c[0]!, c[1]!, c[2]!, c[3]!, k[0]!, k[1]!, out);
    expect([...out]).toEqual(want);
  });
});

describe("streams", () => {
  it("the same seed gives the same numbers; different seeds differ", () => {
    const a = Rng.fromSeed(42).fillUniform(new Float64Array(100));
    const b = Rng.fromSeed(42).fillUniform(new Float64Array(100));
    const c = Rng.fromSeed(43).fillUniform(new Float64Array(100));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
  it("split(i) depends only on the parent key and i, not on what was drawn before or on other children", () => {
    const root = Rng.fromSeed(7);
    const direct = root.split(5).fillNormal(new Float64Array(10));
    const other = Rng.fromSeed(7);
    other.fillUniform(new Float64Array(1000));
    other.split(3).fillUniform(new Float64Array(10));
    expect(other.split(5).fillNormal(new Float64Array(10))).toEqual(direct);
    expect(root.split(4).fillNormal(new Float64Array(10))).not.toEqual(direct);
  });
  it("uniform lies in [0, 1) with mean 1/2; normal has mean 0 and variance 1 (n = 2e5, 5σ bands)", () => {
    const r = Rng.fromSeed(1);
    const n = 200_000;
    const u = r.fillUniform(new Float64Array(n));
    expect(u.reduce((a, b) => Math.min(a, b))).toBeGreaterThanOrEqual(0);
    expect(u.reduce((a, b) => Math.max(a, b))).toBeLessThan(1);
    const mu = u.reduce((a, b) => a + b) / n;
    expect(Math.abs(mu - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    const z = r.fillNormal(new Float64Array(n));
    const mz = z.reduce((a, b) => a + b) / n;
    const vz = z.reduce((a, b) => a + (b - mz) ** 2, 0) / (n - 1);
    expect(Math.abs(mz)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(vz - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
  });
  it("bad seeds and indices get typed errors", () => {
    expect(() => Rng.fromSeed(-1)).toThrow(ArgumentError);
    expect(() => Rng.fromSeed(1.5)).toThrow(/^seed: expected a non-negative safe integer, got 1\.5/);
    expect(() => Rng.fromSeed(0).split(NaN)).toThrow(/^index: expected a non-negative safe integer, got NaN/);
  });
});
