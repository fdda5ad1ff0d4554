import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseComponent } from '../../src/model/components.ts';
import { LoadedModel } from '../../src/model/loadedModel.ts';
import { ablate } from '../../probes/ablation.ts';
import { ablatedRun } from '../../probes/ablatedRun.ts';
import { attentionPatterns } from '../../probes/attention.ts';
import { Superseded, specKey } from '../../cli/tui/engine.ts';
import { session } from './session.ts';
import { loaded } from '../support/loaded.ts';

const refs = (...names: string[]) => names.map((n) => parseComponent(n));

let s: Awaited<ReturnType<typeof session>>;
beforeAll(async () => {
  s = await session();
});
afterAll(() => s.engine.dispose());

const input = ['a', 'c', 'e', 'b'];

describe('the TUI engine', () => {
  it('scores the fixed probe set: the compiled model is exact, and ablating its flip head breaks it', async () => {
    const base = await s.engine.accuracy(0, { ablated: [], mode: 'zero' });
    expect(base.exactMatch).toBe(1);
    const hit = await s.engine.accuracy(0, { ablated: refs('1.0'), mode: 'zero' });
    expect(hit.exactMatch).toBeLessThan(0.5);
    expect(hit.baseline.exactMatch).toBe(1);
    // The same numbers as the ablation probe itself.
    const direct = await ablate(loaded(s.models[0].data), s.set, [{ kind: 'head', layer: 1, head: 0 }], 'zero', { seed: 3 });
    expect(hit.exactMatch).toBe(direct.exactMatch);
    expect(hit.perPosition).toEqual(direct.perPosition);
  });

  it('remembers results, and the mode does not matter when nothing is ablated', async () => {
    expect(s.engine.cachedAccuracy(0, { ablated: refs('1.0'), mode: 'mean' })).toBeUndefined();
    const v = await s.engine.accuracy(0, { ablated: refs('1.0'), mode: 'zero' });
    expect(s.engine.cachedAccuracy(0, { ablated: refs('1.0'), mode: 'zero' })).toBe(v);
    expect(specKey({ ablated: [], mode: 'mean' })).toBe(specKey({ ablated: [], mode: 'resample' }));
    expect(specKey({ ablated: refs('1.0', 'mlp0'), mode: 'zero' })).toBe(specKey({ ablated: refs('mlp0', '1.0'), mode: 'zero' }));
  });

  it('skips a job whose signal was aborted before its turn', async () => {
    const ctl = new AbortController();
    const p = s.engine.accuracy(0, { ablated: refs('0.0'), mode: 'resample' }, ctl.signal);
    ctl.abort();
    await expect(p).rejects.toBeInstanceOf(Superseded);
    expect(s.engine.cachedAccuracy(0, { ablated: refs('0.0'), mode: 'resample' })).toBeUndefined();
  });

  it('unablated, the input view agrees with runModel and attentionPatterns', async () => {
    const v = await s.engine.inputView(0, input, { ablated: [], mode: 'zero' });
    expect(v.output).toEqual(loaded(s.models[0].data).outputs([input])[0]);
    expect(v.output).toEqual(['b', 'e', 'c', 'a']);
    const [ref] = await attentionPatterns(loaded(s.models[0].data), [input]);
    expect(v.heads.map((h) => [h.layer, h.head])).toEqual(ref.heads.map((h) => [h.layer, h.head]));
    v.heads.forEach((h, i) => h.pattern.forEach((row, q) => row.forEach((x, k) => expect(x).toBeCloseTo(ref.heads[i].pattern[q][k], 5))));
  });

  it('ablated, the output on one input matches whether ablate counts that input right', async () => {
    for (const mode of ['zero', 'mean', 'resample'] as const) {
      const v = await s.engine.inputView(0, input, { ablated: refs('1.0'), mode });
      const one = { inputs: [input], expected: [['b', 'e', 'c', 'a']], exhaustive: false };
      if (mode !== 'resample') {
        // Zero and mean replacements do not depend on which input is run, so ablate agrees exactly.
        const r = await ablate(loaded(s.models[0].data), one, [{ kind: 'head', layer: 1, head: 0 }], mode, { reference: s.set });
        const right = v.output.map((x, i) => (x === one.expected[0][i] ? 1 : 0));
        expect(r.perPosition).toEqual(right);
      }
      expect(v.output).not.toEqual(['b', 'e', 'c', 'a']);
    }
  });

  it('ablating layer 0 changes what the layer-1 head attends to', async () => {
    const plain = await s.engine.inputView(0, input, { ablated: [], mode: 'zero' });
    const cut = await s.engine.inputView(0, input, { ablated: refs('L0'), mode: 'zero' });
    const flip = (v: typeof plain) => v.heads.find((h) => h.layer === 1)!.pattern;
    expect(flip(cut)).not.toEqual(flip(plain));
  });

  it('frees every tensor it makes along the way', async () => {
    await s.engine.inputView(0, ['a', 'b'], { ablated: refs('mlp0'), mode: 'mean' }); // warm up
    const before = tf.memory().numTensors;
    await s.engine.inputView(0, ['b', 'b', 'a'], { ablated: refs('mlp0', '0.0'), mode: 'mean' });
    await s.engine.inputView(0, ['b', 'b', 'a'], { ablated: refs('mlp0.n3'), mode: 'resample' });
    await s.engine.accuracy(0, { ablated: refs('L1'), mode: 'mean' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('ablatedRun handles several inputs of different lengths in one call', async () => {
    const m = LoadedModel.from(s.models[0].data);
    try {
      const xs = [['a'], ['e', 'd', 'c', 'b', 'a']];
      const r = await ablatedRun(loaded(m), xs, [], 'zero', { reference: s.set });
      expect(r.map((x) => x.output)).toEqual(m.outputs(xs));
      expect(r.map((x) => x.heads[0].pattern.length)).toEqual([2, 6]);
    } finally {
      m.dispose();
    }
  });
});
