// The registry: the only list of experiments. The CLI's commands, flags and help, the worker Lab and the web
// demo all find experiments here, by id.
import type { Static } from "typebox";
import { ArgumentError } from "../errors.js";
import { parseSpec } from "../schema/validate.js";
import { didYouMean } from "../schema/suggest.js";
import type { AnyExperiment } from "./experiment.js";
import { fig1 } from "./fig1.js";
import { fig2 } from "./fig2.js";
import { fig4 } from "./fig4.js";
import { fig4n } from "./fig4n.js";
import { thm61 } from "./thm61.js";
import { appb } from "./appb.js";
import { ncMnist } from "./nc-mnist.js";
import { ulpmSaddle } from "./ulpm-saddle.js";
import { simplex } from "./simplex.js";
import { ulpmExperiment } from "./ulpm.js";
import { counterexamples } from "./counterexamples.js";
import { sqToy } from "./sq-toy.js";
import { sqDynamics } from "./sq-dynamics.js";
import { sqMargins } from "./sq-margins.js";
import { sqNc } from "./sq-nc.js";
import { sqRandomLabels } from "./sq-random-labels.js";
import { sqRhoAcc } from "./sq-rho-acc.js";
import { sqRuns } from "./sq-runs.js";
import { sqNcMulticlass } from "./sq-nc-multiclass.js";
import { sqFlow } from "./sq-flow.js";
import { run } from "./run.js";
import { sweep } from "./sweep.js";
import { ode } from "./ode.js";
import { probe } from "./probe.js";

/** Every experiment, in the order `marginflow list` and a full reproduction show them. */
export const EXPERIMENTS: readonly AnyExperiment[] = [fig1, fig2, fig4, fig4n, thm61, appb, ncMnist, ulpmExperiment, ulpmSaddle, simplex, counterexamples, sqToy, sqFlow, sqDynamics, sqRuns, sqRhoAcc, sqMargins, sqRandomLabels, sqNc, sqNcMulticlass, run, sweep, ode, probe];

/** The ids of the paper's results (`marginflow reproduce all`). */
export const REPRODUCTIONS: readonly string[] = EXPERIMENTS.filter((e) => e.category === "reproduction").map((e) => e.id);

/** The experiment with this id; an unknown id is an error that suggests the nearest one. */
export function getExperiment(id: string): AnyExperiment {
  const e = EXPERIMENTS.find((x) => x.id === id);
  if (!e) throw new ArgumentError("experiment", id, `one of ${EXPERIMENTS.map((x) => x.id).join(", ")}${didYouMean(String(id), EXPERIMENTS.map((x) => x.id))}`);
  return e;
}

/** Validates a spec for an experiment and fills in its defaults (the experiment's own parse, then its checks). */
export function parseExperimentSpec<E extends AnyExperiment>(e: E, input: unknown): Static<E["spec"]> {
  const spec = (e.parse ? e.parse(input) : parseSpec(e.spec, input)) as Static<E["spec"]>;
  e.check?.(spec);
  return spec;
}
