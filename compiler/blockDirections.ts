/**
 * Which residual directions a block reads and writes: pruning keeps what some block reads, and the
 * layout orders a block after the blocks that write what it reads, so both ask the same question here.
 */
import { matCols, matRows, type Dir } from './linalg.ts';
import type { Block } from './types.ts';

/** A head reads its query and key sides (the score's rows and columns) and its value side. */
export function blockReads(b: Block): Set<Dir> {
  if (b.type === 'attn') return new Set([...matRows(b.qk), ...matCols(b.qk), ...matRows(b.ov)]);
  return new Set(b.neurons.flatMap((n) => [...n.in.keys()]));
}

export function blockWrites(b: Block): Set<Dir> {
  if (b.type === 'attn') return matCols(b.ov);
  return new Set(b.neurons.flatMap((n) => [...n.out.keys()]));
}
