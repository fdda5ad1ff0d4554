import { beforeAll, describe, expect, it } from 'vitest';
import { checkClaim, checkClaims, prepareClaim, type Claim } from '../../probes/hypotheses/index.ts';
import { withUnrelatedHead } from '../probes/fixtures.ts';
import { compiledLibrary, fastBackend } from './support.ts';
import { loaded } from '../support/loaded.ts';

const RUNS = 100;
beforeAll(fastBackend);

const rev = compiledLibrary('reverse', { vocab: ['a', 'b', 'c'] });
// A second head in the last layer that writes only directions nothing reads: irrelevant by construction.
const spare = withUnrelatedHead(rev.model, 'reverse', 'indices');
const hist = compiledLibrary('hist');

describe('ablation claims', () => {
  it('an irrelevant head leaves the output unchanged, in every mode', async () => {
    const claims: Claim[] = (['zero', 'mean', 'resample'] as const).map((mode) => ({ ablate: '1.1', output: 'unchanged', mode }));
    for (const r of await checkClaims(loaded(spare), rev.program, claims, { numRuns: RUNS, seed: 1 })) expect(r.passed, `${r.claim}: ${r.observed}`).toBe(true);
  });

  it("hist's selector-width head is necessary below the longest length; at it, all-equal tokens read the same", async () => {
    const short = await checkClaims(
      loaded(hist.model),
      hist.program,
      [
        { ablate: '0.0', output: 'changed', maxLen: 3 },
        { ablate: 'L0', output: 'changed', maxLen: 3 },
      ],
      { numRuns: RUNS, seed: 2 },
    );
    for (const x of short) expect(x.passed, `${x.claim}: ${x.observed}`).toBe(true);
    // Without the head the MLP reads "no key selected": the largest count, right only for 4 equal tokens.
    const all = await checkClaim(loaded(hist.model), hist.program, { ablate: '0.0', output: 'changed' }, { numRuns: 300, seed: 2 });
    expect(all.passed).toBe(false);
    expect(all.counterexample).toEqual([1, 1, 1, 1]);
  });

  it('"the flip head is irrelevant" fails on a shortest, earliest input: b (a alone reads the same without it)', async () => {
    const claim: Claim = { ablate: '1.0', output: 'unchanged' };
    const r = await checkClaim(loaded(rev.model), rev.program, claim, { numRuns: RUNS, seed: 3 });
    expect(r.passed).toBe(false);
    expect(r.counterexample).toEqual(['b']);
    expect(r.observed).toMatch(/^zero-ablated 1\.0: \S+; unablated: b \(differs at position 0\)$/);
    const c = await prepareClaim(loaded(rev.model), rev.program, claim);
    expect(c.check(['a']).ok).toBe(true);
    c.dispose();
  });

  it('"the flip head is necessary everywhere" fails where reversing changes nothing', async () => {
    const r = await checkClaim(loaded(rev.model), rev.program, { ablate: '1.0', output: 'changed' }, { numRuns: RUNS, seed: 4 });
    expect(r.passed).toBe(false);
    expect(r.counterexample).toEqual(['a']);
  });

  it('resample ablation generates its partner with the case and says which it was', async () => {
    const r = await checkClaim(loaded(rev.model), rev.program, { ablate: '1.0', output: 'unchanged', mode: 'resample' }, { numRuns: RUNS, seed: 5 });
    expect(r.passed).toBe(false);
    expect(r.counterexample).toHaveLength(1);
    expect(r.observed).toMatch(/resampled from [abc]\)/);
  });

  it('names unknown components with the model shape', async () => {
    await expect(checkClaim(loaded(rev.model), rev.program, { ablate: ['1.0', 'mlp3'], output: 'changed' }, { numRuns: 1 })).rejects.toThrow(
      /^claim 1: 'ablate': component mlp3: the model has 2 layers/,
    );
    await expect(checkClaim(loaded(rev.model), rev.program, { ablate: [], output: 'changed' }, { numRuns: 1 })).rejects.toThrow(/name at least one component/);
  });
});

describe('agreement claims', () => {
  it('a model agrees with itself, and with itself minus an irrelevant head', async () => {
    const claims: Claim[] = [{ agrees: rev.model }, { agrees: rev.model, ablate: '1.1', mode: 'mean' }];
    for (const r of await checkClaims(loaded(spare), rev.program, claims, { numRuns: RUNS, seed: 6 })) expect(r.passed, r.observed).toBe(true);
  });

  it('a model compiled for longer inputs agrees on the lengths both take', async () => {
    const longer = compiledLibrary('reverse', { vocab: ['a', 'b', 'c'], maxLen: 6 });
    const r = await checkClaim(loaded(longer.model), rev.program, { agrees: rev.model }, { numRuns: RUNS, seed: 7 });
    expect(r.passed).toBe(true);
  });

  it('"after ablating the flip head it still agrees" fails, minimally', async () => {
    const r = await checkClaim(loaded(rev.model), rev.program, { agrees: rev.model, ablate: '1.0' }, { numRuns: RUNS, seed: 8 });
    expect(r.passed).toBe(false);
    expect(r.counterexample).toEqual(['b']);
    expect(r.expected).toBe('the other model: b');
  });

  it('refuses a model that lacks the vocabulary', async () => {
    const other = compiledLibrary('reverse', { vocab: ['a', 'b'] });
    await expect(checkClaim(loaded(rev.model), rev.program, { agrees: other.model }, { numRuns: 1 })).rejects.toThrow(
      /'agrees': the other model has no token c/,
    );
  });
});
