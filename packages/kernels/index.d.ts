export { manifest, globals, type KernelExports, type KernelFunction, type KernelGlobal, type ExportSignature, type WasmType } from "./build/manifest.js";
export { wasmBytes } from "./build/wasm-bytes.js";
