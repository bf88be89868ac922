// sq-rho-acc — seed 001's Fig. 12: 1/ρ (the margin of the normalized fit) against the test accuracy over the
// initializations, with error bars over runs, for the §7 network trained with weight decay. The paper: the bound of §4
// predicts a larger margin to mean a smaller error, but across inits small differences in 1/ρ are anticorrelated
// with the test accuracy — margin alone does not explain them.
import { Strict, type Static } from "../schema/schema.js";
import { lineFigure, type Series } from "../report/figure.js";
import { defineExperiment } from "./experiment.js";
import { SQ_COLORS, divergedCheck, rhoRatio, SQ_NET_FIELDS, finished, sqGridFields, sqGridItems, sqNetContract, sqNetNotes, sqRunLabel, type SqNetResult } from "./sq-net.js";
import { correlation, groupBy, meanStd } from "./sq-stats.js";

export const SqRhoAccSpecSchema = Strict({ ...sqGridFields({ inits: [0.01, 0.1, 0.5, 1, 3, 5, 10], weightDecays: [0.01], runs: 2 }), ...SQ_NET_FIELDS });
export type SqRhoAccSpec = Static<typeof SqRhoAccSpecSchema>;

interface Point {
  init: number;
  weightDecay: number;
  runs: number;
  invRho: { mean: number; std: number };
  testAccuracy: { mean: number; std: number };
}

const points = (runs: SqNetResult[]): Point[] =>
  groupBy(finished(runs), (r) => `${r.weightDecay} ${r.init}`).map(([, rs]) => ({
    init: rs[0]!.init, weightDecay: rs[0]!.weightDecay, runs: rs.length,
    invRho: meanStd(rs.map((r) => 1 / r.rho.at(-1)!)), testAccuracy: meanStd(rs.map((r) => 1 - r.testError.at(-1)!)),
  }));

export const sqRhoAcc = defineExperiment({
  id: "sq-rho-acc",
  title: "Seed 001 Fig. 12: 1/ρ against test accuracy over initializations, with error bars over runs (BN conv net, square loss, weight decay)",
  source: { paper: "seed 001 (Rangamani et al., CBMM Memo 117)", section: "App. I, Fig. 12" },
  category: "reproduction",
  spec: SqRhoAccSpecSchema,
  ...sqNetContract,
  items: (s) => sqGridItems(s),
  assemble: (spec, runs) => ({ spec, runs, points: points(runs) }),
  figures: ({ points: ps }) => {
    // each init: a dot at the means and whiskers of ± one standard deviation in both directions
    const series: Series[] = ps.flatMap((p, i) => {
      const color = SQ_COLORS[i % SQ_COLORS.length]!, x = p.invRho, y = p.testAccuracy;
      return [
        { label: `init ${p.init}${p.weightDecay ? "" : ", λ 0"} (${p.runs} runs)`, color, mark: "points" as const, x: [x.mean], y: [y.mean] },
        { label: "", color, x: [x.mean - x.std, x.mean + x.std], y: [y.mean, y.mean] },
        { label: "", color, x: [x.mean, x.mean], y: [y.mean - y.std, y.mean + y.std] },
      ];
    });
    return [lineFigure({ name: "sq-rho-acc", title: "1/ρ against test accuracy per initialization (Fig. 12)", caption: "Means over runs with ± one standard deviation.", x: { title: "1/ρ" }, y: { title: "test accuracy" }, series })];
  },
  summary({ spec, runs, points: ps }) {
    const wd = ps.filter((p) => p.weightDecay > 0);
    const corr = correlation(wd.map((p) => p.invRho.mean), wd.map((p) => p.testAccuracy.mean));
    const wdRuns = finished(runs).filter((r) => r.weightDecay > 0);
    return {
      shows: "The margin proxy 1/ρ and the test accuracy of the §7 network at the end of training, per initialization, as means over runs with error bars.",
      claim: "Across initializations with weight decay, small differences in the margin 1/ρ are anticorrelated with the test accuracy (the margin bound does not explain them).",
      checks: [
        { claim: "1/ρ and the test accuracy are anticorrelated across inits (weight decay)", closedForm: "Pearson r < 0", measured: `r = ${corr.toFixed(3)} over ${wd.length} inits`, holds: wd.length > 2 && corr < 0 },
        ...(wdRuns.length > 1 ? [{ claim: "with weight decay the final ρ of every run and init lies within 20%", closedForm: "max/min ≤ 1.2", measured: `max/min = ${rhoRatio(wdRuns).toFixed(3)} over ${wdRuns.length} runs`, holds: rhoRatio(wdRuns) <= 1.2 }] : []),
        divergedCheck(runs),
      ],
      numbers: ps.map((p): [string, string] => [`init ${p.init}, λ ${p.weightDecay}`, `1/ρ ${p.invRho.mean.toFixed(4)} ± ${p.invRho.std.toFixed(4)}, test accuracy ${p.testAccuracy.mean.toFixed(4)} ± ${p.testAccuracy.std.toFixed(4)} (${p.runs} runs)`]),
      notes: sqNetNotes(sqGridItems(spec)[0]),
    };
  },
  tables: ({ points: ps }) => ({ "sq-rho-acc": ps.map((p) => ({ init: p.init, weight_decay: p.weightDecay, runs: p.runs, inv_rho_mean: p.invRho.mean, inv_rho_std: p.invRho.std, test_accuracy_mean: p.testAccuracy.mean, test_accuracy_std: p.testAccuracy.std })) }),
});
