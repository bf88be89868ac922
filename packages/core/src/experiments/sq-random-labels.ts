// sq-random-labels — seed 001's Figs. 11 and 13: the §7 network trained with weight decay on two digits whose training
// labels are partly random (a fraction r redrawn uniformly, Zhang et al. 2017): 1/ρ (the margin of the normalized
// fit), the test error and ρ over epochs for r = 0 … 100%. The paper: the final ρ grows with r (80 → 120 on CIFAR-10)
// and the margin falls, while the test error rises — consistent with its margin bounds (eqs. 21–22).
import { Ascending, Num, Strict, Type, type Static } from "../schema/schema.js";
import { lineFigure } from "../report/figure.js";
import { defineExperiment } from "./experiment.js";
import { SQ_COLORS, divergedCheck, SQ_NET_FIELDS, checkSqNet, finished, sqGridFields, sqGridItems, sqNetContract, sqNetNotes, sqRunLabel, type SqNetResult } from "./sq-net.js";

export const SqRandomLabelsSpecSchema = Strict({
  ...sqGridFields({ inits: [0.1], weightDecays: [0.01], runs: 1 }),
  fractions: Type.Optional(Ascending(Num({ minimum: 0, maximum: 1 }), { minItems: 2, maxItems: 11, default: [0, 0.2, 0.4, 0.6, 0.8, 1], description: "fractions of random training labels, each in [0, 1]" })),
  ...SQ_NET_FIELDS,
});
export type SqRandomLabelsSpec = Static<typeof SqRandomLabelsSpecSchema>;

const items = (s: SqRandomLabelsSpec) => {
  const { fractions, ...grid } = s;
  return sqGridItems(grid, fractions!);
};
const increasing = (v: number[]) => v.every((x, i) => i === 0 || x > v[i - 1]!);

export const sqRandomLabels = defineExperiment({
  id: "sq-random-labels",
  title: "Seed 001 Figs. 11 and 13: 1/ρ, test error and ρ over epochs for 0–100% random labels (BN conv net, square loss, weight decay)",
  source: { paper: "seed 001 (Rangamani et al., CBMM Memo 117)", section: "App. I, Figs. 11 and 13" },
  category: "reproduction",
  spec: SqRandomLabelsSpecSchema,
  ...sqNetContract,
  check: (s) => checkSqNet(items(s)[0]!),
  items,
  assemble: (spec, runs) => ({ spec, runs }),
  figures: ({ runs }) => {
    const ok = finished(runs).filter((r) => r.run === 0), series = (y: (r: SqNetResult) => number[]) => ok.map((r, i) => ({ label: `${Math.round(100 * r.randomLabels)}% random`, color: SQ_COLORS[i % SQ_COLORS.length]!, x: r.epochs, y: y(r) }));
    return [
      lineFigure({ name: "sq-random-labels-inv-rho", title: "1/ρ over epochs per fraction of random labels (Fig. 11)", caption: "1/ρ is the margin of the normalized fit: it falls as labels get random.", x: { title: "epoch" }, y: { title: "1/ρ", scale: "log" }, series: series((r) => r.rho.map((v) => 1 / v)) }),
      lineFigure({ name: "sq-random-labels-test", title: "Test error over epochs per fraction of random labels (Fig. 11)", caption: "Test labels are clean.", x: { title: "epoch" }, y: { title: "test error" }, series: series((r) => r.testError) }),
      lineFigure({ name: "sq-random-labels-rho", title: "ρ over epochs per fraction of random labels (Fig. 13)", caption: "The paper: the asymptotic ρ grows with the fraction (80 → 120 on CIFAR-10).", x: { title: "epoch" }, y: { title: "ρ", scale: "log" }, series: series((r) => r.rho) }),
      lineFigure({ name: "sq-random-labels-train", title: "Training error over epochs per fraction of random labels", caption: "Against the (partly random) training labels.", x: { title: "epoch" }, y: { title: "training error" }, series: series((r) => r.trainError) }),
    ];
  },
  summary({ spec, runs }) {
    const ok = finished(runs).filter((r) => r.run === 0).sort((a, b) => a.randomLabels - b.randomLabels);
    const rho = ok.map((r) => r.rho.at(-1)!), test = ok.map((r) => r.testError.at(-1)!), train = ok.map((r) => r.trainError.at(-1)!);
    const pct = (r: SqNetResult) => `${Math.round(100 * r.randomLabels)}%`;
    return {
      shows: "The §7 network trained with weight decay on two digits with a growing fraction of random training labels: ρ, 1/ρ and the test error over epochs.",
      claim: "The more random the labels, the larger the final ρ (the smaller the margin 1/ρ) and the larger the test error, while training still fits the labels.",
      checks: [
        { claim: "the final ρ grows with the fraction of random labels", closedForm: "increasing in r", measured: ok.map((r, i) => `${pct(r)}: ${rho[i]!.toFixed(4)}`).join(", "), holds: ok.length > 1 && increasing(rho) },
        { claim: "the test error grows with the fraction of random labels", closedForm: "error at the largest r > at r = 0", measured: ok.map((r, i) => `${pct(r)}: ${test[i]!.toFixed(4)}`).join(", "), holds: ok.length > 1 && test.at(-1)! > test[0]! },
        { claim: "training fits the labels (the paper: perfect classification of the training set)", closedForm: "training error 0 for every r", measured: ok.map((r, i) => `${pct(r)}: ${train[i]!.toFixed(4)}`).join(", "), holds: train.every((e) => e === 0) },
        divergedCheck(runs),
      ],
      numbers: ok.map((r): [string, string] => [`${pct(r)} random labels`, `ρ ${r.rho.at(-1)!.toFixed(4)}, 1/ρ ${(1 / r.rho.at(-1)!).toFixed(4)}, training error ${r.trainError.at(-1)!.toFixed(4)}, test error ${r.testError.at(-1)!.toFixed(4)}`]),
      notes: sqNetNotes(items(spec)[0]) + " Random labels: each training label, with probability r, is redrawn uniformly from both classes (so r = 1 is labels independent of the images; a fraction r/2 of the labels end up wrong). The paper trains a 4-layer ConvNet (init 0.1, weight decay 0.01) on 10 000 CIFAR-10 images; this network is much smaller and may not fit random labels.",
    };
  },
  tables: ({ runs }) => ({ "sq-random-labels": runs.flatMap((r) => r.epochs.map((e, i) => ({ random_labels: r.randomLabels, run: r.run, epoch: e, rho: r.rho[i]!, train_error: r.trainError[i]!, test_error: r.testError[i]!, margin_mean: r.marginMean[i]! }))) }),
});
