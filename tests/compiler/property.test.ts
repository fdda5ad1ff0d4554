/**
 * Differential property: random compilable programs (tests/support/arbitraryCompilable.ts) compiled
 * and run on every input up to their maximum length agree with the evaluator; a failure shrinks to
 * a minimal program and input. Inputs the evaluator rejects are skipped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryCompilable } from '../support/arbitraryCompilable.ts';
import { firstDisagreement } from '../support/differential.ts';

describe('compiler vs evaluator on random programs', () => {
  it('agree on every input (several hundred programs)', () => {
    let compiled = 0;
    fc.assert(
      fc.property(arbitraryCompilable, (c) => {
        compiled++;
        expect(firstDisagreement(c).mismatch).toBeNull();
      }),
      { numRuns: 400, seed: 20261122 },
    );
    expect(compiled).toBeGreaterThanOrEqual(400);
  });
});
