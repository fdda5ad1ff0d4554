/**
 * Inputs labelled by the reference evaluator: what training data, probe sets and hypothesis
 * checks are all made of. An input the evaluator refuses (a division by zero in a map, a
 * categorical aggregate that mixes values) has no label and is drawn again.
 */
import { isUserError, RaspError, UserError } from './errors.ts';
import { evaluateProgram } from './evaluate.ts';
import { countInputs, enumerateInputs, sampleInput } from './inputs.ts';
import type { Program } from './program.ts';
import type { Rng } from './random.ts';
import { formatValue, type MaybeValue, type Value } from './values.ts';

/** What examples are drawn from. */
export interface DataSpec {
  readonly program: Program;
  /** Input tokens (BOS excluded). */
  readonly vocab: readonly Value[];
  readonly minLen: number;
  readonly maxLen: number;
}

/** One labelled input: the program's output per input position (null: undefined there, not scored). */
export interface Example {
  readonly input: Value[];
  readonly output: MaybeValue[];
}

const MAX_REJECTS = 10_000;

/** Labels one input; `null` when the evaluator refuses it (e.g. a division by zero in a map). */
export function labelInput(program: Program, input: Value[]): MaybeValue[] | null {
  try {
    return evaluateProgram(program, input);
  } catch (e) {
    if (e instanceof RaspError || isUserError(e)) return null;
    throw e;
  }
}

/**
 * Draws `n` labelled examples with `sampleInput`: lengths uniform over [minLen, maxLen] (every length
 * equally represented, as length generalisation and the AND-mask's per-length environments need),
 * tokens uniform over the vocabulary. Inputs the evaluator refuses are drawn again.
 */
export function sampleExamples(spec: DataSpec, rng: Rng, n: number): Example[] {
  const out: Example[] = [];
  let rejects = 0;
  while (out.length < n) {
    const input = sampleInput(rng, spec.vocab, spec.minLen, spec.maxLen);
    const output = labelInput(spec.program, input);
    if (output === null) {
      if (++rejects > MAX_REJECTS) {
        const inputs = `lengths ${spec.minLen}..${spec.maxLen} over [${spec.vocab.map(formatValue).join(', ')}]`;
        throw new UserError(`program '${spec.program.name}' rejects nearly every input of ${inputs}`);
      }
      continue;
    }
    out.push({ input, output });
  }
  return out;
}

/**
 * The inputs a model is scored on: every input of the task when there are at most `n` of them
 * (labelled; refused ones left out), else `n` drawn by `sampleExamples`. Probe sets and training's
 * held-out sets both follow it, so on a small task every command scores the same inputs.
 */
export function scoringExamples(spec: DataSpec, rng: Rng, n: number): { examples: Example[]; exhaustive: boolean } {
  if (countInputs(spec.vocab.length, spec.minLen, spec.maxLen) > n) return { examples: sampleExamples(spec, rng, n), exhaustive: false };
  const examples: Example[] = [];
  for (const input of enumerateInputs(spec.vocab, spec.minLen, spec.maxLen)) {
    const output = labelInput(spec.program, input);
    if (output !== null) examples.push({ input, output });
  }
  return { examples, exhaustive: true };
}
