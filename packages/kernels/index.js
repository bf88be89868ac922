export { manifest, globals } from "./build/manifest.js";
export { wasmBytes } from "./build/wasm-bytes.js";
