// The two 32-bit words of a double, read and written through one shared Float64Array (no allocation per call):
// the exponent-field arithmetic of detmath's argument reductions. The high word holds the sign, the 11 exponent
// bits and the top 20 bits of the significand; the low word the other 32. Typed arrays use the platform's byte
// order, so the high word's index is found once.
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: the high word is u32[1]
const LO = 1 - HI;

/** The high word of x as a signed 32-bit integer (negative for a set sign bit). */
export function highWord(x: number): number {
  f64[0] = x;
  return u32[HI]! | 0;
}

/** The low word of x (unsigned). */
export function lowWord(x: number): number {
  f64[0] = x;
  return u32[LO]!;
}

/** The double whose words are hi and lo. */
export function fromWords(hi: number, lo: number): number {
  u32[HI] = hi;
  u32[LO] = lo;
  return f64[0]!;
}

/** x with its high word replaced by hi (its low word kept). */
export function withHighWord(x: number, hi: number): number {
  f64[0] = x;
  u32[HI] = hi;
  return f64[0]!;
}

/** x with its low word cleared (the top 21 significand bits kept: a product of two such is exact). */
export function withLowWordZero(x: number): number {
  f64[0] = x;
  u32[LO] = 0;
  return f64[0]!;
}
