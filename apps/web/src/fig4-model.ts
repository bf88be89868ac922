// The Fig. 4 page's model, DOM-free: the precomputed sweep's shape (core's fig4 result, made at build time by
// scripts/fig4-sweep.mjs), the radius chosen (a sweep radius: the slider steps through them), and the `marginflow
// run` spec of the live run — the sweep's quasi-homogeneous network D = (1, 5, 10) on the same samples of the same
// balls, from all-ones, by gradient flow to t = 1e100, with the sweep's tolerances.
import { ArgumentError, FIG4_MODELS, type Fig4Result, type Fig4Spec, type Fig4Sweep } from "@marginflow/core";

export interface Fig4Shipped {
  /** the CLI command that makes the same sweep */
  command: string;
  spec: Fig4Spec;
  result: Fig4Sweep;
}

/** A radius typed or dragged: a number in (0, 1); the page shows the sweep's nearest radius. */
export function parseRadius(raw: string): number {
  const r = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(r) || r <= 0 || r >= 1) throw new ArgumentError("r", raw, "a radius in (0, 1) (the two balls are separable for r < 1)");
  return r;
}

/** The index of the sweep's radius nearest r. */
export function nearestRadius(radii: readonly Fig4Result[], r: number): number {
  let best = 0;
  radii.forEach((x, i) => {
    if (Math.abs(x.r - r) < Math.abs(radii[best]!.r - r)) best = i;
  });
  return best;
}

/** The live run of the quasi-homogeneous model at the sweep's radius `item`: a `marginflow run` spec. */
export function fig4RunSpec(sweep: Fig4Shipped, item: Fig4Result): Record<string, unknown> {
  return {
    name: `fig4-qh-r${item.r}`,
    seed: item.seed,
    model: { kind: "diagonal", depths: [...FIG4_MODELS.qh] },
    data: { kind: "balls", mu: [...sweep.result.mu], r: item.r, n: item.samples },
    loss: "exp",
    init: { kind: "constant", value: 1 },
    dynamics: { kind: "flow", log10T: 100, rtol: item.rtol, atol: item.atol },
  };
}
