/**
 * Differential property: random compilable programs (tests/support/arbitraryCompilable.ts) compiled
 * and run on every input up to their maximum length agree with the evaluator; a failure shrinks to
 * a minimal program and input. Inputs the evaluator rejects are skipped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.ts';
import { evaluate } from '../../src/rasp/evaluate.ts';
import { enumerateInputs } from '../../src/rasp/inputs.ts';
import type { MaybeValue } from '../../src/rasp/values.ts';
import { arbitraryCompilable, type CompilableCase } from '../support/arbitraryCompilable.ts';
import { denseForward } from './denseForward.ts';

/** The first input on which the compiled model disagrees, or null. */
function firstDisagreement(c: CompilableCase): null | { input: MaybeValue[]; want: MaybeValue[]; got: MaybeValue[] } {
  const { model } = compile(c.program, { vocab: c.vocab, maxLen: c.maxLen });
  const numerical = model.config.output.encoding === 'numerical';
  for (const input of enumerateInputs(c.vocab, 1, c.maxLen)) {
    let want: MaybeValue[];
    try {
      want = evaluate(c.program.output, input);
    } catch {
      continue;
    }
    const got = denseForward(model, input).output;
    // Numerical s-ops have no undefined value in a model; positions the evaluator leaves undefined are not compared.
    const ok = want.every((w, i) => (numerical ? w === null || Math.abs(Number(w) - Number(got[i])) <= 1e-3 : w === got[i]));
    if (!ok) return { input, want, got };
  }
  return null;
}

describe('compiler vs evaluator on random programs', () => {
  it('agree on every input (several hundred programs)', () => {
    let compiled = 0;
    fc.assert(
      fc.property(arbitraryCompilable, (c) => {
        compiled++;
        expect(firstDisagreement(c)).toBeNull();
      }),
      { numRuns: 400, seed: 20261122 },
    );
    expect(compiled).toBeGreaterThanOrEqual(400);
  });
});
