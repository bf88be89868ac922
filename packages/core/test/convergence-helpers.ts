// Shared by the integrators' convergence-order tests (the kernels' DOPRI5 and Radau, the host's DOPRI5).

/** Least-squares slope of log(err) against log(h): the observed order of convergence. */
export function slope(h: number[], err: number[]): number {
  const x = h.map(Math.log), y = err.map(Math.log);
  const mx = x.reduce((a, b) => a + b) / x.length, my = y.reduce((a, b) => a + b) / y.length;
  let num = 0, den = 0;
  x.forEach((xi, i) => {
    num += (xi - mx) * (y[i]! - my);
    den += (xi - mx) ** 2;
  });
  return num / den;
}
