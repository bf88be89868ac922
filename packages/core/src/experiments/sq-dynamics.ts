// sq-dynamics — seed 001's Fig. 2: ρ, the training loss and the test error over epochs of the §7 network (sq-net.ts)
// trained from a small and a large Frobenius initialization, with and without weight decay; and eq. 11 checked on the
// trained network: at the end of a weight-decay run the measured ρ equals ρ_eq = μ/(M + λ) of its measured margins.
import { Strict, type Static } from "../schema/schema.js";
import { lineFigure } from "../report/figure.js";
import { defineExperiment } from "./experiment.js";
import { SQ_COLORS, divergedCheck, rhoRatio, SQ_NET_FIELDS, finished, sqGridFields, sqGridItems, sqNetContract, sqNetNotes, sqRunLabel, type SqNetResult } from "./sq-net.js";

export const SqDynamicsSpecSchema = Strict({ ...sqGridFields({ inits: [0.01, 5], weightDecays: [0, 0.01], runs: 1 }), ...SQ_NET_FIELDS });
export type SqDynamicsSpec = Static<typeof SqDynamicsSpecSchema>;

export interface SqDynamicsRuns {
  spec: SqDynamicsSpec;
  runs: SqNetResult[];
}

/** The fraction of the epochs at the end over which eq. 11 is checked: SGD's stationarity holds on average, and the
 *  margins measured at one evaluation scatter with the batch-norm running statistics (±5% in ρ_eq between
 *  neighbouring evaluations at 1000 epochs), while ρ itself moves by < 1% over this tail. */
export const TAIL = 0.2;

/** ρ and ρ_eq = mean μ/(mean M + λ) over the evaluations in the last TAIL of a run's epochs. */
export function tailEq(r: SqNetResult): { rho: number; rhoEq: number } {
  const from = r.epochs.at(-1)! * (1 - TAIL), at = r.epochs.map((e, i) => (e >= from ? i : -1)).filter((i) => i >= 0);
  const mean = (v: number[]) => at.reduce((a, i) => a + v[i]!, 0) / at.length;
  return { rho: mean(r.rho), rhoEq: mean(r.mu) / (mean(r.M) + r.weightDecay) };
}

