import { describe, expect, it } from 'vitest';
import { attentionPatterns } from '../../probes/attention.ts';
import { headSimilarity, jsSimilarity, matchHeads } from '../../probes/headSimilarity.ts';
import { makeProbeSet } from '../../probes/probeSet.ts';
import { reverse, sortUnique } from '../compiler/programs.ts';
import { compiled, withUnrelatedHead } from './fixtures.ts';
import { loaded } from '../support/loaded.ts';

const vocab = ['a', 'b', 'c'];
const rev = withUnrelatedHead(compiled(reverse(), vocab, 4), 'reverse', 'indices');
const set = makeProbeSet(reverse(), { vocab, minLen: 1, maxLen: 4, n: 60, seed: 3 });

describe('attention patterns', () => {
  it('the flip head attends from position i to length - 1 - i', async () => {
    const [r] = await attentionPatterns(loaded(rev), [['a', 'b', 'c', 'a']]);
    const flip = r.heads.find((h) => h.layer === 1 && h.head === 0)!;
    expect(flip.pattern).toHaveLength(5);
    for (let q = 1; q <= 4; q++) expect(flip.pattern[q][4 - q + 1]).toBeGreaterThan(0.99);
    for (const row of flip.pattern) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  });
});

describe('head similarity', () => {
  it('1 - JSD is 1 for equal and 0 for disjoint distributions', () => {
    const p = Float32Array.of(0.5, 0.5, 0, 0);
    expect(jsSimilarity(p, 0, p, 0, 4)).toBeCloseTo(1, 6);
    expect(jsSimilarity(p, 0, Float32Array.of(0, 0, 1, 0), 0, 4)).toBeCloseTo(0, 6);
  });

  it("a model's similarity with itself is maximal on the diagonal", async () => {
    const s = await headSimilarity(loaded(rev), loaded(rev), set.inputs);
    s.similarity.forEach((row, i) => {
      expect(row[i]).toBeCloseTo(1, 5);
      for (const x of row) expect(x).toBeLessThanOrEqual(row[i] + 1e-9);
    });
    // The length head attends uniformly, the flip head to one position: they differ.
    expect(s.similarity[0][1]).toBeLessThan(0.9);
  });

  it('matching finds each compiled head in a model that has it, and not in one that does not', async () => {
    const other = compiled(sortUnique(), vocab, 4);
    const base = compiled(reverse(), vocab, 4);
    const same = matchHeads(await headSimilarity(loaded(base), loaded(rev), set.inputs), base);
    expect(same.every((m) => m.matched)).toBe(true);
    expect(same[1].expr).toContain('aggregate');
    const diff = matchHeads(await headSimilarity(loaded(base), loaded(other), set.inputs), base);
    const flip = diff.find((m) => m.head.layer === 1)!;
    expect(flip.matched).toBe(false);
  });
});
