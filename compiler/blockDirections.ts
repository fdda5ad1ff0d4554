/**
 * Which residual directions a block reads and writes: pruning keeps what some block reads, and the
 * layout orders a block after the blocks that write what it reads, so both ask the same question here.
 */
import { matCols, matRows, type Dir, type SparseMat } from './linalg.ts';
import type { Block } from './types.ts';

/**
 * A score form's rows and columns. Pruning and layout ask for them again and again, and a score
 * over two large value sets has value-set² entries, so they are listed once per form (blocks are
 * not changed once emitted; pruning replaces a head's OV, never its QK).
 */
const scoreSides = new WeakMap<SparseMat, readonly Dir[]>();
function sidesOf(qk: SparseMat): readonly Dir[] {
  let s = scoreSides.get(qk);
  if (!s) scoreSides.set(qk, (s = [...new Set([...matRows(qk), ...matCols(qk)])]));
  return s;
}

/** A head reads its query and key sides (the score's rows and columns) and its value side. */
export function blockReads(b: Block): Set<Dir> {
  if (b.type === 'attn') return new Set([...sidesOf(b.qk), ...matRows(b.ov)]);
  return new Set(b.neurons.flatMap((n) => [...n.in.keys()]));
}

export function blockWrites(b: Block): Set<Dir> {
  if (b.type === 'attn') return matCols(b.ov);
  return new Set(b.neurons.flatMap((n) => [...n.out.keys()]));
}
