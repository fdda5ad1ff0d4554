/**
 * How long and how hard the fuzz properties run, and the one thing each asserts.
 *
 * `npm test` runs each property briefly (a fixed seed, a few hundred inputs, a few seconds), so
 * the whole folder fits the test budget; `npm run fuzz` runs the same properties on fifty times
 * as many inputs, for up to ten times as long. RASPLAB_FUZZ_RUNS (inputs per property),
 * RASPLAB_FUZZ_SECONDS (time per property) and RASPLAB_FUZZ_SEED override either. fast-check
 * prints the seed and path of a failure, so a counterexample replays with RASPLAB_FUZZ_SEED.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { isUserError } from '../../src/rasp/errors.ts';

const long = process.env.npm_lifecycle_event === 'fuzz';
const envNumber = (name: string, fallback: number): number => {
  const v = process.env[name];
  return v !== undefined && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : fallback;
};
const seconds = (limit: number): number => envNumber('RASPLAB_FUZZ_SECONDS', long ? limit * 10 : limit);

export const FUZZ_SEED = envNumber('RASPLAB_FUZZ_SEED', 20_261_202);

/** fast-check parameters for one property: `runs` inputs at most, and no more than `limit` seconds of them. */
export function fuzzParams(runs: number, limit: number): fc.Parameters<unknown> {
  return {
    seed: FUZZ_SEED,
    numRuns: envNumber('RASPLAB_FUZZ_RUNS', long ? runs * 50 : runs),
    interruptAfterTimeLimit: 1000 * seconds(limit),
    // A time-limited run is a shorter run, not a failure.
    markInterruptAsFailure: false,
  };
}

/** The vitest timeout for a property with `fuzzParams(_, limit)`: its time limit, the shrinking of a failure, and a margin. */
export const fuzzTimeout = (limit: number): number => 1000 * (2 * seconds(limit) + 30);

/** Slower than this on a tiny input is a bug (a super-linear path), even where it would end. */
const SLOW_MS = 5000;
/** The heap may not outgrow what a refused input is allowed (the fuzzed inputs are all small). */
const HEAP_BYTES = 2 * 1024 ** 3;

/**
 * Runs `f` on input the user may have been given: it returns, or it throws the project's user
 * error, one line long, matching `where` (the file and, for text, its line and column). Any other
 * exception (TypeError, RangeError, SyntaxError) is a bug, and so is a slow call or a heap
 * left larger than 2 GB.
 */
export function returnsOrUserError(f: () => unknown, where?: RegExp): void {
  const started = performance.now();
  try {
    f();
  } catch (e) {
    if (!isUserError(e)) throw e;
    // One line per mistake (a program with several reports each), each located.
    const lines = e.message.split('\n').filter((l) => !/^… and \d+ more mistakes?$/.test(l));
    for (const line of lines) {
      expect(line, 'a mistake is one line').not.toMatch(/\r/);
      if (where) expect(line).toMatch(where);
    }
  }
  expect(performance.now() - started, 'milliseconds for one input').toBeLessThan(SLOW_MS);
  expect(process.memoryUsage().heapUsed, 'heap bytes after one input').toBeLessThan(HEAP_BYTES);
}
