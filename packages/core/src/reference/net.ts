// Plain-TS reference of "net" models: each layer written out on nested loops for clarity (no im2col, no GEMM, no
// WASM), over a whole batch (batch normalization needs the batch). Used by the tests against the kernels' forward
// pass; the kernels' backward is checked against finite differences.
import { netShapes, type ModelSpec, type NetLayer, type NetShape } from "../models/spec.js";
import type { Matrix } from "../linalg/matrix.js";

type NetSpec = Extract<ModelSpec, { kind: "net" }>;

export interface NetReferenceOptions {
  /** Batch normalization: "batch" statistics (training) or the running statistics in `state` ("running"). */
  batchNorm?: "batch" | "running";
  /** Running means then variances per batch-norm layer, in layer order (CompiledModel.stateSize f64s). */
  state?: Float64Array;
  /** Added to the variance. Default 1e-5. */
  eps?: number;
}

/** Outputs (n×C) of the net for the rows of X, parameters read in layer order from theta; `used`: parameters read. */
export function netForward(spec: NetSpec, theta: Float64Array, X: Matrix, options: NetReferenceOptions = {}): { data: Float64Array; used: number } {
  const shapes = netShapes(spec);
  const n = X.rows;
  let at = 0, stateAt = 0;
  const take = (k: number) => theta.subarray(at, (at += k));
  const eps = options.eps ?? 1e-5;
  let shape: NetShape = spec.shape ? [spec.shape[0]!, spec.shape[1]!, spec.shape[2]!] : [spec.inputs];
  let h: Float64Array[] = Array.from({ length: n }, (_, i) => X.data.slice(i * X.cols, (i + 1) * X.cols));

  // a layer's rows × cols weights, read from θ: as they are, or W = g·V/‖V‖ per row ("weight") or per matrix ("frobenius")
  const weights = (norm: "none" | "weight" | "frobenius", rows: number, cols: number): Float64Array => {
    const V = take(rows * cols);
    if (norm === "none") return V;
    const g = take(norm === "weight" ? rows : 1), W = new Float64Array(V.length);
    const blocks = norm === "weight" ? rows : 1, len = norm === "weight" ? cols : rows * cols;
    for (let r = 0; r < blocks; r++) {
      let ss = 0;
      for (let j = 0; j < len; j++) ss += V[r * len + j]! ** 2;
      for (let j = 0; j < len; j++) W[r * len + j] = (g[r]! * V[r * len + j]!) / Math.sqrt(ss);
    }
    return W;
  };
  const layer = (l: Exclude<NetLayer, { type: "residual" }>, s: NetShape, o: NetShape, hs: Float64Array[]): Float64Array[] => {
    const flat = s.reduce((a, b) => a * b, 1);
    switch (l.type) {
      case "dense": {
        const W = weights(l.norm ?? "none", l.units, flat);
        const b = l.bias !== false ? take(l.units) : undefined;
        return hs.map((x) => {
          const y = new Float64Array(l.units);
          for (let r = 0; r < l.units; r++) {
            let acc = b ? b[r]! : 0;
            for (let j = 0; j < flat; j++) acc += W[r * flat + j]! * x[j]!;
            y[r] = acc;
          }
          return y;
        });
      }
      case "conv": {
        const [H, Wd, C] = s as [number, number, number];
        const [OH, OW, OC] = o as [number, number, number];
        const k = l.kernel, st = l.stride ?? 1, pad = l.padding ?? 0;
        const W = weights(l.norm ?? "none", OC, k * k * C);
        const b = l.bias !== false ? take(OC) : undefined;
        return hs.map((x) => {
          const y = new Float64Array(OH * OW * OC);
          for (let oy = 0; oy < OH; oy++)
            for (let ox = 0; ox < OW; ox++)
              for (let oc = 0; oc < OC; oc++) {
                let acc = b ? b[oc]! : 0;
                for (let ky = 0; ky < k; ky++)
                  for (let kx = 0; kx < k; kx++)
                    for (let c = 0; c < C; c++) {
                      const iy = oy * st - pad + ky, ix = ox * st - pad + kx;
                      if (iy < 0 || iy >= H || ix < 0 || ix >= Wd) continue;
                      acc += W[oc * k * k * C + (ky * k + kx) * C + c]! * x[(iy * Wd + ix) * C + c]!;
                    }
                y[(oy * OW + ox) * OC + oc] = acc;
              }
          return y;
        });
      }
      case "maxpool":
      case "avgpool": {
        const [, Wd, C] = s as [number, number, number];
        const [OH, OW] = o as [number, number, number];
        const size = l.size, st = l.stride ?? l.size;
        return hs.map((x) => {
          const y = new Float64Array(OH * OW * C);
          for (let oy = 0; oy < OH; oy++)
            for (let ox = 0; ox < OW; ox++)
              for (let c = 0; c < C; c++) {
                const vals: number[] = [];
                for (let ky = 0; ky < size; ky++) for (let kx = 0; kx < size; kx++) vals.push(x[((oy * st + ky) * Wd + ox * st + kx) * C + c]!);
                y[(oy * OW + ox) * C + c] = l.type === "maxpool" ? Math.max(...vals) : vals.reduce((a, v) => a + v, 0) / vals.length;
              }
          return y;
        });
      }
      case "relu":
        return hs.map((x) => x.map((v) => Math.max(0, v)));
      case "layernorm":
        return hs.map((x) => {
          const mean = x.reduce((a, v) => a + v, 0) / x.length;
          const c = x.map((v) => v - mean);
          const nrm = Math.sqrt(c.reduce((a, v) => a + v * v, 0));
          return c.map((v) => (nrm > 0 ? v / nrm : 0));
        });
      case "batchnorm": {
        const C = s.length === 3 ? s[2]! : s[0];
        const g = l.affine ? take(C) : undefined;
        const be = l.affine ? take(C) : undefined;
        const mean = new Float64Array(C), vr = new Float64Array(C);
        if (options.batchNorm === "running") {
          mean.set(options.state!.subarray(stateAt, stateAt + C));
          vr.set(options.state!.subarray(stateAt + C, stateAt + 2 * C));
        } else {
          const cnt = new Float64Array(C);
          for (const x of hs) for (let j = 0; j < x.length; j++) (mean[j % C]! += x[j]!), (cnt[j % C]! += 1);
          for (let c = 0; c < C; c++) mean[c]! /= cnt[c]!;
          for (const x of hs) for (let j = 0; j < x.length; j++) vr[j % C]! += (x[j]! - mean[j % C]!) ** 2;
          for (let c = 0; c < C; c++) vr[c]! /= cnt[c]!;
        }
        stateAt += 2 * C;
        return hs.map((x) =>
          x.map((v, j) => {
            const c = j % C;
            const xh = (v - mean[c]!) / Math.sqrt(vr[c]! + eps);
            return g ? g[c]! * xh + be![c]! : xh;
          }),
        );
      }
    }
  };

  spec.layers.forEach((l, i) => {
    const o = shapes[i]!.out;
    if (l.type === "residual") {
      let s = shape, hb = h;
      l.layers.forEach((b, j) => {
        const oj = shapes[i]!.inner![j]!;
        hb = layer(b, s, oj, hb);
        s = oj;
      });
      h = h.map((x, r) => x.map((v, j) => v + hb[r]![j]!));
    } else h = layer(l, shape, o, h);
    shape = o;
  });
  const C = spec.outputs ?? 1;
  const data = new Float64Array(n * C);
  h.forEach((row, i) => data.set(row, i * C));
  return { data, used: at };
}
