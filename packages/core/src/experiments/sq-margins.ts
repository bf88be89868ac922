// sq-margins — seed 001's Figs. 3–5: the §7 network's training margins y·f per initialization, with and without weight
// decay (Fig. 3: with weight decay the mean margins of all inits cluster; without they spread), and the histogram of
// y·f narrowing over the epochs and in the first ones (Figs. 4–5: the margins concentrate, NC1), beside ρ. Its grid
// (seven inits × two weight decays) also decides the issue's "final ρ across inits 0.01 … 10 within 20% with weight
// decay, far more without".
import { Strict, type Static } from "../schema/schema.js";
import { lineFigure, panelFigure } from "../report/figure.js";
import { meanStd } from "./sq-stats.js";
import { defineExperiment } from "./experiment.js";
import { SQ_COLORS, divergedCheck, rhoRatio, SQ_NET_FIELDS, finished, sqGridFields, sqGridItems, sqNetContract, sqNetNotes, sqRunLabel, type SqNetResult } from "./sq-net.js";

export const SqMarginsSpecSchema = Strict({ ...sqGridFields({ inits: [0.01, 0.1, 0.5, 1, 3, 5, 10], weightDecays: [0, 0.01], runs: 1 }), ...SQ_NET_FIELDS });
export type SqMarginsSpec = Static<typeof SqMarginsSpecSchema>;

export interface SqMarginsRuns {
  spec: SqMarginsSpec;
  runs: SqNetResult[];
}

const spread = (r: SqNetResult) => r.marginSpread.at(-1)!;

