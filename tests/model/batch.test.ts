import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchTokens, encodeInputs } from '../../src/model/batch.ts';
import { LoadedModel } from '../../src/model/loadedModel.ts';
import { decodeOutputs } from '../../src/model/scoring.ts';
import { BOS, type ModelConfig } from '../../src/model/types.ts';
import type { Value } from '../../src/rasp/values.ts';
import { copyModel, previousTokenModel, randomModel, tinyConfig, valueModel } from '../support/tinyModels.ts';
import { loaded } from '../support/loaded.ts';
import { userError } from '../support/userError.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('encodeInputs', () => {
  const config = tinyConfig({ vocab: [BOS, 'a', 1, true, 'x y'], nCtx: 4 });

  it('prepends BOS, pads with BOS to the longest row, lengths = n + 1', () => {
    const b = encodeInputs(config, [['a', 1], [], ['x y', 'a', 'a']]);
    const { lengths } = b;
    const tokens = batchTokens(b);
    expect(tokens.dtype).toBe('int32');
    expect(tokens.arraySync()).toEqual([
      [0, 1, 2, 0],
      [0, 0, 0, 0],
      [0, 4, 1, 1],
    ]);
    expect(lengths).toEqual([3, 1, 4]);
    tokens.dispose();
  });

  it('matches tokens with RASP equality (True == 1) but never maps an input to BOS', () => {
    const c = tinyConfig({ vocab: [BOS, 0, 1] });
    const tokens = batchTokens(encodeInputs(c, [[true, false, 1]]));
    expect(tokens.arraySync()).toEqual([[0, 2, 1, 2]]);
    tokens.dispose();
    expect(userError(() => encodeInputs(c, [[0, 'BOS']]))).toBe("unknown token 'BOS' at position 1; vocabulary: 0 1");
  });

  it('an unknown token names itself, its position and the vocabulary', () => {
    const c = tinyConfig({ vocab: [BOS, 'a', 'b', 'c'] });
    expect(userError(() => encodeInputs(c, [['a'], ['a', 'b', 'c', 'x']]))).toBe("unknown token 'x' at position 3; vocabulary: a b c");
    // '1' the string is not 1 the number.
    expect(userError(() => encodeInputs(tinyConfig({ vocab: [BOS, 1] }), [['1']]))).toMatch(/unknown token '1' at position 0/);
  });

  it('an input too long for the context is refused', () => {
    expect(userError(() => encodeInputs(config, [['a', 'a', 'a', 'a']]))).toBe('input of length 4 is too long: the model takes at most 3 tokens');
  });
});

describe('decodeOutputs', () => {
  const decodeLogits = (c: ModelConfig, logits: tf.Tensor3D, lengths: number[]) => decodeOutputs(c, logits.dataSync(), logits.shape[1], lengths);

  it('categorical: argmax over the output values, BOS and padding dropped', () => {
    const c = tinyConfig({ output: { encoding: 'categorical', values: ['x', 7, false] } });
    const logits = tf.tensor3d([
      [
        [9, 9, 9],
        [0, 1, 0],
        [0, 0, 2],
        [5, 0, 0],
      ],
      [
        [9, 0, 0],
        [3, 1, 0],
        [0, 0, 0],
        [0, 0, 0],
      ],
    ]);
    expect(decodeLogits(c, logits, [4, 2])).toEqual([[7, false, 'x'], ['x']]);
    logits.dispose();
  });

  it('numerical: the raw number at each valid position', () => {
    const c = tinyConfig({ output: { encoding: 'numerical' } });
    const logits = tf.tensor3d([
      [[100], [0.25], [-3]],
      [[100], [2], [50]],
    ]);
    expect(decodeLogits(c, logits, [3, 2])).toEqual([[0.25, -3], [2]]);
    logits.dispose();
  });
});

describe('LoadedModel.outputs', () => {
  it('runs hand-built models: copy, previous token, numerical value', () => {
    expect(loaded(copyModel(['a', 'b', 'c'])).outputs([['c', 'a'], [], ['b', 'b', 'a']])).toEqual([['c', 'a'], [], ['b', 'b', 'a']]);
    expect(loaded(previousTokenModel(['a', 'b', 'c'])).outputs([['c', 'a', 'b', 'b']])).toEqual([['c', 'c', 'a', 'b']]);
    const out = loaded(valueModel([2, 5, 7], 0.5)).outputs([[7, 2]]);
    expect(out[0][0]).toBeCloseTo(7.5, 5);
    expect(out[0][1]).toBeCloseTo(2.5, 5);
  });

  it('batching does not change results, and a loaded model leaks nothing (property)', () => {
    const m = LoadedModel.from(randomModel(tinyConfig(), 21));
    const before = tf.memory().numTensors;
    const input = fc.array(fc.array(fc.constantFrom<Value>('a', 'b', 'c'), { maxLength: 5 }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(input, fc.integer({ min: 1, max: 5 }), (inputs, batchSize) => {
        const one = m.outputs(inputs);
        expect(m.outputs(inputs, { batchSize })).toEqual(one);
        // Each row's output does not depend on what else is in its batch (padding is masked).
        expect(inputs.map((x) => m.outputs([x])[0])).toEqual(one);
      }),
      { numRuns: 15 },
    );
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  it('refuses bad tokens before running anything', () => {
    const m = LoadedModel.from(copyModel(['a']));
    const before = tf.memory().numTensors;
    expect(userError(() => m.outputs([['a'], ['q']]))).toMatch(/unknown token 'q'/);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });
});
