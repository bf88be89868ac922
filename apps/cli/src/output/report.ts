// DIR/report.html: one section per finished experiment in DIR (DIR itself for a run or a sweep, DIR/<id> for the
// reproductions), each opening with what its figures show and what the paper claims, then the claims checked —
// claim, closed form, measured value, whether it holds — side by side, the figures (inlined, so the file stands
// alone), the key numbers and the notes.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { ExperimentSource, Summary } from "@marginflow/core";
import { writeFileAtomic } from "../io.js";

/** What DIR/<id>/summary.json holds: everything a report section needs. */
export interface SummaryFile {
  id: string;
  title: string;
  source: ExperimentSource;
  summary: Summary;
  figures: { name: string; title: string; caption: string }[];
  tables: string[];
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const sourceText = (s: ExperimentSource) => [s.paper, s.section, s.figure].filter(Boolean).join(", ");

/** Experiment directories under `outDir` with a summary: outDir itself, then its subdirectories in `order`. */
export function summaryDirs(outDir: string, order: readonly string[]): string[] {
  const dirs: string[] = [];
  if (existsSync(join(outDir, "summary.json"))) dirs.push(outDir);
  const subs = existsSync(outDir) ? readdirSync(outDir).filter((d) => statSync(join(outDir, d)).isDirectory() && existsSync(join(outDir, d, "summary.json"))) : [];
  subs.sort((a, b) => (order.indexOf(a) + 1 || 1e9) - (order.indexOf(b) + 1 || 1e9) || a.localeCompare(b));
  return [...dirs, ...subs.map((d) => join(outDir, d))];
}

function section(outDir: string, dir: string): string {
  const s = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as SummaryFile;
  const rel = (f: string) => relative(outDir, join(dir, f)) || f;
  const mark = (h: boolean | null) => (h === null ? `<td class="na">—</td>` : h ? `<td class="ok">✓ holds</td>` : `<td class="no">✗ does not hold</td>`);
  const checks = s.summary.checks.length
    ? `<table class="checks"><tr><th>claim</th><th>closed form</th><th>measured</th><th></th></tr>${s.summary.checks.map((c) => `<tr><td>${esc(c.claim)}</td><td>${esc(c.closedForm)}</td><td>${esc(c.measured)}</td>${mark(c.holds)}</tr>`).join("")}</table>`
    : "";
  const figs = s.figures
    .map((f) => {
      const file = join(dir, `${f.name}.svg`);
      const svg = existsSync(file) ? readFileSync(file, "utf8") : `<p>missing ${esc(rel(`${f.name}.svg`))}</p>`;
      return `<figure>${svg}<figcaption>${esc(f.caption)} <a href="${esc(rel(`${f.name}.svg`))}">SVG</a> · <a href="${esc(rel(`${f.name}.png`))}">PNG</a></figcaption></figure>`;
    })
    .join("\n");
  const numbers = s.summary.numbers.length ? `<table class="numbers">${s.summary.numbers.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join("")}</table>` : "";
  const files = [`<a href="${esc(rel("result.json"))}">result.json</a>`, ...s.tables.flatMap((t) => [`<a href="${esc(rel(`${t}.csv`))}">${esc(t)}.csv</a>`, `<a href="${esc(rel(`${t}.jsonl`))}">${esc(t)}.jsonl</a>`])].join(" · ");
  return `<section id="${esc(s.id)}"><h2>${esc(s.title)}</h2><p class="source">${esc(sourceText(s.source))}</p>
<p><b>What the figures show.</b> ${esc(s.summary.shows)}</p>${s.summary.claim ? `<p><b>What the paper claims.</b> ${esc(s.summary.claim)}</p>` : ""}
${checks}
<div class="figs">${figs}</div>
${numbers}
${s.summary.notes ? `<p class="notes">${esc(s.summary.notes)}</p>` : ""}
<p class="files">${files}</p></section>`;
}

/** Writes DIR/report.html from every experiment directory in DIR; returns its path. */
export function writeReport(outDir: string, order: readonly string[], heading: string): string {
  const sections = summaryDirs(outDir, order).map((d) => section(outDir, d));
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(heading)}</title>
<style>body{font-family:"DejaVu Sans",system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h2{margin-top:2.2em;border-bottom:1px solid #ddd}p.source{color:#666;margin-top:-.6em}.figs{display:flex;flex-wrap:wrap;gap:1.5em;margin:1em 0}
figure{margin:0;max-width:100%}figure svg{max-width:100%;height:auto}figcaption{font-size:13px;color:#555;max-width:640px}
table{border-collapse:collapse;font-size:14px;margin:.8em 0}td,th{border-bottom:1px solid #ddd;padding:4px 8px;vertical-align:top;text-align:left}
table.checks td:nth-child(3){font-variant-numeric:tabular-nums}td.ok{color:#1a7f37;white-space:nowrap}td.no{color:#cf222e;white-space:nowrap}td.na{color:#888}
p.notes{font-size:14px;color:#444}p.files{font-size:13px}</style></head>
<body><h1>${esc(heading)}</h1>
${sections.join("\n") || "<p>No finished experiment in this directory yet.</p>"}
</body></html>
`;
  const path = join(outDir, "report.html");
  writeFileAtomic(path, html);
  return path;
}
