// Plain-TS references of the WASM kernels (for tests and benchmarks only).
export * as blas from "./blas.js";
export * as special from "./special.js";
export * as models from "./models.js";
export * as filippov from "./filippov.js";
export * as net from "./net.js";
