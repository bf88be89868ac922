// Why a gradient flow stopped, in words: for every stop other than the horizon, what the run saw (a loss plateau on
// data it does not separate, stiffness, chattering at ReLU kinks, the budget running out while kinks were being
// crossed) and what to try; and, at any stop, what the end point means when the Λmax problem is degenerate there
// (the cascade level of Conjecture 5.1).
import type { CascadeLevel } from "../certify/cascade.js";
import type { KinkReport } from "./problem.js";

/** What the notes look at. */
export interface StopFacts {
  status: string;
  phase: "time" | "terminal";
  log10t: number;
  /** checkpoints so far: log10 t and log L */
  trail: { log10t: number; logL: number }[];
  qmin: number;
  logL: number;
  budgetMs: number;
  maxSteps: number;
  /** rejected / accepted steps of the phase that stopped */
  rejected: number;
  accepted: number;
  kinks?: KinkReport;
  stopLogLoss?: number;
}

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));

/** A loss that has not moved over the last decades while the data stay unseparated: the flow converges to a
 *  stationary point (there is no terminal phase to follow). Returns the log10 t since when, or undefined. */
function plateauSince(trail: StopFacts["trail"], qmin: number): number | undefined {
  if (qmin > 0 || trail.length < 3) return undefined;
  const last = trail[trail.length - 1]!;
  let since = last.log10t;
  for (let i = trail.length - 2; i >= 0; i--) {
    const c = trail[i]!;
    if (Math.abs(c.logL - last.logL) > 1e-6 * Math.max(1, Math.abs(last.logL))) break;
    since = c.log10t;
  }
  return last.log10t - since >= 2 ? since : undefined;
}

/** The note of a stop other than the horizon. */
export function stopNote(f: StopFacts): string {
  const at = `at log10 t = ${f3(f.log10t)} (${f.phase === "time" ? "ordinary time" : "terminal-phase clock"})`;
  const plateau = plateauSince(f.trail, f.qmin);
  const saw: string[] = [];
  if (plateau !== undefined) {
    saw.push(`log L has stayed at ${f.logL.toPrecision(6)} since log10 t ≈ ${f3(plateau)} and the data are not separated (q_min = ${f.qmin.toPrecision(3)}): the flow converges to a stationary point of the loss and there is no terminal phase to follow`);
  }
  const k = f.kinks;
  if (k && (k.crossed > 0 || k.slidingEntered > 0)) {
    saw.push(`${k.crossed} ReLU kinks crossed, ${k.slidingEntered} sliding intervals (${k.slidingNow} units sliding now)${k.grazing > 0 ? `, ${k.grazing} grazing switches` : ""}`);
  }
  if (f.accepted > 0 && f.rejected > f.accepted / 2) saw.push(`${f.rejected} rejected steps against ${f.accepted} accepted (stiff or rapidly changing)`);
  const seen = saw.length ? `; it saw ${saw.join("; ")}` : "";
  switch (f.status) {
    case "loss":
      return `stopped ${at}: log L fell below stopLogLoss = ${f.stopLogLoss}`;
    case "budget":
      return `stopped by the wall-clock budget (${(f.budgetMs / 1000).toFixed(1)} s) ${at}${seen}. Try a larger budgetMs${k && k.crossed > 1000 ? " (each kink crossing costs a step: early training of wide networks on many samples crosses thousands)" : ""}${plateau !== undefined ? ", or a horizon near log10 t = " + f3(plateau) + ": nothing changes after it" : ", or looser tolerances"}.`;
    case "max-steps":
      return `stopped by the step budget (${f.maxSteps} steps per phase) ${at}${seen}. Try a larger maxSteps${plateau !== undefined ? `, or a horizon near log10 t = ${f3(plateau)}` : ", or looser tolerances"}.`;
    case "step-too-small":
      return `the step size fell below the resolution of the clock ${at}${seen}. ${plateau !== undefined ? `Stop at log10 t ≈ ${f3(plateau)} (log10T), or integrate in ordinary time (terminal: "off"), where a converged flow takes long steps.` : "The flow is stiffer than the tolerances allow: try looser rtol/atol, or the other terminal-phase method."}`;
    case "chattering":
      return `ReLU units kept switching at one instant without the time advancing ${at}${seen}: a degenerate configuration of kinks the Filippov decision cannot resolve; try a slightly different initialization or data, or gradientDescent for this run.`;
    case "nonfinite":
      return `the state or the field stopped being finite ${at}${seen}: the parameters diverge in finite time, or an activation overflows; try a smaller initialization or a stronger weight decay.`;
    case "plateau": {
      // the last trail point at least a decade back: how much log L still moved since
      const back = [...f.trail].reverse().find((c) => Number.isFinite(c.logL) && c.log10t <= f.log10t - 1);
      const falling = back !== undefined && plateau === undefined
        ? ` log L moved by only ${Math.abs(f.logL - back.logL).toExponential(2)} since log10 t = ${f3(back.log10t)} (${f.logL.toPrecision(6)} now): the flow converges to a stationary point of the loss or leaves it far too slowly to follow — options.plateauSigma = Infinity follows it further, at a growing cost.`
        : "";
      return `stopped ${at}: the data are still not separated (q_min = ${f.qmin.toPrecision(3)}) long after ∫L dt reached 1 (options.plateauSigma)${plateau !== undefined ? `, and log L has stayed at ${f.logL.toPrecision(6)} since log10 t ≈ ${f3(plateau)}: the flow converges to a stationary point of the loss and there is no terminal phase to follow; certify() gives the residual of the end point, and a horizon ≤ ${f3(f.log10t)} avoids this stop.` : falling ? `:${falling}` : "."}`;
    }
    case "interrupted":
      return `interrupted by the progress callback ${at}.`;
    default:
      return `stopped (${f.status}) ${at}${seen}.`;
  }
}

/** The note of an end point at which the Λmax problem is degenerate: the cascade level the flow is at. */
export function cascadeNote(c: CascadeLevel): string {
  return `the Λmax problem is degenerate here (A7 fails: the data stay separated with ${c.zeroedGroups.join(", ")} at 0), so by Conjecture 5.1 the flow is at cascade level ${c.index} (rate ${c.rate}: ${c.objectiveGroups.join(", ")}): its normalized margin q_min/‖θ‖_{ΛI_λ}^{1/λ} is ${c.normalizedMargin.toPrecision(6)} (the λmax-normalized margin grows without bound); certify() gives the KKT residuals of that level's problem`;
}
