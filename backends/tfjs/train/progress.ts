/**
 * The per-epoch progress display on stderr: a bar redrawn in place on a terminal, plain lines otherwise
 * (one every 10% of the epoch or every 10 s, whichever comes first), then the epoch's summary line.
 */
export interface StepStats {
  step: number;
  steps: number;
  loss: number;
  accuracy: number;
  imagesPerSecond: number;
  /** Seconds left in the epoch. */
  eta: number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

export function progressLine(epoch: number, epochs: number, s: StepStats, width = 24): string {
  const done = Math.round((s.step / Math.max(1, s.steps)) * width);
  const head = done > 0 ? (s.step >= s.steps ? '=' : '>') : '';
  const bar = `[${'='.repeat(Math.max(0, done - 1))}${head}${' '.repeat(width - done)}]`;
  const steps = String(s.steps);
  return (
    `epoch ${epoch}/${epochs} ${bar} ${String(s.step).padStart(steps.length)}/${steps}` +
    `  loss ${s.loss.toFixed(4)}  acc ${s.accuracy.toFixed(3)}  ${s.imagesPerSecond.toFixed(1)} img/s  ` +
    `ETA ${formatDuration(s.eta)}`
  );
}

export class Progress {
  private lastPlain = 0;
  private lastFraction = 0;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly tty = (stream as NodeJS.WriteStream).isTTY === true,
  ) {}

  startEpoch(): void {
    this.lastPlain = Date.now();
    this.lastFraction = 0;
    this.drawn = false;
  }

  update(epoch: number, epochs: number, s: StepStats): void {
    const line = progressLine(epoch, epochs, s);
    if (this.tty) {
      this.stream.write(`\r${line}\x1b[K`);
      this.drawn = true;
      return;
    }
    const fraction = s.step / Math.max(1, s.steps);
    const now = Date.now();
    if (fraction - this.lastFraction >= 0.1 || now - this.lastPlain >= 10_000) {
      this.stream.write(`${line}\n`);
      this.lastFraction = fraction;
      this.lastPlain = now;
    }
  }

  /** Ends the epoch's bar with its summary. */
  endEpoch(summary: string): void {
    if (this.tty && this.drawn) this.stream.write('\r\x1b[K');
    this.stream.write(`${summary}\n`);
  }

  /** Ends a bar left on the terminal (before an error message). */
  interrupt(): void {
    if (this.tty && this.drawn) this.stream.write('\n');
    this.drawn = false;
  }

  /** A line that interrupts the bar. */
  note(line: string): void {
    if (this.tty && this.drawn) this.stream.write('\n');
    this.drawn = false;
    this.stream.write(`${line}\n`);
  }
}
