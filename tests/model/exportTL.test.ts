import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportTransformerLens } from '../../src/model/exportTL.ts';
import { expectedShapes } from '../../src/model/shapes.ts';
import type { ModelConfig, ModelData, WeightArray } from '../../src/model/types.ts';
import { referenceForward } from '../support/referenceForward.ts';
import { randomModel, tinyConfig } from '../support/tinyModels.ts';
import { loaded } from '../support/loaded.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The exported parameters, without TransformerLens's attention buffers. */
function exportedWeights(m: ModelData): { tl: Record<string, unknown>; weights: Map<string, WeightArray> } {
  const { config: tl, stateDict } = exportTransformerLens(m);
  return { tl, weights: new Map([...stateDict].filter(([k]) => !k.endsWith('.attn.mask') && !k.endsWith('.attn.IGNORE'))) };
}

/** The exported model read back into our format with uniform layers (same names as TransformerLens). */
function asUniformModel(m: ModelData): ModelData {
  const { tl, weights } = exportedWeights(m);
  const attnOnly = tl.attn_only as boolean;
  const config: ModelConfig = {
    ...m.config,
    layers: m.config.layers.map(() => ({ nHeads: tl.n_heads as number, dHead: tl.d_head as number, dMlp: attnOnly ? 0 : (tl.d_mlp as number) })),
  };
  const w = new Map(weights);
  // Our format keeps ln2 even in attention-only models; it is never read there.
  for (const [k, shape] of expectedShapes(config)) if (!w.has(k)) w.set(k, { shape, data: new Float32Array(shape[0]) });
  return { ...m, config, weights: w };
}

describe('exportTransformerLens', () => {
  const config = tinyConfig(); // layers: 2 heads of 3 + MLP 5; 1 head of 4, no MLP; no heads + MLP 6

  it('uses one n_heads / d_head / d_mlp for all layers, with TransformerLens shapes', () => {
    const { tl, weights } = exportedWeights(randomModel(config));
    expect(tl).toMatchObject({
      n_layers: 3,
      d_model: 8,
      n_heads: 2,
      d_head: 4,
      d_mlp: 6,
      d_vocab: 4,
      d_vocab_out: 3,
      n_ctx: 6,
      act_fn: 'gelu',
      normalization_type: 'LN',
      attn_only: false,
      positional_embedding_type: 'standard',
      attn_scale: 1.7,
    });
    for (let l = 0; l < 3; l++) {
      expect(weights.get(`blocks.${l}.attn.W_Q`)!.shape).toEqual([2, 8, 4]);
      expect(weights.get(`blocks.${l}.attn.b_V`)!.shape).toEqual([2, 4]);
      expect(weights.get(`blocks.${l}.attn.W_O`)!.shape).toEqual([2, 4, 8]);
      expect(weights.get(`blocks.${l}.mlp.W_in`)!.shape).toEqual([8, 6]);
      expect(weights.get(`blocks.${l}.mlp.W_out`)!.shape).toEqual([6, 8]);
    }
    expect(weights.get('embed.W_E')!.shape).toEqual([4, 8]);
    expect(weights.get('unembed.W_U')!.shape).toEqual([8, 3]);
    for (const w of weights.values()) expect(w.data.length).toBe(w.shape.reduce((a, b) => a * b, 1));
  });

  it('keeps the original numbers in the leading corner of padded weights', () => {
    const m = randomModel(config, 4);
    const { weights } = exportedWeights(m);
    const src = m.weights.get('blocks.0.attn.W_Q')!; // [2, 8, 3] inside [2, 8, 4]
    const dst = weights.get('blocks.0.attn.W_Q')!;
    for (let h = 0; h < 2; h++)
      for (let d = 0; d < 8; d++) for (let e = 0; e < 4; e++) expect(dst.data[(h * 8 + d) * 4 + e]).toBe(e < 3 ? src.data[(h * 8 + d) * 3 + e] : 0);
  });

  it.each<[string, Partial<ModelConfig>]>([
    ['mixed layers with LN', {}],
    [
      'attention only, no normalisation',
      {
        normalization: 'none',
        layers: [
          { nHeads: 1, dHead: 2, dMlp: 0 },
          { nHeads: 3, dHead: 1, dMlp: 0 },
        ],
      },
    ],
  ])('padding changes nothing in the forward pass (%s)', (_, over) => {
    const m = randomModel(tinyConfig(over), 9);
    const padded = asUniformModel(m);
    const tokens = [
      [0, 1, 3, 2, 2],
      [0, 2, 1, 0, 0],
    ];
    const a = referenceForward(m, tokens, [5, 3]).logits;
    const b = referenceForward(padded, tokens, [5, 3]).logits;
    a.forEach((row, i) => row.forEach((v, p) => v.forEach((x, o) => expect(b[i][p][o]).toBeCloseTo(x, 9))));
    const inputs = [['a', 'b', 'c'], ['c'], ['b', 'b', 'a', 'c', 'a']];
    expect(loaded(padded).outputs(inputs)).toEqual(loaded(m).outputs(inputs));
  });

  it('a model without MLPs exports attn_only and no MLP weights', () => {
    const m = randomModel(tinyConfig({ layers: [{ nHeads: 1, dHead: 2, dMlp: 0 }] }));
    const { tl, weights } = exportedWeights(m);
    expect(tl.attn_only).toBe(true);
    expect([...weights.keys()].some((k) => k.includes('mlp') || k.includes('ln2'))).toBe(false);
  });
});
