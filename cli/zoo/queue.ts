/**
 * A sweep through a BullMQ queue in Redis, for more machines than one. The submitter adds each job
 * under its key as the job id (a job already queued is not added twice), then polls the jobs'
 * states and writes each result into the zoo as it arrives; `rasplab worker` processes on any
 * machine take jobs, run them on their threads (cli/zoo/pool.ts) and return the model bytes
 * (base64) and figures as the job's result, so no shared file system is needed.
 *
 * A worker killed mid-job stops renewing its lock; BullMQ's stalled-job check (run by the other
 * workers every `lockDuration / 2`) puts the job back in the queue for another. If the killed one
 * had finished after all, the zoo takes the first result for a key and ignores the second.
 *
 * Before BullMQ connects (its client retries forever), the Redis URL is checked with one PING over
 * a plain socket, so an unreachable Redis is one line within seconds rather than a hang.
 */
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import type { Job as QueueJob, Queue as QueueType, Worker as WorkerType } from 'bullmq';
import { UserError } from '../../src/rasp/errors.ts';
import type { JobOutcome } from '../../src/zoo/figures.ts';
import type { Job } from '../../src/zoo/jobs.ts';
import type { Zoo } from '../../src/zoo/store.ts';
import type { SweepOutcome } from './localSweep.ts';
import { SweepProgress } from './sweepProgress.ts';

export const QUEUE_NAME = 'rasplab-zoo';
/** How long the PING may take before Redis counts as unreachable. */
export const REACH_TIMEOUT_MS = 3000;
/** Tries per job: a job that throws is run once more before it counts as failed. */
const ATTEMPTS = 2;
const POLL_MS = 250;
/** How long a stopping worker waits for its jobs to end and for Redis to take note. */
const CLOSE_GRACE_MS = 5000;

export interface RedisAddress {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly db: number;
}

/** `redis://HOST:PORT[/DB]`. */
export function parseRedisUrl(url: string): RedisAddress {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError(`--queue '${url}' is not a URL; give redis://HOST:PORT`);
  }
  if (u.protocol !== 'redis:') throw new UserError(`--queue '${url}': give a redis:// URL (redis://HOST:PORT)`);
  const port = u.port === '' ? 6379 : Number(u.port);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new UserError(`--queue '${url}': the database after the port must be a number, got '${u.pathname.slice(1)}'`);
  return { url, host: u.hostname || '127.0.0.1', port, db };
}

