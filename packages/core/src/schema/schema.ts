// The vocabulary of marginflow's schemas (TypeBox, i.e. JSON Schema): strict objects (an unknown field is an
// error), integers and numbers with ranges, nullable numbers (JSON has no NaN or Infinity: a value that was not
// computed is null), ascending arrays, string enums. Every field states its meaning and unit in `description`
// and its default in `default` — the one place a default is written (CLI help and `marginflow schema` read them).
import {
  Array as ArrayT, Boolean as BooleanT, Integer, Literal, Null, Number as NumberT, Object as ObjectT, Optional, Record, Refine, String as StringT, Union, Unknown,
  type Static, type TArray, type TLiteral, type TObject, type TProperties, type TSchema, type TUnion,
} from "typebox";

/** The TypeBox builders marginflow uses, by name (named imports, so that a bundle keeps only these). */
export const Type = { Array: ArrayT, Boolean: BooleanT, Integer, Literal, Null, Number: NumberT, Object: ObjectT, Optional, Record, Refine, String: StringT, Union, Unknown };
export type { Static, TSchema };

type Opts = { description?: string; default?: unknown; title?: string; [k: string]: unknown };

/** An object that rejects unknown fields. */
export function Strict<P extends TProperties>(properties: P, options: Opts = {}): TObject<P> {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

export const Int = (minimum: number, maximum: number | undefined, options: Opts = {}) =>
  Type.Integer({ minimum, ...(maximum === undefined ? {} : { maximum }), ...options });

/** A finite number (TypeBox rejects NaN and ±Infinity). */
export const Num = (options: Opts = {}) => Type.Number(options);

/** A finite number > 0. */
export const Positive = (options: Opts = {}) => Type.Number({ exclusiveMinimum: 0, ...options });

/** A number, or null where it was not computed (JSON has no NaN: a missing value is null, never NaN). */
export const Nullable = <T extends TSchema>(t: T, options: Opts = {}) => Type.Union([t, Type.Null()], options);

/** One of a few strings. */
export function Enum<const V extends readonly [string, ...string[]]>(values: V, options: Opts = {}): TUnion<{ -readonly [K in keyof V]: TLiteral<V[K]> }> {
  return Type.Union(values.map((v) => Type.Literal(v)), options) as unknown as TUnion<{ -readonly [K in keyof V]: TLiteral<V[K]> }>;
}

/** An array of strictly ascending finite numbers. */
export function Ascending<T extends TSchema>(item: T, options: Opts = {}): TArray<T> {
  return Type.Refine(
    Type.Array(item, { minItems: 1, ...options }),
    (v) => (v as number[]).every((x, i) => i === 0 || x > (v as number[])[i - 1]!),
    () => "in ascending order",
  ) as unknown as TArray<T>;
}
