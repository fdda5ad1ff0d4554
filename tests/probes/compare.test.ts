import { describe, expect, it } from 'vitest';
import { compareModels } from '../../probes/compare.ts';
import { reverse, sortUnique } from '../compiler/programs.ts';
import { compiled, withUnrelatedHead } from './fixtures.ts';
import { loaded } from '../support/loaded.ts';

const vocab = ['a', 'b', 'c'];
const prog = reverse();
const a = compiled(prog, vocab, 4);
// Stands in for a learned model trained on lengths 1..3: the same circuit plus an idle head.
const b = {
  ...withUnrelatedHead(a, 'reverse', 'indices'),
  training: { program: 'reverse', vocab, minLen: 1, maxLen: 3, seed: 0, steps: 0, backend: 'cpu' },
};

describe('compare', () => {
  it('two models with one circuit agree everywhere and align head for head', async () => {
    const r = await compareModels(loaded(a), loaded(b), prog, { samples: 120, probeSteps: 20 });
    expect(r.outputs.inRange).toMatchObject({ minLen: 1, maxLen: 3, agreement: 1, aExact: 1, bExact: 1 });
    expect(r.outputs.outOfRange).toMatchObject({ minLen: 4, maxLen: 4, agreement: 1 });
    expect(r.heads.matches.every((m) => m.matched)).toBe(true);
    expect(r.heads.matches.map((m) => m.best)).toEqual([
      { layer: 0, head: 0 },
      { layer: 1, head: 0 },
    ]);
    for (const d of r.decodable) expect(d.b, d.variable).toBe(d.a);
    expect(r.ablation.a.components.length).toBeLessThan(r.ablation.b.components.length);
    expect(r.pruning.a.points[0].exactMatch).toBe(1);
    expect(r.neurons.a).toEqual(r.neurons.b);
  });

  it('a model of another program disagrees', async () => {
    const other = compiled(sortUnique(), vocab, 4);
    const r = await compareModels(loaded(a), loaded(other), prog, { samples: 60, probeSteps: 0 });
    expect(r.outputs.inRange.agreement).toBeLessThan(0.8);
    expect(r.outputs.inRange.bExact).toBe(r.outputs.inRange.agreement);
  });
});
