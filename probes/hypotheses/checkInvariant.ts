/**
 * "The output is invariant (or equivariant) under a transformation of the input": the model's
 * output on x and on T(x), compared where the program's output on T(x) is defined. Permutations
 * are generated with the case and shrink towards the identity, so a counterexample moves as few
 * positions (or tokens) as it can.
 */
import type fc from 'fast-check';
import { valueKey, type MaybeValue, type Value } from '../../src/rasp/values.ts';
import { labelInput } from '../../src/rasp/examples.ts';
import { OUTPUT_RELATIONS, TRANSFORMS, type InvarianceClaim, type Transform } from './claims.ts';
import { claimError, type Checker, type ClaimContext } from './checker.ts';
import { permutationKeys, permutationOf } from './inputs.ts';
import { firstDifference, runInput, seqText } from './single.ts';

interface Transformed {
  readonly input: Value[];
  /** What the output should become when it follows the transformation. */
  readonly follow: (out: readonly MaybeValue[]) => MaybeValue[];
  readonly text: string;
}

function transform(kind: Transform, vocab: readonly Value[], x: readonly Value[], keys: readonly number[] | undefined): Transformed {
  const n = x.length;
  if (kind === 'reverse') return { input: [...x].reverse(), follow: (o) => [...o].reverse(), text: 'reversed' };
  if (kind === 'permute') {
    const p = permutationOf(keys ?? [], n);
    return { input: p.map((j) => x[j]), follow: (o) => p.map((j) => o[j]), text: `positions ${p.join(' ')}` };
  }
  const rho = permutationOf(keys ?? [], vocab.length);
  const to = new Map(vocab.map((v, j) => [valueKey(v), vocab[rho[j]]]));
  const relabel = (v: MaybeValue): MaybeValue => (v === null ? null : (to.get(valueKey(v)) ?? v));
  const moved = vocab.flatMap((v, j) => (rho[j] !== j ? [`${v}→${vocab[rho[j]]}`] : []));
  return { input: x.map((v) => relabel(v) as Value), follow: (o) => o.map(relabel), text: `tokens ${moved.join(' ') || 'unchanged'}` };
}

export function invariantChecker(ctx: ClaimContext, claim: InvarianceClaim): Checker<number[]> {
  if (!TRANSFORMS.includes(claim.invariant)) throw claimError(ctx, 'invariant', `must be one of ${TRANSFORMS.join(', ')}, got '${claim.invariant}'`);
  const relation = claim.outputs ?? 'same';
  if (!OUTPUT_RELATIONS.includes(relation)) throw claimError(ctx, 'outputs', `must be one of ${OUTPUT_RELATIONS.join(', ')}, got '${relation}'`);
  const { vocab, maxLen } = ctx.domain;
  const extra: fc.Arbitrary<number[]> | undefined =
    claim.invariant === 'permute' ? permutationKeys(maxLen) : claim.invariant === 'relabel' ? permutationKeys(vocab.length) : undefined;
  const config = ctx.model.config;
  return {
    domain: ctx.domain,
    extra,
    check(input, keys) {
      const t = transform(claim.invariant, vocab, input, keys);
      const defined = labelInput(ctx.program, t.input);
      if (defined === null) return { ok: true, skip: true, observed: '', expected: '' };
      const before = runInput(ctx.model, input).output;
      const after = runInput(ctx.model, t.input).output;
      const want = relation === 'same' ? before : t.follow(before);
      const at = firstDifference(config, after, want, defined, ctx.tolerance);
      const observed = `on ${seqText(t.input)} (${t.text}) the output is ${seqText(after)}; on the input it is ${seqText(before)}`;
      return { ok: at < 0, observed: at < 0 ? observed : `${observed} (differs at position ${at})`, expected: seqText(want) };
    },
    dispose() {},
  };
}
