/**
 * Experiment: the barrier between two seeds against the barrier between a model and its fine-tuned
 * self. Given A and B (independently trained) and T (A fine-tuned, e.g. `train --init-from A`), the
 * straight lines A–B, A–T and B–T, each with its second end aligned to its first
 * (probes/landscape/connect.ts), scored on the same probe sets. Fine-tuning is expected to stay in
 * A's basin (A–T low) while the seeds sit in different ones (A–B and B–T high).
 */
import { connectModels, type NamedSet, type SetPath } from './connect.ts';
import type { NamedModelData } from './minimaVolumes.ts';

export type PairKind = 'seeds' | 'fine-tuned' | 'seed to fine-tuned';

export interface PairPath {
  readonly from: string;
  readonly to: string;
  readonly kind: PairKind;
  /** Distance between the ends before and after the second was aligned to the first. */
  readonly distance: { readonly before: number; readonly after: number } | null;
  readonly sets: SetPath[];
}

export interface TunedBarriers {
  readonly points: number;
  readonly pairs: PairPath[];
}

export interface TunedBarriersOptions {
  readonly points?: number;
  readonly tolerance?: number;
  readonly align?: boolean;
  readonly onPoint?: (pair: number, done: number, total: number) => void;
}

/** The lines A–B, A–T and B–T (models of one shape: check with checkSameShape first). */
export async function tunedBarriers(
  models: { readonly a: NamedModelData; readonly b: NamedModelData; readonly tuned: NamedModelData },
  sets: readonly NamedSet[],
  opts: TunedBarriersOptions = {},
): Promise<TunedBarriers> {
  const { a, b, tuned } = models;
  const pairs: [NamedModelData, NamedModelData, PairKind][] = [
    [a, b, 'seeds'],
    [a, tuned, 'fine-tuned'],
    [b, tuned, 'seed to fine-tuned'],
  ];
  const out: PairPath[] = [];
  let points = 0;
  for (let k = 0; k < pairs.length; k++) {
    const [x, y, kind] = pairs[k];
    const c = await connectModels(x.model, y.model, sets, {
      points: opts.points,
      tolerance: opts.tolerance,
      align: opts.align,
      onPoint: (done, total) => opts.onPoint?.(k, done, total),
    });
    points = c.points;
    out.push({ from: x.name, to: y.name, kind, distance: c.alignment ? c.alignment.distance : null, sets: c.sets });
  }
  return { points, pairs: out };
}
