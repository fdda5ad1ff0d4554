import { describe, expect, it } from 'vitest';
import { ablate } from '../../probes/ablation.ts';
import { neuronActivations, neuronStats, neuronVariableFits } from '../../probes/neurons.ts';
import { makeProbeSet } from '../../probes/probeSet.ts';
import { bestCut, mutualInformation } from '../../probes/stats.ts';
import { programVariables, type ProgramVariable } from '../../probes/variables.ts';
import type { MaybeValue, Value } from '../../src/rasp/values.ts';
import { hist } from '../compiler/programs.ts';
import { compiled } from './fixtures.ts';
import { loaded } from '../support/loaded.ts';

const vocab = ['a', 'b', 'c'];
const prog = hist();
const model = compiled(prog, vocab, 4);
const set = makeProbeSet(prog, { vocab, minLen: 1, maxLen: 4, n: 500, seed: 0 });

describe('threshold statistics', () => {
  it('a perfectly separating activation scores 1; a constant one no better than chance; a target below the cut is not found', () => {
    const x = [0.1, 0.2, 0.9, 1.0];
    const y = Uint8Array.of(0, 0, 1, 1);
    expect(bestCut(x, [0, 1, 2, 3], y)).toMatchObject({ accuracy: 1, balancedAccuracy: 1, cut: 0.55 });
    expect(bestCut([1, 1, 1, 1], [0, 1, 2, 3], Uint8Array.of(0, 1, 1, 1)).balancedAccuracy).toBe(0.5);
    // One-sided: where the neuron is low is not what it fires for.
    expect(bestCut(x, [0, 1, 2, 3], Uint8Array.of(1, 1, 0, 0)).balancedAccuracy).toBe(0.5);
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

describe('what a neuron tracks: values, thresholds and value sets', () => {
  it("compiled hist's read-out neurons are named for the hist values where they fire (hist <= 2, not hist == 1)", async () => {
    const acts = await neuronActivations(loaded(model), set);
    const histVar = programVariables(prog, set.inputs).find((v) => v.name === 'hist')!;
    const fits = neuronVariableFits(acts, [histVar]);
    const { dMlp, values } = acts.layers[0];
    const named: string[] = [];
    for (let n = 0; n < dMlp; n++) {
      // Where the neuron fires, per hist value (every sample of a value agrees in a compiled model).
      const fires = new Map<number, boolean>();
      acts.samples.forEach((s, i) => fires.set(histVar.values[s.input][s.position] as number, values[i * dMlp + n] > 1e-6));
      const on = histVar.seen.filter((v) => fires.get(v as number));
      const target = fits.find((f) => f.neuron === n)!.target;
      named.push(target);
      if (on.length === 0 || on.length === histVar.seen.length) expect(target, `mlp0.n${n} never changes`).toBe('-');
      else if (on.length === 1) expect(target, `mlp0.n${n}`).toBe(`== ${on[0]}`);
      else expect(target, `mlp0.n${n} fires for hist in ${on.join(' ')}`).toBe(`<= ${on[on.length - 1]}`);
    }
    expect(named).toContain('<= 2');
  });

  it('a dead neuron has no top input', async () => {
    const r = await neuronStats(loaded(model), set, { acts: await neuronActivations(loaded(model), set) });
    const dead = r.neurons.filter((n) => n.dead);
    expect(dead.length).toBeGreaterThan(0);
    for (const n of dead) expect(n.top).toEqual([]);
    for (const n of r.neurons.filter((x) => !x.dead)) expect(n.top[0].activation).toBeGreaterThan(0);
  });

  /** One neuron whose activation is `act(value)` at every sample of a variable with these values. */
  function oneNeuron(name: string, values: MaybeValue[], act: (v: MaybeValue) => number, encoding: 'categorical' | 'numerical' = 'categorical') {
    const variable: ProgramVariable = {
      name,
      encoding,
      values: [values],
      seen: [...new Set(values.filter((v): v is Value => v !== null))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    };
    const acts = { layers: [{ layer: 0, dMlp: 1, values: Float32Array.from(values, act) }], samples: values.map((_, position) => ({ input: 0, position })) };
    return neuronVariableFits(acts, [variable])[0];
  }

  it('a neuron that fires for a set of values that is no threshold is named by that set', () => {
    const tokens = Array.from({ length: 40 }, (_, i) => 'abcd'[i % 4]);
    const fit = oneNeuron('tokens', tokens, (t) => (t === 'a' || t === 'c' ? 2 : 0));
    expect(fit).toMatchObject({ target: 'in {a, c}', accuracy: 1 });
  });

  it('a graded neuron is named for where it starts firing, on numerical and categorical variables alike', () => {
    const xs = Array.from({ length: 60 }, (_, i) => i % 6);
    // Fires from 3 up, harder the larger x is.
    expect(oneNeuron('x', xs, (x) => Math.max(0, Number(x) - 2), 'numerical')).toMatchObject({ target: '>= 3', accuracy: 1 });
    expect(oneNeuron('x', xs, (x) => Math.max(0, Number(x) - 2))).toMatchObject({ target: '>= 3', accuracy: 1 });
    expect(oneNeuron('x', xs, (x) => Math.max(0, 2 - Number(x)))).toMatchObject({ target: '<= 1', accuracy: 1 });
    expect(oneNeuron('x', xs, (x) => (x === 4 ? 0 : 1))).toMatchObject({ target: '!= 4', accuracy: 1 });
  });
});
