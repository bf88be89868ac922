// The demo's problems as plain specs (the same JSON the CLI's workers run) and their closed forms.
// DOM-free, so the browser test builds bitwise the same specs in Node.
import { ArgumentError, lineFigure, panelFigure, type Figure, type OdeResult, type OdeSpec } from "@marginflow/core";

/** Dense-output times requested from the oscillator. */
export const OUTPUT_POINTS = 2000;
export const MAX_PERIODS = 1_000_000;

/** Raw values from the form: numbers, or the text typed when it is not one (so errors can quote it). */
export interface OscillatorInput {
  omega: unknown;
  periods: unknown;
  rtol: unknown;
  atol: unknown;
  /** Default: core's own default (1e6). */
  maxSteps?: unknown;
}

export interface OscillatorProblem {
  spec: OdeSpec;
  omega: number;
  /** Final time: periods · 2π/ω. */
  T: number;
}

/**
 * y' = [[0, ω], [−ω, 0]] y, y(0) = (1, 0) over whole periods, with OUTPUT_POINTS dense-output times.
 * ω and periods are checked here; rtol, atol and maxSteps are passed through unchanged and checked by core in
 * the worker, so its typed errors reach the page.
 */
export function oscillatorProblem(input: OscillatorInput): OscillatorProblem {
  const { omega, periods } = input;
  if (typeof omega !== "number" || !Number.isFinite(omega) || omega <= 0 || omega > 1e6) {
    throw new ArgumentError("ω", omega, "a number in (0, 1e6]");
  }
  if (typeof periods !== "number" || !Number.isInteger(periods) || periods < 1 || periods > MAX_PERIODS) {
    throw new ArgumentError("periods", periods, `an integer in [1, ${MAX_PERIODS}]`);
  }
  const T = (2 * Math.PI * periods) / omega;
  const tOut = Array.from({ length: OUTPUT_POINTS }, (_, i) =>
    i === OUTPUT_POINTS - 1 ? T : Math.min(T, (T * i) / (OUTPUT_POINTS - 1)),
  );
  const spec: OdeSpec = {
    rhs: { kind: "linear", matrix: [0, omega, -omega, 0] },
    y0: [1, 0],
    t0: 0,
    t1: T,
    options: { rtol: input.rtol as number, atol: input.atol as number, tOut },
  };
  if (input.maxSteps !== undefined) spec.options.maxSteps = input.maxSteps as number;
  return { spec, omega, T };
}

/** Closed form of the oscillator: (cos ωt, −sin ωt). */
export function oscillatorExact(omega: number, t: number): [number, number] {
  return [Math.cos(omega * t), -Math.sin(omega * t)];
}

/** ‖y − (cos ωt, −sin ωt)‖₂. */
export function oscillatorError(omega: number, t: number, y: ArrayLike<number>): number {
  const [c, s] = oscillatorExact(omega, t);
  return Math.hypot(y[0]! - c, y[1]! - s);
}

/** y' = −y, y(0) = 1 until the terminal event y = 1/2; the event time is ln 2. */
export const decaySpec: OdeSpec = {
  rhs: { kind: "linear", matrix: [-1] },
  y0: [1],
  t0: 0,
  t1: 10,
  options: { rtol: 1e-10, atol: 1e-12, events: [{ kind: "linear", coefficients: [1], level: 0.5, terminal: true }] },
};

/** A spec as JSON for display, with long arrays of output times summarised. */
export function specForDisplay(spec: OdeSpec): string {
  return JSON.stringify(
    spec,
    (key, value: unknown) =>
      key === "tOut" && Array.isArray(value) && value.length > 6
        ? `${value.length} times from ${value[0]} to ${value[value.length - 1]}`
        : value,
    2,
  );
}

/** The oscillator's figure — trajectory, phase portrait, error along the dense output — as a description (Vega-Lite,
 *  built by core's figure helpers: the CLI's report and this page draw descriptions of the same kind with the same
 *  library). DOM-free: the browser test builds it in Node from Node's own integration and compares. */
export function oscillatorFigure(p: OscillatorProblem, r: OdeResult): Figure {
  const t = r.tOut, y0 = r.yOut.map((y) => y[0] ?? null), y1 = r.yOut.map((y) => y[1] ?? null);
  const err = r.tOut.map((tt, i) => {
    const y = r.yOut[i]!;
    return y[0] === null || y[1] === null ? null : Math.log10(oscillatorError(p.omega, tt, [y[0]!, y[1]!]));
  });
  const panel = (name: string, title: string, x: string, y: string, xs: ArrayLike<number | null>, ys: (number | null)[], color: string, square = false) =>
    lineFigure({ name, title, caption: "", x: { title: x }, y: { title: y }, width: square ? 210 : 270, height: 220, series: [{ label: title, x: xs as ArrayLike<number>, y: ys, color }] });
  return panelFigure({
    name: "oscillator",
    title: `Harmonic oscillator, ω = ${p.omega}, ${r.tOut.length} dense-output times`,
    caption: "Left: y₀(t); middle: the phase portrait; right: log₁₀ of the distance to the closed form (cos ωt, −sin ωt).",
    direction: "row",
    panels: [
      panel("trajectory", "trajectory (dense output)", "t", "y₀(t)", t, y0, "#2556c4"),
      panel("phase", "phase portrait", "y₀", "y₁", y0, y1, "#c4256b", true),
      panel("error", "error vs closed form", "t", "log₁₀ ‖y(t) − exact‖", t, err, "#1a7f37"),
    ],
  });
}

/** FNV-1a of a string (hex): the page and Node compare figure descriptions by it. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** A hash of the panels drawn from the worker's numbers alone (trajectory and phase portrait): bitwise the same in
 *  Node and in a browser. (The error panel also uses the page's Math.cos, whose last bits differ between V8 builds.) */
export function wasmPanelsHash(fig: Figure): string {
  return fnv1a(JSON.stringify((fig.vegaLite.hconcat as unknown[]).slice(0, 2)));
}