export const sqMargins = defineExperiment({
  id: "sq-margins",
  title: "Seed 001 Figs. 3–5: the training margins per initialization with and without weight decay, and their histogram narrowing over epochs",
  source: { paper: "seed 001 (Rangamani et al., CBMM Memo 117)", section: "§7, Figs. 3–5" },
  category: "reproduction",
  spec: SqMarginsSpecSchema,
  ...sqNetContract,
  items: (s) => sqGridItems(s),
  assemble: (spec, runs): SqMarginsRuns => ({ spec, runs }),
  figures: ({ runs }) => {
    const ok = finished(runs), wds = [...new Set(ok.map((r) => r.weightDecay))];
    const byInit = (l: number) => ok.filter((r) => r.weightDecay === l && r.run === 0).sort((a, b) => a.init - b.init);
    const hist = (r: SqNetResult) => {
      // epochs 0, 1, 3, 10, 30, the first evaluation past a third of the run, and the last
      const third = r.histograms.find((h) => h.epoch >= r.epochs.at(-1)! / 3);
      const pick = r.histograms.filter((h) => [0, 1, 3, 10, 30].includes(h.epoch) || h === third || h === r.histograms.at(-1));
      return lineFigure({
        name: `sq-margins-hist-${r.weightDecay}`, title: `Histogram of y·f over epochs, ${sqRunLabel(r)}`, caption: "Fraction of the training set per bin (30 bins over each epoch's range).",
        x: { title: "y·f" }, y: { title: "fraction" },
        series: pick.map((h, i) => ({ label: `epoch ${h.epoch}`, color: SQ_COLORS[i % SQ_COLORS.length]!, x: h.counts.map((_, b) => h.lo + ((b + 0.5) * (h.hi - h.lo)) / h.counts.length), y: h.counts.map((c) => c / r.histograms[0]!.counts.reduce((a, v) => a + v, 0)) })),
      });
    };
    const firstInit = (l: number) => byInit(l)[0];
    const perInit = (y: (r: SqNetResult) => number) => wds.flatMap((l, i) => {
      const rs = byInit(l), x = rs.map((r) => r.init), v = rs.map(y), color = SQ_COLORS[i % SQ_COLORS.length]!;
      return [{ label: `λ ${l}`, color, x, y: v }, { label: "", color, mark: "points" as const, x, y: v }];
    });
    return [
      lineFigure({
        name: "sq-margins-mean", title: "Final mean training margin y·f per initialization (Fig. 3)", caption: "Bars of Fig. 3 as points; whiskers are not drawn: one run per point. With weight decay the margins of all inits sit together.",
        x: { title: "initial Frobenius norm", scale: "log" }, y: { title: "mean of y·f" },
        series: perInit((r) => r.marginMean.at(-1)!),
      }),
      lineFigure({
        name: "sq-margins-spread", title: "Final margin spread std(y·f)/mean(y·f) per initialization", caption: "Smaller is more concentrated (NC1 of the outputs).",
        x: { title: "initial Frobenius norm", scale: "log" }, y: { title: "std/mean of y·f", scale: "log" },
        series: perInit(spread),
      }),
      lineFigure({
        name: "sq-margins-rho", title: "Final ρ per initialization", caption: "With weight decay ρ forgets the initialization; without it it does not.",
        x: { title: "initial Frobenius norm", scale: "log" }, y: { title: "ρ", scale: "log" },
        series: perInit((r) => r.rho.at(-1)!),
      }),
      ...(wds.length ? [panelFigure({ name: "sq-margins-hist", title: "The margins' histogram narrowing over epochs (Figs. 4–5), smallest init", caption: "Left to right: each weight decay.", panels: wds.map((l) => hist(firstInit(l)!)) })] : []),
    ];
  },
  summary({ spec, runs }) {
    const ok = finished(runs);
    const wd = ok.filter((r) => r.weightDecay > 0), none = ok.filter((r) => r.weightDecay === 0);
    const pairs = none.map((r0) => [r0, wd.find((r) => r.init === r0.init && r.run === r0.run)] as const).filter(([, w]) => w);
    const meansCv = (rs: SqNetResult[]) => { const s = meanStd(rs.map((r) => r.marginMean.at(-1)!)); return s.std / Math.abs(s.mean); };
    return {
      shows: "The §7 network's training margins at the end of training for every initialization, with and without weight decay, and their histogram over epochs.",
      claim: "With weight decay the margins concentrate (NC1) and their mean does not depend on the initialization; without it they spread across inits; ρ forgets the initialization only with weight decay.",
      checks: [
        ...(wd.length > 1 ? [{ claim: `with weight decay the final ρ across inits ${wd.map((r) => r.init).join(", ")} varies by ≤ 20%`, closedForm: "max/min ≤ 1.2", measured: `max/min = ${rhoRatio(wd).toFixed(3)} (${wd.map((r) => `${r.init}: ${r.rho.at(-1)!.toFixed(4)}`).join(", ")})`, holds: rhoRatio(wd) <= 1.2 }] : []),
        ...(none.length > 1 ? [{ claim: "without weight decay the final ρ varies by far more", closedForm: "max/min more than twice the weight-decay runs'", measured: `max/min = ${rhoRatio(none).toFixed(3)} (${none.map((r) => `${r.init}: ${r.rho.at(-1)!.toFixed(4)}`).join(", ")})`, holds: wd.length > 1 && rhoRatio(none) > 2 * rhoRatio(wd) }] : []),
        ...(wd.length > 1 && none.length > 1 ? [{ claim: "the mean margins of the inits cluster with weight decay and spread without (Fig. 3)", closedForm: "std/mean across inits smaller with weight decay", measured: `${meansCv(wd).toFixed(4)} with, ${meansCv(none).toFixed(4)} without`, holds: meansCv(wd) < meansCv(none) }] : []),
        ...(pairs.length ? [{
          claim: "the final margin spread std(y·f)/mean(y·f) is smaller with weight decay than without, for every init", closedForm: "margins concentrate with weight decay (Figs. 3–5)",
          measured: pairs.map(([r0, w]) => `init ${r0.init}: ${spread(w!).toFixed(3)} with, ${spread(r0).toFixed(3)} without`).join("; "),
          holds: pairs.every(([r0, w]) => spread(w!) < spread(r0)),
        }] : []),
        ...wd.slice(0, 1).map((r) => ({ claim: `the histogram narrows over training (${sqRunLabel(r)})`, closedForm: "spread at the end < spread after epoch 1", measured: `${r.marginSpread[r.epochs.indexOf(1)]?.toFixed(3) ?? "—"} after epoch 1 → ${spread(r).toFixed(3)} after ${r.epochs.at(-1)}`, holds: r.epochs.includes(1) && spread(r) < r.marginSpread[r.epochs.indexOf(1)]! })),
        divergedCheck(runs),
      ],
      numbers: ok.map((r): [string, string] => [sqRunLabel(r), `mean y·f ${r.marginMean.at(-1)!.toFixed(4)}, spread ${spread(r).toFixed(4)}, ρ ${r.rho.at(-1)!.toFixed(4)}, test error ${r.testError.at(-1)!.toFixed(4)}`]),
      notes: sqNetNotes(sqGridItems(spec)[0]),
    };
  },
  tables: ({ runs }) => ({
    "sq-margins": runs.map((r) => ({ init: r.init, weight_decay: r.weightDecay, run: r.run, status: r.status, epochs: r.epochs.at(-1)!, margin_mean: r.marginMean.at(-1)!, margin_spread: r.marginSpread.at(-1)!, rho: r.rho.at(-1)!, rho_eq: r.rhoEq.at(-1)!, test_error: r.testError.at(-1)! })),
    "sq-margins-histograms": runs.flatMap((r) => r.histograms.flatMap((h) => h.counts.map((c, b) => ({ init: r.init, weight_decay: r.weightDecay, run: r.run, epoch: h.epoch, bin_lo: h.lo + (b * (h.hi - h.lo)) / h.counts.length, bin_hi: h.lo + ((b + 1) * (h.hi - h.lo)) / h.counts.length, count: c })))),
  }),
});
