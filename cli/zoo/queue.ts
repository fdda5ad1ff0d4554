/** Placeholder until the queue lands: `--queue` is refused in one line. */
import { UserError } from '../../src/rasp/errors.ts';
import type { Job } from '../../src/zoo/jobs.ts';
import type { Zoo } from '../../src/zoo/store.ts';
import type { SweepOutcome } from './localSweep.ts';

export function submitSweep(_jobs: readonly Job[], _zoo: Zoo, opts: { url: string; err: (t: string) => void }): Promise<SweepOutcome> {
  return Promise.reject(new UserError(`--queue ${opts.url}: the queue is not built yet; run the sweep here (without --queue)`));
}
