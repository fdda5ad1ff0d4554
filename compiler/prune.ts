/**
 * Dropping what nobody reads: a direction no block and no output column reads is removed from
 * every block's writes; a neuron or head left writing nothing is removed; repeated until nothing
 * changes (a removed neuron may have been the only reader of another direction). Unread token and
 * position directions leave the embedding too. `one` and `bos` always stay.
 */
import { blockReads } from './blockDirections.ts';
import { BOS_DIR, ONE, restrictLin, restrictMat, type Dir, type LinComb } from './linalg.ts';
import type { Block } from './types.ts';

export interface Pruned {
  readonly blocks: Block[];
  /** Directions kept in the residual stream. */
  readonly kept: ReadonlySet<Dir>;
}

// Top-level functions, not closures made per round: under tsx each named closure costs a defineProperty (types.ts's leafId).

function keeping(read: ReadonlySet<Dir>): (d: Dir) => boolean {
  return (d) => read.has(d);
}

/**
 * Whether pruning takes something from `v`. Most blocks lose nothing, and the last round finds that
 * of every block: asked first, without copying. One that writes nothing somewhere goes the long
 * way, which drops what is empty.
 */
function losesSome(v: LinComb, read: ReadonlySet<Dir>): boolean {
  if (v.size === 0) return true;
  for (const d of v.keys()) if (!read.has(d)) return true;
  return false;
}

export function prune(blocks: readonly Block[], unembed: readonly LinComb[]): Pruned {
  let current = [...blocks];
  for (;;) {
    const read = new Set<Dir>([ONE, BOS_DIR]);
    for (const col of unembed) for (const d of col.keys()) read.add(d);
    for (const b of current) for (const d of blockReads(b)) read.add(d);
    const keep = keeping(read);
    let changed = false;
    const next: Block[] = [];
    for (const b of current) {
      const writes = b.type === 'attn' ? b.ov.values() : b.neurons.map((n) => n.out);
      let loses = b.type === 'attn' ? b.ov.size === 0 : b.neurons.length === 0;
      for (const v of writes) if ((loses = losesSome(v, read))) break;
      if (!loses) {
        next.push(b);
        continue;
      }
      if (b.type === 'attn') {
        const ov = restrictMat(b.ov, keep);
        const before = [...b.ov.values()].reduce((s, r) => s + r.size, 0);
        const after = [...ov.values()].reduce((s, r) => s + r.size, 0);
        // A block nothing was taken from stays the same object, so what it reads is listed once.
        if (after !== before) changed = true;
        if (after > 0) next.push(after === before ? b : { ...b, ov });
        continue;
      }
      const neurons = b.neurons.map((n) => ({ in: n.in, out: restrictLin(n.out, keep) })).filter((n) => n.out.size > 0);
      const same = neurons.length === b.neurons.length && neurons.every((n, k) => n.out.size === b.neurons[k].out.size);
      if (!same) changed = true;
      if (neurons.length > 0) next.push(same ? b : { ...b, neurons });
    }
    current = next;
    if (!changed) return { blocks: current, kept: read };
  }
}
