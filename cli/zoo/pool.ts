/**
 * Worker threads that run zoo jobs, one job per thread at a time (src/threads/thread.ts, the
 * module probes/zoo/jobWorker.ts). Used by a local sweep and by `rasplab worker` alike, so a job
 * runs the same code wherever it runs; the calling thread stays free (a queue worker's lock
 * renewals keep running while a job trains).
 */
import type { JobOutcome } from '../../src/zoo/figures.ts';
import type { Job } from '../../src/zoo/jobs.ts';
import { Thread } from '../../src/threads/thread.ts';
import type { JobRequest } from '../../probes/zoo/jobWorker.ts';

const ENTRY = new URL('../../probes/zoo/jobWorker.ts', import.meta.url);

export class JobPool {
  private readonly idle: Thread<JobRequest, JobOutcome>[] = [];
  private readonly waiting: ((t: Thread<JobRequest, JobOutcome>) => void)[] = [];
  private started = 0;
  private readonly all = new Set<Thread<JobRequest, JobOutcome>>();

  constructor(
    readonly size: number,
    private readonly backend: string,
  ) {}

  private take(): Promise<Thread<JobRequest, JobOutcome>> {
    const t = this.idle.pop();
    if (t) return Promise.resolve(t);
    if (this.started < this.size) return Promise.resolve(this.startThread());
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private startThread(): Thread<JobRequest, JobOutcome> {
    this.started++;
    const t = Thread.start<JobRequest, JobOutcome>(ENTRY, `zoo worker ${this.started}`);
    this.all.add(t);
    return t;
  }

  private give(t: Thread<JobRequest, JobOutcome>): void {
    const next = this.waiting.shift();
    if (next) next(t);
    else this.idle.push(t);
  }

  /** Runs the job on the next free thread. A failed job's thread is replaced (it may have died with it). */
  async run(job: Job, onStart?: () => void): Promise<JobOutcome> {
    const t = await this.take();
    onStart?.();
    try {
      const out = await t.request({ job, backend: this.backend });
      this.give(t);
      return out;
    } catch (e) {
      this.all.delete(t);
      await t.close();
      this.started--;
      const next = this.waiting.shift();
      if (next) next(this.startThread());
      throw e;
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.all].map((t) => t.close()));
    this.all.clear();
  }
}
