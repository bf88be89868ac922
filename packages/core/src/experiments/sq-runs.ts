// sq-runs — seed 001's Figs. 14–17: ρ over several runs per initialization, with weight decay (Fig. 14: the final ρ
// forgets the initialization) and without (Fig. 15: unstable across inits, and across runs from a large init), over
// the first epochs and the whole run; and the final training and test accuracy as mean ± std over runs (Figs. 16–17:
// the small init with weight decay has the best mean test accuracy, 93.71% on CIFAR-10).
import { Strict, type Static } from "../schema/schema.js";
import { lineFigure, panelFigure, type Series } from "../report/figure.js";
import { defineExperiment } from "./experiment.js";
import { SQ_COLORS, divergedCheck, rhoRatio, SQ_NET_FIELDS, finished, sqGridFields, sqGridItems, sqNetContract, sqNetNotes, sqRunLabel, type SqNetResult } from "./sq-net.js";
import { groupBy, meanStd } from "./sq-stats.js";

export const SqRunsSpecSchema = Strict({ ...sqGridFields({ inits: [0.01, 1, 5], weightDecays: [0, 0.01], runs: 2 }), ...SQ_NET_FIELDS });
export type SqRunsSpec = Static<typeof SqRunsSpecSchema>;

interface Setting {
  init: number;
  weightDecay: number;
  runs: SqNetResult[];
  rho: { mean: number; std: number };
  train: { mean: number; std: number };
  test: { mean: number; std: number };
}

const settings = (runs: SqNetResult[]): Setting[] =>
  groupBy(finished(runs), (r) => `${r.weightDecay} ${r.init}`).map(([, rs]) => ({
    init: rs[0]!.init, weightDecay: rs[0]!.weightDecay, runs: rs,
    rho: meanStd(rs.map((r) => r.rho.at(-1)!)), train: meanStd(rs.map((r) => 1 - r.trainError.at(-1)!)), test: meanStd(rs.map((r) => 1 - r.testError.at(-1)!)),
  }));
const cv = (s: Setting) => s.rho.std / s.rho.mean;

