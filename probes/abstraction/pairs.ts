/**
 * Base/source pairs for interchange interventions: each pair of one length (a variable has a value
 * per position, so the source's values fit the base position by position), labelled with the
 * program's output on the base and its counterfactual output (the variable taking its source values).
 * Pairs whose counterfactual the evaluator refuses (an overridden value a downstream map or
 * aggregate cannot take) are left out and counted.
 */
import type { SOp } from '../../src/rasp/ast.ts';
import { counterfactualOutput } from '../../src/rasp/counterfactual.ts';
import { isUserError, RaspError } from '../../src/rasp/errors.ts';
import { labelInput } from '../../src/rasp/examples.ts';
import { sampleInput } from '../../src/rasp/inputs.ts';
import type { Program } from '../../src/rasp/program.ts';
import { makeRng } from '../../src/rasp/random.ts';
import type { MaybeValue, Value } from '../../src/rasp/values.ts';
import type { ProbeTask } from '../probeSet.ts';

export interface InterchangePairs {
  readonly base: Value[][];
  readonly source: Value[][];
  /** The program's output on each base. */
  readonly baseOutput: MaybeValue[][];
  /** The program's output on each base with the variable overridden by its source values. */
  readonly counterfactual: MaybeValue[][];
  /** Pairs drawn but left out: the evaluator refused the base, the source or the counterfactual. */
  readonly refused: number;
}

/** `n` seeded pairs, lengths uniform over the task's, tokens uniform over its vocabulary. */
export function interchangePairs(program: Program, variable: SOp, task: ProbeTask, n: number, seed: number): InterchangePairs {
  const rng = makeRng(seed);
  const out: InterchangePairs = { base: [], source: [], baseOutput: [], counterfactual: [], refused: 0 };
  let refused = 0;
  for (let tries = 0; out.base.length < n && tries < 20 * n + 100; tries++) {
    const base = sampleInput(rng, task.vocab, task.minLen, task.maxLen);
    const source = sampleInput(rng, task.vocab, base.length, base.length);
    const baseOutput = labelInput(program, base);
    if (baseOutput === null || labelInput(program, source) === null) {
      refused++;
      continue;
    }
    let cf: MaybeValue[];
    try {
      cf = counterfactualOutput(program, variable, base, source);
    } catch (e) {
      if (!(e instanceof RaspError || isUserError(e))) throw e;
      refused++;
      continue;
    }
    out.base.push(base);
    out.source.push(source);
    out.baseOutput.push(baseOutput);
    out.counterfactual.push(cf);
  }
  return { ...out, refused };
}
