// One run owns an output directory at a time: a lock file holds the owner's pid, host, shard and command.
// Shards k/N of the same sweep may share a directory (their items are disjoint); anything else that overlaps is
// refused with the owner named. A lock whose process is gone (same host, no such pid) is stale and removed.
// Registration happens under a short-lived mutex (`.lock-open`, created exclusively), so two runs starting at the
// same moment see each other.
import { closeSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { CliError } from "../errors.js";

export interface Owner {
  pid: number;
  host: string;
  /** "k/N", or null for an unsharded run */
  shard: string | null;
  started: string;
  command: string;
}

const MUTEX = ".lock-open";
const lockName = (shard: string | null) => (shard ? `.lock-shard-${shard.replace("/", "-of-")}` : ".lock");

function alive(o: Owner): boolean {
  if (o.host !== hostname()) return true; // another machine: assume it is running
  try {
    process.kill(o.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOwner(file: string): Owner | null {
  try {
    const o = JSON.parse(readFileSync(file, "utf8")) as Owner;
    return typeof o.pid === "number" && typeof o.host === "string" ? o : null;
  } catch {
    return null; // half-written by a process killed at that instant: treated as stale below
  }
}

/** Creates `file` exclusively with `content`; false if it exists. */
function createExclusive(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, "wx");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Runs `fn` holding the directory's registration mutex (waits up to 15 s for another registration). */
export function withMutex<T>(dir: string, fn: () => T): T {
  const file = join(dir, MUTEX);
  const me = JSON.stringify({ pid: process.pid, host: hostname(), shard: null, started: new Date().toISOString(), command: "registering" } satisfies Owner);
  const deadline = Date.now() + 15_000;
  while (!createExclusive(file, me)) {
    const o = readOwner(file);
    let age = 0;
    try {
      age = Date.now() - statSync(file).mtimeMs;
    } catch {
      continue; // released in between
    }
    if ((o && !alive(o)) || (!o && age > 2000) || age > 30_000) rmSync(file, { force: true });
    else if (Date.now() > deadline) throw new CliError(`${dir} is being opened by another run (pid ${o?.pid} on ${o?.host}) and it does not finish: remove ${file} if no marginflow process is running`);
    else sleep(20);
  }
  try {
    return fn();
  } finally {
    rmSync(file, { force: true });
  }
}

export class DirLock {
  private constructor(readonly file: string) {}

  /** Takes the directory for this process (call inside withMutex). Throws a CliError naming a live owner. */
  static acquire(dir: string, shard: string | null, command: string): DirLock {
    for (const f of readdirSync(dir).filter((x) => x === ".lock" || x.startsWith(".lock-shard-"))) {
      const o = readOwner(join(dir, f));
      if (!o || !alive(o)) {
        rmSync(join(dir, f), { force: true }); // stale: its process is gone
        continue;
      }
      const other = o.shard, conflict = shard === null || other === null || other === shard || other.split("/")[1] !== shard.split("/")[1];
      if (conflict) {
        const who = `pid ${o.pid} on ${o.host}${o.shard ? `, shard ${o.shard}` : ""}, started ${o.started}: ${o.command}`;
        const hint = shard && other && other !== shard ? "shards of different splits cannot share a directory: give each its own --out and join them with marginflow merge" : "wait for it to finish or choose another --out";
        throw new CliError(`${dir} is in use by another run (${who}) — ${hint}; if that process is gone, delete ${join(dir, f)}`);
      }
    }
    const file = join(dir, lockName(shard));
    const me: Owner = { pid: process.pid, host: hostname(), shard, started: new Date().toISOString(), command };
    rmSync(file, { force: true });
    if (!createExclusive(file, JSON.stringify(me))) throw new CliError(`cannot take ${file}: it appeared while registering`);
    return new DirLock(file);
  }

  release(): void {
    const o = readOwner(this.file);
    if (o && o.pid === process.pid && o.host === hostname()) rmSync(this.file, { force: true });
  }
}
