/**
 * A seeded batch of inputs for a task, labelled by the reference evaluator: every input when
 * there are at most `n` of them (so small tasks are probed exhaustively and exactly), else `n`
 * random ones. Inputs the evaluator refuses are left out.
 */
import type { Program } from '../src/rasp/program.ts';
import { makeRng } from '../src/rasp/random.ts';
import { valueKey, type MaybeValue, type Value } from '../src/rasp/values.ts';
import type { ModelData } from '../src/model/types.ts';
import { scoringExamples } from '../src/rasp/examples.ts';

export interface ProbeTask {
  /** Input tokens (BOS excluded). */
  readonly vocab: readonly Value[];
  readonly minLen: number;
  readonly maxLen: number;
}

export interface ProbeSet {
  readonly inputs: readonly Value[][];
  /** The program's output per input (null where undefined). */
  readonly expected: readonly MaybeValue[][];
  /** Whether `inputs` is every input of the task. */
  readonly exhaustive: boolean;
}

export interface ProbeSetOptions extends ProbeTask {
  readonly n: number;
  readonly seed: number;
}

/** The task a model was built for: its vocabulary, and lengths from its training run (else 1..n_ctx-1). */
export function modelTask(model: ModelData): ProbeTask {
  const maxLen = model.config.nCtx - 1;
  const t = model.training;
  return {
    vocab: model.config.vocab.slice(1),
    minLen: Math.min(t?.minLen ?? 1, maxLen),
    maxLen: Math.min(t?.maxLen ?? maxLen, maxLen),
  };
}

/**
 * The task two models both accept (commonTask); `beyond` is the lengths past that range that both
 * contexts still hold (null when none).
 */
export function sharedTask(a: ModelData, b: ModelData): { task: ProbeTask; beyond: ProbeTask | null } {
  const task = commonTask([a, b]);
  const capacity = Math.min(a.config.nCtx, b.config.nCtx) - 1;
  return { task, beyond: capacity > task.maxLen ? { vocab: task.vocab, minLen: task.maxLen + 1, maxLen: capacity } : null };
}

/**
 * What models are compared on: the tokens every one of them takes (in the first model's order) and
 * the lengths every one was built or trained for (minLen > maxLen: none). One rule for compare,
 * the TUI and the report, which say what it leaves out of each model's own task.
 */
export function commonTask(models: readonly ModelData[]): ProbeTask {
  const tasks = models.map(modelTask);
  const known = tasks.slice(1).map((t) => new Set(t.vocab.map(valueKey)));
  return {
    vocab: tasks[0].vocab.filter((v) => known.every((k) => k.has(valueKey(v)))),
    minLen: Math.max(...tasks.map((t) => t.minLen)),
    maxLen: Math.min(...tasks.map((t) => t.maxLen)),
  };
}

export function makeProbeSet(program: Program, opts: ProbeSetOptions): ProbeSet {
  const spec = { program, vocab: opts.vocab, minLen: opts.minLen, maxLen: opts.maxLen };
  const { examples, exhaustive } = scoringExamples(spec, makeRng(opts.seed).fork('probe-set'), opts.n);
  return { inputs: examples.map((e) => e.input), expected: examples.map((e) => e.output), exhaustive };
}

/** A probe set whose labels come from elsewhere (another model's outputs, corrupted inputs). */
export function labelledSet(inputs: readonly Value[][], expected: readonly MaybeValue[][]): ProbeSet {
  return { inputs, expected, exhaustive: false };
}

/** The first `n` entries of a set (a cheap reference or held-out split). */
export function takeSet(set: ProbeSet, from: number, to: number): ProbeSet {
  return { inputs: set.inputs.slice(from, to), expected: set.expected.slice(from, to), exhaustive: false };
}
