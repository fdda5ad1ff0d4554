/**
 * Everything the UI starts from, checked before Ink takes the terminal so that every mistake is
 * a one-line UserError: the models (with --vs two that share a vocabulary), the program (named,
 * or recorded in the model files, which must then agree), the inputs both models take, and the
 * fixed probe set, which must be expressible in each model's output classes.
 */
import { basename } from 'node:path';
import { isUserError, UserError } from '../../src/rasp/errors.ts';
import type { Program } from '../../src/rasp/program.ts';
import { valueKey } from '../../src/rasp/values.ts';
import type { ModelData } from '../../src/model/types.ts';
import { encodeProbeSet } from '../../probes/batches.ts';
import { commonTask, makeProbeSet, modelTask, type ProbeSet, type ProbeTask } from '../../probes/probeSet.ts';
import { loadModelArg, programOf } from '../probeContext.ts';
import { vocabText } from '../options.ts';
import type { TuiModel } from './App.tsx';

export interface SessionFlags {
  readonly vs?: string;
  readonly program?: string;
  readonly samples: number;
  readonly seed: number;
}

export interface Session {
  readonly models: TuiModel[];
  readonly program: Program;
  readonly task: ProbeTask;
  readonly set: ProbeSet;
}

const sameVocab = (a: ModelData, b: ModelData) =>
  a.config.vocab.length === b.config.vocab.length && a.config.vocab.every((v, i) => valueKey(v) === valueKey(b.config.vocab[i]));

/** The lengths every model takes. */
function sharedTask(models: readonly ModelData[], specs: readonly string[]): ProbeTask {
  const task = commonTask(models);
  if (task.minLen > task.maxLen)
    throw new UserError(
      `${specs.join(' and ')} share no input length (${models
        .map(modelTask)
        .map((t) => `${t.minLen}–${t.maxLen}`)
        .join(' vs ')})`,
    );
  return task;
}

export async function prepareSession(modelSpec: string, flags: SessionFlags): Promise<Session> {
  const specs = [modelSpec, ...(flags.vs !== undefined ? [flags.vs] : [])];
  const models: ModelData[] = [];
  for (const s of specs) models.push(await loadModelArg(s));
  const [a, b] = models;
  if (b) {
    if (!sameVocab(a, b))
      throw new UserError(
        `vocabulary mismatch: ${specs[0]} takes ${vocabText(a.config.vocab.slice(1))}, ${specs[1]} takes ${vocabText(b.config.vocab.slice(1))}`,
      );
    const pa = a.labels.program;
    const pb = b.labels.program;
    if (flags.program === undefined && pa && pb && (pa.name !== pb.name || pa.output !== pb.output))
      throw new UserError(
        `program mismatch: ${specs[0]} records program '${pa.name}', ${specs[1]} records '${pb.name}'; name the one to score both with --program PROGRAM`,
      );
  }
  const program = await programOf(a, specs[0], flags.program);
  const task = sharedTask(models, specs);
  const set = makeProbeSet(program, { ...task, n: flags.samples, seed: flags.seed });
  if (set.inputs.length === 0) throw new UserError(`program '${program.name}' accepts none of the models' inputs`);
  models.forEach((m, i) => {
    try {
      encodeProbeSet(m.config, set);
    } catch (e) {
      if (!isUserError(e)) throw e;
      throw new UserError(`program '${program.name}' does not fit ${specs[i]}: ${e.message}`);
    }
  });
  return { models: models.map((data, i) => ({ name: basename(specs[i]).replace(/\.safetensors$/, ''), data })), program, task, set };
}
