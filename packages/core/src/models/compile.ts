// Compiles a ModelSpec into the kernels' model program (models/program.ts in @marginflow/kernels), the named
// parameter groups of the flat θ, and the scale-propagation equalities whose lexicographic-minimax solution is
// the proper Λ (App. B): each activation's rate is an affine function of the groups' rates; a bias must match
// the rate of what it is added to, a residual connection equates two rates, a normalization resets the rate to
// 0, and every branch output has rate 1.
import { ArgumentError } from "../errors.js";
import { modelShape, netShapes, parseModelSpec, type ModelSpec, type NetLayer, type NetShape } from "./spec.js";

export interface ParamGroup {
  /** e.g. "layer2.bias", "diag.coord1", "m0.layer1.weight" */
  name: string;
  offset: number;
  size: number;
  shape: number[];
}

/** Σ coef·λ_group = rhs */
export interface RateConstraint {
  terms: { index: number; coef: number }[];
  rhs: number;
  /** what imposes it, for error messages */
  why: string;
}

export interface CompiledModel {
  spec: ModelSpec;
  inputs: number;
  outputs: number;
  /** number of parameters m */
  size: number;
  groups: ParamGroup[];
  program: Int32Array;
  constraints: RateConstraint[];
  /** The layers whose activations features() returns, input first and output last: the op (in program order, all
   *  branches counted) that produces each, −1 for the input. Ensembles list only their input and output. */
  layers: ModelLayer[];
  /** f64s of state that is not a parameter: the running means then variances of each batch-normalization layer
   *  (model_set_batchnorm in the kernels); 0 for models without batch normalization. */
  stateSize: number;
  /** The batch-normalization layers in program order: name, channels, and where their running means (then variances)
   *  start in the state (stateSize f64s in all). */
  batchNorm: { name: string; channels: number; stateOffset: number }[];
  /** The output layer when the model is one branch ending in a plain dense layer — the classifier (W, b) of
   *  neural-collapse measurements: indices into `groups` (bias −1: none); null otherwise. */
  classifier: { weight: number; bias: number } | null;
  /** Whether the kernels' one-sample passes (a flow's ReLU kinks, per-sample margin gradients for certificates) know
   *  every op: false with conv, pooling, batch-norm or weight-normalized layers — their flows take ∂relu(z) = [z > 0]. */
  perSample: boolean;
}

/** One layer of a compiled model: its name, width and producing op. */
export interface ModelLayer {
  name: string;
  width: number;
  op: number;
}

/** Residual connections a program may hold (program.ts's MAX_SLOTS). */
const MAX_SLOTS = 16;

const OP = { DENSE: 1, RELU: 2, SAVE: 3, ADD: 4, LNORM: 5, DIAG: 6, CONV: 7, POOL: 8, BNORM: 9, WDENSE: 10, WCONV: 11 } as const;

/** An activation's rate: Σ coef·λ_g + c. */
type Rate = { terms: Map<number, number>; c: number };
const rate0 = (): Rate => ({ terms: new Map(), c: 0 });
const plus = (r: Rate, g: number, k = 1): Rate => {
  const terms = new Map(r.terms);
  terms.set(g, (terms.get(g) ?? 0) + k);
  return { terms, c: r.c };
};

class Builder {
  constructor(readonly spec: ModelSpec) {}
  words: number[] = [];
  groups: ParamGroup[] = [];
  constraints: RateConstraint[] = [];
  size = 0;
  private slots = 0;
  private ops = 0;
  /** ops of the branches before the current one */
  opsBefore = 0;
  layers: ModelLayer[] = [];
  stateSize = 0;
  batchNorm: CompiledModel["batchNorm"] = [];
  /** the groups of the last op when it is a plain dense layer (see CompiledModel.classifier) */
  lastDense: { weight: number; bias: number } | null = null;
  /** an op of layers.ts (conv, pool, batch norm, weight-normalized dense) was emitted */
  usesLayers = false;

  private op(...w: number[]): void {
    if (w[0]! >= OP.CONV) this.usesLayers = true;
    this.lastDense = null; // dense() sets it again after its op
    if (w[0] === OP.SAVE && w[1]! >= MAX_SLOTS) throw new ArgumentError("model", this.spec, `at most ${MAX_SLOTS} residual connections (the kernels' slot table)`);
    this.words.push(...w);
    this.ops++;
  }

  group(name: string, shape: number[]): number {
    const size = shape.reduce((a, b) => a * b, 1);
    this.groups.push({ name, offset: this.size, size, shape });
    this.size += size;
    return this.groups.length - 1;
  }

  equal(a: Rate, b: Rate, why: string): void {
    const terms = new Map(a.terms);
    for (const [g, k] of b.terms) terms.set(g, (terms.get(g) ?? 0) - k);
    const list = [...terms].filter(([, k]) => k !== 0).map(([index, coef]) => ({ index, coef }));
    this.constraints.push({ terms: list, rhs: b.c - a.c, why });
  }

