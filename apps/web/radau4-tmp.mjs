// radau4-tmp.ts
import { runOne, runtime, parseExperimentSpec, getExperiment } from "@marginflow/core";
var rt = await runtime();
var [h, n] = [Number(process.argv[2]), Number(process.argv[3])];
var base = { name: "x", seed: 0, model: { kind: "deepLinear", inputs: 3, hidden: [h, h], outputs: 1, bias: false }, data: { kind: "balls", r: 0.75, n }, loss: "exp", init: { kind: "he" }, dynamics: { kind: "flow", log10T: 100, budgetSeconds: 120 } };
var out = [];
var th = [];
for (const ls of ["dense", "krylov"]) {
  const spec = parseExperimentSpec(getExperiment("run"), { ...base, dynamics: { ...base.dynamics, linearSolver: ls } });
  const t0 = performance.now();
  const r = runOne(rt, spec);
  out.push(`${ls} ${(performance.now() - t0).toFixed(0)} ms ${r.stop} ${r.log10t?.toFixed(1)}`);
  th.push(r.theta);
}
var d = 0;
var nn = 0;
th[0].forEach((v, i) => {
  d += (v - th[1][i]) ** 2;
  nn += v * v;
});
console.log(`deepLinear 3-${h}-${h}-1 n=${n} m=${th[0].length}`, out.join(" | "), "rel", Math.sqrt(d / nn).toExponential(1));
