// A seeded, splittable, counter-based RNG: Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as
// 1, 2, 3", SC'11). A stream is a 64-bit key; draws are Philox(counter, key) for counter = 0, 1, 2, …
// split(i) derives the i-th child key from the parent key alone, so item i of a sweep gets the same numbers
// whichever worker runs it and however the sweep is sharded.
import { ArgumentError } from "../errors.js";
import { cos, log, sin } from "./detmath.js";

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of a·b (unsigned 32-bit a, b), from 16-bit halves (a double holds each partial product exactly). */
function mulhi(a: number, b: number): number {
  const aL = a & 0xffff, aH = a >>> 16, bL = b & 0xffff, bH = b >>> 16;
  const lh = aL * bH, hl = aH * bL;
  const mid = ((aL * bL) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (aH * bH + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
}

/** Philox4x32-10 block: four 32-bit words of output for counter c and key k (written into out). Everything stays
 *  in locals: a module-level carry for the high word (or a typed array per call) costs a heap allocation per
 *  multiplication in V8, and a sweep draws ~3e4 blocks per dataset. */
export function philox4x32(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  for (let r = 0; r < 10; r++) {
    const hi0 = mulhi(M0, c0), lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2), lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

const TAG_SPLIT = 0x53504c54; // "SPLT"
const TAG_SEED = 0x53454544; // "SEED"
const scratch = new Uint32Array(4); // philox4x32's output, copied out at once (split/fromSeed keep two words)

export class Rng {
  // the current block, as four fields (a typed array per stream would be an allocation per sample of a dataset)
  private w0 = 0;
  private w1 = 0;
  private w2 = 0;
  private w3 = 0;
  private used = 4; // words of the block consumed
  private counter = 0; // blocks drawn (< 2^53)
  private spare = NaN; // second Box–Muller normal

  private constructor(
    readonly key0: number,
    readonly key1: number,
  ) {}

  /** The root stream of a seed (a non-negative safe integer). */
  static fromSeed(seed: number): Rng {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new ArgumentError("seed", seed, "a non-negative safe integer");
    philox4x32(seed >>> 0, Math.floor(seed / 2 ** 32) >>> 0, TAG_SEED, 0, 0x243f6a88, 0x85a308d3, scratch);
    return new Rng(scratch[0]!, scratch[1]!);
  }

  /** The index-th child stream: a pure function of this stream's key and index. */
  split(index: number): Rng {
    if (!Number.isSafeInteger(index) || index < 0) throw new ArgumentError("index", index, "a non-negative safe integer");
    philox4x32(index >>> 0, Math.floor(index / 2 ** 32) >>> 0, TAG_SPLIT, 0, this.key0, this.key1, scratch);
    return new Rng(scratch[0]!, scratch[1]!);
  }

  /** Next raw 32-bit word. */
  nextU32(): number {
    if (this.used === 4) {
      const c = this.counter++;
      philox4x32(c >>> 0, Math.floor(c / 2 ** 32) >>> 0, 0, 0, this.key0, this.key1, scratch);
      this.w0 = scratch[0]!;
      this.w1 = scratch[1]!;
      this.w2 = scratch[2]!;
      this.w3 = scratch[3]!;
      this.used = 0;
    }
    const u = this.used++;
    return u === 0 ? this.w0 : u === 1 ? this.w1 : u === 2 ? this.w2 : this.w3;
  }

  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal (Box–Muller; the pair's second value is kept for the next call). log, sin and cos are
   *  detmath's, so a seed gives the same draws on every engine (Math.sin's last bit differs between V8 builds). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = NaN;
      return s;
    }
    const u = 1 - this.uniform(); // (0, 1]
    const v = this.uniform();
    const r = Math.sqrt(-2 * log(u));
    this.spare = r * sin(2 * Math.PI * v);
    return r * cos(2 * Math.PI * v);
  }

  fillUniform(out: Float64Array, lo = 0, hi = 1): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = lo + (hi - lo) * this.uniform();
    return out;
  }

  fillNormal(out: Float64Array, mean = 0, sd = 1): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = mean + sd * this.normal();
    return out;
  }
}
