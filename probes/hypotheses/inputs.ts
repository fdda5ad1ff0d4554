/**
 * fast-check arbitraries for a program's inputs. Tokens come from the vocabulary in its order, so
 * shrinking moves towards shorter inputs and earlier tokens: a counterexample ends as the shortest,
 * "smallest" input that still shows the failure. Inputs the program refuses are not valid inputs
 * and are never generated.
 */
import fc from 'fast-check';
import { UserError } from '../../src/rasp/errors.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { Value } from '../../src/rasp/values.ts';
import { labelInput } from '../../src/rasp/examples.ts';

export interface InputDomain {
  readonly vocab: readonly Value[];
  readonly minLen: number;
  readonly maxLen: number;
}

/** The program's header defaults (vocab, max-len), overridden by `opts`; minLen defaults to 1. */
export function domainOf(program: Program, opts: Partial<InputDomain> = {}): InputDomain {
  const vocab = opts.vocab ?? program.vocab;
  const maxLen = opts.maxLen ?? program.maxLen;
  if (!vocab || vocab.length === 0) throw new UserError(`program '${program.name}' has no '# vocab:' header; give a vocab`);
  if (maxLen === undefined) throw new UserError(`program '${program.name}' has no '# max-len:' header; give a maxLen`);
  const minLen = opts.minLen ?? 1;
  if (minLen < 0 || maxLen < minLen) throw new UserError(`empty length range ${minLen}..${maxLen}`);
  return { vocab, minLen, maxLen };
}

/** Token sequences of the domain, before the program is asked. */
export function sequencesOf(d: InputDomain): fc.Arbitrary<Value[]> {
  return fc.array(tokenOf(d.vocab), { minLength: d.minLen, maxLength: d.maxLen });
}

/**
 * One token. An index into the vocabulary rather than constantFrom: integers shrink step by step
 * towards 0, so a token that must differ from the first one still ends as early as it can.
 */
export function tokenOf(vocab: readonly Value[]): fc.Arbitrary<Value> {
  return fc.nat({ max: vocab.length - 1 }).map((i) => vocab[i]);
}

/** Valid inputs of `program`: sequences over the vocabulary that the reference evaluator accepts. */
export function inputsOf(program: Program, opts: Partial<InputDomain> = {}): fc.Arbitrary<Value[]> {
  return validInputs(program, domainOf(program, opts));
}

/** Valid inputs of `program` over an explicit domain. */
export function validInputs(program: Program, d: InputDomain): fc.Arbitrary<Value[]> {
  return sequencesOf(d).filter((x) => labelInput(program, x) !== null);
}

/**
 * `n` sort keys that shrink towards all-equal; with a stable sort they give a permutation that
 * shrinks towards the identity. Generated for the longest input and cut to each input's length.
 */
export function permutationKeys(n: number): fc.Arbitrary<number[]> {
  return fc.array(fc.nat({ max: Math.max(0, n - 1) }), { minLength: n, maxLength: n });
}

/** The permutation of 0..len-1 that stably sorts `keys[0..len)`. */
export function permutationOf(keys: readonly number[], len: number): number[] {
  return Array.from({ length: len }, (_, i) => i).sort((a, b) => (keys[a] ?? 0) - (keys[b] ?? 0) || a - b);
}
