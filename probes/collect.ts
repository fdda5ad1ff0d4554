/**
 * Activations at real-token positions (BOS and padding dropped) over a probe set, flattened to
 * samples: what neuron statistics and linear probes work on.
 */
import type { HookName } from '../src/model/hooks.ts';
import type { LoadedModel } from '../src/model/loadedModel.ts';
import { encodeProbeSet } from './batches.ts';
import type { ProbeSet } from './probeSet.ts';

export interface Sample {
  /** Index into the probe set's inputs. */
  readonly input: number;
  /** Input position (BOS excluded). */
  readonly position: number;
}

export interface PositionActivations {
  readonly samples: Sample[];
  /** hook → last-axis width and values [sample][width]. */
  readonly acts: Map<HookName, { readonly width: number; readonly values: Float32Array }>;
}

/** The given hooks' activations (each [batch, pos, …], flattened to a width per position) at every real-token position. */
export async function collectPositions(
  model: LoadedModel,
  set: ProbeSet,
  hooks: readonly HookName[],
  opts: { batchSize?: number } = {},
): Promise<PositionActivations> {
  const samples: Sample[] = [];
  set.inputs.forEach((x, input) => x.forEach((_, position) => samples.push({ input, position })));
  const acts = new Map<HookName, { width: number; values: Float32Array }>();
  const pb = encodeProbeSet(model.config, set, opts);
  let first = 0;
  for (const b of pb.batches) {
    const got = (await model.activations(b, hooks)).acts;
    let s = first;
    for (const h of hooks) {
      const { data, shape } = got.get(h)!;
      // Everything after [batch, pos]: a head's result [B, P, H, D] gives H·D per position, head by head.
      const width = shape.slice(2).reduce((x, y) => x * y, 1);
      let entry = acts.get(h);
      if (!entry) acts.set(h, (entry = { width, values: new Float32Array(samples.length * width) }));
      s = first;
      for (let r = 0; r < b.size; r++)
        for (let p = 1; p < b.lengths[r]; p++, s++) entry.values.set(data.subarray((r * b.nPos + p) * width, (r * b.nPos + p + 1) * width), s * width);
    }
    first = s;
  }
  return { samples, acts };
}
