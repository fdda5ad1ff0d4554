import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ablate, ablationSweep } from '../../probes/ablation.ts';
import { formatComponents, parseComponent } from '../../src/model/components.ts';
import { makeProbeSet } from '../../probes/probeSet.ts';
import { reverse } from '../compiler/programs.ts';
import { compiled, constantBaseline, withUnrelatedHead } from './fixtures.ts';
import { loaded } from '../support/loaded.ts';

const vocab = ['a', 'b', 'c'];
const prog = reverse();
const model = withUnrelatedHead(compiled(prog, vocab, 4), 'reverse', 'indices');
const set = makeProbeSet(prog, { vocab, minLen: 1, maxLen: 4, n: 1000, seed: 0 });
// The head that reads through the flip selector writes the output.
const flip = model.labels.heads.find((h) => h.writes === 'reverse' && h.selector.includes('opp_idx-1'))!;
const chance = constantBaseline(set.expected, vocab);

describe('ablation on compiled reverse', () => {
  it('the unablated model is exact', async () => {
    const r = await ablate(loaded(model), set, [], 'zero');
    expect(r.baseline.exactMatch).toBe(1);
    expect(r.baseline.tokenAccuracy).toBe(1);
  });

  for (const mode of ['zero', 'mean', 'resample'] as const) {
    it(`${mode}-ablating the flip head drops exact match to chance; the unrelated head changes nothing`, async () => {
      const hit = await ablate(loaded(model), set, [{ kind: 'head', layer: flip.layer, head: flip.head }], mode, { seed: 1 });
      expect(hit.exactMatch).toBeLessThanOrEqual(chance + 0.05);
      const spare = await ablate(loaded(model), set, [parseComponent(`${flip.layer}.1`, model.config)], mode, { seed: 1 });
      expect(spare.exactMatch).toBe(1);
      expect(spare.loss).toBeCloseTo(hit.baseline.loss, 5);
    });
  }

  it('ablating the embeddings leaves the model nothing to read; the result names them as embed', async () => {
    const r = await ablate(loaded(model), set, [parseComponent('embed')], 'zero');
    expect(r.exactMatch).toBeLessThanOrEqual(chance + 0.05);
    expect(formatComponents(r.component)).toBe('embed');
  });

  it('a sweep lists every component in every mode and frees its tensors', async () => {
    await ablationSweep(loaded(model), set, { modes: ['zero'] }); // warm up tfjs kernels
    const before = tf.memory().numTensors;
    const p = await ablationSweep(loaded(model), set, { modes: ['zero', 'mean'] });
    expect(tf.memory().numTensors).toBe(before);
    const names = p.components.map((c) => `${formatComponents(c.component)}/${c.mode}`);
    expect(names).toContain('0.0/zero');
    expect(names).toContain('mlp0/mean');
    expect(names).toContain('L1/zero');
    const l1 = p.components.find((c) => formatComponents(c.component) === 'L1' && c.mode === 'zero')!;
    expect(l1.exactMatch).toBeLessThan(1);
    for (const c of p.components) expect(c.perPosition.length).toBe(4);
  });
});
