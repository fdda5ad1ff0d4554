/**
 * Progress of work counted in units (directions, jobs) on stderr: a live bar (cli-progress) when
 * stderr is a terminal, else one plain line per unit, so logs and CI output stay readable. The time
 * left is the mean time of the units done in this run times the units left.
 */
import cliProgress from 'cli-progress';
import { formatDuration } from './progress.ts';

export interface CountProgress {
  /** `done` units of `total` finished; `note` says what the last one found. */
  update(done: number, note: string): void;
  /** Ends the bar (nothing in line mode); safe to call twice. */
  stop(): void;
}

export function createCountProgress(opts: {
  readonly total: number;
  /** The unit's name, for the plain lines: "direction 3/20: …". */
  readonly unit: string;
  /** Units already done when the run started (resumed), not counted in the time per unit. */
  readonly start?: number;
  readonly write: (text: string) => void;
  readonly tty: boolean;
  readonly now?: () => number;
}): CountProgress {
  const now = opts.now ?? Date.now;
  const t0 = now();
  const start = opts.start ?? 0;
  const left = (done: number) => (done > start ? (((now() - t0) / 1000) * (opts.total - done)) / (done - start) : NaN);
  if (!opts.tty)
    return {
      update: (done, note) => opts.write(`${opts.unit} ${done}/${opts.total}: ${note}, ${formatDuration(left(done))} left\n`),
      stop() {},
    };
  const bar = new cliProgress.SingleBar(
    { format: `{bar} {value}/{total} ${opts.unit}s | {note} | {left} left`, barsize: 24, hideCursor: true, clearOnComplete: false, fps: 10 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(opts.total, start, { note: '', left: '?' });
  let stopped = false;
  return {
    update: (done, note) => bar.update(done, { note, left: formatDuration(left(done)) }),
    stop() {
      if (!stopped) bar.stop();
      stopped = true;
    },
  };
}
