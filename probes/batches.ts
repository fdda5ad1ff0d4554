/**
 * A probe set laid out for a model: batches of a fixed number of positions, so activations of
 * any batch line up with those of any other (mean ablation averages over a reference set;
 * resample ablation and patching swap in activations from other inputs).
 */
import { DEFAULT_BATCH_SIZE, encodeBatch, type Batch } from '../src/model/batch.ts';
import type { ModelConfig } from '../src/model/types.ts';
import type { ProbeSet } from './probeSet.ts';

export interface ProbeBatches {
  readonly batches: readonly Batch[];
  /** Positions per row, BOS included (longest input of the whole set + 1, or more when asked). */
  readonly nPos: number;
  /** Rows in all batches. */
  readonly size: number;
}

/** Encodes a probe set for `config`; `nPos` defaults to the longest input + 1. */
export function encodeProbeSet(config: ModelConfig, set: ProbeSet, opts: { batchSize?: number; nPos?: number } = {}): ProbeBatches {
  const bs = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const longest = set.inputs.reduce((m, x) => Math.max(m, x.length), 0);
  const nPos = Math.max(opts.nPos ?? 0, longest + 1);
  const batches: Batch[] = [];
  for (let i = 0; i < set.inputs.length; i += bs) {
    const examples = set.inputs.slice(i, i + bs).map((input, j) => ({ input, output: set.expected[i + j] }));
    batches.push(encodeBatch(config, examples, { nPos }));
  }
  return { batches, nPos, size: set.inputs.length };
}
