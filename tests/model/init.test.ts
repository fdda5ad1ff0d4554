import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initParams, initStd, initWeights } from '../../src/model/init.ts';
import { disposeParams, paramsToWeights } from '../../src/model/params.ts';
import { expectedShapes } from '../../src/model/shapes.ts';
import { tinyConfig } from '../support/tinyModels.ts';

describe('initParams', () => {
  const config = tinyConfig({ dModel: 16 });

  it('gives every weight the config needs, with its shape', () => {
    const params = initParams(config, 1);
    const shapes = expectedShapes(config);
    expect([...params.keys()].sort()).toEqual([...shapes.keys()].sort());
    for (const [k, t] of params) expect(t.shape, k).toEqual(shapes.get(k));
    disposeParams(params);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = initWeights(config, 7);
    const b = initWeights(config, 7);
    const c = initWeights(config, 8);
    for (const [k, w] of a) expect(b.get(k)!.data, k).toEqual(w.data);
    expect(c.get('embed.W_E')!.data).not.toEqual(a.get('embed.W_E')!.data);
  });

  it('LayerNorm weights 1, biases 0, matrices normal with the documented std', () => {
    const w = initWeights(config, 3);
    expect([...w.get('blocks.0.ln1.w')!.data].every((x) => x === 1)).toBe(true);
    expect([...w.get('ln_final.b')!.data].every((x) => x === 0)).toBe(true);
    expect([...w.get('blocks.0.attn.b_Q')!.data].every((x) => x === 0)).toBe(true);
    expect([...w.get('unembed.b_U')!.data].every((x) => x === 0)).toBe(true);
    const all = [...w].filter(([k]) => /\.W_/.test(k)).flatMap(([, x]) => [...x.data]);
    const mean = all.reduce((s, x) => s + x, 0) / all.length;
    const std = Math.sqrt(all.reduce((s, x) => s + (x - mean) ** 2, 0) / all.length);
    expect(all.length).toBeGreaterThan(1000);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(std / initStd(config)).toBeGreaterThan(0.9);
    expect(std / initStd(config)).toBeLessThan(1.1);
  });

  it('trainable params are variables holding the same numbers', () => {
    const params = initParams(config, 5, { trainable: true });
    expect([...params.values()].every((t) => t instanceof tf.Variable)).toBe(true);
    const back = paramsToWeights(params);
    for (const [k, w] of initWeights(config, 5)) expect(back.get(k)!.data).toEqual(w.data);
    disposeParams(params);
  });
});
