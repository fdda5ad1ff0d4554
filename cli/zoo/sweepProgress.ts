/**
 * The progress of a whole sweep on stderr: jobs done (of those this run has to do), running,
 * failed, and the time left at the rate jobs have finished so far. One line per change of the
 * counts, so that it reads the same in a terminal and in a log.
 */
import { formatDuration } from '../progress.ts';

export class SweepProgress {
  private done = 0;
  private running = 0;
  private failed = 0;
  private readonly t0 = performance.now();

  constructor(
    private readonly total: number,
    private readonly write: (line: string) => void,
  ) {}

  started(): void {
    this.running++;
  }

  /**
   * A job ended (ok or not); `note` goes on the line (a failure's error). `running`: how many run
   * now, where something else counts them (the queue's workers); else one fewer than before.
   */
  finished(ok: boolean, note?: string, running?: number): void {
    this.running = running ?? Math.max(0, this.running - 1);
    if (ok) this.done++;
    else this.failed++;
    this.write(this.line(note));
  }

  line(note?: string): string {
    const ended = this.done + this.failed;
    const elapsed = (performance.now() - this.t0) / 1000;
    const left = ended > 0 ? formatDuration((elapsed / ended) * (this.total - ended)) : '?';
    return `sweep: ${this.done}/${this.total} done, ${this.running} running, ${this.failed} failed, ${left} left${note ? ` — ${note}` : ''}\n`;
  }
}
