// An ODE integration as an experiment (a tool: the demos' integrator check). The spec is integrate()'s arguments
// as plain JSON; integrate() itself checks the values (its typed errors reach a web page unchanged).
import { Int, Nullable, Num, Positive, Strict, Type, Enum, type Static } from "../schema/schema.js";
import { integrate, type OdeEvent, type OdeRhs } from "../dynamics/ode.js";
import type { Runtime } from "../runtime/kernels.js";
import { lineFigure } from "../report/figure.js";
import { defineExperiment } from "./experiment.js";

const Direction = Type.Union([Type.Literal(-1), Type.Literal(0), Type.Literal(1)], { description: "+1: rising zero crossings only, −1: falling, 0: both" });
const EventSpec = Type.Union([
  Strict({ kind: Type.Literal("linear"), coefficients: Type.Array(Num()), level: Type.Optional(Num({ description: "g = Σ c_i y_i − level" })), direction: Type.Optional(Direction), terminal: Type.Optional(Type.Boolean()) }),
  Strict({ kind: Type.Literal("time"), at: Num({ description: "g = t − at" }), direction: Type.Optional(Direction), terminal: Type.Optional(Type.Boolean()) }),
]);

export const OdeSpecSchema = Strict({
  rhs: Type.Union([
    Strict({ kind: Type.Literal("linear"), matrix: Type.Array(Num(), { description: "n×n row-major: y' = A·y" }) }),
    Strict({ kind: Type.Literal("logistic"), rate: Num({ description: "y_i' = r·y_i·(1 − y_i)" }) }),
    Strict({ kind: Type.Literal("quadratic") }, { description: "y_i' = y_i²" }),
  ], { description: "a right-hand side built into the kernels" }),
  y0: Type.Array(Num(), { minItems: 1, description: "initial state" }),
  t0: Num({ description: "initial time" }),
  t1: Num({ description: "final time" }),
  options: Strict({
    method: Type.Optional(Enum(["dopri5", "radau5"] as const)),
    rtol: Type.Optional(Positive({ description: "relative tolerance (required unless fixedStep)" })),
    atol: Type.Optional(Positive({ description: "absolute tolerance (required unless fixedStep)" })),
    tOut: Type.Optional(Type.Array(Num(), { description: "dense-output times" })),
    events: Type.Optional(Type.Array(EventSpec)),
    h0: Type.Optional(Positive()),
    hmax: Type.Optional(Positive()),
    maxSteps: Type.Optional(Int(1, 2 ** 31 - 1)),
    maxEventRecords: Type.Optional(Int(0, 10_000_000)),
    fixedStep: Type.Optional(Positive()),
    linearSolver: Type.Optional(Enum(["dense", "krylov"] as const)),
  }, { description: "integrate()'s options (defaults: INTEGRATE_DEFAULTS)" }),
});
export type OdeSpec = Static<typeof OdeSpecSchema>;
export type OdeEventSpec = Static<typeof EventSpec>;

const Stats = Strict({ accepted: Int(0, undefined), rejected: Int(0, undefined), nfev: Int(0, undefined), lastStep: Nullable(Num()), jacobians: Int(0, undefined), nfevJacobian: Int(0, undefined), lu: Int(0, undefined) });
export const OdeResultSchema = Strict({
  kind: Type.Literal("ode"),
  status: Enum(["done", "event", "max-steps", "step-too-small", "nonfinite", "deadline", "interrupted", "chattering"] as const),
  t: Num(),
  y: Type.Array(Nullable(Num())),
  tOut: Type.Array(Num()),
  yOut: Type.Array(Type.Array(Nullable(Num()))),
  events: Type.Array(Strict({ index: Int(0, undefined), t: Num(), y: Type.Array(Nullable(Num())) })),
  stats: Stats,
});
export type OdeResult = Static<typeof OdeResultSchema>;

const orNull = (x: number) => (Number.isFinite(x) ? x : null);

/** Integrates an ODE spec (plain arrays) with integrate(). */
export function runOde(rt: Runtime, spec: OdeSpec): OdeResult {
  const rhs: OdeRhs = spec.rhs?.kind === "linear" ? { kind: "linear", matrix: Float64Array.from(spec.rhs.matrix ?? []) } : (spec.rhs as OdeRhs);
  const events = (spec.options?.events ?? []).map((e) => (e.kind === "linear" ? { ...e, coefficients: Float64Array.from(e.coefficients ?? []) } : e)) as OdeEvent[];
  const sol = integrate(rt, rhs, Float64Array.from(spec.y0 ?? []), spec.t0, spec.t1, { ...spec.options, events } as Parameters<typeof integrate>[5]);
  return {
    kind: "ode",
    status: sol.status as Exclude<typeof sol.status, "stiff">, // integrate() never asks for the stiffness stop
    t: sol.t,
    y: Array.from(sol.y, orNull),
    tOut: [...sol.tOut],
    yOut: sol.yOut.map((v) => Array.from(v, orNull)),
    events: sol.events.map((e) => ({ index: e.index, t: e.t, y: Array.from(e.y, orNull) })),
    stats: { ...sol.stats, lastStep: orNull(sol.stats.lastStep) },
  };
}

export const ode = defineExperiment({
  id: "ode",
  title: "An ODE integrated in WASM (Dormand–Prince 5(4) or Radau IIA(5)) — the integrator check of the demos",
  source: { paper: "marginflow", section: "integrate()" },
  category: "tool",
  spec: OdeSpecSchema,
  itemResult: OdeResultSchema,
  items: (s) => [s],
  label: () => "",
  run: (item, { rt }) => runOde(rt, item),
  assemble: (_spec, [r]) => r!,
  figures: (r) =>
    r.y.length === 0 || r.yOut.length === 0
      ? []
      : [
          lineFigure({
            name: "ode-solution",
            title: "The solution at the dense-output times",
            caption: "Each component y_i against t.",
            x: { title: "t" }, y: { title: "y" },
            series: r.y.map((_, i) => ({ label: `y${i}`, x: r.tOut, y: r.yOut.map((v) => v[i] ?? null), color: ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"][i % 4]! })),
          }),
        ],
  summary: (r) => ({
    shows: "An integration of an ODE with a closed form, by the same WASM integrators that follow gradient flows.",
    claim: "",
    checks: [],
    numbers: [["status", r.status], ["t", String(r.t)], ["f-evaluations", String(r.stats.nfev)], ["steps (accepted, rejected)", `${r.stats.accepted}, ${r.stats.rejected}`]],
    notes: "",
  }),
});

