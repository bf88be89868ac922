// The contract every experiment meets — a reproduction of a paper's result or a user's own spec. A spec (JSON,
// validated by the experiment's schema, every default written there) becomes a deterministic list of items;
// each item runs anywhere (a worker, a browser tab: plain data in, plain data out, validated by its result
// schema); the results assemble into one result, which gives figures (Vega-Lite descriptions), a summary (the
// claims checked, the key numbers) and tables (rows for CSV/JSONL). experiments/index.ts is the only list.
import type { Static, TSchema } from "typebox";
import type { Runtime } from "../runtime/kernels.js";
import type { Figure } from "../report/figure.js";
import type { SimplexView } from "../collapse/simplex-view.js";

/** Version of the result format: every result.json, and every item result of the seed-000 experiments, carries it
 *  (stored items of another version are not reused). Bumped on any incompatible change. */
export const RESULT_SCHEMA_VERSION = 1;

/** Where a result comes from: the paper, its section and figure (or "marginflow" for tools and user specs). */
export interface ExperimentSource {
  paper: string;
  section?: string;
  figure?: string;
}

/** How far a running item has got, for a progress bar: a short text, and the fraction done when it is known. */
export interface ItemProgress {
  text: string;
  /** in [0, 1] */
  fraction?: number;
  /** where a trajectory is (a `run` item): what a live view draws — plain data, so it crosses a worker boundary */
  state?: TrajectoryState;
  /** where neural collapse is (a live host's `ulpm` or `nc-mnist` item): plain data, like `state` */
  collapse?: CollapseFrame;
}

/** A point of a run followed for neural collapse: its clock, loss, metrics and the simplex view of its features. */
export interface CollapseFrame {
  /** the run's phase: "gd", "flow" (ulpm); "sgd", "continuation" (nc-mnist) */
  phase: string;
  log10t: number | null;
  log10Loss: number | null;
  /** training accuracy (null where not measured) */
  accuracy: number | null;
  /** the experiment's NC metrics at this point (its result's metric names) */
  metrics: Record<string, number | null>;
  /** null for K = 2 (no simplex plane to draw) */
  view: SimplexView | null;
}

/** A point of a running trajectory: its clock, its loss (log domain) and its parameters. */
export interface TrajectoryState {
  log10t: number | null;
  log10Loss: number | null;
  /** descent: the step; flow: null */
  step: number | null;
  /** flow: "time" or "terminal" (the terminal-phase clock); descent: null */
  phase: "time" | "terminal" | null;
  theta: number[];
}

/** What run(item) may use: the thread's runtime, and where to report progress (long items only; may be absent). */
export interface RunContext {
  rt: Runtime;
  progress?: (p: ItemProgress) => void;
  /** milliseconds between progress reports, when the host wants them more (or less) often than the item's default */
  progressMs?: number;
  /** the host draws this item live (a page): items that can report their state as they go (CollapseFrame) do so
   *  with their progress. Default false: no live state is computed. */
  live?: boolean;
}

/** One claim of the paper, checked: the claim, the closed form it predicts, what was measured, whether it holds. */
export interface Check {
  claim: string;
  closedForm: string;
  measured: string;
  /** null: nothing to decide (an illustration) */
  holds: boolean | null;
}

/** What a report section and the CLI show of a result. */
export interface Summary {
  /** what the figures show, in a sentence or two */
  shows: string;
  /** what the paper claims */
  claim: string;
  checks: Check[];
  /** the key numbers: label, value */
  numbers: [string, string][];
  /** choices made where the paper is silent, errata */
  notes: string;
}

/** Rows for CSV and JSONL files: one object per row, the same keys in every row; null where not computed. */
export type Table = Record<string, number | string | boolean | null>[];

export interface Experiment<S extends TSchema = TSchema, Item = unknown, R extends TSchema = TSchema, Res = unknown> {
  /** the command-line name, e.g. "fig4" */
  id: string;
  title: string;
  source: ExperimentSource;
  /** "reproduction": a result of a paper (`marginflow reproduce`); "user": run from a spec file; "tool": a check */
  category: "reproduction" | "user" | "tool";
  /** The spec's JSON Schema: fields, meaning and unit (description), default, range. */
  spec: S;
  /** The JSON Schema of one item's result: results are validated against it when they come back from a worker
   *  and whenever they are read from disk. */
  itemResult: R;
  /** Validates a spec and fills in its defaults (default: the `spec` schema's own parse; a sweep validates
   *  each grid point as a run spec instead). Throws SpecError naming the JSON path. */
  parse?(input: unknown): Static<S>;
  /** Cross-field checks a schema cannot express (run before any work starts); throws an ArgumentError. */
  check?(spec: Static<S>): void;
  /** The work list (deterministic: the same spec gives the same items in the same order). */
  items(spec: Static<S>): Item[];
  /** A key naming the computation of an item across experiments: two items with the same key (of this or another
   *  experiment) give the same result (the same pure function of the same input, the same result schema), so a
   *  runner may compute it once (the CLI keeps them in DIR/.shared/). Absent: items are never shared. */
  shareKey?(item: Item): string;
  /** A short label of an item for progress lines, e.g. "r = 0.1250". */
  label?(item: Item): string;
  /** Runs one item: pure and worker-safe (a Promise for items that load a solver first, e.g. HiGHS). */
  run(item: Item, ctx: RunContext): Static<R> | Promise<Static<R>>;
  /** The result of a whole spec from its items' results (in item order). */
  assemble(spec: Static<S>, results: Static<R>[]): Res;
  figures(result: Res): Figure[];
  summary(result: Res): Summary;
  /** Named tables of the result (written as NAME.csv and NAME.jsonl). */
  tables?(result: Res): Record<string, Table>;
}

/** Types an experiment object (an identity function: it only lets TypeScript infer the generics). */
export function defineExperiment<S extends TSchema, Item, R extends TSchema, Res>(e: Experiment<S, Item, R, Res>): Experiment<S, Item, R, Res> {
  return e;
}

/** Any experiment, as the registry holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyExperiment = Experiment<TSchema, any, TSchema, any>;
