/**
 * A training run as the terminal sees it, shared by `rasplab train` and `rasplab demo`: the lock
 * on the output (one run per model file), the progress bar, the JSONL log beside the model,
 * checkpoints beside it, the model file itself, and Ctrl-C, which stops at the next step with a
 * checkpoint saved (a second Ctrl-C gives up on it). The lock and Ctrl-C (`whileLocked`) are also
 * `rasplab train --siit`'s (cli/siitRun.ts).
 */
import { existsSync } from 'node:fs';
import type { TrainRequest } from '../src/train/request.ts';
import type { TrainResult } from '../src/train/trainer.ts';
import type { CliIo } from './format/output.ts';
import { createProgress } from './progress.ts';

export interface TerminalRun {
  readonly result: TrainResult;
  readonly checkpointPath: string;
  readonly logPath: string;
}

/**
 * Trains toward the model file `out` and saves it there unless interrupted (its log and checkpoint
 * go beside it); `resume` continues a checkpoint there if any. `banner` is printed once the output
 * is ours, so that a refused run prints nothing else.
 */
export async function trainAtTerminal(
  req: Omit<TrainRequest, 'checkpointPath' | 'resume'>,
  out: string,
  opts: { resume: boolean; io: CliIo; banner?: string },
): Promise<TerminalRun> {
  const { saveModel } = await import('../src/model/modelFile.ts');
  const { checkpointPathFor } = await import('../src/train/checkpoint.ts');
  const { jsonlSink, logPathFor } = await import('../src/train/log.ts');
  const { train } = await import('../src/train/trainer.ts');
  const checkpointPath = checkpointPathFor(out);
  const logPath = logPathFor(out);
  return whileLocked(out, [checkpointPath, logPath], async (stopped) => {
    if (opts.banner) opts.io.err(opts.banner);
    // A run that continues a checkpoint appends to its log; a new one starts the log afresh.
    const log = jsonlSink(logPath, !(opts.resume && existsSync(checkpointPath)));
    const progress = createProgress({ total: req.flags.steps, lineEvery: Math.max(req.flags.logEvery, 100) });
    let result: TrainResult;
    try {
      result = await train(
        { ...req, checkpointPath, resume: opts.resume },
        { onProgress: (p) => progress.update(p), onRecord: log, shouldStop: stopped, onNote: (m) => opts.io.err(`${m}\n`) },
      );
    } finally {
      progress.stop();
    }
    if (result.status !== 'interrupted') saveModel(out, result.model);
    return { result, checkpointPath, logPath };
  });
}

/**
 * Runs `body` holding the lock on the output `out` (one run per model file), once what a run killed
 * mid-write left of `out` and of `beside` (its checkpoint, its log) is gone. The first Ctrl-C makes
 * `stopped()` true, for the run to stop at its next step with a checkpoint saved; a second gives up
 * on it (exit 130).
 */
export async function whileLocked<T>(out: string, beside: readonly string[], body: (stopped: () => boolean) => Promise<T>): Promise<T> {
  const { removeStaleTemps } = await import('../src/files/atomicWrite.ts');
  const { lockOutput } = await import('../src/files/outputLock.ts');
  const lock = lockOutput(out);
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  try {
    for (const file of [out, ...beside]) removeStaleTemps(file);
    return await body(() => interrupted);
  } finally {
    process.off('SIGINT', onSigint);
    lock.release();
  }
}
