/**
 * Importing TransformerLens state dicts rasplab did not write: the buffers of earlier TransformerLens
 * versions (a [n_ctx, n_ctx] causal mask, IGNORE = -1e5), LNPre (a LayerNorm without weights), and
 * the uniform layer sizes a model keeps when its padding is not zero.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportTransformerLens } from '../../src/model/exportTL.ts';
import { importTransformerLens } from '../../src/model/importTL.ts';
import type { Dtype, SafetensorsContents } from '../../src/model/safetensors.ts';
import type { ModelData, WeightArray } from '../../src/model/types.ts';
import { loaded } from '../support/loaded.ts';
import { randomModel, tinyConfig } from '../support/tinyModels.ts';
import { userError } from '../support/userError.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const INPUTS = [['a', 'b', 'c'], ['c'], ['b', 'b', 'a', 'c', 'a']];

/** The export as a state dict a TransformerLens user saved: no rasplab metadata, `edit` applied. */
function userStateDict(m: ModelData, edit: (t: Map<string, WeightArray>, cfg: Record<string, unknown>) => void = () => {}) {
  const e = exportTransformerLens(m);
  const tensors = new Map(e.stateDict);
  const config = { ...e.config };
  edit(tensors, config);
  const dtypes = new Map<string, Dtype>([...tensors.keys()].map((k) => [k, k.endsWith('.attn.mask') ? 'BOOL' : 'F32']));
  const stateDict: SafetensorsContents = { tensors, metadata: {}, dtypes };
  return { stateDict, stateName: 'sd.safetensors', config, configName: 'cfg.json' };
}

const tril = (n: number): WeightArray => ({ shape: [n, n], data: Float32Array.from({ length: n * n }, (_, i) => (i % n <= Math.floor(i / n) ? 1 : 0)) });

describe('import --tl of a TransformerLens state dict', () => {
  const m = randomModel(tinyConfig(), 7); // causal, LN, gelu; layers 2×3+5, 1×4, 0+6

  it('computes what the model computed, at TransformerLens’s uniform sizes', () => {
    const back = importTransformerLens(userStateDict(m));
    expect(back.config.layers).toEqual([0, 1, 2].map(() => ({ nHeads: 2, dHead: 4, dMlp: 6 })));
    expect(back.config.vocab).toEqual(['BOS', 1, 2, 3]);
    expect(back.config.output).toEqual({ encoding: 'categorical', values: [0, 1, 2] });
    const ids = INPUTS.map((x) => x.map((t) => ['a', 'b', 'c'].indexOf(t) + 1));
    expect(
      loaded(back)
        .outputs(ids)
        .map((row) => row.map((c) => ['a', 'b', 'c'][c as number])),
    ).toEqual(loaded(m).outputs(INPUTS));
  });

  it('reads the buffers of TransformerLens before 3.5: a causal [n_ctx, n_ctx] mask and IGNORE = -1e5', () => {
    const input = userStateDict(m, (t) => {
      for (let l = 0; l < 3; l++) {
        t.set(`blocks.${l}.attn.mask`, tril(6));
        t.set(`blocks.${l}.attn.IGNORE`, { shape: [], data: new Float32Array([-1e5]) });
      }
    });
    expect(importTransformerLens(input).config.causal).toBe(true);
    input.stateDict.tensors.set('blocks.1.attn.mask', { shape: [6, 6], data: new Float32Array(36).fill(1) });
    expect(userError(() => importTransformerLens(input))).toBe(
      "sd.safetensors: 'blocks.1.attn.mask' is not the lower-triangular causal mask (row 0, column 1)",
    );
    input.stateDict.tensors.set('blocks.1.attn.mask', tril(6));
    input.stateDict.tensors.set('blocks.2.attn.IGNORE', { shape: [], data: new Float32Array([0]) });
    expect(userError(() => importTransformerLens(input))).toMatch(/^sd\.safetensors: 'blocks\.2\.attn\.IGNORE' is 0; rasplab masks keys with -inf/);
  });

  it('reads LNPre as LayerNorm with weight 1 and bias 0', () => {
    const plain = randomModel(tinyConfig({ normalization: 'LN' }), 8);
    for (const [k, w] of plain.weights) if (/ln(1|2|_final)\.[wb]$/.test(k)) w.data.fill(k.endsWith('.w') ? 1 : 0);
    const input = userStateDict(plain, (t, cfg) => {
      for (const k of [...t.keys()]) if (/ln(1|2|_final)\.[wb]$/.test(k)) t.delete(k);
      cfg.normalization_type = 'LNPre';
    });
    const back = importTransformerLens(input);
    expect(back.config.normalization).toBe('LN');
    const ids = INPUTS.map((x) => x.map((t) => ['a', 'b', 'c'].indexOf(t) + 1));
    expect(
      loaded(back)
        .outputs(ids)
        .map((row) => row.map((c) => ['a', 'b', 'c'][c as number])),
    ).toEqual(loaded(plain).outputs(INPUTS));
  });

  it('names an unexpected key', () => {
    const input = userStateDict(m, (t) => t.set('blocks.0.attn.rotary_sin', { shape: [1], data: new Float32Array(1) }));
    expect(userError(() => importTransformerLens(input))).toBe(
      "sd.safetensors: unexpected key 'blocks.0.attn.rotary_sin' (a HookedTransformer built from cfg.json has no such parameter)",
    );
  });
});
