/**
 * What the reducer needs from the session: the models' trees, reading typed input (tokens of the
 * vocabulary, a length the task allows, an input the program accepts) and the seeded random
 * inputs — the `draw`-th input is the same every run with the same seed.
 */
import { UserError } from '../../src/rasp/errors.ts';
import type { Program } from '../../src/rasp/program.ts';
import { makeRng } from '../../src/rasp/random.ts';
import type { Value } from '../../src/rasp/values.ts';
import { labelInput, sampleExamples } from '../../src/rasp/examples.ts';
import type { ProbeTask } from '../../probes/probeSet.ts';
import { parseInput } from '../options.ts';
import type { TuiContext } from './state.ts';
import type { CircuitMarks } from './circuit.ts';
import { initiallyOpen, treeRows, type TreeModel } from './tree.ts';
import { plural } from '../../src/rasp/plural.ts';

export function readInput(text: string, program: Program, task: ProbeTask): Value[] {
  if (text.trim() === '') throw new UserError('type at least one token');
  const input = parseInput(text, task.vocab);
  if (input.length < task.minLen || input.length > task.maxLen)
    throw new UserError(`the input has ${plural(input.length, 'token')}; this task takes ${task.minLen}–${task.maxLen}`);
  if (labelInput(program, input) === null) throw new UserError(`program '${program.name}' refuses this input`);
  return input;
}

export function randomInput(program: Program, task: ProbeTask, seed: number, draw: number): Value[] {
  const spec = { program, vocab: task.vocab, minLen: task.minLen, maxLen: task.maxLen };
  return sampleExamples(spec, makeRng(seed).fork(`tui-input:${draw}`), 1)[0].input;
}

export function makeContext(
  models: readonly TreeModel[],
  program: Program,
  task: ProbeTask,
  seed: number,
  circuits: readonly (CircuitMarks | null)[] = [],
): TuiContext {
  return {
    circuit: (side) => circuits[side] ?? null,
    models: models.length,
    rows: (side, open) => treeRows(models[side], open),
    initiallyOpen: (side) => initiallyOpen(models[side].config),
    parseInput: (text) => readInput(text, program, task),
    randomInput: (draw) => randomInput(program, task, seed, draw),
  };
}
