/**
 * Pass 5: scheduling blocks into sublayers attn0, mlp0, attn1, mlp1, … (slot 2l is layer l's
 * attention, 2l + 1 its MLP). Each block goes to the earliest slot of its type after every block it
 * reads from (a longest-path schedule, which gives the least depth); heads that land in one layer
 * sit side by side, MLP blocks that land in one MLP share it as neuron ranges.
 */
import type { Dir } from './linalg.ts';
import type { Block, HeadBlock, MlpBlock } from './types.ts';
import { blockReads, blockWrites } from './blockDirections.ts';

export interface LayerPlan {
  readonly heads: HeadBlock[];
  readonly mlps: MlpBlock[];
}

/**
 * Slots per block. Blocks come in construction order, each after the blocks it was built from; a
 * block depends on the earlier blocks that write a direction it reads.
 */
export function schedule(blocks: readonly Block[]): number[] {
  const slots: number[] = [];
  const lastWriter = new Map<Dir, number>(); // latest slot among earlier writers of each direction
  blocks.forEach((b, k) => {
    let after = -1;
    for (const d of blockReads(b)) after = Math.max(after, lastWriter.get(d) ?? -1);
    const want = b.type === 'attn' ? 0 : 1;
    let slot = after + 1;
    if (slot % 2 !== want) slot++;
    slots[k] = slot;
    for (const d of blockWrites(b)) lastWriter.set(d, Math.max(lastWriter.get(d) ?? -1, slot));
  });
  return slots;
}

export function layout(blocks: readonly Block[]): LayerPlan[] {
  const slots = schedule(blocks);
  const nLayers = slots.length ? Math.floor(Math.max(...slots) / 2) + 1 : 0;
  const layers: LayerPlan[] = Array.from({ length: nLayers }, () => ({ heads: [], mlps: [] }));
  blocks.forEach((b, k) => {
    const l = Math.floor(slots[k] / 2);
    if (b.type === 'attn') layers[l].heads.push(b);
    else layers[l].mlps.push(b);
  });
  return layers;
}
