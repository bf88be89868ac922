#!/usr/bin/env node
// Installs the system packages a task needs when they are missing (Debian's apt; no other downloads).
//   node scripts/ensure-system-deps.mjs chromium        — the browser tests (Debian's /usr/bin/chromium)
//   node scripts/ensure-system-deps.mjs python3-scipy   — the SciPy peer of the benchmarks
//   node scripts/ensure-system-deps.mjs python3-torch   — the PyTorch peer of bench train and of the training test
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const checks = {
  chromium: () => existsSync("/usr/bin/chromium") && spawnSync("/usr/bin/chromium", ["--version"], { stdio: "ignore" }).status === 0,
  "python3-scipy": () => spawnSync("/usr/bin/python3", ["-c", "import scipy, numpy"], { stdio: "ignore" }).status === 0,
  "python3-torch": () => spawnSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" }).status === 0,
};

const wanted = process.argv.slice(2);
for (const w of wanted) {
  if (!(w in checks)) {
    console.error(`ensure-system-deps: unknown dependency "${w}"; known: ${Object.keys(checks).join(", ")}`);
    process.exit(2);
  }
}
const missing = wanted.filter((w) => !checks[w]());
if (missing.length === 0) process.exit(0);

const root = typeof process.getuid === "function" && process.getuid() === 0;
const sudo = root ? [] : ["sudo", "-n"];
const run = (cmd) => {
  console.error(`ensure-system-deps: ${[...sudo, ...cmd].join(" ")}`);
  const [bin, ...args] = [...sudo, ...cmd];
  execFileSync(bin, args, { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
};
try {
  run(["apt-get", "update", "-q"]);
  run(["apt-get", "install", "-y", "-q", "--no-install-recommends", ...missing]);
} catch (e) {
  console.error(`ensure-system-deps: could not install ${missing.join(", ")} with apt-get (${e.message.split("\n")[0]}).`);
  console.error(`Install them yourself (Debian/Ubuntu: sudo apt-get install ${missing.join(" ")}) and run again.`);
  process.exit(1);
}
const still = missing.filter((w) => !checks[w]());
if (still.length) {
  console.error(`ensure-system-deps: ${still.join(", ")} still missing after apt-get install`);
  process.exit(1);
}
