// `marginflow sweep SPEC.json`: a run spec plus a grid of spec paths; the cartesian product of runs, with the
// pool, progress, resume, shards, merge and report of any experiment. Every point is validated as a complete run
// spec before anything runs, and an error names the point and the field.
import { Strict, Type, type Static } from "../schema/schema.js";
import { SpecError, parseSpec, withDefaults } from "../schema/validate.js";
import { ArgumentError } from "../errors.js";
import { lineFigure, type Figure, type Series } from "../report/figure.js";
import { defineExperiment, type Check, type Table } from "./experiment.js";
import { GridSchema, gridPoints, setPath, type Grid } from "./grid.js";
import { RunResultSchema, RunSpecSchema, type RunResult, type RunSpec } from "./run-spec.js";
import { checkpointTable, prepareRun, runChecks, runOne } from "./run.js";

/** A run spec's fields (each as in `marginflow schema run`; the grid may supply any of them) and the grid. */
export const SweepSpecSchema = Type.Object({ ...RunSpecSchema.properties, grid: GridSchema }, { additionalProperties: false, description: "a run spec (see `marginflow schema run`) and a grid" });
export type SweepSpec = RunSpec & { grid: Grid };

export interface SweepItem {
  index: number;
  point: Record<string, unknown>;
  spec: RunSpec;
}

export const SweepResultSchema = Strict({ point: Type.Record(Type.String(), Type.Unknown()), run: RunResultSchema });
export type SweepItemResult = Static<typeof SweepResultSchema>;

/** Each grid point applied to the base spec and validated: the items of a sweep. */
export function expandSweep(spec: { grid: Grid } & Record<string, unknown>): SweepItem[] {
  const { grid, ...base } = spec;
  const points = gridPoints(grid);
  const width = String(points.length - 1).length;
  // each point's name is the base name and its index, the base name shortened to keep within the 80 characters
  const name = (typeof base.name === "string" ? base.name : "run").slice(0, 80 - width - 1);
  return points.map((point, index) => {
    let s: unknown = { ...base, name: `${name}-${String(index).padStart(width, "0")}` };
    for (const [path, value] of Object.entries(point)) s = setPath(s, path, value);
    try {
      return { index, point, spec: parseSpec(RunSpecSchema, s) };
    } catch (e) {
      throw pointError(e, index, point);
    }
  });
}

function pointError(e: unknown, index: number, point: Record<string, unknown>): Error {
  if (!(e instanceof ArgumentError)) return e as Error;
  const where = ` (grid point ${index}: ${JSON.stringify(point)})`;
  const err = e instanceof SpecError ? new SpecError("", e.segments, e.value, e.expected) : new ArgumentError(e.argument, undefined, e.expected);
  err.message = e.message + where;
  return err;
}

const fmtValue = (v: unknown) => (typeof v === "number" ? String(v) : JSON.stringify(v));
const e2 = (x: number | null | undefined) => (x === null || x === undefined ? "—" : x.toExponential(2));
const colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

export interface SweepOutcome {
  grid: Grid;
  points: { index: number; values: Record<string, unknown>; stop: string; log10t: number | null; log10Loss: number | null; smoothedMargin: number | null; normalizedMargin: number | null; kktStationarity: number | null; distanceSvm: number | null; distanceAsymmetric: number | null }[];
  runs: RunResult[];
}

/** The final value of an observable against one numeric grid axis, one line per combination of the other axes. */
function axisFigure(out: SweepOutcome, axis: string, key: "smoothedMargin" | "distanceAsymmetric" | "distanceSvm", title: string, short: string, log: boolean): Figure {
  const others = Object.keys(out.grid).filter((p) => p !== axis);
  const groups = new Map<string, SweepOutcome["points"]>();
  for (const p of out.points) {
    const k = others.map((o) => `${o} = ${fmtValue(p.values[o])}`).join(", ");
    groups.set(k, [...(groups.get(k) ?? []), p]);
  }
  const series: Series[] = [...groups].map(([label, ps], i) => ({ label: label || "final value", x: ps.map((p) => p.values[axis] as number), y: ps.map((p) => p[key]), color: colors[i % colors.length]! }));
  series.push(...series.map((s) => ({ ...s, label: "", mark: "points" as const })));
  return lineFigure({ name: `sweep-${key}-${axis.replace(/[^A-Za-z0-9]+/g, "_")}`, title: `${title} at the end of each run, against ${axis}`, caption: "One line per combination of the other grid axes.", x: { title: axis }, y: { title: short, scale: log ? "log" : "linear" }, series });
}

