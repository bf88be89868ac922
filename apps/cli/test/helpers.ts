// Runs the built marginflow command as a user would: exit code, stdout and stderr (optionally with stdin, a
// working directory, or as a background process to signal).
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const bin = new URL("../bin/marginflow.js", import.meta.url).pathname;
export const tmp = (prefix = "mf-") => mkdtempSync(join(tmpdir(), prefix));

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export async function run(...args: string[]): Promise<Ran> {
  return runWith({}, ...args);
}

export async function runWith(o: { stdin?: string; cwd?: string }, ...args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    const p = execFile(process.execPath, [bin, ...args], { cwd: o.cwd, maxBuffer: 1 << 26 }, (e, stdout, stderr) => {
      resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    if (o.stdin !== undefined) p.stdin!.end(o.stdin);
  });
}

/** Starts marginflow in the background; `until` resolves once stderr matches. */
export function start(...args: string[]): { p: ChildProcess; stderr: () => string; until: (re: RegExp) => Promise<void>; exit: Promise<number | null> } {
  const p = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  const waiters: [RegExp, () => void][] = [];
  p.stderr!.on("data", (b: Buffer) => {
    err += b.toString();
    for (const w of waiters.splice(0)) (w[0].test(err) ? w[1] : () => waiters.push(w))();
  });
  p.stdout!.resume();
  const exit = new Promise<number | null>((r) => p.on("exit", (c, sig) => r(c ?? (sig ? -1 : null))));
  return { p, stderr: () => err, until: (re) => new Promise((r) => (re.test(err) ? r() : waiters.push([re, r]))), exit };
}
