// Typed errors: every failure names the argument, the value received and what was expected.

/** Base class of every error marginflow throws on purpose. `code` is stable across versions. */
export class MarginflowError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "MarginflowError";
    this.code = code;
  }
}

/** An argument of a public function was invalid. */
export class ArgumentError extends MarginflowError {
  readonly argument: string;
  readonly expected: string;
  constructor(argument: string, value: unknown, expected: string) {
    super("E_ARGUMENT", `${argument}: expected ${expected}, got ${describe(value)}`);
    this.name = "ArgumentError";
    this.argument = argument;
    this.expected = expected;
  }
}

/** Short, safe rendering of a received value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? value.slice(0, 57) + "..." : value);
  if (ArrayBuffer.isView(value)) {
    const len = (value as unknown as { length?: number }).length;
    return `${value.constructor.name}(length ${len ?? value.byteLength})`;
  }
  if (Array.isArray(value)) return `array(length ${value.length})`;
  if (typeof value === "object") return `object {${Object.keys(value).slice(0, 6).join(", ")}}`;
  return typeof value;
}

// ---- small validators shared by the public API ----

export function checkInt(argument: string, value: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
    throw new ArgumentError(argument, value, range);
  }
  return value;
}

export function checkFinite(argument: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new ArgumentError(argument, value, "a finite number");
  return value;
}

export function checkPositive(argument: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new ArgumentError(argument, value, "a finite number > 0");
  }
  return value;
}

export function checkF64(argument: string, value: unknown, length?: number): Float64Array {
  if (!(value instanceof Float64Array)) throw new ArgumentError(argument, value, "a Float64Array");
  if (length !== undefined && value.length !== length) {
    throw new ArgumentError(argument, value, `a Float64Array of length ${length}`);
  }
  return value;
}

export function checkAllFinite(argument: string, value: Float64Array): Float64Array {
  for (let i = 0; i < value.length; i++) {
    if (!Number.isFinite(value[i]!)) throw new ArgumentError(`${argument}[${i}]`, value[i], "a finite number");
  }
  return value;
}
