/**
 * Everything the UI starts from, checked before Ink takes the terminal so that every mistake is
 * a one-line UserError: the models, the program (named, or recorded in the model files, which
 * must then agree), the inputs both models take (with --vs, the shared vocabulary and lengths, as
 * compare and the report take them: cli/sharedTask.ts), and the fixed probe set, which must be
 * expressible in each model's output classes.
 */
import { basename } from 'node:path';
import { isUserError, UserError } from '../../src/rasp/errors.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { ModelData } from '../../src/model/types.ts';
import { encodeProbeSet } from '../../probes/batches.ts';
import { makeProbeSet, modelTask, type ProbeSet, type ProbeTask } from '../../probes/probeSet.ts';
import { loadModelArg, programOf } from '../probeContext.ts';
import type { ModelFileFlags } from '../options.ts';
import { sharedTask } from '../sharedTask.ts';
import type { TuiModel } from './App.tsx';

export interface SessionFlags extends ModelFileFlags {
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
  /** With --vs: what the shared task leaves out of each model's own (null: nothing). */
  readonly note: string | null;
}

export async function prepareSession(modelSpec: string, flags: SessionFlags): Promise<Session> {
  const specs = [modelSpec, ...(flags.vs !== undefined ? [flags.vs] : [])];
  const models: ModelData[] = [];
  for (const s of specs) models.push(await loadModelArg(s, flags));
  const [a, b] = models;
  if (b) {
    const pa = a.labels.program;
    const pb = b.labels.program;
    if (flags.program === undefined && pa && pb && (pa.name !== pb.name || pa.output !== pb.output))
      throw new UserError(
        `program mismatch: ${specs[0]} records program '${pa.name}', ${specs[1]} records '${pb.name}'; name the one to score both with --program PROGRAM`,
      );
  }
  const program = await programOf(a, specs[0], flags.program);
  const { task, note } = b ? sharedTask(models.map((data, i) => ({ spec: specs[i], data }))) : { task: modelTask(a), note: null };
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
  return { models: models.map((data, i) => ({ name: basename(specs[i]).replace(/\.safetensors$/, ''), data })), program, task, set, note };
}
