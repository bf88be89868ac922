// The repository root, where the benchmarks' peers live (bench/peers/): the first directory above this file that
// holds them — bundled or not, run from anywhere.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CliError } from "./errors.js";

/** The directory above this installation that holds bench/peers/`peer`. */
export function repoRoot(peer: string, who: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "bench", "peers", peer))) {
    const up = dirname(dir);
    if (up === dir) throw new CliError(`${who}: the peer bench/peers/${peer} is not found above this installation (it ships with the repository)`);
    dir = up;
  }
  return dir;
}
