// An esbuild plugin for the apps' bundles: marks TypeBox's modules side-effect free (they are; its package.json
// does not say so), so that a bundle keeps only the builders and validators marginflow imports (the worker bundle:
// 741 → 347 KiB minified, see docs/decisions.md).
/** @type {import("esbuild").Plugin} */
export const typeboxIsPure = {
  name: "typebox-is-pure",
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.resolving) return undefined;
      const inside = args.importer.includes("/node_modules/typebox/");
      if (!inside && !/^typebox(\/|$)/.test(args.path)) return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { resolving: true } });
      return r.errors.length ? { errors: r.errors } : { path: r.path, sideEffects: false };
    });
  },
};
