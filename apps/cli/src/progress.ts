// Progress on stderr: a bar with the elapsed time and an estimate of what is left on a terminal, one line per
// finished item otherwise (logs, CI, a batch scheduler's output file).
export class Progress {
  private done: number;
  private readonly start: number;
  private readonly t0 = performance.now();
  constructor(
    private readonly label: string,
    private readonly total: number,
    already: number,
    private readonly tty = process.stderr.isTTY === true,
  ) {
    this.done = this.start = already;
    if (this.tty) this.draw("");
  }

  tick(what: string): void {
    this.done++;
    if (this.tty) this.draw(what);
    else process.stderr.write(`${this.label} ${this.done}/${this.total}${what ? ` ${what}` : ""}\n`);
  }

  private draw(what: string): void {
    const w = 30, f = Math.round((w * this.done) / Math.max(1, this.total));
    const s = (performance.now() - this.t0) / 1000;
    const ran = this.done - this.start;
    const eta = ran > 0 && this.done < this.total ? `, ~${Math.ceil((s / ran) * (this.total - this.done))} s left` : "";
    const cols = process.stderr.columns ?? 100;
    process.stderr.write(`\r${`${this.label} [${"#".repeat(f)}${".".repeat(w - f)}] ${this.done}/${this.total} ${s.toFixed(0)} s${eta} ${what}`.slice(0, cols - 1).padEnd(cols - 1)}`);
  }

  end(): void {
    if (this.tty) process.stderr.write("\n");
  }
}
