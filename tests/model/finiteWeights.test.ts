/** Model files hold numbers: NaN and ±Infinity are refused on load (unless asked for), never written, and never decoded into answers. */
import { describe, expect, it } from 'vitest';
import { deserializeModel, serializeModel } from '../../src/model/modelFile.ts';
import { decodeSafetensors, encodeSafetensors } from '../../src/model/safetensors.ts';
import { decodeOutputs, ScoreTally } from '../../src/model/scoring.ts';
import { encodeBatch } from '../../src/model/batch.ts';
import type { WeightArray } from '../../src/model/types.ts';
import { randomModel, tinyConfig } from '../support/tinyModels.ts';
import { userError } from '../support/userError.ts';

const model = randomModel(tinyConfig(), 3);
const good = serializeModel(model);

/** The model file with one weight value replaced, header and metadata as they were. */
function withValue(name: string, flat: number, value: number): Uint8Array {
  const { tensors, metadata } = decodeSafetensors(good, 'f');
  const w = tensors.get(name)!;
  const data = w.data.slice();
  data[flat] = value;
  return encodeSafetensors(new Map<string, WeightArray>([...tensors].map(([k, t]) => [k, k === name ? { shape: w.shape, data } : t])), metadata);
}

describe('non-finite weights', () => {
  it.each([
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
  ])('a weight holding %s is refused on load, naming the weight and the first bad index', (value, shown) => {
    // blocks.0.attn.W_Q is [2, 8, 3]: flat 29 is [1, 1, 2].
    expect(userError(() => deserializeModel(withValue('blocks.0.attn.W_Q', 29, value), 'm.safetensors'))).toBe(
      `m.safetensors: weight 'blocks.0.attn.W_Q' holds ${shown} at [1, 1, 2]; ` +
        'the file is damaged or comes from a run that diverged (--allow-nonfinite loads it anyway)',
    );
  });

  it('allowNonFinite loads such a file as it is', () => {
    const m = deserializeModel(withValue('unembed.b_U', 1, Number.NaN), 'f', { allowNonFinite: true });
    expect(Number.isNaN(m.weights.get('unembed.b_U')!.data[1])).toBe(true);
  });

  it('a model holding a non-finite weight is never written', () => {
    const m = deserializeModel(withValue('embed.W_E', 0, Number.POSITIVE_INFINITY), 'f', { allowNonFinite: true });
    expect(userError(() => serializeModel(m))).toBe("refusing to write a model whose weight 'embed.W_E' holds Infinity at [0, 0]");
  });
});

describe('attnScale', () => {
  it.each([
    [1e-300, 'attnScale 1e-300 is too small for float32 (attention scores divided by it overflow)'],
    [1e39, 'attnScale 1e+39 is too large for float32 (it rounds to Infinity)'],
  ])('%s is refused when the config is read', (scale, why) => {
    const { tensors, metadata } = decodeSafetensors(good, 'f');
    const config = JSON.stringify({ ...model.config, attnScale: scale });
    const bytes = encodeSafetensors(tensors, { ...metadata, 'rasplab.config': config });
    expect(userError(() => deserializeModel(bytes, 'f'))).toBe(`f: metadata 'rasplab.config': ${why}`);
  });
});

describe('answers are never read from non-finite logits', () => {
  const config = tinyConfig();
  const batch = encodeBatch(config, [{ input: ['a', 'b'], output: ['a', 'b'] }]);
  const width = 3;
  const logits = (bad: number, at: number) => {
    const x = new Float32Array(batch.size * batch.nPos * width).fill(0.5);
    x[at] = bad;
    return x;
  };

  it('decodeOutputs refuses a NaN where an answer is read', () => {
    expect(userError(() => decodeOutputs(config, logits(Number.NaN, 2 * width + 1), batch.nPos, batch.lengths))).toMatch(
      /^the model's output is NaN at position 1 of input 1: its weights or config overflow float32/,
    );
  });

  it('scores refuse it too', () => {
    expect(userError(() => new ScoreTally(config.output).add(batch, logits(Number.POSITIVE_INFINITY, width)))).toMatch(
      /^the model's output is Infinity at position 0 of input 1/,
    );
  });

  it('BOS and padding positions are not read', () => {
    expect(decodeOutputs(config, logits(Number.NaN, 0), batch.nPos, batch.lengths)).toEqual([['a', 'a']]);
  });
});