export const sweep = defineExperiment({
  id: "sweep",
  title: "A user's sweep: a run spec over a grid of spec values",
  source: { paper: "marginflow", section: "marginflow sweep SPEC.json" },
  category: "user",
  spec: SweepSpecSchema,
  itemResult: SweepResultSchema,
  parse(input: unknown): SweepSpec {
    if (typeof input !== "object" || input === null || Array.isArray(input)) throw new SpecError("", [], input, "a sweep spec: a run spec with a grid");
    const { grid, ...base } = input as Record<string, unknown>;
    if (grid === undefined) throw new SpecError("", ["grid"], undefined, 'a grid of spec paths and values, e.g. {"data.r": {"linspace": [0.05, 0.95, 19]}} (a spec without one is a run: marginflow run)', "nothing (the field is missing)");
    const g = parseSpec(GridSchema, grid, "grid");
    // the base with its defaults (so that resuming compares complete specs); the grid may supply any field
    const spec = { ...(withDefaults(RunSpecSchema, base) as object), grid: g } as SweepSpec;
    expandSweep(spec); // every point is a valid run spec
    return spec;
  },
  check: (s) => {
    for (const item of expandSweep(s)) {
      try {
        prepareRun(item.spec);
      } catch (e) {
        throw pointError(e, item.index, item.point);
      }
    }
  },
  items: (s) => expandSweep(s),
  label: (item) => Object.entries(item.point).map(([p, v]) => `${p} = ${fmtValue(v)}`).join(", "),
  run: (item, { rt, progress }) => ({ point: item.point, run: runOne(rt, item.spec, progress) }),
  assemble(spec, results): SweepOutcome {
    return {
      grid: spec.grid,
      points: results.map((r, index) => {
        const last = r.run.checkpoints.at(-1);
        return {
          index, values: r.point, stop: r.run.stop, log10t: r.run.log10t, log10Loss: r.run.log10Loss, smoothedMargin: last?.smoothedMargin ?? null, normalizedMargin: last?.normalizedMargin ?? null,
          kktStationarity: last?.kktStationarity ?? null, distanceSvm: last?.distanceSvm ?? null, distanceAsymmetric: last?.distanceAsymmetric ?? null,
        };
      }),
      runs: results.map((r) => r.run),
    };
  },
  figures(out) {
    const numeric = Object.keys(out.grid).filter((p) => out.points.every((q) => typeof q.values[p] === "number"));
    const figs: Figure[] = [];
    for (const axis of numeric.slice(0, 2)) {
      figs.push(axisFigure(out, axis, "smoothedMargin", "The smoothed margin γ̃", "γ̃", false));
      if (out.points.some((p) => p.distanceAsymmetric !== null)) figs.push(axisFigure(out, axis, "distanceAsymmetric", "The distance to the exact asymmetric max-margin solution", "distance to the certificate", true));
      else if (out.points.some((p) => p.distanceSvm !== null)) figs.push(axisFigure(out, axis, "distanceSvm", "The distance to the hard-margin SVM direction", "distance to the certificate", true));
    }
    if (out.runs.length <= 16) {
      figs.push(lineFigure({
        name: "sweep-trajectories",
        title: "Smoothed margin γ̃ over log t, every point of the grid",
        caption: "One line per grid point.",
        x: { title: "log10 t" }, y: { title: "γ̃" },
        series: out.runs.map((r, i) => ({
          label: Object.entries(out.points[i]!.values).map(([p, v]) => `${p} = ${fmtValue(v)}`).join(", "),
          x: r.checkpoints.map((c) => c.log10t ?? NaN), y: r.checkpoints.map((c) => c.smoothedMargin), color: colors[i % colors.length]!, dash: i >= colors.length ? [5, 4] : undefined,
        })),
      }));
    }
    return figs;
  },
  summary(out) {
    const all = out.runs.map(runChecks);
    const checks: Check[] = (all[0] ?? []).slice(0, 3).map((c, k) => {
      const decided = all.map((cs) => cs[k]?.holds).filter((h): h is boolean => typeof h === "boolean");
      const ok = decided.filter(Boolean).length;
      return { claim: c.claim, closedForm: c.closedForm, measured: decided.length ? `holds at ${ok} of ${decided.length} points` : "not decided at any point", holds: decided.length ? ok === decided.length : null };
    });
    const stops = new Map<string, number>();
    for (const p of out.points) stops.set(p.stop, (stops.get(p.stop) ?? 0) + 1);
    return {
      shows: "The final state of every run of the grid, and how the smoothed margin and the distance to the certificates depend on the swept values.",
      claim: "Each point is a run (see `marginflow run`): the claims of Lemma 4.1 and Theorem 4.1 are checked at every point.",
      checks,
      numbers: [
        ["points", `${out.points.length} (${[...stops].map(([s, n]) => `${n} ${s}`).join(", ")})`],
        ...out.points.slice(0, 24).map((p): [string, string] => [
          Object.entries(p.values).map(([k, v]) => `${k} = ${fmtValue(v)}`).join(", "),
          `${p.stop} at log10 t = ${p.log10t?.toFixed(2) ?? "—"}; γ̃ ${e2(p.smoothedMargin)}${p.distanceAsymmetric !== null ? `; distance (asym.) ${e2(p.distanceAsymmetric)}` : p.distanceSvm !== null ? `; distance (SVM) ${e2(p.distanceSvm)}` : ""}`,
        ]),
        ...(out.points.length > 24 ? [["…", `${out.points.length - 24} more points in sweep.csv`] as [string, string]] : []),
      ],
      notes: "",
    };
  },
  tables(out) {
    const cols = (values: Record<string, unknown>) => Object.fromEntries(Object.entries(values).map(([p, v]) => [p, typeof v === "number" || typeof v === "string" || typeof v === "boolean" ? v : JSON.stringify(v)]));
    const sweepRows: Table = out.points.map((p) => ({
      point: p.index, ...cols(p.values), stop: p.stop, log10t: p.log10t, log10_loss: p.log10Loss, gamma_tilde: p.smoothedMargin, gamma: p.normalizedMargin,
      kkt_stationarity: p.kktStationarity, distance_svm: p.distanceSvm, distance_asymmetric: p.distanceAsymmetric,
    }));
    return { sweep: sweepRows, checkpoints: out.runs.flatMap((r, i) => checkpointTable(r, { point: i, ...cols(out.points[i]!.values) })) };
  },
});
