// @marginflow/core/internals — the building blocks under the public API, for tests, benchmarks and extensions
// that lay out their own problems: the memory arena, a training problem bound into WASM memory, the raw
// integrator call, per-checkpoint monitors. No stability promise beyond the package's version.
export { Arena, F64Buffer } from "./runtime/arena.js";
export { BoundProblem, lossCode } from "./dynamics/problem.js";
export { runSolver, eventRecord, type RawRun, type RawSolution } from "./dynamics/solver.js";
export { pointMonitors, checkLambdaVector } from "./dynamics/monitors.js";
// the deterministic elementary functions core computes with (the same double on every engine)
export * as detmath from "./runtime/detmath.js";
