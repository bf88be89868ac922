// `marginflow collapse` on features exported by NumPy (.npy of float32 and int64, a Fortran-order weight matrix)
// and as CSV: the metrics it writes equal core's measureCollapse on the same numbers (core's own test compares those
// with a NumPy peer); bad files and flags are named.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Blas, measureCollapse, Runtime } from "@marginflow/core";
import { run, tmp } from "./helpers.js";

describe("marginflow collapse", () => {
  const dir = tmp("mf-nc-");
  execFileSync("/usr/bin/python3", ["-c", `
import numpy as np
rng = np.random.default_rng(0)
K, d, n = 4, 8, 30
M = rng.normal(size=(K, d)) * 3
y = np.repeat(np.arange(K), n)
H = (M[y] + rng.normal(size=(K * n, d))).astype(np.float32)
np.save("${dir}/H.npy", H); np.save("${dir}/y.npy", y); np.save("${dir}/W.npy", np.asfortranarray(M * 0.5)); np.save("${dir}/b.npy", np.arange(K) * 0.1)
np.savetxt("${dir}/H.csv", H.astype(np.float64), delimiter=",", header="a,b,c,d,e,f,g,h", comments=""); np.savetxt("${dir}/y.csv", y, fmt="%d")
open("${dir}/arrays.json", "w").write(__import__("json").dumps({"H": H.astype(np.float64).tolist(), "y": y.tolist(), "W": (M * 0.5).tolist(), "b": (np.arange(K) * 0.1).tolist()}))
`]);
  const arrays = JSON.parse(readFileSync(join(dir, "arrays.json"), "utf8"));

  it("reads .npy (float32, int64, Fortran order) and CSV with a header; the JSON equals measureCollapse on the same numbers", async () => {
    const r = await run("collapse", "--features", join(dir, "H.npy"), "--labels", join(dir, "y.npy"), "--weights", join(dir, "W.npy"), "--bias", join(dir, "b.npy"), "--json", join(dir, "nc.json"));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/collapse: 120 samples, 4 classes, dimension 8/);
    expect(r.stdout).toMatch(/NC4 mismatch/);
    const got = JSON.parse(readFileSync(join(dir, "nc.json"), "utf8"));
    // the command's path: the WASM kernels (they equal the plain-TS path to 1e-12, not bit for bit: core's test)
    const want = measureCollapse(arrays.H, arrays.y, 4, { W: arrays.W, b: arrays.b }, { blas: new Blas(await Runtime.create()) });
    expect(got.nc1).toBe(want.nc1);
    expect(got.classifier.selfDuality).toBe(want.classifier!.selfDuality);
    expect(got.classifier.nc4Mismatch).toBe(want.classifier!.nc4Mismatch);
    const csv = await run("collapse", "--features", join(dir, "H.csv"), "--labels", join(dir, "y.csv"), "--json", join(dir, "nc2.json"));
    expect(csv.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "nc2.json"), "utf8")).nc1).toBe(want.nc1);
  });

  it("bad input: a missing file, labels of the wrong shape, a label outside the classes, a bad flag", async () => {
    writeFileSync(join(dir, "bad-y.csv"), "0\n1\n9\n" + "0\n".repeat(117));
    const cases: [string[], RegExp][] = [
      [["--features", join(dir, "nope.npy"), "--labels", join(dir, "y.npy")], /nope\.npy: cannot read \(ENOENT\)/],
      [["--features", join(dir, "H.npy"), "--labels", join(dir, "H.npy")], /--labels: expected one label per row, got 120×8/],
      [["--features", join(dir, "H.npy"), "--labels", join(dir, "bad-y.csv"), "--classes", "4"], /labels\[2\]: expected a class in 0…3, got 9/],
      [["--features", join(dir, "H.npy"), "--labels", join(dir, "y.npy"), "--global-mean", "median"], /--global-mean: expected samples or classMeans/],
      [["--features", join(dir, "H.npy")], /--features and --labels are required/],
    ];
    for (const [args, message] of cases) {
      const r = await run("collapse", ...args);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(message);
    }
  });
  it("bench collapse: marginflow and the NumPy peer on the same features, the ratio, and metrics that agree to 1e-10", async () => {
    const r = await run("bench", "collapse", "--samples", "600", "--repeat", "1", "--json", join(dir, "bench.json"));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ratio\s+\d+\.\d×/);
    const j = JSON.parse(readFileSync(join(dir, "bench.json"), "utf8"));
    expect(j.maxRelativeDifference).toBeLessThan(1e-10);
    expect(j.numpySeconds).toHaveLength(1);
  });
});
