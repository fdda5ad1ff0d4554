import { describe, expect, it } from 'vitest';
import { ablate } from '../../probes/ablation.ts';
import { neuronActivations, neuronStats, neuronVariableFits } from '../../probes/neurons.ts';
import { makeProbeSet } from '../../probes/probeSet.ts';
import { bestThresholdAccuracy, mutualInformation } from '../../probes/stats.ts';
import { programVariables } from '../../probes/variables.ts';
import { hist } from '../compiler/programs.ts';
import { compiled } from './fixtures.ts';
import { loaded } from '../support/loaded.ts';

const vocab = ['a', 'b', 'c'];
const prog = hist();
const model = compiled(prog, vocab, 4);
const set = makeProbeSet(prog, { vocab, minLen: 1, maxLen: 4, n: 500, seed: 0 });

describe('threshold statistics', () => {
  it('a perfectly separating activation scores 1; a constant one scores the baseline', () => {
    const x = [0.1, 0.2, 0.9, 1.0];
    const y = Uint8Array.of(0, 0, 1, 1);
    expect(bestThresholdAccuracy(x, [0, 1, 2, 3], y).accuracy).toBe(1);
    const c = bestThresholdAccuracy([1, 1, 1, 1], [0, 1, 2, 3], Uint8Array.of(0, 1, 1, 1));
    expect(c.accuracy).toBe(c.baseline);
    expect(mutualInformation(x, [0, 1, 2, 3], ['a', 'a', 'b', 'b'], 2)).toBeCloseTo(1, 6);
    expect(mutualInformation([1, 1, 1, 1], [0, 1, 2, 3], ['a', 'a', 'b', 'b'], 2)).toBe(0);
  });
});

describe('neurons of compiled hist', () => {
  it('statistics cover every neuron, and dead neurons can be ablated for free', async () => {
    const acts = await neuronActivations(loaded(model), set);
    const r = await neuronStats(loaded(model), set, { acts });
    expect(r.neurons).toHaveLength(model.config.layers[0].dMlp);
    for (const n of r.neurons) {
      expect(n.fractionActive).toBeGreaterThanOrEqual(0);
      expect(n.fractionActive).toBeLessThanOrEqual(1);
      expect(n.dead).toBe(n.fractionActive === 0);
      if (n.top.length > 1) expect(n.top[0].activation).toBeGreaterThanOrEqual(n.top[1].activation);
    }
    const live = r.neurons.filter((n) => !n.dead);
    expect(live.length).toBeGreaterThan(0);
    // Every neuron of the read-out MLP is needed somewhere or silent: ablating a silent one is free.
    for (const n of r.neurons.filter((x) => x.dead).slice(0, 2)) {
      const a = await ablate(loaded(model), set, [{ kind: 'neuron', layer: n.layer, neuron: n.neuron }], 'zero');
      expect(a.exactMatch).toBe(1);
    }
  });

  it("the read-out MLP's neurons track hist far above baseline", async () => {
    const acts = await neuronActivations(loaded(model), set);
    const fits = neuronVariableFits(acts, programVariables(prog, set.inputs));
    const onHist = fits.filter((f) => f.variable === 'hist');
    expect(onHist).toHaveLength(model.config.layers[0].dMlp);
    const best = onHist.reduce((a, b) => (b.accuracy - b.baseline > a.accuracy - a.baseline ? b : a));
    expect(best.accuracy).toBe(1);
    expect(best.accuracy).toBeGreaterThan(best.baseline);
    expect(best.mutualInformation).toBeGreaterThan(0.5);
  });
});
