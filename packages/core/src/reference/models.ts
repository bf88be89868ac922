// Plain-TS reference of the model zoo: each spec evaluated directly (no program, no WASM), one sample at a
// time, written for clarity. Used by the tests to check the kernels' forward and backward passes.
import type { ModelSpec } from "../models/spec.js";
import { netForward } from "./net.js";

/** Evaluates `spec` on one input x with parameters read in order from theta starting at offset; returns outputs. */
export function forward(spec: ModelSpec, theta: Float64Array, x: Float64Array): Float64Array {
  const state = { at: 0 };
  return run(spec, theta, x, state);
}

function take(theta: Float64Array, state: { at: number }, k: number): Float64Array {
  const v = theta.subarray(state.at, state.at + k);
  state.at += k;
  return v;
}

function dense(theta: Float64Array, state: { at: number }, h: Float64Array, out: number, bias: boolean): Float64Array {
  const W = take(theta, state, out * h.length);
  const b = bias ? take(theta, state, out) : undefined;
  const y = new Float64Array(out);
  for (let i = 0; i < out; i++) {
    let s = b ? b[i]! : 0;
    for (let j = 0; j < h.length; j++) s += W[i * h.length + j]! * h[j]!;
    y[i] = s;
  }
  return y;
}

function run(spec: ModelSpec, theta: Float64Array, x: Float64Array, state: { at: number }): Float64Array {
  switch (spec.kind) {
    case "linear":
      return dense(theta, state, x, spec.outputs ?? 1, spec.bias ?? false);
    case "diagonal": {
      let f = 0;
      spec.depths.forEach((D, i) => {
        const factors = take(theta, state, D);
        f += factors.reduce((p, v) => p * v, 1) * x[i]!;
      });
      return Float64Array.of(f);
    }
    case "deepLinear":
    case "mlp": {
      let h = x;
      const bias = spec.bias === true;
      for (const w of spec.hidden) {
        let z = dense(theta, state, h, w, bias);
        if (spec.kind === "mlp") z = z.map((v) => Math.max(0, v));
        if (spec.kind === "mlp" && spec.residual && h.length === w) z = z.map((v, i) => v + h[i]!);
        h = z;
      }
      if (spec.layerNorm) {
        const mean = h.reduce((a, b) => a + b, 0) / h.length;
        const c = h.map((v) => v - mean);
        const nrm = Math.sqrt(c.reduce((a, b) => a + b * b, 0));
        h = nrm > 0 ? c.map((v) => v / nrm) : c.map(() => 0);
      }
      return dense(theta, state, h, spec.outputs ?? 1, spec.bias === true || spec.bias === "last");
    }
    case "net": {
      const r = netForward(spec, theta.subarray(state.at), { rows: 1, cols: x.length, data: x });
      state.at += r.used;
      return r.data;
    }
    case "ensemble": {
      let f: Float64Array | undefined;
      for (const m of spec.members) {
        const g = run(m, theta, x, state);
        f = f ? f.map((v, i) => v + g[i]!) : g;
      }
      return f!;
    }
  }
}
