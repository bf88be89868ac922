// The worker-facing API: plain data in, plain data out. A Lab runs one spec at a time on its thread's
// Runtime; pool.ts spreads specs over many Labs. Later issues add spec kinds (models, sweeps, reproductions).
import { ArgumentError } from "./errors.js";
import { integrate, type IntegrateOptions, type OdeEvent, type OdeRhs, type OdeSolution } from "./dynamics/ode.js";
import { runtime } from "./runtime/kernels.js";
import { runFig4, runFig4Gap, type Fig4GapResult, type Fig4GapSpec, type Fig4Result, type Fig4Spec } from "./reproduce/fig4.js";
import { runThm61, type Thm61Result, type Thm61Spec } from "./reproduce/thm61.js";
import { runFig1, type Fig1Result, type Fig1Spec } from "./reproduce/fig1.js";

/** Version of the result schema (bumped on any incompatible change). */
export const RESULT_SCHEMA_VERSION = 1;

/** An ODE integration, as JSON-friendly data. */
export interface OdeSpec {
  kind: "ode";
  rhs: { kind: "linear"; matrix: number[] } | { kind: "logistic"; rate: number } | { kind: "quadratic" };
  y0: number[];
  t0: number;
  t1: number;
  options: Omit<IntegrateOptions, "tOut" | "events"> & { tOut?: number[]; events?: OdeEventSpec[] };
}

/** OdeEvent with plain arrays. */
export type OdeEventSpec = ({ kind: "linear"; coefficients: number[]; level?: number } | { kind: "time"; at: number }) & {
  direction?: -1 | 0 | 1;
  terminal?: boolean;
};

export type Spec = OdeSpec | Fig1Spec | Fig4Spec | Fig4GapSpec | Thm61Spec;

export interface OdeResult {
  kind: "ode";
  schema: number;
  status: OdeSolution["status"];
  t: number;
  y: number[];
  tOut: number[];
  yOut: number[][];
  events: { index: number; t: number; y: number[] }[];
  stats: OdeSolution["stats"];
}

export type Result = OdeResult | (Fig4Result & { schema: number }) | (Thm61Result & { schema: number }) | (Fig1Result & { schema: number }) | (Fig4GapResult & { schema: number });

function toRhs(rhs: OdeSpec["rhs"]): OdeRhs {
  if (rhs?.kind === "linear") return { kind: "linear", matrix: Float64Array.from(rhs.matrix ?? []) };
  return rhs as OdeRhs;
}

/** Runs one spec on this thread's runtime. */
export async function runSpec(spec: Spec): Promise<Result> {
  if (typeof spec !== "object" || spec === null) throw new ArgumentError("spec", spec, "an object with a kind");
  switch (spec.kind) {
    case "ode": {
      const rt = await runtime();
      const events = (spec.options?.events ?? []).map((e) =>
        e.kind === "linear" ? { ...e, coefficients: Float64Array.from(e.coefficients ?? []) } : e,
      ) as OdeEvent[];
      const sol = integrate(rt, toRhs(spec.rhs), Float64Array.from(spec.y0 ?? []), spec.t0, spec.t1, {
        ...spec.options,
        events,
      });
      return {
        kind: "ode",
        schema: RESULT_SCHEMA_VERSION,
        status: sol.status,
        t: sol.t,
        y: [...sol.y],
        tOut: [...sol.tOut],
        yOut: sol.yOut.map((v) => [...v]),
        events: sol.events.map((e) => ({ index: e.index, t: e.t, y: [...e.y] })),
        stats: sol.stats,
      };
    }
    case "fig4":
      return { ...runFig4(await runtime(), spec), schema: RESULT_SCHEMA_VERSION };
    case "fig1":
      return { ...runFig1(await runtime(), spec), schema: RESULT_SCHEMA_VERSION };
    case "fig4gap":
      return { ...runFig4Gap(spec), schema: RESULT_SCHEMA_VERSION };
    case "thm61":
      return { ...runThm61(await runtime(), spec), schema: RESULT_SCHEMA_VERSION };
    default:
      throw new ArgumentError("spec.kind", (spec as { kind?: unknown }).kind, '"ode", "fig1", "fig4", "fig4gap" or "thm61"');
  }
}

/** What a worker exposes over comlink. */
export interface Lab {
  run(spec: Spec): Promise<Result>;
  /** Bytes of WASM memory this worker's runtime holds (for leak checks). */
  memoryBytes(): Promise<number>;
}

export function createLab(): Lab {
  return {
    run: runSpec,
    memoryBytes: async () => (await runtime()).memoryBytes,
  };
}
