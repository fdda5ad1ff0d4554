import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { componentRows, modelSummary, residualGroups } from '../../cli/format/inspect.ts';
import type { DirectionLabel, ModelData, WeightArray } from '../../src/model/types.ts';

function zeros(shape: number[]): WeightArray {
  return { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) };
}

/** A hand-made 1-layer model: d_model 6 = [one, bos, tokens:a, tokens:b, indices:0, indices:1]. */
function tinyModel(): ModelData {
  const residual: DirectionLabel[] = [
    { index: 0, sop: 'one', encoding: 'numerical' },
    { index: 1, sop: 'bos', encoding: 'categorical' },
    { index: 2, sop: 'tokens', value: 'a', encoding: 'categorical' },
    { index: 3, sop: 'tokens', value: 'b', encoding: 'categorical' },
    { index: 4, sop: 'indices', value: 0, encoding: 'categorical' },
    { index: 5, sop: 'indices', value: 1, encoding: 'categorical' },
  ];
  const W_E = zeros([3, 6]);
  W_E.data[0 * 6 + 1] = 1; // BOS → bos
  W_E.data[1 * 6 + 2] = 1; // a → tokens:a
  W_E.data[2 * 6 + 3] = 1;
  const W_pos = zeros([3, 6]);
  W_pos.data[1 * 6 + 4] = 1;
  W_pos.data[2 * 6 + 5] = 1;
  const W_U = zeros([6, 2]);
  W_U.data[2 * 2 + 0] = 1;
  W_U.data[3 * 2 + 1] = 1;
  return {
    config: {
      formatVersion: 1,
      dModel: 6,
      nCtx: 3,
      vocab: ['BOS', 'a', 'b'],
      layers: [{ nHeads: 2, dHead: 3, dMlp: 4 }],
      output: { encoding: 'categorical', values: ['a', 'b'] },
      normalization: 'none',
      causal: false,
      actFn: 'relu',
      attnScale: 1,
      origin: 'compiled',
    },
    labels: {
      program: { name: 'rev', output: 'rev' },
      residual,
      heads: [{ layer: 0, head: 1, expr: 'aggregate(flip, tokens)', selector: 'flip', writes: 'rev', kind: 'categorical-aggregate' }],
      mlps: [{ layer: 0, neurons: [0, 4], expr: 'length - indices - 1', writes: 'opp', reads: ['indices'], kind: 'categorical-map' }],
    },
    weights: new Map([
      ['embed.W_E', W_E],
      ['pos_embed.W_pos', W_pos],
      ['unembed.W_U', W_U],
    ]),
  };
}

describe('componentRows', () => {
  it('one row per embedding, head, labelled MLP range and the unembedding', () => {
    const rows = componentRows(tinyModel());
    expect(rows.map((r) => r.component)).toEqual(['embed', 'pos_embed', 'head 0.0', 'head 0.1', 'mlp neurons 0–3', 'unembed']);
    expect(rows[2].implements).toBe('(unlabelled)');
    expect(rows[3].implements).toBe('aggregate(flip, tokens) → rev');
    expect(rows[4].implements).toBe('length - indices - 1 → opp');
    expect(rows[4].shape).toBe('W_in 6×4 (of 4)');
  });
  it('names the s-ops each embedding writes and the unembedding reads, from the nonzero weights', () => {
    const rows = componentRows(tinyModel());
    expect(rows[0].implements).toBe('token embedding → bos, tokens');
    expect(rows[1].implements).toBe('position embedding → indices');
    expect(rows[5].implements).toBe('tokens → categorical over {a, b}');
    expect(rows[0].shape).toBe('W_E 3×6');
  });
  it('summarises the model on one line', () => {
    expect(modelSummary(tinyModel())).toMatch(/compiled model, program rev .*: 1 layer, 2 heads, d_model 6/);
  });
});

describe('residualGroups', () => {
  it('groups consecutive directions of one s-op with their values', () => {
    expect(residualGroups(tinyModel().labels.residual)).toEqual([
      { sop: 'one', encoding: 'numerical', start: 0, end: 1 },
      { sop: 'bos', encoding: 'categorical', start: 1, end: 2 },
      { sop: 'tokens', encoding: 'categorical', start: 2, end: 4, values: ['a', 'b'] },
      { sop: 'indices', encoding: 'categorical', start: 4, end: 6, values: [0, 1] },
    ]);
  });
  test.prop([fc.array(fc.constantFrom('x', 'y', 'z'), { maxLength: 30 })])('groups cover every direction once, in order', (sops) => {
    const labels: DirectionLabel[] = sops.map((sop, index) => ({ index, sop, encoding: 'numerical' }));
    const groups = residualGroups([...labels].reverse());
    expect(groups.flatMap((g) => Array.from({ length: g.end - g.start }, (_, i) => [g.start + i, g.sop]))).toEqual(sops.map((s, i) => [i, s]));
    for (let i = 1; i < groups.length; i++) expect(groups[i].sop).not.toBe(groups[i - 1].sop);
  });
});