  dense(prefix: string, inp: number, out: number, bias: boolean, r: Rate): Rate {
    const w = this.group(`${prefix}.weight`, [out, inp]);
    const b = bias ? this.group(`${prefix}.bias`, [out]) : -1;
    this.op(OP.DENSE, inp, out, this.groups[w]!.offset, b >= 0 ? this.groups[b]!.offset : -1);
    this.lastDense = { weight: w, bias: b };
    const ro = plus(r, w);
    if (b >= 0) this.equal(plus(rate0(), b), ro, `${prefix}.bias is added to ${prefix}.weight·input`);
    return ro;
  }

  /** The groups of a weight-normalized layer (rows × cols weights): direction V, gain g (one per row) or scale ρ (one), bias. */
  private normalizedGroups(name: string, norm: "weight" | "frobenius", rows: number, cols: number, bias: boolean): { v: number; g: number; b: number } {
    const v = this.group(`${name}.direction`, [rows, cols]);
    const g = this.group(`${name}.${norm === "weight" ? "gain" : "scale"}`, norm === "weight" ? [rows] : [1]);
    const b = bias ? this.group(`${name}.bias`, [rows]) : -1;
    return { v, g, b };
  }

  /** The rates of a weight-normalized layer: V is scale-free, the output scales as g (and the bias with it). */
  private normalizedRate(name: string, v: number, g: number, b: number, r: Rate): Rate {
    this.equal(plus(rate0(), v), rate0(), `${name}.direction: scaling V leaves W = g·V/‖V‖ unchanged`);
    const ro = plus(r, g);
    if (b >= 0) this.equal(plus(rate0(), b), ro, `${name}.bias is added to ${name}'s weighted input`);
    return ro;
  }

  /** One layer of a "net" from shape `s` (its output shape `o`); returns the output's rate. */
  private netLayer(l: Exclude<NetLayer, { type: "residual" }>, name: string, s: NetShape, r: Rate): Rate {
    const flat = s.reduce((a, b) => a * b, 1);
    switch (l.type) {
      case "dense": {
        const norm = l.norm ?? "none";
        if (norm === "none") return this.dense(name, flat, l.units, l.bias !== false, r);
        const { v, g, b } = this.normalizedGroups(name, norm, l.units, flat, l.bias !== false);
        this.op(OP.WDENSE, flat, l.units, this.groups[v]!.offset, this.groups[g]!.offset, b >= 0 ? this.groups[b]!.offset : -1, norm === "weight" ? 0 : 1);
        return this.normalizedRate(name, v, g, b, r);
      }
      case "conv": {
        const [H, W, C] = s as [number, number, number];
        const K = l.kernel * l.kernel * C;
        const norm = l.norm ?? "none";
        if (norm !== "none") {
          const { v, g, b } = this.normalizedGroups(name, norm, l.channels, K, l.bias !== false);
          this.op(OP.WCONV, H, W, C, l.channels, l.kernel, l.stride ?? 1, l.padding ?? 0, this.groups[v]!.offset, b >= 0 ? this.groups[b]!.offset : -1, this.groups[g]!.offset, norm === "weight" ? 0 : 1);
          return this.normalizedRate(name, v, g, b, r);
        }
        const w = this.group(`${name}.weight`, [l.channels, K]);
        const b = l.bias !== false ? this.group(`${name}.bias`, [l.channels]) : -1;
        this.op(OP.CONV, H, W, C, l.channels, l.kernel, l.stride ?? 1, l.padding ?? 0, this.groups[w]!.offset, b >= 0 ? this.groups[b]!.offset : -1);
        const ro = plus(r, w);
        if (b >= 0) this.equal(plus(rate0(), b), ro, `${name}.bias is added to ${name}.weight∗input`);
        return ro;
      }
      case "maxpool":
      case "avgpool": {
        const [H, W, C] = s as [number, number, number];
        this.op(OP.POOL, H, W, C, l.size, l.stride ?? l.size, l.type === "maxpool" ? 0 : 1);
        return r;
      }
      case "relu":
        this.op(OP.RELU);
        return r;
      case "layernorm":
        this.op(OP.LNORM);
        return rate0();
      case "batchnorm": {
        const C = s.length === 3 ? s[2]! : s[0];
        let ro = rate0();
        let gOff = -1, bOff = -1;
        if (l.affine) {
          const g = this.group(`${name}.gamma`, [C]);
          const b = this.group(`${name}.beta`, [C]);
          gOff = this.groups[g]!.offset;
          bOff = this.groups[b]!.offset;
          ro = plus(rate0(), g);
          this.equal(plus(rate0(), b), ro, `${name}.beta is added to ${name}.gamma·x̂`);
        }
        this.op(OP.BNORM, C, gOff, bOff, this.stateSize);
        this.batchNorm.push({ name, channels: C, stateOffset: this.stateSize });
        this.stateSize += 2 * C;
        return ro;
      }
    }
  }

