// The demo: three ODEs with closed-form solutions, integrated in WASM inside a worker pool.
import type { OdeResult, OdeSpec } from "@marginflow/core";
import { intFlag } from "../flags.js";
import type { Command } from "../command.js";
import { createPool, defaultWorkers } from "../pool.js";

const PERIODS = 100;
const T = 2 * Math.PI * PERIODS;

export const demoSpecs: { name: string; spec: OdeSpec; exact: (r: OdeResult) => number }[] = [
  {
    name: `harmonic oscillator, ${PERIODS} periods (rtol = atol = 1e-10)`,
    spec: { rhs: { kind: "linear", matrix: [0, 1, -1, 0] }, y0: [1, 0], t0: 0, t1: T, options: { rtol: 1e-10, atol: 1e-10 } },
    exact: (r) => Math.hypot(r.y[0]! - Math.cos(T), r.y[1]! + Math.sin(T)),
  },
  {
    name: "exponential decay y' = −y until y = 1/2 (event at t = ln 2)",
    spec: {
      rhs: { kind: "linear", matrix: [-1] }, y0: [1], t0: 0, t1: 10,
      options: { rtol: 1e-10, atol: 1e-12, events: [{ kind: "linear", coefficients: [1], level: 0.5, terminal: true }] },
    },
    exact: (r) => Math.abs(r.t - Math.LN2),
  },
  {
    name: "logistic y' = 2y(1 − y), y(0) = 0.01, t = 5",
    spec: { rhs: { kind: "logistic", rate: 2 }, y0: [0.01], t0: 0, t1: 5, options: { rtol: 1e-10, atol: 1e-12 } },
    exact: (r) => {
      const e = Math.exp(2 * 5);
      return Math.abs(r.y[0]! - (0.01 * e) / (1 - 0.01 + 0.01 * e));
    },
  },
];

export const demoCommand: Command = {
  name: "demo",
  usage: "marginflow demo [--workers N]",
  summary: "integrate three ODEs with known solutions in a worker pool (Dormand–Prince 5(4) in WASM) and compare with the closed forms",
  options: { workers: { type: "string" } },
  help() {
    return `${this.usage}\n\nIntegrates three ODEs with closed-form solutions in a worker pool and prints each error against its closed form.\n`;
  },
  async run(_positionals, values) {
    const workers = intFlag("workers", values.workers, defaultWorkers(), 1, 256);
    const pool = createPool(workers);
    try {
      const results = await pool.map(demoSpecs.map((d) => ({ experiment: "ode", item: d.spec })));
      process.stdout.write(`demo: ${demoSpecs.length} integrations on ${workers} worker thread(s), Dormand–Prince 5(4) in WASM\n`);
      (results as OdeResult[]).forEach((r, i) => {
        const d = demoSpecs[i]!;
        const err = d.exact(r);
        process.stdout.write(
          `  ${d.name}\n    status ${r.status}, t = ${r.t}, error vs closed form ${err.toExponential(2)}, ` +
            `${r.stats.nfev} f-evaluations (${r.stats.accepted} accepted, ${r.stats.rejected} rejected steps)\n`,
        );
      });
    } finally {
      await pool.close();
    }
    return 0;
  },
};
