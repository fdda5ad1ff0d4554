import { describe, expect, it } from 'vitest';
import { makeProbeSet } from '../../probes/probeSet.ts';
import { PRUNE_METHODS, pruneModel, pruningCurve, zeroShare } from '../../probes/pruning.ts';
import { sortUnique } from '../compiler/programs.ts';
import { compiled } from './fixtures.ts';
import { loaded } from '../support/loaded.ts';

const vocab = [1, 2, 3];
const prog = sortUnique();
const model = compiled(prog, vocab, 4);
const set = makeProbeSet(prog, { vocab, minLen: 1, maxLen: 4, n: 300, seed: 0 });

describe('pruning a compiled model', () => {
  it('zeros more weights as sparsity grows, and nothing at sparsity 0', () => {
    expect(zeroShare(pruneModel(model, 'global', 0))).toBe(zeroShare(model));
    for (const method of PRUNE_METHODS) {
      let prev = -1;
      for (const s of [0, 0.3, 0.6, 0.9]) {
        const z = zeroShare(pruneModel(model, method, s));
        expect(z).toBeGreaterThanOrEqual(prev);
        prev = z;
      }
    }
  });

  it('accuracy against sparsity is monotone within noise and ends broken', async () => {
    for (const method of ['global', 'heads'] as const) {
      const c = await pruningCurve(loaded(model), set, method, { sparsities: [0, 0.5, 0.8, 1] });
      expect(c.points[0].exactMatch).toBe(1);
      for (let i = 1; i < c.points.length; i++) expect(c.points[i].exactMatch).toBeLessThanOrEqual(c.points[i - 1].exactMatch + 0.05);
      expect(c.points.at(-1)!.exactMatch).toBeLessThan(1);
    }
  });
});