  /** The layers of a "net" (shapes checked by netShapes). */
  private net(spec: Extract<ModelSpec, { kind: "net" }>, p: string, r: Rate): Rate {
    const shapes = netShapes(spec);
    let s: NetShape = spec.shape ? [spec.shape[0]!, spec.shape[1]!, spec.shape[2]!] : [spec.inputs];
    spec.layers.forEach((l, i) => {
      const name = `${p}layer${i + 1}`;
      const o = shapes[i]!.out;
      if (l.type === "residual") {
        const slot = this.slots++;
        const rin = r;
        this.op(OP.SAVE, slot);
        let si = s;
        l.layers.forEach((b, j) => {
          const oj = shapes[i]!.inner![j]!;
          r = this.netLayer(b, `${name}.${j + 1}`, si, r);
          si = oj;
        });
        this.op(OP.ADD, slot);
        this.equal(r, rin, `the residual connection around ${name}`);
      } else r = this.netLayer(l, name, s, r);
      if (i < spec.layers.length - 1) this.layers.push({ name: `${name}.${l.type}`, width: o.reduce((a, b) => a * b, 1), op: this.opsBefore + this.ops - 1 });
      s = o;
    });
    return r;
  }

  /** One branch: [op count, ops…]; its output must have rate 1. */
  branch(spec: ModelSpec, prefix: string, outputs: number): void {
    const head = this.words.length;
    this.words.push(0);
    this.ops = 0;
    let r = rate0();
    const p = prefix ? `${prefix}.` : "";
    switch (spec.kind) {
      case "linear":
        r = this.dense(`${p}linear`, spec.inputs, outputs, spec.bias === true, r);
        break;
      case "diagonal": {
        const gs = spec.depths.map((D, i) => this.group(`${p}diag.coord${i}`, [D]));
        this.op(OP.DIAG, spec.depths.length, this.groups[gs[0]!]!.offset, ...spec.depths);
        const rc = gs.map((g, i) => plus(rate0(), g, spec.depths[i]!));
        rc.forEach((x, i) => i > 0 && this.equal(x, rc[0]!, `coordinates 0 and ${i} of the diagonal network add into one output`));
        r = rc[0]!;
        break;
      }
      case "deepLinear":
      case "mlp": {
        const widths = [spec.inputs, ...spec.hidden];
        const bias = spec.bias === true;
        const lastBias = spec.bias === true || spec.bias === "last";
        const residual = spec.kind === "mlp" && spec.residual === true;
        for (let l = 0; l < spec.hidden.length; l++) {
          const skip = residual && widths[l] === widths[l + 1];
          const slot = this.slots++;
          const rin = r;
          if (skip) this.op(OP.SAVE, slot);
          r = this.dense(`${p}layer${l + 1}`, widths[l]!, widths[l + 1]!, bias, r);
          if (spec.kind === "mlp") this.op(OP.RELU);
          if (skip) {
            this.op(OP.ADD, slot);
            this.equal(r, rin, `the residual connection around ${p}layer${l + 1}`);
          }
          this.layers.push({ name: `${p}hidden${l + 1}`, width: widths[l + 1]!, op: this.opsBefore + this.ops - 1 });
        }
        if (spec.layerNorm) {
          this.op(OP.LNORM);
          r = rate0(); // normalized features do not scale
          this.layers.push({ name: `${p}normalized`, width: widths[widths.length - 1]!, op: this.opsBefore + this.ops - 1 });
        }
        r = this.dense(`${p}layer${spec.hidden.length + 1}`, widths[widths.length - 1]!, outputs, lastBias, r);
        break;
      }
      case "net":
        r = this.net(spec, p, r);
        break;
      case "ensemble":
        throw new Error("nested ensembles are flattened by compileModel");
    }
    this.equal(r, { terms: new Map(), c: 1 }, `the output of ${prefix || "the model"} scales like e^α`);
    this.words[head] = this.ops;
    this.opsBefore += this.ops;
  }
}

function flatten(spec: ModelSpec, prefix: string): { spec: ModelSpec; prefix: string }[] {
  if (spec.kind !== "ensemble") return [{ spec, prefix }];
  return spec.members.flatMap((m, i) => flatten(m, prefix ? `${prefix}.m${i}` : `m${i}`));
}

/** Compiles a model spec (validated, defaults filled in: `CompiledModel.spec` is the complete spec). */
export function compileModel(input: ModelSpec): CompiledModel {
  const spec = parseModelSpec(input);
  const { inputs, outputs } = modelShape(spec);
  const members = flatten(spec, "");
  const b = new Builder(spec);
  b.words.push(outputs, members.length, inputs);
  for (const m of members) b.branch(m.spec, m.prefix, outputs);
  const hidden = members.length === 1 ? b.layers : [];
  const layers = [{ name: "input", width: inputs, op: -1 }, ...hidden, { name: "output", width: outputs, op: b.opsBefore - 1 }];
  return {
    spec, inputs, outputs, size: b.size, groups: b.groups, program: Int32Array.from(b.words), constraints: b.constraints, layers,
    stateSize: b.stateSize, batchNorm: b.batchNorm, classifier: members.length === 1 ? b.lastDense : null, perSample: !b.usesLayers,
  };
}

/** Per-parameter rates from per-group rates. */
export function expandRates(model: CompiledModel, groupRates: ArrayLike<number>): Float64Array {
  const lam = new Float64Array(model.size);
  model.groups.forEach((g, i) => lam.fill(groupRates[i]!, g.offset, g.offset + g.size));
  return lam;
}
