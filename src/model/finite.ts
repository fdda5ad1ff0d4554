/**
 * Where weights stop being numbers. NaN and ±Infinity never come out of a sound compile or a sound
 * training step, and once in a weight they reach every output (NaN · 0 is NaN), so loading, saving,
 * resuming and training refuse them, naming the first one: answers computed from them would be noise.
 */
import type { WeightArray } from './types.ts';

export interface NonFinite {
  readonly name: string;
  /** Row-major position in the weight's shape. */
  readonly index: readonly number[];
  readonly value: number;
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return index;
}

/** The first NaN or ±Infinity, in the order the weights are given; undefined when every value is finite. */
export function firstNonFinite(weights: Iterable<readonly [string, WeightArray]>): NonFinite | undefined {
  for (const [name, w] of weights) {
    const d = w.data;
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return { name, index: unravel(i, w.shape), value: d[i] };
  }
  return undefined;
}

/** "weight 'blocks.0.attn.W_Q' holds NaN at [1, 0, 2]". */
export function describeNonFinite(x: NonFinite, what = 'weight'): string {
  return `${what} '${x.name}' holds ${x.value} at [${x.index.join(', ')}]`;
}
