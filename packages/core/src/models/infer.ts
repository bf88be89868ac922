// Λ for the compiled zoo (seed 000, Def. 3.1, App. B): inferred by scale propagation — compileModel records
// how each activation's rate depends on the groups' rates, solveRates picks the proper (lexicographic-minimax)
// Λ — and verified numerically through the WASM forward and backward passes (scaling law and Euler's identity).
import { ArgumentError, checkAllFinite } from "../errors.js";
import type { Runtime } from "../runtime/kernels.js";
import type { Matrix } from "../linalg/matrix.js";
import { expandRates, type CompiledModel } from "./compile.js";
import { ModelEvaluator } from "./evaluate.js";
import { solveRates, type RateSolution } from "./rates.js";
import { throwIfViolated, verifyLambda, type LambdaCheck, type LambdaModel, type VerifyLambdaOptions } from "./verify.js";

export interface ModelLambda {
  /** rate of each parameter group, in model.groups order */
  groupRates: Float64Array;
  /** per-parameter Λ (length model.size) */
  lambda: Float64Array;
  lambdaMax: number;
  /** the groups with λ = λmax: the parameters that remain in the objective ½‖θ‖²_Λmax */
  objectiveGroups: string[];
  /** group names whose rate no valid Λ can change (no minimax choice was involved) */
  determinedGroups: string[];
  solution: RateSolution;
}

/** The proper Λ of a compiled model (throws RateInfeasibleError if it is not quasi-homogeneous). */
export function inferLambda(model: CompiledModel): ModelLambda {
  const solution = solveRates(model.groups.length, model.constraints);
  const groupRates = Float64Array.from(solution.lambda);
  const lambda = expandRates(model, groupRates);
  const top = new Set(solution.levels[0]?.indices ?? []);
  return {
    groupRates,
    lambda,
    lambdaMax: solution.lambdaMax,
    objectiveGroups: model.groups.filter((_, i) => top.has(i)).map((g) => g.name),
    determinedGroups: model.groups.filter((_, i) => solution.determined[i]).map((g) => g.name),
    solution,
  };
}

/** A declared Λ by group name, e.g. { "layer1.weight": 0.5, "layer2.bias": 1 }; every group must be named. */
export function lambdaFromNames(model: CompiledModel, rates: Record<string, number>): Float64Array {
  if (typeof rates !== "object" || rates === null) throw new ArgumentError("rates", rates, "an object mapping group names to rates");
  const names = new Set(model.groups.map((g) => g.name));
  for (const k of Object.keys(rates)) {
    if (!names.has(k)) throw new ArgumentError(`rates["${k}"]`, rates[k], `a group of the model (${[...names].join(", ")})`);
  }
  return expandRates(
    model,
    model.groups.map((g) => {
      const v = rates[g.name];
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new ArgumentError(`rates["${g.name}"]`, v, "a finite rate ≥ 0");
      return v;
    }),
  );
}

/** The compiled model as verifyLambda sees it: forward and Jacobian (outputs × m) of one sample, in WASM. */
export function lambdaModel(rt: Runtime, model: CompiledModel): LambdaModel {
  const ev = new ModelEvaluator(rt, model);
  const one = (x: Float64Array): Matrix => ({ rows: 1, cols: model.inputs, data: x });
  return {
    forward: (theta, x) => {
      const f = ev.forward(theta, one(x)).data;
      return model.outputs === 1 ? f[0]! : f;
    },
    gradient: (theta, x) => {
      const C = model.outputs, m = model.size, J = new Float64Array(C * m);
      for (let c = 0; c < C; c++) {
        const G = new Float64Array(C);
        G[c] = 1;
        J.set(ev.backward(theta, one(x), { rows: 1, cols: C, data: G }), c * m);
      }
      return J;
    },
  };
}

function rowsOf(X: Matrix): Float64Array[] {
  checkAllFinite("X", X.data);
  return Array.from({ length: X.rows }, (_, i) => X.data.slice(i * X.cols, (i + 1) * X.cols));
}

/** Residuals of f(x; e^{αΛ}θ) = e^α f(x; θ) and ⟨∇θ f, Λθ⟩ = f for the compiled model at the given points. */
export function checkModelLambda(
  rt: Runtime,
  model: CompiledModel,
  lambda: ArrayLike<number>,
  thetas: Float64Array | Float64Array[],
  X: Matrix,
  options: VerifyLambdaOptions = {},
): LambdaCheck {
  if (lambda.length !== model.size) throw new ArgumentError("lambda", lambda, `one rate per parameter (${model.size})`);
  return verifyLambda(lambdaModel(rt, model), lambda, thetas, rowsOf(X), options);
}

/** checkModelLambda, throwing a LambdaError that reports the residual when the architecture violates Λ. */
export function assertModelLambda(...args: Parameters<typeof checkModelLambda>): LambdaCheck {
  return throwIfViolated(checkModelLambda(...args));
}
