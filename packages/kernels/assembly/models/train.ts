// Minibatch training in the kernels: a run of SGD steps — gather the batch, forward, log-domain loss, backward,
// update — in one host call, so an epoch costs one boundary crossing. The update is torch.optim.SGD's:
//   d = ∇L + λ⊙θ (coupled weight decay, one λ per parameter: groups are the host's business),
//   v ← μ·v + d,  θ ← θ − η_s·(d + μ·v) (Nesterov) or θ − η_s·v (heavy ball; μ = 0: plain SGD).
// ∇L comes as e^{log L}·∇log L from the loss kernels; with `normalized` the step uses ∇log L = ∇L/L itself — the
// loss-adaptive rate η/L of Lyu & Li (2020), exact when L is far below the double range.
// The host passes the batches as indices (its Philox permutation: the order is fixed by the seed, not the worker).
import { loss_eval } from "../losses";
import { model_backward, model_forward, model_workspace_bytes } from "./program";

/** Bytes of scratch train_steps needs (0 if the program is malformed): the model's workspace for one batch, then
 *  the batch's inputs, labels, outputs, output cotangents, per-sample losses and the gradient. */
export function train_workspace_bytes(prog: usize, batch: i32, dIn: i32, C: i32, m: i32): i32 {
  const ws = model_workspace_bytes(prog, batch);
  if (ws <= 0) return 0;
  const f64s: i64 = <i64>batch * dIn + batch + 2 * <i64>batch * C + batch + m;
  const bytes = <i64>align16(ws) + (f64s << 3) + 64;
  return bytes > 0x7fffffff ? 0 : <i32>bytes;
}

// @ts-ignore: decorator
@inline function align16(x: i32): i32 {
  return (x + 15) & ~15;
}

/**
 * Runs `steps` SGD steps; step s trains on rows order[s·batch … (s+1)·batch) of X (N×dIn) with rate lrs[s]. Writes
 * the batch's log L before the step into logLosses[s]. Returns the number of steps completed: < steps when a batch
 * loss or the updated θ is not finite (that step's θ is left as the update made it; the host keeps a copy).
 * vel (m) is the momentum buffer (ignored for μ = 0); decay (m per-parameter λ) or 0 for none.
 */
export function train_steps(
  prog: usize, theta: usize, vel: usize, m: i32, x: usize, dIn: i32, labels: usize, C: i32, order: usize, batch: i32, steps: i32,
  lrs: usize, momentum: f64, nesterov: i32, decay: usize, lossKind: i32, normalized: i32, logLosses: usize, work: usize,
): i32 {
  const mwork = work;
  let p = work + <usize>align16(model_workspace_bytes(prog, batch));
  const xb = p; p += (<usize>batch * dIn) << 3;
  const lb = p; p += <usize>batch << 3;
  const f = p; p += (<usize>batch * C) << 3;
  const g = p; p += (<usize>batch * C) << 3;
  const z = p; p += <usize>batch << 3;
  const grad = p;
  const rowBytes = <usize>dIn << 3;
  for (let s = 0; s < steps; s++) {
    const idx = order + ((<usize>s * batch) << 2);
    for (let i = 0; i < batch; i++) {
      const r = <usize>load<i32>(idx + (<usize>i << 2));
      memory.copy(xb + <usize>i * rowBytes, x + r * rowBytes, rowBytes);
      store<f64>(lb + (<usize>i << 3), load<f64>(labels + (r << 3)));
    }
    model_forward(prog, theta, xb, batch, f, mwork);
    const logL = loss_eval(lossKind, batch, C, f, lb, g, z);
    store<f64>(logLosses + (<usize>s << 3), logL);
    if (!(logL < Infinity)) return s; // NaN or +∞: the previous step diverged
    model_backward(prog, theta, batch, g, grad, m, mwork);
    const scale = normalized != 0 ? 1.0 : Math.exp(logL);
    const lr = load<f64>(lrs + (<usize>s << 3));
    if (!sgdUpdate<f64>(theta, vel, grad, decay, m, scale, lr, momentum, nesterov)) return s;
  }
  return steps;
}

/**
 * θ ← θ − lr·d with d = scale·g + λ⊙θ, through the momentum buffer (μ ≠ 0: v ← μv + d; d ← d + μv (Nesterov) or v) —
 * torch.optim.SGD's step, in the precision T of the arrays (f64 or f32). False when an updated entry is not finite.
 */
// @ts-ignore: decorator
@inline export function sgdUpdate<T>(theta: usize, vel: usize, grad: usize, decay: usize, m: i32, scale: T, lr: T, mu: T, nesterov: i32): bool {
  let bad: T = <T>0; // stays 0 while every updated entry is finite (x − x is NaN for ±∞ and NaN)
  for (let j = 0; j < m; j++) {
    const o = (<usize>j) * sizeof<T>();
    const t = load<T>(theta + o);
    let d: T = scale * load<T>(grad + o);
    if (decay != 0) d += load<T>(decay + o) * t;
    if (mu != <T>0) {
      const v: T = mu * load<T>(vel + o) + d;
      store<T>(vel + o, v);
      d = nesterov != 0 ? d + mu * v : v;
    }
    const u: T = t - lr * d;
    store<T>(theta + o, u);
    bad += u - u;
  }
  return bad == <T>0;
}
