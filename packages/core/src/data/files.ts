// Files a host can read for core: core knows no file system (it runs in workers and browser tabs), so a host that has
// one registers a reader (the CLI: node:fs, in its process and in each pool worker) and experiments that take a file
// path (seed 001's image CSV) ask for it. A host without one gets an error naming the field.
import { ArgumentError } from "../errors.js";

let reader: ((path: string) => string) | null = null;

/** Registers the host's text-file reader. */
export function registerFileReader(read: (path: string) => string): void {
  reader = read;
}

/** The text of a file through the registered reader; `field` names the spec field in errors. */
export function readTextFile(path: string, field: string): string {
  if (!reader) throw new ArgumentError(field, path, "a host that can read files (the command line); a browser page passes the data inline");
  try {
    return reader(path);
  } catch (e) {
    throw new ArgumentError(field, path, `a readable file (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`);
  }
}
