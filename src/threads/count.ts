/**
 * How many threads a command runs on: `--threads N`, or 'auto'. Each worker thread loads its own
 * backend (about half a second) and every round of work pays for messages, so 'auto' gives small
 * jobs (the ones tests and quick looks run) one thread, and larger ones every core, up to 4.
 */
import { availableParallelism } from 'node:os';
import { UserError } from '../rasp/errors.ts';

export type ThreadCount = number | 'auto';

const MAX_AUTO = 4;

/** Every core, up to 4 and up to `parts` (no thread without work). */
export function coresFor(parts: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(cores, MAX_AUTO, parts));
}

/** Training: 'auto' is one thread below 20,000 sequences in all (steps × batch). */
export const TRAIN_AUTO_MIN_SEQUENCES = 20_000;
export function trainThreads(n: ThreadCount, steps: number, batch: number, cores?: number): number {
  if (n !== 'auto') return n;
  return steps * batch < TRAIN_AUTO_MIN_SEQUENCES ? 1 : coresFor(batch, cores);
}

/** Sweeps: 'auto' is one thread below 2,000 runs of one input in all (components × inputs). */
export const SWEEP_AUTO_MIN_RUNS = 2_000;
export function sweepThreads(n: ThreadCount, jobs: number, inputs: number, cores?: number): number {
  if (n !== 'auto') return Math.min(n, Math.max(1, jobs));
  return jobs * inputs < SWEEP_AUTO_MIN_RUNS ? 1 : coresFor(jobs, cores);
}

/** `--threads` as typed: 'auto' or an integer from 1 to 64. */
export function parseThreads(text: string | undefined): ThreadCount {
  if (text === undefined || text === 'auto') return 'auto';
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UserError(`--threads must be 'auto' or an integer from 1 to 64, got '${text}'`);
  return n;
}
