// Files: every output is written whole or not at all (a temp file beside it, then a rename; the temp file is
// removed if anything fails), and paths are checked before any long computation.
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, relative } from "node:path";
import { randomBytes } from "node:crypto";
import { CliError } from "./errors.js";

const REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  EEXIST: "a parent path is not a directory",
  ENOTDIR: "a parent path is not a directory",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EISDIR: "it is a directory",
  ENOENT: "its directory cannot be created there",
};

export function cannotWrite(path: string, e: unknown): CliError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = (code && REASONS[code]) ?? code ?? (e as Error).message;
  return new CliError(`cannot write ${path}: ${why} — choose a writable path`);
}

/** mkdir -p, one level at a time (Node 20's recursive mkdirSync never returns under /proc); throws the errno
 *  error (the caller names the file it wanted to write). A directory made meanwhile by a concurrent run is fine. */
export function ensureDir(dir: string): void {
  try {
    if (statSync(dir).isDirectory()) return;
    throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  const parent = dirname(dir);
  if (parent !== dir) ensureDir(parent);
  try {
    mkdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST" && statSync(dir).isDirectory()) return;
    throw e;
  }
}

/** ensureDir for a directory of outputs: a failure is one line naming it. */
export function ensureOutDir(dir: string): void {
  try {
    ensureDir(dir);
  } catch (e) {
    throw cannotWrite(dir, e);
  }
}

/** Removes a temp file if it is there (its directory may not even exist). */
function removeQuietly(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // nothing was written there
  }
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    ensureDir(dirname(path));
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    removeQuietly(tmp);
    throw cannotWrite(path, e);
  }
}

export function writeJson(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}

/** Fails early (before any long computation) when the file `path` cannot be written. */
export function checkWritable(path: string): void {
  if (existsSync(path) && statSync(path).isDirectory()) throw cannotWrite(path, Object.assign(new Error("is a directory"), { code: "EISDIR" }));
  const probe = `${path}.probe-${process.pid}`;
  try {
    ensureDir(dirname(path));
    writeFileSync(probe, "");
    rmSync(probe);
  } catch (e) {
    removeQuietly(probe);
    throw cannotWrite(path, e);
  }
}

/** A path as a user reads it: relative to the working directory when it is inside it. */
export function shown(path: string): string {
  const r = relative(process.cwd(), path);
  return r && !r.startsWith("..") && !isAbsolute(r) ? r : path;
}
