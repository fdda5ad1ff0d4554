/**
 * Base/source pairs for interchange interventions, labelled with the program's output on the base
 * and its counterfactual output (the variable taking its source values). An intervention at every
 * position needs pairs of one length (a variable has a value per position, so the source's values
 * fit the base position by position); one at a single position takes any lengths that reach it, so
 * that what depends on the length (length itself, a reversal's opp_index) can differ between them.
 * Pairs whose counterfactual the evaluator refuses (an overridden value a downstream map or
 * aggregate cannot take), or whose counterfactual holds a value the model has no output class for
 * (an aggregate that selects nothing falls back to its default), are left out and counted.
 */
import type { SOp } from '../../src/rasp/ast.ts';
import { counterfactualOutput } from '../../src/rasp/counterfactual.ts';
import { isUserError, RaspError } from '../../src/rasp/errors.ts';
import { labelInput } from '../../src/rasp/examples.ts';
import { sampleInput } from '../../src/rasp/inputs.ts';
import type { Program } from '../../src/rasp/program.ts';
import { makeRng } from '../../src/rasp/random.ts';
import { valuesEqual, type MaybeValue, type Value } from '../../src/rasp/values.ts';
import type { OutputSpec } from '../../src/model/types.ts';
import type { ProbeTask } from '../probeSet.ts';

export interface InterchangePairs {
  readonly base: Value[][];
  readonly source: Value[][];
  /** The program's output on each base. */
  readonly baseOutput: MaybeValue[][];
  /** The program's output on each base with the variable overridden by its source values. */
  readonly counterfactual: MaybeValue[][];
  /** Per pair, the model position intervened on (BOS = 0), or null for every position. */
  readonly positions: (number | null)[];
  /** Pairs drawn but left out: the evaluator refused the base, the source or the counterfactual. */
  readonly refused: number;
}

/**
 * Where the pairs are intervened on: 'all' positions (pairs of one length), one model position
 * (BOS = 0; inputs reaching it), or a 'random' input position per pair.
 */
export type PairPositions = 'all' | 'random' | number;

/** `n` seeded pairs, lengths uniform over the task's (as long as the position needs), tokens uniform over its vocabulary. */
export function interchangePairs(
  program: Program,
  variable: SOp,
  task: ProbeTask,
  n: number,
  seed: number,
  at: PairPositions = 'all',
  outputs?: OutputSpec,
): InterchangePairs {
  const canOutput = (ys: readonly MaybeValue[]) =>
    outputs?.encoding !== 'categorical' || ys.every((y) => y === null || outputs.values.some((v) => valuesEqual(v, y)));
  const rng = makeRng(seed);
  const out: InterchangePairs = { base: [], source: [], baseOutput: [], counterfactual: [], positions: [], refused: 0 };
  const minLen = typeof at === 'number' ? Math.max(task.minLen, at) : task.minLen;
  if (minLen > task.maxLen) return out;
  let refused = 0;
  for (let tries = 0; out.base.length < n && tries < 20 * n + 100; tries++) {
    const base = sampleInput(rng, task.vocab, minLen, task.maxLen);
    const source = at === 'all' ? sampleInput(rng, task.vocab, base.length, base.length) : sampleInput(rng, task.vocab, minLen, task.maxLen);
    // An input position both reach (BOS is model position 0).
    const pos = at === 'all' ? undefined : at === 'random' ? rng.int(Math.min(base.length, source.length)) : at - 1;
    const baseOutput = labelInput(program, base);
    if (baseOutput === null || labelInput(program, source) === null) {
      refused++;
      continue;
    }
    let cf: MaybeValue[];
    try {
      cf = counterfactualOutput(program, variable, base, source, pos);
    } catch (e) {
      if (!(e instanceof RaspError || isUserError(e))) throw e;
      refused++;
      continue;
    }
    if (!canOutput(cf)) {
      refused++;
      continue;
    }
    out.base.push(base);
    out.source.push(source);
    out.baseOutput.push(baseOutput);
    out.counterfactual.push(cf);
    out.positions.push(pos === undefined ? null : pos + 1);
  }
  return { ...out, refused };
}
