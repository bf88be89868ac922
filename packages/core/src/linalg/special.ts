// Typed elementwise special functions and the stable softmax reductions over the WASM kernels. Each call
// validates its argument, copies it into the runtime's arena, runs the kernel in place and copies the result
// out; the arena is released afterwards. (Hot loops that keep data in WASM memory call the pointer-level
// exports — exp_f64(n, x, y) etc., y may equal x — directly through Runtime.exports.)
//
// Accuracy (measured against a double-double reference in test/special.test.ts): relative error ≤ 4e-16 for
// every normal result over the full double range, ≤ 1 ulp for subnormal results; ±0, ±inf, NaN, overflow and
// underflow exactly as IEEE-754 / C99 specify.
import { ArgumentError, checkF64 } from "../errors.js";
import type { Runtime } from "../runtime/kernels.js";

type Elementwise = "exp_f64" | "exp_np_f64" | "log_f64" | "log1p_f64" | "expm1_f64";

export class Special {
  constructor(readonly rt: Runtime) {}

  /** e^{x_i} (a new array). Overflows to +inf above ≈ 709.78; gradual underflow below ≈ −708.4; 0 below ≈ −745.13. */
  exp(x: Float64Array): Float64Array {
    return this.map("exp_f64", x);
  }

  /**
   * e^{x_i} for softmax weights (a new array): the table-driven exp the losses use for e^{z_i − max z}.
   * Requires x_i ≤ 708 and not NaN (ArgumentError otherwise); x_i < −708 gives 0 (a weight below 3e-308 of the
   * largest); relative error < 2 ulp (≤ 4.5e-16), about twice the speed of exp.
   */
  expWeights(x: Float64Array): Float64Array {
    checkF64("x", x);
    for (let i = 0; i < x.length; i++) {
      if (!(x[i]! <= 708)) throw new ArgumentError(`x[${i}]`, x[i], "a number ≤ 708 (softmax-weight arguments are ≤ 0), not NaN");
    }
    return this.map("exp_np_f64", x);
  }

  /** Natural log of each x_i (a new array): NaN for x_i < 0, −inf at ±0, +inf at +inf. */
  log(x: Float64Array): Float64Array {
    return this.map("log_f64", x);
  }

  /** log(1 + x_i), accurate for tiny x_i (a new array): −inf at −1, NaN below −1. */
  log1p(x: Float64Array): Float64Array {
    return this.map("log1p_f64", x);
  }

  /** e^{x_i} − 1, accurate for tiny x_i (a new array): −1 as x_i → −inf, +inf above ≈ 709.78. */
  expm1(x: Float64Array): Float64Array {
    return this.map("expm1_f64", x);
  }

  /**
   * log Σ e^{x_i}, computed stably as m + log Σ e^{x_i − m} (m = max x_i), so it neither overflows nor
   * underflows for logits of any magnitude. −inf entries contribute nothing; −inf for an empty x or all −inf;
   * +inf if any x_i is +inf; NaN if any is NaN.
   */
  logsumexp(x: Float64Array): number {
    checkF64("x", x);
    return this.rt.arena.scope((a) => this.rt.exports.logsumexp_f64(x.length, a.f64(x.length, x).ptr));
  }

  /**
   * Softmax weights e^{x_i − logsumexp(x)} (a new array; nonnegative, summing to 1 up to rounding), stable for
   * logits of any magnitude. Degenerate inputs: any NaN → all NaN; +inf entries share the mass equally;
   * all −inf → all NaN. An empty x gives an empty array.
   */
  softmax(x: Float64Array): Float64Array {
    return this.map("softmax_f64", x);
  }

  private map(kernel: Elementwise | "softmax_f64", x: Float64Array): Float64Array {
    checkF64("x", x);
    return this.rt.arena.scope((a) => {
      const xb = a.f64(x.length, x);
      this.rt.exports[kernel](x.length, xb.ptr, xb.ptr); // in place: y may equal x
      return xb.toArray();
    });
  }
}
