/**
 * Predictive multiplicity of a set of equally good models (a Rashomon set): on inputs none of
 * them was trained on, how often do they disagree? Ambiguity is the share of inputs on which at
 * least two of them give different outputs; discrepancy the mean share of inputs on which a pair
 * differs (Marx et al., "Predictive multiplicity in classification"). Positions where the program's
 * output is undefined are not compared, as everywhere in scoring.
 */
import type { LoadedModel } from '../../src/model/loadedModel.ts';
import { NUMERIC_TOLERANCE, outputsMatch } from '../../src/model/scoring.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { MaybeValue } from '../../src/rasp/values.ts';
import { makeProbeSet, type ProbeTask } from '../probeSet.ts';

export interface Multiplicity {
  readonly minLen: number;
  readonly maxLen: number;
  readonly inputs: number;
  readonly models: number;
  readonly ambiguity: number;
  readonly discrepancy: number;
}

export function predictiveMultiplicity(
  models: readonly LoadedModel[],
  program: Program,
  task: ProbeTask,
  opts: { samples: number; seed: number; tolerance?: number },
): Multiplicity {
  const set = makeProbeSet(program, { ...task, n: opts.samples, seed: opts.seed });
  const blank = (expected: readonly MaybeValue[], out: readonly MaybeValue[]) => out.map((v, i) => (expected[i] === null ? null : v));
  const outs = models.map((m) => m.outputs(set.inputs).map((o, i) => blank(set.expected[i], o)));
  const output = models[0].config.output;
  const tol = opts.tolerance ?? NUMERIC_TOLERANCE;
  const n = set.inputs.length;
  let ambiguous = 0;
  let pairDiffer = 0;
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    let any = false;
    for (let a = 0; a < outs.length; a++)
      for (let b = a + 1; b < outs.length; b++) {
        const differ = !outputsMatch(output, outs[a][i], outs[b][i], tol);
        any ||= differ;
        if (differ) pairDiffer++;
        pairs++;
      }
    if (any) ambiguous++;
  }
  return {
    minLen: task.minLen,
    maxLen: task.maxLen,
    inputs: n,
    models: models.length,
    ambiguity: n ? ambiguous / n : 0,
    discrepancy: pairs ? pairDiffer / pairs : 0,
  };
}
