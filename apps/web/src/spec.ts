// The page's state as a `marginflow run` spec: plain JSON, the same file the CLI runs (`marginflow run spec.json`
// reproduces the page's run bitwise). The data go in as an inline table of the chosen features, so a CSV, the
// clicked points and the split travel with it; θ0 is the seed's He draw (core's random numbers are the same in every
// JavaScript engine). DOM-free: the browser test builds the same spec in Node.
import { ArgumentError, getExperiment, parseExperimentSpec, type RunSpec } from "@marginflow/core";
import { featureRows, type PageData } from "./data.js";
import type { PageState, Point } from "./state.js";

/** The model's outputs: one for two classes (labels ±1), except with cross-entropy, which takes one per class. */
export function outputsOf(s: PageState, classes: number): number {
  return classes === 2 && s.loss !== "crossEntropy" ? 1 : classes;
}

/** Labels as the model wants them: ±1 for one output, class indices for C outputs (+1 → 1, −1 → 0). */
function labelsFor(points: readonly Point[], outputs: number): number[] {
  return points.map((p) => (outputs === 1 || p[2] >= 0 ? p[2] : 0));
}

/** An inline data spec of points in the state's features. */
export function inlineData(s: PageState, points: readonly Point[], outputs: number): { kind: "inline"; X: number[][]; labels: number[] } {
  return { kind: "inline", X: featureRows(points, s.features), labels: labelsFor(points, outputs) };
}

/** The run spec of a state and its data (unparsed: only what the page sets; core fills in the defaults). */
export function runSpecOf(s: PageState, data: PageData): Record<string, unknown> {
  const outputs = outputsOf(s, data.classes);
  const inputs = s.features.length;
  if (s.activation === "linear" && s.residual) throw new ArgumentError("residual", true, "ReLU layers (residual connections are offered for ReLU networks)");
  if (s.network === "diagonal") {
    if (s.depths.length !== inputs) throw new ArgumentError("depths", s.depths.join(","), `one depth per input feature (${inputs}: ${s.features.join(", ")})`);
    if (outputs !== 1) throw new ArgumentError("network", "diagonal", `two classes and a one-output loss (the diagonal network has one output; this dataset has ${data.classes} classes${s.loss === "crossEntropy" ? " or the loss is cross-entropy" : ""})`);
  }
  const model = s.network === "diagonal"
    ? { kind: "diagonal", depths: s.depths }
    : s.activation === "relu"
    ? { kind: "mlp", inputs, hidden: s.hidden, outputs, bias: s.bias, residual: s.residual, layerNorm: s.layerNorm }
    : { kind: "deepLinear", inputs, hidden: s.hidden, outputs, bias: s.bias, layerNorm: s.layerNorm };
  const stop = s.stopLog10Loss === null ? {} : { stopLog10Loss: s.stopLog10Loss };
  const dynamics = s.dynamics === "flow"
    ? { kind: "flow", log10T: s.log10T, ...(s.weightDecay > 0 ? { weightDecay: s.weightDecay } : {}), ...stop }
    : {
      kind: "descent", lr: s.lr, steps: s.steps, momentum: s.momentum, weightDecay: s.weightDecay,
      batchSize: s.dynamics === "sgd" ? s.batch : null, adaptive: s.adaptive ? "loss" : "none", ...stop,
    };
  return {
    name: `web-${s.dataset}`,
    seed: s.seed,
    model,
    data: inlineData(s, data.train, outputs),
    loss: s.loss === "crossEntropy" ? "logistic" : s.loss,
    // the diagonal network starts from all-ones, as Fig. 4 does (seed 000)
    init: s.network === "diagonal" ? { kind: "constant", value: 1 } : { kind: "he" },
    dynamics,
  };
}

/** The spec validated by core (defaults filled in, cross-field checks run): what the worker receives. */
export function parseRunSpec(spec: unknown): RunSpec {
  return parseExperimentSpec(getExperiment("run"), spec) as RunSpec;
}

/** FNV-1a of a string (hex): the page and Node compare results by it. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}
