import { beforeAll, describe, expect, it } from 'vitest';
import { checkClaim, checkClaims, type Claim } from '../../probes/hypotheses/index.ts';
import { compiledLibrary, fastBackend } from './support.ts';
import { loaded } from '../support/loaded.ts';

const RUNS = 100;
beforeAll(fastBackend);

describe('invariance claims', () => {
  it('hist: counts move with the tokens and ignore their names; sort: any order sorts the same', async () => {
    const hist = compiledLibrary('hist');
    const claims: Claim[] = [
      { invariant: 'permute', outputs: 'follow' },
      { invariant: 'reverse', outputs: 'follow' },
      { invariant: 'relabel', outputs: 'same' },
    ];
    for (const r of await checkClaims(loaded(hist.model), hist.program, claims, { numRuns: RUNS, seed: 1 }))
      expect(r.passed, `${r.claim}: ${r.observed}`).toBe(true);
    const sort = compiledLibrary('sort');
    const r = await checkClaim(loaded(sort.model), sort.program, { invariant: 'permute', outputs: 'same' }, { numRuns: RUNS, seed: 1 });
    expect(r.passed, r.observed).toBe(true);
  });

  it('reverse: renaming tokens renames the output, reversing the input reverses it', async () => {
    const rev = compiledLibrary('reverse', { vocab: ['a', 'b', 'c'] });
    const claims: Claim[] = [
      { invariant: 'relabel', outputs: 'follow' },
      { invariant: 'reverse', outputs: 'follow' },
    ];
    for (const r of await checkClaims(loaded(rev.model), rev.program, claims, { numRuns: RUNS, seed: 2 }))
      expect(r.passed, `${r.claim}: ${r.observed}`).toBe(true);
  });

  it('"reverse ignores the order" fails on a b swapped: the shortest, earliest input with two different tokens', async () => {
    const rev = compiledLibrary('reverse', { vocab: ['a', 'b', 'c'] });
    const r = await checkClaim(loaded(rev.model), rev.program, { invariant: 'permute', outputs: 'same' }, { numRuns: RUNS, seed: 3 });
    expect(r.passed).toBe(false);
    expect(r).toMatchObject({ counterexample: ['a', 'b'], minimal: true });
    expect(r.observed).toBe('on b a (positions 1 0) the output is a b; on the input it is b a (differs at position 0)');
    expect(r.expected).toBe('b a');
  });

  it('sort is not invariant under renaming tokens: the order of the names matters', async () => {
    const sort = compiledLibrary('sort');
    const r = await checkClaim(loaded(sort.model), sort.program, { invariant: 'relabel', outputs: 'follow' }, { numRuns: RUNS, seed: 4 });
    expect(r.passed).toBe(false);
    expect(r.counterexample).toHaveLength(2);
  });
});
