/**
 * Which residual directions a block reads and writes: pruning keeps what some block reads, and the
 * layout orders a block after the blocks that write what it reads, so both ask the same question here.
 */
import { matCols, matRows, type Dir, type SparseMat } from './linalg.ts';
import type { Block } from './types.ts';

/**
 * Pruning and layout ask what a block reads again and again, and a score over two large value sets
 * has value-set² entries, so it is listed once per block, and a score form's sides once per form
 * (blocks are not changed once emitted; pruning makes a new block when it takes something away,
 * and then replaces a head's OV, never its QK).
 */
const scoreSides = new WeakMap<SparseMat, readonly Dir[]>();
function sidesOf(qk: SparseMat): readonly Dir[] {
  let s = scoreSides.get(qk);
  if (!s) {
    const sides = matRows(qk);
    for (const line of qk.values()) for (const d of line.keys()) sides.add(d);
    scoreSides.set(qk, (s = [...sides]));
  }
  return s;
}

const reads = new WeakMap<Block, ReadonlySet<Dir>>();

/** A head reads its query and key sides (the score's rows and columns) and its value side. */
export function blockReads(b: Block): ReadonlySet<Dir> {
  let r = reads.get(b);
  if (!r) reads.set(b, (r = b.type === 'attn' ? new Set([...sidesOf(b.qk), ...matRows(b.ov)]) : new Set(b.neurons.flatMap((n) => [...n.in.keys()]))));
  return r;
}

export function blockWrites(b: Block): Set<Dir> {
  if (b.type === 'attn') return matCols(b.ov);
  return new Set(b.neurons.flatMap((n) => [...n.out.keys()]));
}
