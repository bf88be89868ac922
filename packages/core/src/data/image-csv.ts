// Images by class from a CSV file — for users who have a dataset no npm package ships (seed 001 trains on CIFAR-10):
// one row per image, a label column (integer class 0, 1, …) and H·W·C pixel columns in HWC order (channels last),
// parsed by parseCsv. The result has MNIST's shape (per class: a count and the images one after the other), so the
// same subsetting (disjoint seeded train/test draws, scaling, random labels: mnistSubset) applies.
import { ArgumentError } from "../errors.js";
import { parseCsv } from "./csv.js";
import type { DigitImages } from "./digits.js";

/** The images of each class (index = label) of an image CSV; every row must have `pixels` feature columns. */
export function imageClassesFromCsv(text: string, o: { label: string; pixels: number; source: string; path: string }): DigitImages[] {
  const t = parseCsv(text, { label: o.label, columns: null, source: o.source });
  if (t.X.cols !== o.pixels) throw new ArgumentError(`${o.path}.shape`, t.X.cols, `H·W·C = ${o.pixels} pixel columns besides the label (the file has ${t.X.cols})`);
  const byClass: number[][] = [];
  t.labels.forEach((l, i) => {
    if (!(Number.isInteger(l) && l >= 0 && l < 1000)) throw new ArgumentError(`${o.source} row ${i + 1} (${o.label})`, l, "an integer class label 0…999");
    (byClass[l] ??= []).push(i);
  });
  return Array.from({ length: byClass.length }, (_, c) => {
    const rows = byClass[c] ?? [], raw = new Float64Array(rows.length * o.pixels);
    rows.forEach((i, k) => raw.set(t.X.data.subarray(i * o.pixels, (i + 1) * o.pixels), k * o.pixels));
    return { count: rows.length, raw };
  });
}
