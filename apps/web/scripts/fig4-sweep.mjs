// The Fig. 4 page's precomputed sweep, made at build time by core's fig4 experiment at a small size (the same
// items and assembly as `marginflow reproduce fig4 --radii 50 --samples 2000`): dist/fig4-sweep.json.
import { getExperiment, parseExperimentSpec, runtime } from "@marginflow/core";

/** The sweep's spec: 50 radii r = (k + ½)/50 (the page's slider steps), 2000 samples, t = 1e5 and 1e100. */
export const FIG4_PAGE_SPEC = { radii: 50, samples: 2000, seed: 0, horizons: [5, 100] };

/** Runs the sweep in this process; returns the assembled result with its spec and the command that remakes it. */
export async function fig4Sweep(spec = FIG4_PAGE_SPEC) {
  const e = getExperiment("fig4");
  const parsed = parseExperimentSpec(e, spec);
  const rt = await runtime();
  const results = [];
  for (const item of e.items(parsed)) results.push(await e.run(item, { rt }));
  return {
    command: `marginflow reproduce fig4 --radii ${spec.radii} --samples ${spec.samples} --seed ${spec.seed} --horizons ${spec.horizons.join(",")}`,
    spec: parsed,
    result: e.assemble(parsed, results),
  };
}
