// One run owns an output directory at a time: a lock file holds the owner's pid, host, shard and command, plus a
// random token and, on Linux, the boot id and the process's start time. Shards k/N of one split may share a
// directory (their items are disjoint); anything else that overlaps is refused with the owner named. A lock whose
// process is gone is stale and removed: same host and no such pid, another boot, or the pid now belonging to
// another process (a restarted container gets the same pids; so does this very process). A lock from another host
// is assumed alive (the message says how to remove it). Registration happens under a short-lived mutex
// (`.lock-open`, created exclusively), so two runs starting at the same moment see each other.
import { closeSync, linkSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { CliError } from "../errors.js";

export interface Owner {
  pid: number;
  host: string;
  /** "k/N", or null for an unsharded run */
  shard: string | null;
  started: string;
  command: string;
  /** random: tells this process's files from a successor's */
  token: string;
  /** Linux: the kernel's boot id and the process's start time (clock ticks since boot), to detect reused pids */
  boot?: string;
  startTicks?: string;
}

const MUTEX = ".lock-open";
const lockName = (shard: string | null) => (shard ? `.lock-shard-${shard.replace("/", "-of-")}` : ".lock");
const TOKEN = randomBytes(8).toString("hex");

const readText = (file: string): string | undefined => {
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    return undefined;
  }
};
/** Field 22 of /proc/<pid>/stat (after the command, which may hold spaces): the start time in clock ticks. */
const startTicks = (pid: number | "self") => readText(`/proc/${pid}/stat`)?.replace(/^.*\) /, "").split(" ")[19];
const BOOT = readText("/proc/sys/kernel/random/boot_id");

function me(shard: string | null, command: string): Owner {
  return { pid: process.pid, host: hostname(), shard, started: new Date().toISOString(), command, token: TOKEN, boot: BOOT, startTicks: startTicks("self") };
}

/** Whether the process that wrote `o` may still be running. */
function alive(o: Owner): boolean {
  if (o.host !== hostname()) return true; // another machine: assume it is running
  if (o.boot && BOOT && o.boot !== BOOT) return false; // written before a reboot
  if (o.pid === process.pid) return o.token === TOKEN; // our pid, another process's lock: a restarted container
  try {
    process.kill(o.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const now = o.startTicks ? startTicks(o.pid) : undefined;
  return !(now && o.startTicks && now !== o.startTicks); // the pid belongs to another process now
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

/** Removes `file` only if it still holds `seen` (a stale owner): renamed aside first, so that a successor's fresh
 *  file taken in the meantime is put back instead of deleted. */
function removeIfUnchanged(file: string, seen: string | undefined): void {
  const aside = `${file}.stale-${TOKEN}`;
  try {
    renameSync(file, aside);
  } catch {
    return; // gone already
  }
  if (readText(aside) === seen) rmSync(aside, { force: true });
  else {
    try {
      linkSync(aside, file); // put a successor's file back (fails if yet another one exists: then ours is moot)
    } catch {
      // nothing to restore
    }
    rmSync(aside, { force: true });
  }
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Runs `fn` holding the directory's registration mutex (waits up to 15 s for another registration; `fn` takes
 *  milliseconds: it never reads the items). */
export function withMutex<T>(dir: string, fn: () => T): T {
  const file = join(dir, MUTEX);
  const mine = JSON.stringify(me(null, "registering"));
  const deadline = Date.now() + 15_000;
  while (!createExclusive(file, mine)) {
    const seen = readText(file);
    const o = readOwner(file);
    let age = 0;
    try {
      age = Date.now() - statSync(file).mtimeMs;
    } catch {
      continue; // released in between
    }
    // stale: a gone process's, half-written and old, or another host's that never let go
    const stale = o ? !alive(o) || (o.host !== hostname() && age > 60_000) : age > 2000;
    if (stale) removeIfUnchanged(file, seen);
    else if (Date.now() > deadline) throw new CliError(`${dir} is being opened by another run (pid ${o?.pid} on ${o?.host}) and it does not finish: remove ${file} if no marginflow process is running`);
    else sleep(20);
  }
  try {
    return fn();
  } finally {
    if (readText(file) === mine) rmSync(file, { force: true });
  }
}

export class DirLock {
  private constructor(readonly file: string) {}

  /** Takes the directory for this process (call inside withMutex). Throws a CliError naming a live owner. */
  static acquire(dir: string, shard: string | null, command: string): DirLock {
    for (const f of readdirSync(dir).filter((x) => x === ".lock" || x.startsWith(".lock-shard-"))) {
      const path = join(dir, f);
      const o = readOwner(path);
      if (!o || !alive(o)) {
        rmSync(path, { force: true }); // stale: its process is gone (we hold the mutex: nobody else takes locks now)
        continue;
      }
      const other = o.shard, conflict = shard === null || other === null || other === shard || other.split("/")[1] !== shard.split("/")[1];
      if (conflict) {
        const who = `pid ${o.pid} on ${o.host}${o.shard ? `, shard ${o.shard}` : ""}, started ${o.started}: ${o.command}`;
        const hint = shard && other && other !== shard ? "shards of different splits cannot share a directory: give each its own --out and join them with marginflow merge" : "wait for it to finish or choose another --out";
        throw new CliError(`${dir} is in use by another run (${who}) — ${hint}; if that process is gone, delete ${path}`);
      }
    }
    const file = join(dir, lockName(shard));
    if (!createExclusive(file, JSON.stringify(me(shard, command)))) throw new CliError(`cannot take ${file}: it appeared while registering`);
    return new DirLock(file);
  }

  release(): void {
    if (readOwner(this.file)?.token === TOKEN) rmSync(this.file, { force: true });
  }
}
