// Flags generated from the registry: every top-level field of an experiment's spec schema is a flag
// (`samples` → --samples, `perClass` → --per-class) whose value is parsed by the field's type, then the whole spec
// is validated by the schema — so ranges, defaults and descriptions are the schema's, written once. Also the
// command-line plumbing shared by every command: the common options and their checks.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { ArgumentError, describeSchema, didYouMean, nearest, type AnyExperiment, SpecError } from "@marginflow/core";
import { UsageError } from "./errors.js";

export type Values = Record<string, string | boolean | undefined>;

type Schema = Record<string, unknown>;

export const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The spec fields of an experiment that are flags: name, schema (Optional unwrapped), default. */
export function specFlags(e: AnyExperiment): { field: string; flag: string; schema: Schema; required: boolean }[] {
  const props = ((e.spec as Schema).properties ?? {}) as Record<string, Schema>;
  const required = new Set(((e.spec as Schema).required as string[] | undefined) ?? []);
  return Object.entries(props).map(([field, schema]) => ({ field, flag: kebab(field), schema, required: required.has(field) }));
}

const typeOf = (s: Schema): string => {
  if (Array.isArray(s.anyOf)) {
    const t = [...new Set((s.anyOf as Schema[]).map(typeOf).filter((x) => x !== "null"))]; // a union of string literals is a string
    return t.length === 1 ? t[0]! : "json";
  }
  if (s.type === "array") {
    const it = typeOf((s.items ?? {}) as Schema);
    return it === "integer" || it === "number" ? `${it}[]` : "json";
  }
  return typeof s.type === "string" ? s.type : "json";
};

/** The placeholder shown in help: N, X, LIST, JSON, STRING. */
export function metavar(s: Schema): string {
  const t = typeOf(s);
  return t === "integer" ? "N" : t === "number" ? "X" : t === "integer[]" ? "LIST" : t === "number[]" ? "LIST" : t === "boolean" ? "BOOL" : t === "string" ? "STRING" : "JSON";
}

/** Parses one flag's text by its field's type (the schema checks the value afterwards). */
export function parseFlagValue(flag: string, s: Schema, text: string): unknown {
  const t = typeOf(s);
  const nullable = Array.isArray(s.anyOf) && (s.anyOf as Schema[]).some((b) => b.type === "null");
  if (nullable && text === "null") return null;
  const bad = (what: string) => new UsageError(`--${flag}: expected ${what}, got ${JSON.stringify(text)}`);
  const number = (x: string) => {
    const v = x.trim() === "" ? NaN : Number(x);
    if (!Number.isFinite(v)) throw bad(describeSchema(s));
    return v;
  };
  switch (t) {
    case "integer":
    case "number":
      return number(text);
    case "integer[]":
    case "number[]": {
      if (text.trim() === "") throw bad(describeSchema(s) + " (comma-separated, e.g. 5,100)");
      return text.split(",").flatMap((part) => {
        const m = t === "integer[]" ? /^\s*(-?\d+)\s*-\s*(-?\d+)\s*$/.exec(part) : null;
        if (m) {
          const a = Number(m[1]), b = Number(m[2]);
          if (b < a || b - a > 100_000) throw bad(`a range a-b with a ≤ b (e.g. 3-10)`);
          return Array.from({ length: b - a + 1 }, (_, k) => a + k);
        }
        return [number(part)];
      });
    }
    case "boolean":
      if (/^(true|yes|1)$/i.test(text)) return true;
      if (/^(false|no|0)$/i.test(text)) return false;
      throw bad("true or false");
    case "string":
      return text;
    default:
      try {
        return JSON.parse(text);
      } catch {
        throw bad("a JSON value");
      }
  }
}

/** parseArgs with one-line usage errors, suggestions for unknown options, and negative numbers as values. */
export function parseCommandLine(command: string, argv: string[], options: NonNullable<ParseArgsConfig["options"]>): { positionals: string[]; values: Values } {
  // "--radii -5" would read -5 as an option: join a string option with a value that looks like a number
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!, next = argv[i + 1];
    const name = a.startsWith("--") ? a.slice(2) : "";
    if (name && options[name]?.type === "string" && next !== undefined && /^-\d|^-\.\d|^-Infinity$|^-NaN$/.test(next)) {
      args.push(`${a}=${next}`);
      i++;
    } else args.push(a);
  }
  try {
    const p = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { positionals: p.positionals, values: p.values as Values };
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0]!;
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(msg)?.[1];
    if (unknown) {
      const names = Object.keys(options).map((o) => `--${o}`);
      throw new UsageError(`${command}: unknown option ${unknown}${didYouMean(unknown, names)}`);
    }
    throw new UsageError(`${command}: ${msg.replace(/\. To specify a positional argument starting with a '-'.*$/, "")}`);
  }
}

/** An integer flag with a range (not a spec field: --workers, --repeat). */
export function intFlag(name: string, value: string | boolean | undefined, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name}: expected an integer ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in [${min}, ${max}]`}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** A path flag: a non-empty string. */
export function pathFlag(name: string, value: string | boolean | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || value.trim() === "") throw new UsageError(`--${name}: expected a path, got ${JSON.stringify(value ?? "")}`);
  return value;
}

/** The spec input of an experiment from the flags that belong to it. */
export function specFromFlags(e: AnyExperiment, values: Values): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of specFlags(e)) {
    const v = values[f.flag];
    if (typeof v === "string") out[f.field] = parseFlagValue(f.flag, f.schema, v);
  }
  return out;
}

/** Re-words a spec error on a flag's field: "--samples: expected …, got "1e9"". */
export function flagError(e: unknown, exp: AnyExperiment, values: Values): unknown {
  if (!(e instanceof ArgumentError)) return e;
  // the spec field the error is about: the first segment of its path ("classes[0]" → classes)
  const field = e instanceof SpecError ? e.segments[0] : /^[A-Za-z_$][\w$]*/.exec(e.argument)?.[0];
  const flag = specFlags(exp).find((f) => f.field === field);
  if (!flag) return new UsageError(`${exp.id}: ${e.message}`);
  const text = values[flag.flag];
  const where = e.argument !== field ? ` (${e.argument})` : "";
  return new UsageError(`--${flag.flag}${where}: expected ${e.expected}${typeof text === "string" ? `, got ${JSON.stringify(text)}` : ""} (${exp.id})`);
}

/** A "did you mean" for a mistyped command or experiment id. */
export function suggestion(name: string, candidates: readonly string[]): string {
  const n = nearest(name, candidates);
  return n ? `; did you mean "${n}"?` : "";
}
