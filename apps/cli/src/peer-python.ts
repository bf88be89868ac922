// The Python that runs the benchmarks' peers: python3 on PATH when it has NumPy and SciPy (a user's own
// environment), else Debian's /usr/bin/python3, which scripts/ensure-system-deps.mjs equips with python3-scipy —
// a PATH python3 (pyenv, a venv) may not see Debian's packages.
import { spawnSync } from "node:child_process";

let chosen: string | undefined;

/** The interpreter for the peers (checked once per process). */
export function peerPython(): string {
  if (chosen) return chosen;
  const ok = (py: string) => spawnSync(py, ["-c", "import numpy, scipy"], { stdio: "ignore" }).status === 0;
  chosen = ok("python3") ? "python3" : "/usr/bin/python3";
  return chosen;
}
