/**
 * A sweep on this machine: the jobs not yet in the zoo, spread over a pool of worker threads, each
 * result written to the zoo as it arrives (by this thread only: one writer for the index). A job
 * that fails is recorded with its error and the sweep goes on; a rerun tries it again.
 */
import type { Job } from '../../src/zoo/jobs.ts';
import type { Zoo } from '../../src/zoo/store.ts';
import { JobPool } from './pool.ts';
import { SweepProgress } from './sweepProgress.ts';

export interface SweepOutcome {
  /** Jobs written to the zoo by this run. */
  readonly done: number;
  readonly failed: readonly { readonly key: string; readonly error: string }[];
}

export async function runLocalSweep(
  jobs: readonly Job[],
  zoo: Zoo,
  opts: { workers: number; backend: string; err: (t: string) => void },
): Promise<SweepOutcome> {
  const pool = new JobPool(Math.max(1, Math.min(opts.workers, jobs.length)), opts.backend);
  const progress = new SweepProgress(jobs.length, opts.err);
  const failed: { key: string; error: string }[] = [];
  let done = 0;
  try {
    await Promise.all(
      jobs.map(async (job) => {
        let outcome;
        try {
          outcome = await pool.run(job, () => progress.started());
        } catch (e) {
          const error = e instanceof Error ? e.message : String(e);
          zoo.fail(job.key, error, 1);
          failed.push({ key: job.key, error });
          progress.finished(false, `${job.key} failed: ${error}`);
          return;
        }
        if (zoo.write(job, outcome)) done++;
        progress.finished(true);
      }),
    );
  } finally {
    await pool.close();
  }
  return { done, failed };
}
