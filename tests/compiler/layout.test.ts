import { describe, expect, it } from 'vitest';
import { layout, schedule } from '../../compiler/layout.ts';
import { lin, unit } from '../../compiler/linalg.ts';
import type { Block, HeadBlock, MlpBlock } from '../../compiler/types.ts';

function head(reads: string[], writes: string): HeadBlock {
  const qk = new Map([[reads[0] ?? 'one', unit('one')]]);
  const ov = new Map(reads.map((r) => [r, unit(writes)]));
  return { type: 'attn', qk, ov, label: { expr: writes, selector: 's', writes, kind: 'categorical-aggregate' } };
}
function mlp(reads: string[], writes: string, neurons = 1): MlpBlock {
  return {
    type: 'mlp',
    neurons: Array.from({ length: neurons }, () => ({ in: lin(reads.map((r) => [r, 1] as const)), out: unit(writes) })),
    combinations: neurons,
    label: { expr: writes, writes, reads, kind: 'categorical-map' },
  };
}

describe('layout pass', () => {
  it('puts independent heads side by side in one layer', () => {
    const blocks: Block[] = [head(['tokens:n:1'], 'a'), head(['indices:n:0'], 'b'), head(['tokens:n:2'], 'c')];
    const layers = layout(blocks);
    expect(layers).toHaveLength(1);
    expect(layers[0].heads).toHaveLength(3);
  });

  it('places each block at the earliest sublayer of its type after what it reads (longest path)', () => {
    const blocks: Block[] = [
      head(['tokens:n:1'], 'a'), // attn0
      mlp(['a'], 'b'), // mlp0
      mlp(['tokens:n:1'], 'c'), // mlp0 (reads only the embedding)
      head(['b'], 'd'), // attn1
      head(['c'], 'e'), // attn1
      mlp(['d', 'e'], 'f', 3), // mlp1
      mlp(['f'], 'g'), // mlp2 (an MLP after an MLP skips an attention sublayer)
    ];
    expect(schedule(blocks)).toEqual([0, 1, 1, 2, 2, 3, 5]);
    const layers = layout(blocks);
    expect(layers.map((l) => [l.heads.length, l.mlps.length])).toEqual([
      [1, 2],
      [2, 1],
      [0, 1],
    ]);
  });
});
