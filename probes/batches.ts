/**
 * A probe set laid out for a model: batches of a fixed number of positions, so activations of
 * any batch line up with those of any other (mean ablation averages over a reference set;
 * resample ablation and patching swap in activations from other inputs).
 */
import type { ModelConfig } from '../src/model/types.ts';
import { encodeBatch, type Batch } from '../src/train/dataset.ts';
import type { ProbeSet } from './probeSet.ts';

export const DEFAULT_BATCH_SIZE = 256;

export interface ProbeBatches {
  readonly batches: readonly Batch[];
  /** Positions per row, BOS included (longest input of the whole set + 1). */
  readonly nPos: number;
  /** Rows in all batches. */
  readonly size: number;
}

/** Widens a batch to `nPos` positions (padding: token 0, not scored). */
function padBatch(b: Batch, nPos: number): Batch {
  if (b.nPos === nPos) return b;
  const tokens = new Int32Array(b.size * nPos);
  const classes = new Int32Array(b.size * nPos).fill(-1);
  const targets = new Float32Array(b.size * nPos).fill(Number.NaN);
  for (let r = 0; r < b.size; r++) {
    tokens.set(b.tokens.subarray(r * b.nPos, (r + 1) * b.nPos), r * nPos);
    classes.set(b.classes.subarray(r * b.nPos, (r + 1) * b.nPos), r * nPos);
    targets.set(b.targets.subarray(r * b.nPos, (r + 1) * b.nPos), r * nPos);
  }
  return { ...b, nPos, tokens, classes, targets };
}

/** Encodes a probe set for `config`; `nPos` defaults to the longest input + 1. */
export function encodeProbeSet(
  config: ModelConfig,
  set: ProbeSet,
  opts: { batchSize?: number; nPos?: number } = {},
): ProbeBatches {
  const bs = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const longest = set.inputs.reduce((m, x) => Math.max(m, x.length), 0);
  const nPos = Math.max(opts.nPos ?? 0, longest + 1);
  const batches: Batch[] = [];
  for (let i = 0; i < set.inputs.length; i += bs) {
    const examples = set.inputs.slice(i, i + bs).map((input, j) => ({ input, output: set.expected[i + j] }));
    batches.push(padBatch(encodeBatch(config, examples), nPos));
  }
  return { batches, nPos, size: set.inputs.length };
}
