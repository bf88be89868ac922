// The generated manifest of WASM exports is the contract between kernels and core: every export of the
// module is in the manifest and vice versa, and core binds every function in it.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { globals, manifest } from "@marginflow/kernels";
import { compileKernels } from "../src/index.js";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === "reference" ? [] : sources(p);
    return p.endsWith(".ts") ? [p] : [];
  });
}

describe("kernel exports ⇄ manifest ⇄ core bindings", () => {
  it("the module's exports are exactly the manifest's functions and constants (plus memory)", async () => {
    const exports = WebAssembly.Module.exports(await compileKernels());
    const fns = exports.filter((e) => e.kind === "function").map((e) => e.name).sort();
    const gls = exports.filter((e) => e.kind === "global").map((e) => e.name).sort();
    expect(fns).toEqual(Object.keys(manifest).sort());
    expect(gls).toEqual(Object.keys(globals).sort());
    expect(exports.filter((e) => e.kind === "memory").map((e) => e.name)).toEqual(["memory"]);
  });
  it("every manifest function is called by core (outside the test-only references)", () => {
    const src = sources(join(import.meta.dirname, "../src")).map((p) => readFileSync(p, "utf8")).join("\n");
    const unbound = Object.keys(manifest).filter((name) => !new RegExp(`\\b${name}\\b`).test(src));
    expect(unbound).toEqual([]);
  });
  it("every manifest parameter has a name and a WASM type", () => {
    for (const [name, sig] of Object.entries(manifest)) {
      for (const p of sig.params) {
        expect(p.name, name).toMatch(/^\w+$/);
        expect(["i32", "u32", "f64", "usize", "bool", "f32"], `${name}(${p.name})`).toContain(p.type);
      }
    }
  });
});