export const sqRuns = defineExperiment({
  id: "sq-runs",
  title: "Seed 001 Figs. 14–17: ρ over several runs per initialization with and without weight decay, and training/test accuracy mean ± std",
  source: { paper: "seed 001 (Rangamani et al., CBMM Memo 117)", section: "App. I, Figs. 14–17" },
  category: "reproduction",
  spec: SqRunsSpecSchema,
  ...sqNetContract,
  items: (s) => sqGridItems(s),
  assemble: (spec, runs) => ({ spec, runs, settings: settings(runs) }),
  figures: ({ settings: ss }) => {
    const inits = [...new Set(ss.map((s) => s.init))].sort((a, b) => a - b);
    const rhoPanel = (l: number, upTo: number | null) => lineFigure({
      name: `sq-runs-rho-${l}-${upTo ?? "all"}`, title: `λ ${l}: ${upTo ? `the first ${upTo} epochs` : "the whole run"}`, caption: "One line per run; colour by init.",
      x: { title: "epoch" }, y: { title: "ρ", scale: "log" },
      series: ss.filter((s) => s.weightDecay === l).flatMap((s) => s.runs.map((r, k): Series => {
        const keep = r.epochs.map((e) => upTo === null || e <= upTo);
        return { label: k === 0 ? `init ${s.init}` : "", color: SQ_COLORS[inits.indexOf(s.init) % SQ_COLORS.length]!, x: r.epochs.filter((_, i) => keep[i]), y: r.rho.filter((_, i) => keep[i]) };
      })),
    });
    const wds = [...new Set(ss.map((s) => s.weightDecay))];
    const accuracy = (which: "train" | "test") => lineFigure({
      name: `sq-runs-${which}`, title: `Final ${which === "train" ? "training" : "test"} accuracy per init, mean ± std over runs (Figs. 16–17)`, caption: "Dots: means; whiskers: ± one standard deviation.",
      x: { title: "initial Frobenius norm", scale: "log" }, y: { title: `${which} accuracy` },
      series: wds.flatMap((l, i) => {
        const rs = ss.filter((s) => s.weightDecay === l).sort((a, b) => a.init - b.init), color = SQ_COLORS[i % SQ_COLORS.length]!;
        return [
          { label: `λ ${l}`, color, mark: "points" as const, x: rs.map((s) => s.init), y: rs.map((s) => s[which].mean) },
          ...rs.map((s): Series => ({ label: "", color, x: [s.init, s.init], y: [s[which].mean - s[which].std, s[which].mean + s[which].std] })),
        ];
      }),
    });
    return [
      ...wds.map((l) => panelFigure({ name: `sq-runs-rho-${l}`, title: `ρ over runs and inits, λ ${l} (Fig. ${l > 0 ? 14 : 15})`, caption: "The first 30 epochs and the whole run.", panels: [rhoPanel(l, 30), rhoPanel(l, null)] })),
      accuracy("train"), accuracy("test"),
    ];
  },
  summary({ spec, runs, settings: ss }) {
    const wdRuns = finished(runs).filter((r) => r.weightDecay > 0), noneRuns = finished(runs).filter((r) => r.weightDecay === 0);
    const big = Math.max(...ss.map((s) => s.init));
    const atBig = (wd: boolean) => ss.find((s) => s.init === big && (s.weightDecay > 0) === wd);
    const best = [...ss].sort((a, b) => b.test.mean - a.test.mean)[0];
    const small = Math.min(...ss.map((s) => s.init));
    return {
      shows: "ρ of several runs of the §7 network per initialization, with and without weight decay, and the final accuracies as mean ± std over runs.",
      claim: "With weight decay the final ρ is the same for every init and run; without it ρ depends on the init and, from a large init, varies across runs; the small init with weight decay has the best mean test accuracy.",
      checks: [
        ...(wdRuns.length > 1 ? [{ claim: "with weight decay the final ρ of every run and init lies within 20%", closedForm: "max/min ≤ 1.2", measured: `max/min = ${rhoRatio(wdRuns).toFixed(3)} over ${wdRuns.length} runs`, holds: rhoRatio(wdRuns) <= 1.2 }] : []),
        ...(noneRuns.length > 1 && wdRuns.length > 1 ? [{ claim: "without weight decay the final ρ varies by far more", closedForm: "max/min more than twice the weight-decay runs'", measured: `max/min = ${rhoRatio(noneRuns).toFixed(3)} over ${noneRuns.length} runs`, holds: rhoRatio(noneRuns) > 2 * rhoRatio(wdRuns) }] : []),
        ...(atBig(true) && atBig(false) && atBig(true)!.runs.length > 1 ? [{ claim: `from the largest init (${big}) the runs' final ρ varies more without weight decay than with it`, closedForm: "std/mean over runs larger without", measured: `${cv(atBig(false)!).toFixed(4)} without, ${cv(atBig(true)!).toFixed(4)} with`, holds: cv(atBig(false)!) > cv(atBig(true)!) }] : []),
        ...(best ? [{ claim: `the smallest init (${small}) with weight decay has the best mean test accuracy (the paper: 93.71%)`, closedForm: "argmax over settings", measured: `best: init ${best.init}, λ ${best.weightDecay} (${(100 * best.test.mean).toFixed(2)}%)`, holds: best.init === small && best.weightDecay > 0 }] : []),
        divergedCheck(runs),
      ],
      numbers: ss.map((s): [string, string] => [`init ${s.init}, λ ${s.weightDecay}`, `ρ ${s.rho.mean.toFixed(4)} ± ${s.rho.std.toFixed(4)}, training accuracy ${(100 * s.train.mean).toFixed(2)} ± ${(100 * s.train.std).toFixed(2)}%, test ${(100 * s.test.mean).toFixed(2)} ± ${(100 * s.test.std).toFixed(2)}% (${s.runs.length} runs)`]),
      notes: sqNetNotes(sqGridItems(spec)[0]),
    };
  },
  tables: ({ settings: ss }) => ({ "sq-runs": ss.flatMap((s) => s.runs.map((r) => ({ init: r.init, weight_decay: r.weightDecay, run: r.run, rho: r.rho.at(-1)!, train_accuracy: 1 - r.trainError.at(-1)!, test_accuracy: 1 - r.testError.at(-1)! }))) }),
});
