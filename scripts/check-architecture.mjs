// The house's rules, checked on every `npm test` with dependency-cruiser (the import graph of every source file):
//   - no import cycles;
//   - arrows point down only: kernels ← core ← apps; core is environment-free (no node: modules); the two apps
//     do not import each other;
//   - docs/architecture.md is a true map: one row per source file, whose "imports" column is the file's imports;
//   - core's numbers are engine-independent: no Math.exp, log, sin, pow, hypot, … (whose last bit ECMAScript leaves
//     to the engine) and no ** but x ** 2 and 2 ** k in packages/core/src — runtime/detmath.js instead — outside
//     DETMATH_EXEMPT.
// `node scripts/check-architecture.mjs --write` rewrites the imports column (and adds rows, responsibility "TODO").
import { readFileSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { cruise } from "dependency-cruiser";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(ROOT);
const MAP = "docs/architecture.md";
/** Source roots: a file's imports are shown relative to its root. */
const ROOTS = ["packages/kernels/assembly", "packages/kernels/scripts", "packages/core/src", "apps/cli/src", "apps/cli/scripts", "apps/cli/bin", "apps/web/src", "apps/web/scripts", "scripts", "bench/peers"];
const SOURCE = /\.(ts|mts|mjs|js|py)$/;

const rules = [
  { name: "no-circular", severity: "error", comment: "import cycles", from: {}, to: { circular: true } },
  { name: "core-environment-free", severity: "error", comment: "core knows no files, terminals or DOM", from: { path: "^packages/core/src" }, to: { dependencyTypes: ["core"] } },
  { name: "kernels-pure", severity: "error", comment: "kernels import only kernels", from: { path: "^packages/kernels/assembly" }, to: { pathNot: "^packages/kernels/assembly" } },
  { name: "core-not-apps", severity: "error", comment: "arrows point down: core imports no app", from: { path: "^packages/core" }, to: { path: "^apps/" } },
  { name: "cli-not-web", severity: "error", comment: "the apps are independent", from: { path: "^apps/cli" }, to: { path: "^apps/web" } },
  { name: "web-not-cli", severity: "error", comment: "the apps are independent", from: { path: "^apps/web" }, to: { path: "^apps/cli" } },
];

const files = (dir) => readdirSync(dir).flatMap((f) => {
  const p = join(dir, f);
  return statSync(p).isDirectory() ? (f === "node_modules" || f === "dist" || f === "build" ? [] : files(p)) : SOURCE.test(f) ? [p] : [];
});
const sources = ROOTS.flatMap((r) => files(r)).filter((f) => !f.endsWith(".d.ts")).sort();

const result = await cruise(ROOTS, {
  doNotFollow: { path: "node_modules" },
  exclude: { path: "(^|/)(dist|build|node_modules)/" },
  tsPreCompilationDeps: true,
  enhancedResolveOptions: { extensionAlias: { ".js": [".ts", ".js"] } },
  validate: true,
  ruleSet: { forbidden: rules },
});
const out = result.output;
const rootOf = (f) => ROOTS.filter((r) => f.startsWith(`${r}/`)).sort((a, b) => b.length - a.length)[0];

/** What a file imports: files of its own root (relative to it), packages by name, node: modules. */
function importsOf(file) {
  const m = out.modules.find((x) => x.source === file);
  if (!m) return [];
  const root = rootOf(file);
  const names = m.dependencies.map((d) => {
    if (d.coreModule) return `node:${d.module.replace(/^node:/, "")}`;
    if (!d.resolved.startsWith("node_modules/") && root && d.resolved.startsWith(`${root}/`)) return relative(root, d.resolved);
    const pkg = d.module.startsWith("@") ? d.module.split("/").slice(0, 2).join("/") : d.module.split("/")[0];
    return d.module.startsWith(".") ? relative(ROOT, d.resolved) : pkg;
  });
  return [...new Set(names)].sort((a, b) => Number(a.startsWith("node:")) - Number(b.startsWith("node:")) || a.localeCompare(b));
}

const problems = [];

// ---- engine-independent numbers in core (see runtime/detmath.ts)
/** Files of core that may call Math.*'s approximated functions: the plain-TS references the tests measure
 *  against (their results are never a library result), and the benchmark whose peer is the Math.exp loop. */
const DETMATH_EXEMPT = [/^packages\/core\/src\/reference\//, /^packages\/core\/src\/bench\/kernels\.ts$/];
const APPROXIMATED = /\bMath\.(exp|expm1|log|log1p|log2|log10|sin|cos|tan|asin|acos|atan|atan2|sinh|cosh|tanh|asinh|acosh|atanh|cbrt|pow|hypot)\b/g;
/** a ** b but for x ** 2 (a product in every engine) and 2 ** k (a power of two, exact when representable). */
const POWER = /(\S+)\s*\*\*\s*(-?[\w.]+|\()/g;
/** The code of a file with comments and string literals blanked (lines kept, so line numbers still count). */
const codeOf = (text) => text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`/g, (m) => m.replace(/[^\n]/g, " "));
for (const f of sources.filter((x) => x.startsWith("packages/core/src/") && !DETMATH_EXEMPT.some((r) => r.test(x)))) {
  codeOf(readFileSync(f, "utf8")).split("\n").forEach((line, i) => {
    for (const m of line.matchAll(APPROXIMATED)) problems.push(`${f}:${i + 1}: ${m[0]} is approximated by each engine in its own way — use ${m[1]} from runtime/detmath.js (core's results must be bitwise the same in Node and any browser)`);
    for (const m of line.matchAll(POWER)) {
      if (m[2] === "2" || /^\(?2$/.test(m[1])) continue;
      problems.push(`${f}:${i + 1}: ${m[0].trim()} … is Math.pow, approximated by each engine in its own way — use pow from runtime/detmath.js (x ** 2 and 2 ** k are fine)`);
    }
  });
}

for (const v of out.summary.violations) {
  const rule = rules.find((r) => r.name === v.rule.name);
  const cycle = v.cycle?.length ? ` (cycle: ${[v.from, ...v.cycle.map((c) => c.name ?? c)].join(" → ")})` : "";
  problems.push(`${rule?.comment ?? v.rule.name}: ${v.from} → ${v.to}${cycle}`);
}

// ---- the map: | `path` | responsibility | imports |
const text = readFileSync(MAP, "utf8");
const ROW = /^\| `([^`]+)` \| (.*) \| (.*) \|$/;
const rows = new Map();
for (const line of text.split("\n")) {
  const m = ROW.exec(line);
  if (m) rows.set(m[1], { responsibility: m[2], imports: m[3] });
}
const shown = (f) => importsOf(f).map((x) => `\`${x}\``).join(", ") || "—";
for (const f of sources) {
  const row = rows.get(f);
  if (!row) problems.push(`${MAP}: no row for ${f}`);
  else if (row.imports !== shown(f)) problems.push(`${MAP}: the imports of ${f} are ${shown(f)}, the map says ${row.imports}`);
  else if (/^\s*(TODO)?\s*$/.test(row.responsibility)) problems.push(`${MAP}: ${f} has no responsibility written`);
}
for (const f of rows.keys()) if (!sources.includes(f)) problems.push(`${MAP}: a row for ${f}, which does not exist`);

if (process.argv.includes("--write")) {
  // one table, in path order, where the first row stands: rows of files that exist (imports rewritten), new ones
  // with responsibility "TODO"; whatever text follows the table is kept after it
  const lines = text.split("\n"), first = lines.findIndex((l) => ROW.test(l));
  const missing = sources.filter((f) => !rows.has(f));
  const table = sources.map((f) => `| \`${f}\` | ${rows.get(f)?.responsibility ?? "TODO"} | ${shown(f)} |`);
  const rest = lines.slice(first).filter((l) => !ROW.test(l)).join("\n").trim();
  writeFileSync(MAP, [...lines.slice(0, first), ...table].join("\n") + "\n" + (rest ? `\n${rest}\n` : ""));
  console.log(`architecture: ${MAP} rewritten (${missing.length} new rows)`);
} else if (problems.length) {
  console.error(`architecture: ${problems.length} problem(s)\n  ${problems.join("\n  ")}`);
  process.exit(1);
} else {
  console.log(`architecture: ${sources.length} source files, each in ${MAP} with its imports; no import cycles; arrows point down (kernels ← core ← apps), core environment-free, core's math engine-independent (detmath)`);
}
