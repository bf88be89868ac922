// The kernels module: every export of the .wasm. One op family per file.
export * from "./memory";
export * from "./blas1";
export * from "./blas2";
export * from "./blas3";
export * from "./integrate/flows";
export * from "./integrate/dopri5";