/** Resolves once Redis at `a` answers a PING; else a UserError saying why, within `timeoutMs`. */
export function checkReachable(a: RedisAddress, timeoutMs = REACH_TIMEOUT_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: a.host, port: a.port });
    let answer = '';
    const fail = (why: string) => {
      socket.destroy();
      reject(new UserError(`cannot reach Redis at ${a.url}: ${why}`));
    };
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs / 1000} s`), timeoutMs);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      answer += d.toString('latin1');
      if (!answer.includes('\r\n')) return;
      clearTimeout(timer);
      socket.destroy();
      if (answer.startsWith('+PONG')) resolve();
      else reject(new UserError(`cannot use Redis at ${a.url}: it answered ${JSON.stringify(answer.split('\r\n')[0])} to a PING, not +PONG`));
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      fail(e.code === 'ECONNREFUSED' ? 'connection refused' : e.code === 'ENOTFOUND' ? `no host '${a.host}'` : (e.code ?? e.message));
    });
  });
}

/** What BullMQ connects with: no limit on retries per request (its workers require it), a bounded connect. */
function connection(a: RedisAddress) {
  return {
    host: a.host,
    port: a.port,
    db: a.db,
    connectTimeout: REACH_TIMEOUT_MS,
    maxRetriesPerRequest: null,
    retryStrategy: (n: number) => Math.min(200 * n, 2000),
  };
}

/** Whether BullMQ's Redis client (ioredis, an optional package of BullMQ's) is installed. */
export function hasRedisClient(): boolean {
  try {
    createRequire(import.meta.url).resolve('ioredis');
    return true;
  } catch {
    return false;
  }
}

/** What `sweep --queue` and `worker` check before they start: the URL, that Redis answers, that the client package is there. */
export async function checkQueue(url: string): Promise<RedisAddress> {
  const a = parseRedisUrl(url);
  await checkReachable(a);
  if (!hasRedisClient()) throw new UserError("--queue needs the Redis client package 'ioredis', which this install lacks (npm install ioredis)");
  return a;
}

async function bullmq<T>(f: (m: typeof import('bullmq')) => T): Promise<T> {
  return f(await import('bullmq'));
}

/** A job's result as it travels through Redis (JSON): the model's bytes in base64. */
export interface QueuedResult extends Omit<JobOutcome, 'model'> {
  readonly model: string;
}

export function encodeOutcome(o: JobOutcome): QueuedResult {
  return { ...o, model: Buffer.from(o.model).toString('base64') };
}

export function decodeOutcome(r: QueuedResult): JobOutcome {
  return { ...r, model: new Uint8Array(Buffer.from(r.model, 'base64')) };
}

async function addOrRevive(queue: QueueType, job: Job): Promise<void> {
  const existing = await queue.getJob(job.key);
  if (!existing) {
    // The program's path means nothing on another machine: a queued job carries its text only.
    const { file: _file, ...portable } = job;
    await queue.add('job', { job: portable }, { jobId: job.key, attempts: ATTEMPTS, removeOnComplete: false, removeOnFail: false });
    return;
  }
  // A job that failed in an earlier sweep is tried again; a finished one is taken as it is.
  if ((await existing.getState()) === 'failed') await existing.retry('failed');
}

export async function submitSweep(jobs: readonly Job[], zoo: Zoo, opts: { url: string; err: (t: string) => void }): Promise<SweepOutcome> {
  const address = await checkQueue(opts.url);
  const queue = await bullmq((m) => new m.Queue(QUEUE_NAME, { connection: connection(address) }));
  const progress = new SweepProgress(jobs.length, opts.err);
  const failed: { key: string; error: string }[] = [];
  let done = 0;
  try {
    for (const job of jobs) await addOrRevive(queue, job);
    const pending = new Map(jobs.map((j) => [j.key, j]));
    // Jobs active at the last poll: what the progress line says runs while this poll goes on.
    let active = 0;
    while (pending.size > 0) {
      let running = 0;
      for (const [key, job] of pending) {
        const q: QueueJob | undefined = await queue.getJob(key);
        if (!q) throw new Error(`job ${key} left the queue before its result was read`);
        const state = await q.getState();
        if (state === 'active') running++;
        if (state === 'completed') {
          // The job was read before its state: when it completed in between, that copy has no result yet.
          const finished = q.returnvalue ? q : await queue.getJob(key);
          const result = finished?.returnvalue as QueuedResult | null | undefined;
          if (!result) continue; // not readable yet: the next poll reads it
          pending.delete(key);
          if (zoo.write(job, decodeOutcome(result))) done++;
          await q.remove();
          active = Math.max(0, active - 1);
          progress.finished(true, undefined, active);
        } else if (state === 'failed') {
          pending.delete(key);
          zoo.fail(key, q.failedReason, q.attemptsMade);
          failed.push({ key, error: q.failedReason });
          active = Math.max(0, active - 1);
          progress.finished(false, `${key} failed after ${q.attemptsMade} attempt(s): ${q.failedReason}`, active);
        }
      }
      active = running;
      if (pending.size > 0) await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    await queue.close();
  }
  return { done, failed };
}

export interface WorkerOptions {
  readonly url: string;
  readonly threads: number;
  readonly backend: string;
  /** How long a job stays this worker's without a lock renewal before another worker may take it. */
  readonly lockDurationMs: number;
  readonly err: (t: string) => void;
  /** Resolves when the worker should stop (Ctrl-C, SIGTERM). */
  readonly stop: Promise<void>;
}

/** Takes jobs from the queue until `stop`, running each on a thread of its pool. */
export async function runWorker(opts: WorkerOptions): Promise<{ done: number; failed: number }> {
  const address = await checkQueue(opts.url);
  const { JobPool } = await import('./pool.ts');
  const pool = new JobPool(opts.threads, opts.backend);
  let done = 0;
  let failed = 0;
  const worker: WorkerType = await bullmq(
    (m) =>
      new m.Worker(
        QUEUE_NAME,
        async (q: QueueJob<{ job: Job }>) => {
          const t0 = performance.now();
          try {
            const out = encodeOutcome(await pool.run(q.data.job));
            done++;
            opts.err(`worker: ${q.data.job.key} done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
            return out;
          } catch (e) {
            failed++;
            opts.err(`worker: ${q.data.job.key} failed (attempt ${q.attemptsMade + 1}): ${e instanceof Error ? e.message : String(e)}\n`);
            throw e;
          }
        },
        {
          connection: connection(address),
          concurrency: opts.threads,
          lockDuration: opts.lockDurationMs,
          stalledInterval: Math.max(500, Math.floor(opts.lockDurationMs / 2)),
          maxStalledCount: 2,
        },
      ),
  );
  // BullMQ reports a lost connection (and each failed reconnect) as an error event: one line per new message, not a stack each time.
  let lastError = '';
  worker.on('error', (e: Error) => {
    const line = `worker: ${e.message.split('\n')[0]}`;
    if (line !== lastError) opts.err(`${line}\n`);
    lastError = line;
  });
  opts.err(`worker: taking jobs from ${opts.url} on ${opts.threads} thread(s), backend ${opts.backend}\n`);
  try {
    await opts.stop;
  } finally {
    // A graceful close lets the job at hand finish and hand in its result; it waits on Redis, so
    // with Redis gone it would wait for ever: after CLOSE_GRACE_MS the worker stops regardless
    // (the job goes back to the queue by the stalled-job check).
    const within = (p: Promise<unknown>, ms: number) => {
      let timer: NodeJS.Timeout | undefined;
      return Promise.race([p.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))]).finally(() => clearTimeout(timer));
    };
    if (!(await within(worker.close(), CLOSE_GRACE_MS))) await within(worker.disconnect(), 1000);
    await pool.close();
  }
  return { done, failed };
}
