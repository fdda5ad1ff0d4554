/**
 * A training run as the terminal sees it, shared by `rasplab train` and `rasplab demo`: the
 * progress bar, the JSONL log beside the model, checkpoints beside it, and Ctrl-C, which stops at
 * the next step with a checkpoint saved (a second Ctrl-C gives up on it).
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

/** Trains toward the model file `out` (its log and checkpoint go beside it); `resume` continues a checkpoint there if any. */
export async function trainAtTerminal(
  req: Omit<TrainRequest, 'checkpointPath' | 'resume'>,
  out: string,
  opts: { resume: boolean; io: CliIo },
): Promise<TerminalRun> {
  const { checkpointPathFor } = await import('../src/train/checkpoint.ts');
  const { jsonlSink, logPathFor } = await import('../src/train/log.ts');
  const { train } = await import('../src/train/trainer.ts');
  const checkpointPath = checkpointPathFor(out);
  const logPath = logPathFor(out);
  // A run that continues a checkpoint appends to its log; a new one starts the log afresh.
  const log = jsonlSink(logPath, !(opts.resume && existsSync(checkpointPath)));
  const progress = createProgress({ total: req.flags.steps, lineEvery: Math.max(req.flags.logEvery, 100) });
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await train(
      { ...req, checkpointPath, resume: opts.resume },
      { onProgress: (p) => progress.update(p), onRecord: log, shouldStop: () => interrupted, onNote: (m) => opts.io.err(`${m}\n`) },
    );
    return { result, checkpointPath, logPath };
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
  }
}
