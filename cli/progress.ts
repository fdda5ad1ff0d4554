/**
 * Progress of long work on stderr: a live bar (cli-progress) when stderr is a terminal, else one
 * plain line every `lineEvery` steps, so logs and CI output stay readable.
 */
import cliProgress from 'cli-progress';
import type { TrainProgress } from '../src/train/trainer.ts';
import { pct } from './format/percent.ts';

export interface ProgressView {
  update(p: TrainProgress): void;
  /** Ends the bar (or nothing, in line mode); safe to call twice. */
  stop(): void;
}

export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const t = Math.max(0, Math.round(s));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

const num = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '-' : x.toPrecision(4));

/** The plain-text form of one progress report (also the payload of the live bar). */
export function progressLine(p: TrainProgress): string {
  return (
    `step ${p.step}/${p.steps}  loss ${num(p.loss)}  test acc ${pct(p.testAcc)}  ` +
    `${Math.round(p.tokensPerSec)} tok/s  ${formatDuration(p.elapsedS)} elapsed, ${formatDuration(p.etaS)} left  [${p.backend}]`
  );
}

export function createProgress(opts: {
  readonly total: number;
  readonly stream?: NodeJS.WriteStream;
  readonly lineEvery?: number;
  /** Force a mode; default: a bar exactly when the stream is a TTY. */
  readonly tty?: boolean;
}): ProgressView {
  const stream = opts.stream ?? process.stderr;
  const tty = opts.tty ?? Boolean(stream.isTTY);
  if (!tty) {
    const every = opts.lineEvery ?? 100;
    return {
      update(p) {
        if (p.step % every === 0 || p.step === p.steps) stream.write(progressLine(p) + '\n');
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '{bar} {value}/{total} | loss {loss} | acc {acc} | {tps} tok/s | {left} left | {backend}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  return {
    update(p) {
      const payload = { loss: num(p.loss), acc: pct(p.testAcc), tps: Math.round(p.tokensPerSec), left: formatDuration(p.etaS), backend: p.backend };
      if (!started) {
        bar.start(opts.total, p.step, payload);
        started = true;
      } else bar.update(p.step, payload);
    },
    stop() {
      if (started && !stopped) bar.stop();
      stopped = true;
    },
  };
}
