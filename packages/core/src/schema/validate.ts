// Specs and results are JSON validated by one schema library, TypeBox (see docs/decisions.md): the schema is
// JSON Schema itself (what `marginflow schema` prints), the TS types come from it (Static<…>), and so do the
// error messages. This file turns TypeBox's ajv-style errors into ours — one error, naming the JSON path
// (`model.depths[2]`), the value received and what was expected — and fills in the defaults written once in
// each schema. Discriminated unions (`kind`) report the errors of the branch the value chose, or the list of
// kinds when it chose none.
import type { Static, TSchema } from "typebox";
import { Check, Clone, Default, Errors } from "typebox/value";
import { ArgumentError } from "../errors.js";
import { didYouMean } from "./suggest.js";

export type PathSegment = string | number;

/** A spec (or a stored result) that does not match its schema. `segments` locate the value inside the input. */
export class SpecError extends ArgumentError {
  readonly segments: PathSegment[];
  readonly value: unknown;
  constructor(root: string, segments: PathSegment[], value: unknown, expected: string, received?: string) {
    super(formatPath(root, segments), value, expected);
    if (received !== undefined) this.message = `${formatPath(root, segments)}: expected ${expected}, got ${received}`;
    this.name = "SpecError";
    this.segments = segments;
    this.value = value;
  }
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** ["model", "depths", 2] → "model.depths[2]"; keys that are not identifiers are quoted: horizons["1e5"]. */
export function formatPath(root: string, segments: readonly PathSegment[]): string {
  let out = root;
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (IDENT.test(s)) out += out === "" ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out === "" ? "(the whole spec)" : out;
}

// A valid value is the common case: TypeBox's Check decides it (5 µs for a model spec, 60 µs for a Fig. 4 result)
// without building error objects; only an invalid value pays for the errors. (TypeBox's compiled checks are ~100×
// faster per call, but compiling a schema costs ~1–4 ms and the compiler ~40 KiB in every worker: measured slower
// for a sweep's worker, see docs/decisions.md.)
function isValid(schema: TSchema, value: unknown): boolean {
  return Check(schema, value);
}

/** Fills in the schema's defaults, then validates; returns the complete, typed value or throws SpecError. */
export function parseSpec<S extends TSchema>(schema: S, input: unknown, root = ""): Static<S> {
  const value = Default(schema, Clone(input)) as unknown;
  if (isValid(schema, value)) return value as Static<S>;
  throw firstError(schema, value, root) ?? new SpecError(root, [], value, "a value matching the schema");
}

/** The schema's defaults filled into a copy of `input`, without validation (a sweep's base spec, which its grid
 *  completes). */
export function withDefaults<S extends TSchema>(schema: S, input: unknown): unknown {
  return Default(schema, Clone(input));
}

/** Validates without defaults (stored results); undefined when the value matches. */
export function checkValue(schema: TSchema, value: unknown, root = ""): SpecError | undefined {
  return isValid(schema, value) ? undefined : (firstError(schema, value, root) ?? new SpecError(root, [], value, "a value matching the schema"));
}

interface RawError {
  keyword: string;
  schemaPath: string;
  instancePath: string;
  params: Record<string, unknown>;
}

const decode = (s: string) => s.replace(/~1/g, "/").replace(/~0/g, "~");
const pointer = (p: string): string[] => (p === "" || p === "#" ? [] : p.replace(/^#?\//, "").split("/").map(decode));

function firstError(schema: TSchema, value: unknown, root: string, at: PathSegment[] = []): SpecError | undefined {
  const raw = [...Errors(schema, value)] as unknown as RawError[];
  for (const e of raw) {
    const ss = pointer(e.schemaPath), is = pointer(e.instancePath);
    const u = ss.indexOf("anyOf");
    const union = u >= 0 ? schemaAt(schema, ss.slice(0, u)) : undefined;
    const kinds = union && discriminants(union);
    if (!kinds) {
      if (u < 0) return toSpecError(schema, value, e, root, at);
      // a plain union (a number or null, a list or a generator): the one branch of the value's JSON type, if one
      // is, reports its own error; otherwise the union reports what any branch accepts
      const where = instancePrefix(ss, is, u);
      const here = valueAt(value, where);
      const branches = (union!.anyOf as Record<string, unknown>[]) ?? [];
      const typed = branches.filter((b) => jsonType(b) === jsonTypeOf(here));
      if (typed.length === 1) {
        const inner = firstError(typed[0] as TSchema, here, root, [...at, ...segs(where)]);
        if (inner) return inner;
        continue;
      }
      const consts = ((union!.anyOf as Record<string, unknown>[]) ?? []).map((b) => b.const).filter((c): c is string => typeof c === "string");
      return new SpecError(root, [...at, ...segs(where)], here, describeSchema(union!) + (typeof here === "string" && consts.length ? didYouMean(here, consts) : ""));
    }
    // a discriminated union: validate the value against the branch its `kind` names (TypeBox stops listing
    // errors early, so the branch's own errors may not be among these), or say which kinds there are
    const where = instancePrefix(ss, is, u);
    const here = valueAt(value, where);
    const list = kinds.map((k) => JSON.stringify(k)).join(", ");
    const path = [...at, ...segs(where)];
    if (typeof here !== "object" || here === null || Array.isArray(here)) return new SpecError(root, path, here, `an object with a "kind" (one of ${list})`);
    const kind = (here as { kind?: unknown }).kind;
    const chosen = kinds.indexOf(kind as string);
    if (chosen < 0) {
      const hint = typeof kind === "string" ? didYouMean(kind, kinds) : "";
      return new SpecError(root, [...path, "kind"], kind, `one of ${list}${hint}`, kind === undefined ? "nothing (the field is missing)" : undefined);
    }
    const inner = firstError((union.anyOf as TSchema[])[chosen]!, here, root, path);
    if (inner) return inner;
  }
  return raw.length ? toSpecError(schema, value, raw[0]!, root, at) : undefined;
}

/** The JSON type a schema accepts ("number" for integers; undefined for unions and untyped schemas). */
function jsonType(s: Record<string, unknown>): string | undefined {
  if ("const" in s) return jsonTypeOf(s.const);
  return s.type === "integer" ? "number" : typeof s.type === "string" ? s.type : undefined;
}
const jsonTypeOf = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/** Resolves a JSON pointer into the schema. */
function schemaAt(schema: TSchema, segments: string[]): Record<string, unknown> {
  let s: unknown = schema;
  for (const k of segments) s = (s as Record<string, unknown>)?.[k];
  return (s ?? {}) as Record<string, unknown>;
}

/** Walks a schema path and the instance path side by side: the instance segments consumed up to schema segment `upTo`. */
function instancePrefix(schemaSegs: string[], instSegs: string[], upTo: number): string[] {
  const out: string[] = [];
  let j = 0;
  for (let i = 0; i < upTo; i++) {
    const k = schemaSegs[i]!;
    if (k === "properties" || k === "patternProperties" || k === "prefixItems") {
      i++;
      out.push(instSegs[j++]!);
    } else if (k === "items" || k === "additionalProperties") out.push(instSegs[j++]!);
    else if (k === "anyOf" || k === "oneOf" || k === "allOf") i++;
  }
  return out;
}

function valueAt(value: unknown, segs: string[]): unknown {
  let v = value;
  for (const k of segs) v = Array.isArray(v) ? v[Number(k)] : (v as Record<string, unknown> | null)?.[k];
  return v;
}

/** The `kind` constants of a union whose branches are all objects with a constant `kind`; undefined otherwise. */
function discriminants(union: Record<string, unknown>): string[] | undefined {
  const branches = union.anyOf as Record<string, unknown>[] | undefined;
  if (!Array.isArray(branches)) return undefined;
  const kinds = branches.map((b) => ((b.properties as Record<string, Record<string, unknown>> | undefined)?.kind?.const));
  return kinds.every((k) => typeof k === "string") ? (kinds as string[]) : undefined;
}

/** Instance segments as path segments: array indices become numbers. */
function instSegs(x: string[]): PathSegment[] {
  return x.map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}
const segs = instSegs;

function toSpecError(schema: TSchema, value: unknown, e: RawError, root: string, at: PathSegment[]): SpecError {
  const is = pointer(e.instancePath);
  const segs = (x: string[]) => [...at, ...instSegs(x)];
  const sub = schemaAt(schema, pointer(e.schemaPath));
  if (e.keyword === "required") {
    const missing = (e.params.requiredProperties as string[] | undefined)?.[0] ?? String(e.params.missingProperty ?? "?");
    const field = schemaAt(sub, ["properties", missing]);
    return new SpecError(root, [...segs(is), missing], undefined, `${describeSchema(field)} (a required field)`, "nothing (the field is missing)");
  }
  if (e.keyword === "additionalProperties" || (e.keyword === "boolean" && pointer(e.schemaPath).at(-1) === "additionalProperties")) {
    const parentSchema = e.keyword === "boolean" ? schemaAt(schema, pointer(e.schemaPath).slice(0, -1)) : sub;
    const extra = e.keyword === "boolean" ? is.at(-1)! : ((e.params.additionalProperties as string[] | undefined)?.[0] ?? "?");
    const obj = e.keyword === "boolean" ? is.slice(0, -1) : is;
    const known = Object.keys((parentSchema.properties as object | undefined) ?? {});
    return new SpecError(root, [...segs(obj), extra], valueAt(value, [...obj, extra]), `no field ${JSON.stringify(extra)} here — fields: ${known.join(", ")}${didYouMean(extra, known)}`, "an unknown field");
  }
  const got = valueAt(value, is);
  if (e.keyword === "~refine") return new SpecError(root, segs(is), got, `${describeSchema(sub)} (${String(e.params.message)})`);
  // a union other than a discriminated one reports at the union: describe all of it, and suggest a constant
  let expected = describeSchema(sub);
  const consts = Array.isArray(sub.anyOf) ? (sub.anyOf as Record<string, unknown>[]).map((b) => b.const).filter((c): c is string => typeof c === "string") : [];
  if (typeof got === "string" && consts.length > 0) expected += didYouMean(got, consts);
  return new SpecError(root, segs(is), got, expected);
}

const num = (x: unknown) => String(x);

/** What a schema expects, in words: "an integer in [2, 100000]", "one of "exp", "logistic"", "an array of 1–8 numbers". */
export function describeSchema(s: Record<string, unknown>): string {
  if ("const" in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((v) => JSON.stringify(v)).join(", ")}`;
  if (Array.isArray(s.anyOf)) {
    const parts = (s.anyOf as Record<string, unknown>[]).map(describeSchema);
    if (parts.every((p) => p.startsWith('"'))) return `one of ${parts.join(", ")}`;
    return parts.join(", or ");
  }
  const t = s.type;
  if (t === "integer" || t === "number") {
    const noun = t === "integer" ? "an integer" : "a finite number";
    const lo = s.minimum ?? s.exclusiveMinimum, hi = s.maximum ?? s.exclusiveMaximum;
    const lb = s.minimum !== undefined ? "[" : "(", rb = s.maximum !== undefined ? "]" : ")";
    if (lo !== undefined && hi !== undefined) return `${noun} in ${lb}${num(lo)}, ${num(hi)}${rb}`;
    if (lo !== undefined) return `${noun} ${s.minimum !== undefined ? "≥" : ">"} ${num(lo)}`;
    if (hi !== undefined) return `${noun} ${s.maximum !== undefined ? "≤" : "<"} ${num(hi)}`;
    return noun;
  }
  if (t === "string") return s.minLength ? "a non-empty string" : "a string";
  if (t === "boolean") return "true or false";
  if (t === "null") return "null";
  if (t === "array") {
    const lo = s.minItems as number | undefined, hi = s.maxItems as number | undefined;
    const count = lo !== undefined && hi !== undefined ? (lo === hi ? `${lo} ` : `${lo}–${hi} `) : lo && lo > 1 ? `at least ${lo} ` : hi !== undefined ? `at most ${hi} ` : "";
    const item = s.items ? describeSchema(s.items as Record<string, unknown>).replace(/^(an?|one of) /, "") : "values";
    return `${lo === 1 && hi === undefined ? "a non-empty array" : "an array"} of ${count}${item.startsWith('"') ? `values (${item})` : plural(item)}`;
  }
  if (t === "object") {
    const noun = s.minProperties ? "a non-empty object" : "an object";
    return s.description ? `${noun} (${String(s.description)})` : noun;
  }
  return "a valid value";
}

const plural = (noun: string) => noun.replace(/^(integer|finite number|string|number|array|object)\b/, "$1s").replace(/^non-empty string\b/, "non-empty strings");