export const sqDynamics = defineExperiment({
  id: "sq-dynamics",
  title: "Seed 001 Fig. 2: ρ, training loss and test error over epochs — a BN conv net, square loss, SGD, with and without weight decay; ρ against ρ_eq = μ/(M + λ)",
  source: { paper: "seed 001 (Rangamani et al., CBMM Memo 117)", section: "§7, Fig. 2; eq. 11" },
  category: "reproduction",
  spec: SqDynamicsSpecSchema,
  ...sqNetContract,
  items: (s) => sqGridItems(s),
  assemble: (spec, runs): SqDynamicsRuns => ({ spec, runs }),
  figures: ({ runs }) => {
    const ok = finished(runs), series = (y: (r: SqNetResult) => number[]) => ok.map((r, i) => ({ label: sqRunLabel(r), color: SQ_COLORS[i % SQ_COLORS.length]!, x: r.epochs, y: y(r) }));
    return [
      lineFigure({ name: "sq-dynamics-rho", title: "ρ = ‖W_L‖_F over epochs (the BN layers are scale-invariant)", caption: "With weight decay ρ goes to the same value from either initialization; without it ρ keeps its history. Dashed: ρ_eq = μ/(M + λ) of the measured margins.", x: { title: "epoch" }, y: { title: "ρ", scale: "log" },
        series: [...series((r) => r.rho), ...ok.filter((r) => r.weightDecay > 0).map((r) => ({ label: `ρ_eq, ${sqRunLabel(r)}`, color: "#555555", dash: [4, 3], x: r.epochs.slice(1), y: r.rhoEq.slice(1) }))] }),
      lineFigure({ name: "sq-dynamics-loss", title: "Training loss (mean of ½(f − y)²) over epochs", caption: "Two MNIST digits stand in for the paper's two CIFAR-10 classes.", x: { title: "epoch" }, y: { title: "training loss", scale: "log" }, series: series((r) => r.trainLoss) }),
      lineFigure({ name: "sq-dynamics-test", title: "Test error over epochs", caption: "Held-out images of the same two digits.", x: { title: "epoch" }, y: { title: "test error" }, series: series((r) => r.testError) }),
    ];
  },
  summary({ spec, runs }) {
    const ok = finished(runs);
    const byWd = new Map<number, SqNetResult[]>();
    for (const r of ok) byWd.set(r.weightDecay, [...(byWd.get(r.weightDecay) ?? []), r]);
    const wd = [...byWd.entries()].filter(([l]) => l > 0), none = byWd.get(0);
    const eqErr = (r: SqNetResult) => { const t = tailEq(r); return Math.abs(t.rho - t.rhoEq) / t.rhoEq; };
    const wdRuns = ok.filter((r) => r.weightDecay > 0);
    return {
      shows: "Seed 001's Fig. 2 on two MNIST digits: the scale ρ, the training loss and the test error of a batch-normalized conv net trained with the square loss, from a small and a large initialization, with and without weight decay.",
      claim: "With weight decay the final ρ and loss do not depend on the initialization, and ρ sits at the fixed point ρ_eq = μ/(M + λ) of eq. 11; without it ρ grows from a small initialization and stays large from a large one.",
      checks: [
        ...wd.map(([l, rs]) => ({ claim: `with weight decay ${l}, the final ρ across inits varies by ≤ 20% (after ${rs[0]!.epochs.at(-1)} epochs)`, closedForm: "max/min ≤ 1.2", measured: `max/min = ${rhoRatio(rs).toFixed(3)} (${rs.map((r) => `init ${r.init}: ${r.rho.at(-1)!.toFixed(4)}`).join(", ")})`, holds: rs.length > 1 && rhoRatio(rs) <= 1.2 })),
        ...(none && none.length > 1 ? [{ claim: "without weight decay the final ρ depends on the initialization", closedForm: "max/min more than twice the weight-decay runs'", measured: `max/min = ${rhoRatio(none).toFixed(3)}`, holds: wd.every(([, rs]) => rhoRatio(none) > 2 * rhoRatio(rs)) }] : []),
        ...(wdRuns.length ? [{
          claim: `at the end of a weight-decay run ρ equals ρ_eq = μ/(M + λ) from the measured margins within 2% (eq. 11; μ, M and ρ averaged over the evaluations of the last ${100 * TAIL}% of the epochs)`, closedForm: "|ρ − ρ_eq|/ρ_eq ≤ 0.02",
          measured: wdRuns.map((r) => `${sqRunLabel(r)}: ρ ${tailEq(r).rho.toFixed(4)}, ρ_eq ${tailEq(r).rhoEq.toFixed(4)} (${(100 * eqErr(r)).toFixed(2)}%)`).join("; "),
          holds: wdRuns.every((r) => eqErr(r) <= 0.02),
        }] : []),
        divergedCheck(runs),
      ],
      numbers: ok.map((r): [string, string] => [sqRunLabel(r), `ρ ${r.rho[0]!.toFixed(4)} → ${r.rho.at(-1)!.toFixed(4)} (ρ_eq ${r.rhoEq.at(-1)!.toFixed(4)}), training loss ${r.trainLoss.at(-1)!.toExponential(2)}, test error ${r.testError.at(-1)!.toFixed(4)} after ${r.epochs.at(-1)} epochs`]),
      notes: sqNetNotes(sqGridItems(spec)[0]),
    };
  },
  tables: ({ runs }) => ({ "sq-dynamics": runs.flatMap((r) => r.epochs.map((e, i) => ({ init: r.init, weight_decay: r.weightDecay, run: r.run, epoch: e, rho: r.rho[i]!, rho_eq: r.rhoEq[i]!, margin_mean: r.marginMean[i]!, margin_spread: r.marginSpread[i]!, train_loss: r.trainLoss[i]!, test_error: r.testError[i]! }))) }),
});
