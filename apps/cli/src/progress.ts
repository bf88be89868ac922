// Progress on stderr: a bar with the elapsed time and an estimate of what is left on a terminal, one line per
// finished item otherwise (logs, CI, a batch scheduler's output file). Long items (a flow) report how far they have
// got: on a terminal after the bar, redrawn at most every REDRAW_MS; otherwise a line every LOG_MS per item.
import type { ItemProgress } from "@marginflow/core";

/** Least milliseconds between two redraws of the bar for item progress. */
const REDRAW_MS = 200;
/** Least milliseconds between two progress lines of one item when stderr is not a terminal. */
const LOG_MS = 30_000;

export class Progress {
  private done: number;
  private running = new Map<number, ItemProgress>();
  private lastDraw = 0;
  private lastLog = new Map<number, number>();
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

  /** A running item's progress (`index`: the item's number in the run, `label`: how the user knows it). */
  item(index: number, label: string, p: ItemProgress): void {
    this.running.set(index, { ...p, text: `${label ? `${label}: ` : ""}${p.text}` });
    const now = performance.now();
    if (this.tty) {
      if (now - this.lastDraw >= REDRAW_MS) this.draw("");
    } else if (now - (this.lastLog.get(index) ?? this.t0) >= LOG_MS) {
      this.lastLog.set(index, now);
      process.stderr.write(`${this.label} item ${index} ${this.running.get(index)!.text}\n`);
    }
  }

  tick(what: string, index?: number): void {
    this.done++;
    if (index !== undefined) {
      this.running.delete(index);
      this.lastLog.delete(index);
    }
    if (this.tty) this.draw(what);
    else process.stderr.write(`${this.label} ${this.done}/${this.total}${what ? ` ${what}` : ""}\n`);
  }

  private draw(what: string): void {
    this.lastDraw = performance.now();
    // running items count by their fraction done
    let partial = 0;
    for (const p of this.running.values()) partial += p.fraction ?? 0;
    const w = 30, f = Math.min(w, Math.round((w * (this.done + partial)) / Math.max(1, this.total)));
    const live = [...this.running.values()].map((p) => p.text).join(" | ");
    if (live) what = what ? `${what} · ${live}` : live;
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
