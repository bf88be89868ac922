#!/usr/bin/env node
// Adds up the vitest JSON reports of every workspace and prints one closing line: "N passed, N failed".
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

let passed = 0, failed = 0, skipped = 0, files = 0;
for (const group of ["packages", "apps"]) {
  if (!existsSync(group)) continue;
  for (const ws of readdirSync(group)) {
    const report = join(group, ws, ".test-results", "vitest.json");
    if (!existsSync(report)) continue;
    const r = JSON.parse(readFileSync(report, "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    files++;
  }
}
if (files === 0) {
  console.error("test-summary: no vitest reports found");
  process.exit(1);
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
