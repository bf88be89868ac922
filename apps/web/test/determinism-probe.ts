// The same seeded computations, run in Node by browser.test.ts and bundled into the page: every dataset generator,
// the initializations, a short gradient-descent run, a short gradient-flow run with its KKT certificate, and
// detmath on arguments where engines' Math.* disagree. Each result is the hex of its Float64Array's bytes, so
// "equal" means bitwise. mathProbe gives the same arguments to the engine's own Math.* (what used to differ).
import {
  Runtime, Rng, ballSurfaces, certify, compileModel, gaussianClasses, gaussianPair, gradientDescent, gradientFlow, initialize, planeDataset,
} from "@marginflow/core";
import { detmath } from "@marginflow/core/internals";

/** The bytes of the doubles, as hex. */
export function hex(values: ArrayLike<number>): string {
  const a = Float64Array.from(values);
  return Array.from(new Uint8Array(a.buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Every number of a result, depth first in key order (typed arrays included; strings and booleans skipped). */
function numbersOf(v: unknown, out: number[] = []): number[] {
  if (typeof v === "number") out.push(v);
  else if (ArrayBuffer.isView(v)) out.push(...(v as unknown as ArrayLike<number>) as unknown as number[]);
  else if (Array.isArray(v)) v.forEach((x) => numbersOf(x, out));
  else if (typeof v === "object" && v !== null) Object.values(v).forEach((x) => numbersOf(x, out));
  return out;
}

/** Arguments of the elementary functions: Box–Muller's angles, logs of uniforms, a grid through 2.5 (where Chromium
 *  156's Math.sin and Node 20's differ), steps scaled by e^{log L}. */
const ARGS = Array.from({ length: 4000 }, (_, i) => (i === 0 ? 2.5 : ((i * 0.6180339887498949) % 1) * 2 * Math.PI));
const POS = ARGS.map((x) => x / 3 + 1e-3);

type Fns = Record<"exp" | "expm1" | "log" | "log1p" | "log10" | "sin" | "cos" | "atan" | "hypot", (x: number, y?: number) => number> & { pow: (x: number, y: number) => number; atan2: (y: number, x: number) => number };
function elementary(f: Fns): Record<string, string> {
  return {
    exp: hex(ARGS.map((x) => f.exp(-3 * x))), expm1: hex(ARGS.map((x) => f.expm1(x - 3))), log: hex(POS.map((x) => f.log(x))),
    log1p: hex(ARGS.map((x) => f.log1p(x - 0.9))), log10: hex(POS.map((x) => f.log10(x * 1e7))), sin: hex(ARGS.map((x) => f.sin(x))),
    cos: hex(ARGS.map((x) => f.cos(x))), atan: hex(ARGS.map((x) => f.atan(x - 3))), atan2: hex(ARGS.map((x) => f.atan2(x - 3, 1.5 - x / 2))),
    pow: hex(POS.map((x) => f.pow(x, 1.7 - x))), hypot: hex(ARGS.map((x) => f.hypot(x, 1 / x))),
  };
}

/** The engine's Math.* on the probe's arguments (compared between Node and the page only to say what differs). */
export function mathProbe(): Record<string, string> {
  return elementary(Math as unknown as Fns);
}

/** Every seeded computation of the probe, as hex. */
export async function determinismProbe(): Promise<Record<string, string>> {
  const rt = await Runtime.create();
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(elementary(detmath as unknown as Fns))) out[`detmath.${k}`] = v;
  out["Rng.fillNormal (seed 7, 4096)"] = hex(Rng.fromSeed(7).fillNormal(new Float64Array(4096)));
  out["Rng.split(3).fillNormal"] = hex(Rng.fromSeed(11).split(3).fillNormal(new Float64Array(1000), 2, 0.5));
  const pair = gaussianPair({ mu: [Math.SQRT1_2, Math.SQRT1_2], sigma: 0.25, n: 200, seed: 0 });
  const sets = {
    gaussianPair: pair,
    ballSurfaces: ballSurfaces({ mu: [0.8660254037844386, 0.5], r: 0.75, n: 200, seed: 1 }),
    gaussianClasses: gaussianClasses({ classes: 4, dim: 3, perClass: 30, sigma: 0.3, seed: 2 }),
    circle: planeDataset({ shape: "circle", n: 200, noise: 0.1, seed: 3 }),
    spiral: planeDataset({ shape: "spiral", n: 200, noise: 0.1, seed: 4 }),
    xor: planeDataset({ shape: "xor", n: 200, noise: 0.1, seed: 5 }),
  };
  for (const [name, d] of Object.entries(sets)) out[`dataset ${name}`] = hex([...d.X.data, ...d.labels]);
  const model = compileModel({ kind: "mlp", inputs: 2, hidden: [8, 8], outputs: 1, bias: true });
  for (const kind of ["normal", "he", "glorot", "frobenius"] as const) out[`initialize ${kind}`] = hex(initialize(model, { kind, seed: 5, scale: 0.7 }));
  const theta0 = initialize(model, { kind: "he", seed: 0 });
  const gd = gradientDescent(rt, model, pair, "exp", theta0, { lr: 0.5, steps: 500, momentum: 0.5, checkpoints: [0, 10, 100, 500] });
  out["gradientDescent θ"] = hex(gd.theta);
  out["gradientDescent (every number)"] = hex(numbersOf({ ...gd, theta: [] }));
  const flow = gradientFlow(rt, model, pair, "exp", theta0, { rtol: 1e-8, atol: 1e-10, log10T: 30, checkpoints: [0, 1, 2, 5, 10, 30] });
  out["gradientFlow θ"] = hex(flow.theta);
  out["gradientFlow (every number)"] = hex(numbersOf(flow));
  out["certify (KKT residuals)"] = hex(numbersOf(certify(rt, model, pair, flow.theta)));
  return out;
}
