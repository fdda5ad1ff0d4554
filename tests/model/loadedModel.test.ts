import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeInputs } from '../../src/model/batch.ts';
import { forward } from '../../src/model/forward.ts';
import { hookNames } from '../../src/model/hooks.ts';
import { LoadedModel } from '../../src/model/loadedModel.ts';
import { disposeParams, paramsFromModel } from '../../src/model/params.ts';
import { randomModel, tinyConfig } from '../support/tinyModels.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const data = randomModel(tinyConfig(), 5);
const inputs = [['a', 'b', 'c'], ['c'], ['b', 'a']];

describe('LoadedModel', () => {
  it('run gives the forward pass logits, for plain inputs or an encoded batch', async () => {
    const m = LoadedModel.from(data);
    const params = paramsFromModel(data);
    const b = encodeInputs(data.config, inputs);
    const want = tf.tidy(() =>
      forward(data.config, params, { tokens: tf.tensor2d(b.tokens, [b.size, b.nPos], 'int32'), lengths: b.lengths }).logits.arraySync(),
    );
    disposeParams(params);
    const fromInputs = m.run(inputs);
    const fromBatch = m.run(b);
    expect(fromInputs.arraySync()).toEqual(want);
    expect(fromBatch.arraySync()).toEqual(want);
    tf.dispose([fromInputs, fromBatch]);
    m.dispose();
  });

  it('runWithCache keeps every activation, or just the ones named', () => {
    const m = LoadedModel.from(data);
    const all = m.runWithCache(inputs);
    expect([...all.cache.keys()]).toEqual(hookNames(data.config));
    all.dispose();
    const some = m.runWithCache(inputs, { names: ['blocks.0.attn.hook_pattern', 'blocks.2.hook_resid_post'] });
    expect([...some.cache.keys()].sort()).toEqual(['blocks.0.attn.hook_pattern', 'blocks.2.hook_resid_post']);
    expect(some.batch.lengths).toEqual([4, 2, 3]);
    some.dispose();
    m.dispose();
  });

  it('runWithHooks replaces activations: an identity hook changes nothing, zeroing the final stream leaves only the bias', async () => {
    const m = LoadedModel.from(data);
    const plain = await m.logits(inputs);
    const same = m.runWithHooks(inputs, { 'blocks.1.hook_resid_mid': (x) => x });
    expect(Array.from(await same.data())).toEqual(Array.from(plain));
    const cut = m.runWithHooks(inputs, { 'unembed.hook_in': (x) => tf.zerosLike(x) });
    const bias = data.weights.get('unembed.b_U')!.data;
    const got = await cut.data();
    got.forEach((v, i) => expect(v).toBeCloseTo(bias[i % bias.length], 6));
    tf.dispose([same, cut]);
    m.dispose();
  });

  it('holds its weights until dispose, then frees them and refuses to run', () => {
    const before = tf.memory().numTensors;
    const m = LoadedModel.from(data);
    expect(tf.memory().numTensors).toBe(before + data.weights.size);
    m.outputs(inputs);
    m.runWithCache(inputs).dispose();
    expect(tf.memory().numTensors).toBe(before + data.weights.size);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => m.outputs(inputs)).toThrow(/disposed/);
    m.dispose(); // twice is harmless
  });

  it('reads as the model data it was loaded from', () => {
    const m = LoadedModel.from(data);
    expect(m.config).toBe(data.config);
    expect(m.labels).toBe(data.labels);
    expect(m.weights).toBe(data.weights);
    m.dispose();
  });
});
