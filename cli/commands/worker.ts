/**
 * `rasplab worker --queue redis://HOST:PORT`: takes zoo jobs that `npx rasplab sweep --queue` put on a
 * Redis queue, runs them (cli/zoo/queue.ts) and returns each model and its figures as the job's
 * result. Runs until Ctrl-C or SIGTERM; start as many as there are machines.
 */
import { availableParallelism } from 'node:os';
import { Command, Option } from 'commander';
import { helpExamples } from '../format/invocation.ts';
import { ioOf } from '../format/output.ts';
import { backendOption, parsePositiveInt, type BackendChoice } from '../options.ts';
import { requiredOption } from '../requiredOption.ts';

interface WorkerFlags {
  readonly queue: string;
  readonly workers?: number;
  readonly lockDuration: number;
  readonly backend: BackendChoice;
}

export const DEFAULT_LOCK_MS = 30_000;

export function register(program: Command): void {
  program
    .command('worker')
    .summary('take sweep jobs from a Redis queue and run them (one process per machine)')
    .description(
      'Take the jobs `npx rasplab sweep SPEC -o ZOO --queue URL` put on the BullMQ queue in Redis at URL, train and analyse each on a pool of threads ' +
        '(one per core unless --workers) and hand back the model bytes and figures as the job’s result; the submitting process writes the zoo. ' +
        'A worker that dies mid-job loses nothing: after --lock-duration without a renewal another worker takes the job. Stops on Ctrl-C or SIGTERM.',
    )
    .addOption(requiredOption('--queue <url>', 'the Redis holding the queue: redis://HOST:PORT'))
    .addOption(new Option('--workers <n>', 'jobs run at once, each on its own thread (default: one per core)').argParser(parsePositiveInt('--workers')))
    .addOption(
      new Option('--lock-duration <ms>', 'how long a job stays this worker’s without a lock renewal before another may take it')
        .argParser(parsePositiveInt('--lock-duration'))
        .default(DEFAULT_LOCK_MS),
    )
    .addOption(backendOption())
    .addHelpText('after', helpExamples('worker --queue redis://127.0.0.1:6379', 'worker --queue redis://10.0.0.5:6379 --workers 4'))
    .action(async (flags: WorkerFlags, cmd: Command) => {
      const io = ioOf(cmd);
      const { checkQueue, runWorker } = await import('../zoo/queue.ts');
      await checkQueue(flags.queue); // before loading a backend: an unreachable Redis is one line at once
      const { selectBackend } = await import('../../src/model/backend.ts');
      const backend = await selectBackend(flags.backend);
      let stopNow = () => {};
      const stop = new Promise<void>((resolve) => (stopNow = resolve));
      process.once('SIGINT', stopNow);
      process.once('SIGTERM', stopNow);
      try {
        const r = await runWorker({
          url: flags.queue,
          threads: flags.workers ?? availableParallelism(),
          backend,
          lockDurationMs: flags.lockDuration,
          err: io.err,
          stop,
        });
        io.err(`worker: stopped after ${r.done} job(s) done, ${r.failed} failed\n`);
        // A Redis that went away leaves the client's reconnect timers behind, which would keep the
        // process alive after it has stopped: an unref'd timer ends it only if something is left.
        setTimeout(() => process.exit(process.exitCode ?? 0), 1000).unref();
      } finally {
        process.off('SIGINT', stopNow);
        process.off('SIGTERM', stopNow);
      }
    });
}
