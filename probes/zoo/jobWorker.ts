/**
 * A thread that runs zoo jobs (cli/zoo/pool.ts), one at a time, on its own backend: the same
 * backend as the sweep's, so a job's figures do not depend on which thread or machine ran it.
 */
import { selectBackend } from '../../src/model/backend.ts';
import { serve } from '../../src/threads/serve.ts';
import type { JobOutcome } from '../../src/zoo/figures.ts';
import type { Job } from '../../src/zoo/jobs.ts';
import { runJob } from './runJob.ts';

export interface JobRequest {
  readonly job: Job;
  readonly backend: string;
}

serve<JobRequest, JobOutcome>(async (r) => {
  const got = await selectBackend(r.backend as Parameters<typeof selectBackend>[0]);
  if (got !== r.backend) throw new Error(`runs backend '${got}' where the sweep runs '${r.backend}'`);
  return runJob(r.job);
});
