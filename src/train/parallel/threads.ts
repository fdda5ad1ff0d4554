/**
 * How many threads `--threads auto` gives a run. A gradient worker loads its own backend (about
 * half a second) and each step pays a round of messages, so a short run (few steps of small
 * batches, as tests and quick looks are) stays on one thread; a longer one uses every core, up to 4.
 */
import { availableParallelism } from 'node:os';
import { UserError } from '../../rasp/errors.ts';

/** Below this many training sequences in all (steps × batch), one thread. */
export const AUTO_MIN_SEQUENCES = 20_000;
const AUTO_MAX_THREADS = 4;

export function autoThreads(steps: number, batch: number, cores = availableParallelism()): number {
  if (steps * batch < AUTO_MIN_SEQUENCES || batch < 2) return 1;
  return Math.max(1, Math.min(cores, AUTO_MAX_THREADS, batch));
}

/** `--threads` as typed: 'auto' or a positive integer (at most 64). */
export function parseThreads(text: string | undefined, steps: number, batch: number): number {
  if (text === undefined || text === 'auto') return autoThreads(steps, batch);
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UserError(`--threads must be 'auto' or an integer from 1 to 64, got '${text}'`);
  return n;
}
