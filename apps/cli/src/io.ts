// Files: every output is written whole or not at all (temp file + rename).
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { CliError } from "./errors.js";

const REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  EEXIST: "a parent path is not a directory",
  ENOTDIR: "a parent path is not a directory",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  EISDIR: "it is a directory",
  ENOENT: "its directory cannot be created there",
};

function cannotWrite(path: string, e: unknown): CliError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = (code && REASONS[code]) ?? code ?? (e as Error).message;
  return new CliError(`cannot write ${path}: ${why} — choose a writable path`);
}

/** mkdir -p, one level at a time: Node 20's recursive mkdirSync never returns under /proc. */
export function ensureDir(dir: string): void {
  try {
    if (statSync(dir).isDirectory()) return;
    throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  const parent = dirname(dir);
  if (parent !== dir) ensureDir(parent);
  mkdirSync(dir);
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  try {
    ensureDir(dirname(path));
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    throw cannotWrite(path, e);
  }
}

export function writeJson(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}

/** Fails early (before any long computation) when `path` cannot be written. */
export function checkWritable(path: string): void {
  const probe = `${path}.probe-${process.pid}`;
  try {
    ensureDir(dirname(path));
    writeFileSync(probe, "");
    rmSync(probe);
  } catch (e) {
    throw cannotWrite(path, e);
  }
}
