// What a user's run measures besides the monitors: the certificates that apply to its model (the max ℓ2-margin
// SVM for models linear in x, the cascaded asymmetric max-margin problem for diagonal networks) and, at each
// checkpoint, the distance of the classifier's direction to them and the KKT residuals of seed 000's problem (P).
import type { Runtime } from "../runtime/kernels.js";
import type { CompiledModel } from "../models/compile.js";
import type { ModelSpec } from "../models/spec.js";
import { ModelEvaluator } from "../models/evaluate.js";
import type { TrainingSet } from "../dynamics/problem.js";
import { hardMarginSvm } from "../certify/svm.js";
import { cascadedMaxMargin } from "../certify/asymmetric.js";
import { kktResiduals } from "../certify/kkt.js";
import { certify, type SlidingUnit } from "../certify/certify.js";
import { hypot, hypotOf } from "../runtime/detmath.js";

/** KKT residuals are formed from the n×m per-sample gradients: only up to this many entries. */
export const KKT_MAX_ENTRIES = 2_000_000;

export interface Certificates {
  svm: { w: number[]; problem: string } | null;
  asymmetric: { beta: number[]; level: number; rate: number; problem: string } | null;
  notes: string[];
}

/** f(x; θ) = β(θ)·x for every x: one output, no bias, no normalization, no ReLU. */
export function linearInX(spec: ModelSpec): boolean {
  switch (spec.kind) {
    case "linear":
      return spec.outputs === 1 && !spec.bias;
    case "diagonal":
      return true;
    case "deepLinear":
      return spec.outputs === 1 && spec.bias === false && !spec.layerNorm;
    case "ensemble":
      return spec.members.every(linearInX);
    default:
      return false;
  }
}

const unit = (v: ArrayLike<number>): number[] => {
  const n = hypotOf(v);
  return Array.from(v, (x) => x / n);
};
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The certificates that apply to the model, solved on the training set (a failure is a note, not an error). */
export function certificates(model: CompiledModel, data: TrainingSet): Certificates {
  const notes: string[] = [];
  let svm: Certificates["svm"] = null, asymmetric: Certificates["asymmetric"] = null;
  if (!linearInX(model.spec)) {
    notes.push("no max-margin certificate applies: the model is not linear in x (bias, ReLU, normalization or several outputs); KKT residuals of (P) are reported instead");
    return { svm, asymmetric, notes };
  }
  try {
    svm = { w: unit(hardMarginSvm(data.X, data.labels, { bias: false }).w), problem: "max ℓ2-margin (hard-margin SVM, no bias)" };
  } catch (e) {
    notes.push(`SVM: ${message(e)}`);
  }
  if (model.spec.kind === "diagonal") {
    try {
      const c = cascadedMaxMargin(data.X, data.labels, model.spec.depths);
      asymmetric = { beta: unit(c.beta), level: c.level, rate: c.rate, problem: `asymmetric max-margin, cascade level ${c.level} (rate ${c.rate})` };
    } catch (e) {
      notes.push(`asymmetric max-margin: ${message(e)}`);
    }
  }
  return { svm, asymmetric, notes };
}

const fin = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** Measures one checkpoint's direction and KKT residuals. */
export class CheckpointProbe {
  private readonly ev: ModelEvaluator;
  private readonly eye: { rows: number; cols: number; data: Float64Array } | null;
  readonly kktApplies: boolean;

  constructor(
    private readonly rt: Runtime,
    readonly model: CompiledModel,
    readonly data: TrainingSet,
    readonly lambda: Float64Array,
    readonly certs: Certificates,
    kkt: boolean,
  ) {
    this.ev = new ModelEvaluator(rt, model);
    const d = model.inputs;
    this.eye = linearInX(model.spec) ? { rows: d, cols: d, data: Float64Array.from({ length: d * d }, (_, k) => (k % (d + 1) === 0 ? 1 : 0)) } : null;
    this.kktApplies = kkt && model.outputs === 1 && data.X.rows * model.size <= KKT_MAX_ENTRIES;
  }

  /** β(θ) of a model linear in x: its outputs at the unit vectors. */
  beta(theta: Float64Array): number[] | null {
    return this.eye ? Array.from(this.ev.forward(theta, this.eye).data) : null;
  }

  distances(theta: Float64Array): { svm: number | null; asymmetric: number | null } {
    const b = this.beta(theta);
    const u = b && hypotOf(b) > 0 ? unit(b) : null;
    const to = (w: number[] | undefined) => (u && w ? hypot(...u.map((x, i) => x - w[i]!)) : null);
    return { svm: to(this.certs.svm?.w), asymmetric: to(this.certs.asymmetric?.beta) };
  }

  /** Stationarity and complementarity after ψ_α of (P), or of the cascade level the point is at when the Λmax
   *  problem is degenerate there (certify(); ReLU networks with the flow's sliding weights); null before separation
   *  or when they do not apply. `level`: the cascade level certified (0: (P)). */
  kkt(theta: Float64Array, qmin: number, sliding?: SlidingUnit[]): { stationarity: number | null; complementarity: number | null; level: number | null } {
    const none = { stationarity: null, complementarity: null, level: null };
    if (!this.kktApplies || !(qmin > 0)) return none;
    const { X, labels } = this.data;
    try {
      if (this.model.spec.kind !== "mlp") {
        // (P) as before for the smooth models (their cascade is the exact solvers' job: run-observe's certificates)
        const q = Float64Array.from(this.ev.forward(theta, X).data, (f, i) => f * labels[i]!);
        const k = kktResiduals(theta, this.lambda, q, this.ev.sampleGradients(theta, X, labels));
        return { stationarity: fin(k.stationarity), complementarity: fin(k.complementarity), level: 0 };
      }
      const c = certify(this.rt, this.model, this.data, theta, { lambda: this.lambda, ...(sliding ? { sliding } : {}) });
      return { stationarity: fin(c.stationarity), complementarity: fin(c.complementarity), level: c.level?.index ?? null };
    } catch {
      return none;
    }
  }
}
