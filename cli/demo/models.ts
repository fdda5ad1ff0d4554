/**
 * The demo's two models: compiled once, trained once, then read from the cache. Training reports
 * progress with the same bar as `rasplab train`, logs metrics beside the model (the report's
 * training curve) and checkpoints in the cache, so a demo stopped with Ctrl-C continues where it was.
 */
import { existsSync, rmSync } from 'node:fs';
import { UserError } from '../../src/rasp/errors.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { ModelData } from '../../src/model/types.ts';
import type { CliIo } from '../format/output.ts';
import { trainAtTerminal } from '../trainRun.ts';
import { compiledMaxLen, demoTrainFlags, type DemoPaths, type DemoSettings } from './settings.ts';
import { commandLine } from '../format/invocation.ts';

export interface Built {
  readonly model: ModelData;
  readonly path: string;
  /** Read from the cache rather than made now. */
  readonly cached: boolean;
}

async function loadCached(path: string): Promise<ModelData> {
  const { loadModel } = await import('../../src/model/modelFile.ts');
  try {
    return loadModel(path);
  } catch (e) {
    throw new UserError(`${path}: the cached model cannot be read (${(e as Error).message}); run \`${commandLine('demo --fresh')}\``);
  }
}

export async function compiledModel(program: Program, s: DemoSettings, paths: DemoPaths): Promise<Built> {
  if (existsSync(paths.compiled)) return { model: await loadCached(paths.compiled), path: paths.compiled, cached: true };
  const { compile } = await import('../../compiler/index.ts');
  const { saveModel } = await import('../../src/model/modelFile.ts');
  const { model } = compile(program, { vocab: s.vocab, maxLen: compiledMaxLen(s) });
  saveModel(paths.compiled, model);
  return { model, path: paths.compiled, cached: false };
}

/** The learned model, trained now unless the cache has it; null when the user stopped training (Ctrl-C). */
export async function learnedModel(program: Program, s: DemoSettings, paths: DemoPaths, io: CliIo): Promise<Built | null> {
  if (existsSync(paths.learned)) return { model: await loadCached(paths.learned), path: paths.learned, cached: true };
  const { checkpointPathFor } = await import('../../src/train/checkpoint.ts');
  // A demo stopped with Ctrl-C left a checkpoint: continue it.
  const resume = existsSync(checkpointPathFor(paths.learned));
  const { result, checkpointPath } = await trainAtTerminal({ program, flags: demoTrainFlags(s) }, paths.learned, { resume, io });
  if (result.status === 'interrupted') {
    io.err(`interrupted at step ${result.steps}; run \`${commandLine('demo')}\` again to continue from there\n`);
    return null;
  }
  rmSync(checkpointPath, { force: true });
  io.err(`trained in ${result.steps} steps (${result.wallTimeS.toFixed(1)} s): held-out exact match ${(100 * result.testAcc).toFixed(1)}%\n`);
  return { model: result.model, path: paths.learned, cached: false };
}
