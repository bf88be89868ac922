// Seed 002's unconstrained layer-peeled model (ULPM) as a network of the zoo: classifiers W (K×d) and free features
// H (d×N, N = K·n, class-ordered) are the two layers of a deep linear network on one-hot inputs — sample i is e_i,
// so its feature is column i of the first layer, and f_i = W h_i. Homogeneous of degree 2: Λ = ½ everywhere. The
// paper's loss is the SUM of the cross-entropies (2.3); the kernels' "logistic" loss with K outputs is their MEAN,
// so L_sum = N·L_mean (summedLoss) and a flow of the mean runs N times slower in t than the paper's.
import { ArgumentError, checkInt } from "../errors.js";
import type { TrainingSet } from "../dynamics/problem.js";
import { compileModel, type CompiledModel } from "./compile.js";
import { exp } from "../runtime/detmath.js";

export interface Ulpm {
  K: number;
  n: number;
  d: number;
  /** N = K·n samples */
  N: number;
  model: CompiledModel;
  /** one-hot inputs, labels ⌊i/n⌋ */
  data: TrainingSet;
}

/** The ULPM with K classes, n samples per class, feature dimension d. */
export function ulpm(K: number, n: number, d: number, path = "ulpm"): Ulpm {
  checkInt(`${path}.K`, K, 2);
  checkInt(`${path}.n`, n, 1);
  checkInt(`${path}.d`, d, 1);
  const N = K * n;
  const X = new Float64Array(N * N);
  for (let i = 0; i < N; i++) X[i * N + i] = 1;
  const labels = Float64Array.from({ length: N }, (_, i) => Math.floor(i / n));
  const model = compileModel({ kind: "deepLinear", inputs: N, hidden: [d], outputs: K, bias: false });
  return { K, n, d, N, model, data: { X: { rows: N, cols: N, data: X }, labels } };
}

/** θ of the network from W (K×d, row-major) and H (d×N, row-major: column i is sample i's feature). */
export function ulpmTheta(u: Ulpm, W: ArrayLike<number>, H: ArrayLike<number>): Float64Array {
  if (W.length !== u.K * u.d) throw new ArgumentError("W", `${W.length} values`, `K·d = ${u.K * u.d}`);
  if (H.length !== u.d * u.N) throw new ArgumentError("H", `${H.length} values`, `d·N = ${u.d * u.N}`);
  const th = new Float64Array(u.model.size);
  const g = (name: string) => u.model.groups.find((x) => x.name === name)!.offset;
  th.set(Array.from(H), g("layer1.weight")); // d × N: layer 1 maps e_i to column i
  th.set(Array.from(W), g("layer2.weight"));
  return th;
}

/** W (K×d) and H (d×N) from θ. */
export function ulpmParts(u: Ulpm, theta: Float64Array): { W: Float64Array; H: Float64Array } {
  const g = (name: string) => u.model.groups.find((x) => x.name === name)!.offset;
  const h = g("layer1.weight"), w = g("layer2.weight");
  return { W: theta.slice(w, w + u.K * u.d), H: theta.slice(h, h + u.d * u.N) };
}

/** The paper's summed loss from the kernels' log of the mean loss. */
export const summedLoss = (u: Ulpm, logMeanLoss: number): number => u.N * exp(logMeanLoss);
