// A sweep's grid: spec paths ("model.depths", "data.r", "dynamics.lr") mapped to lists of values, or to
// linspace/logspace/range generators; expanded into the cartesian product in a fixed order (the first path
// varies slowest), each point applied to a copy of the base spec.
import { Num, Strict, Type, type Static } from "../schema/schema.js";
import { ArgumentError } from "../errors.js";
import { pow } from "../runtime/detmath.js";

const Triple = (description: string) => Type.Array(Num(), { minItems: 3, maxItems: 3, description });
export const GridAxisSchema = Type.Union([
  Type.Array(Type.Unknown(), { minItems: 1, maxItems: 10_000, description: "the values, each a valid value of the field" }),
  Strict({ linspace: Triple("[start, stop, count]: count evenly spaced values, both ends included") }),
  Strict({ logspace: Triple("[a, b, count]: 10^a … 10^b, count values evenly spaced in log10") }),
  Strict({ range: Triple("[start, stop, step]: start, start + step, … while ≤ stop (integers stay integers)") }),
], { description: "a list of values or a generator" });
export type GridAxis = Static<typeof GridAxisSchema>;

/** A spec path: dotted field names and [index] steps. */
export const GRID_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*$/;

export const GridSchema = Type.Record(Type.String(), GridAxisSchema, {
  minProperties: 1,
  description: 'spec paths and their values, e.g. {"model.depths": [[1,1,1],[1,5,10]], "data.r": {"linspace": [0.05, 0.95, 19]}}',
});
export type Grid = Static<typeof GridSchema>;

/** Most points a sweep may have. */
export const MAX_GRID_POINTS = 100_000;

/** The values of one axis. */
export function axisValues(path: string, axis: GridAxis): unknown[] {
  if (Array.isArray(axis)) return axis;
  const at = `grid[${JSON.stringify(path)}]`;
  const gen = axis as { linspace?: number[]; logspace?: number[]; range?: number[] };
  const [a, b, c] = (gen.linspace ?? gen.logspace ?? gen.range)!;
  if (gen.range) {
    if (!(c! > 0)) throw new ArgumentError(`${at}.range[2]`, c, "a step > 0");
    const n = Math.floor((b! - a!) / c! + 1e-9) + 1;
    if (!(n >= 1 && n <= 10_000)) throw new ArgumentError(`${at}.range`, gen.range, "1 to 10000 values (start ≤ stop)");
    const ints = [a, c].every((v) => Number.isInteger(v));
    return Array.from({ length: n }, (_, k) => (ints ? a! + k * c! : +(a! + k * c!).toPrecision(15)));
  }
  const key = gen.linspace ? "linspace" : "logspace";
  if (!Number.isInteger(c) || c! < 1 || c! > 10_000) throw new ArgumentError(`${at}.${key}[2]`, c, "an integer count in [1, 10000]");
  const lin = Array.from({ length: c! }, (_, k) => (c === 1 ? a! : a! + ((b! - a!) * k) / (c! - 1)));
  // round off the last bits of the interpolation so that 0.05 + 0.05·k prints as typed
  return key === "linspace" ? lin.map((v) => +v.toPrecision(15)) : lin.map((v) => +pow(10, v).toPrecision(15));
}

/** Parses "model.depths[2]" into ["model", "depths", 2]. */
export function parsePath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]/g)) out.push(m[1] !== undefined ? m[1] : Number(m[2]));
  return out;
}

/** A copy of `base` with `value` at `path` (intermediate objects are created; arrays must exist). */
export function setPath(base: unknown, path: string, value: unknown): unknown {
  const segs = parsePath(path);
  const root = structuredClone(base) as Record<string | number, unknown>;
  let o = root;
  segs.forEach((s, i) => {
    if (i === segs.length - 1) o[s] = structuredClone(value);
    else {
      if (typeof o[s] !== "object" || o[s] === null) {
        if (typeof segs[i + 1] === "number") throw new ArgumentError(`grid[${JSON.stringify(path)}]`, path, `a path whose array ${segs.slice(0, i + 1).join(".")} exists in the spec`);
        o[s] = {};
      }
      o = o[s] as Record<string | number, unknown>;
    }
  });
  return root;
}

/** Every point of the grid (first path slowest), as {path: value} records. */
export function gridPoints(grid: Grid): Record<string, unknown>[] {
  for (const p of Object.keys(grid)) {
    if (!GRID_PATH.test(p)) throw new ArgumentError(`grid[${JSON.stringify(p)}]`, p, 'a spec path: field names joined by "." with [index] steps, e.g. "model.depths" or "data.mu[0]"');
  }
  const axes = Object.entries(grid).map(([p, a]) => [p, axisValues(p, a)] as const);
  const total = axes.reduce((n, [, v]) => n * v.length, 1);
  if (total > MAX_GRID_POINTS) throw new ArgumentError("grid", `${total} points`, `at most ${MAX_GRID_POINTS} points (the product of the axes' lengths)`);
  const out: Record<string, unknown>[] = [];
  const rec = (k: number, acc: Record<string, unknown>) => {
    if (k === axes.length) return void out.push(acc);
    const [p, vs] = axes[k]!;
    for (const v of vs) rec(k + 1, { ...acc, [p]: v });
  };
  rec(0, {});
  return out;
}
