/**
 * A model scored on a probe set, with or without interventions: the one loop that ablation,
 * pruning and the reports share.
 */
import type { ModelData } from '../src/model/types.ts';
import { encodeProbeSet, type ProbeBatches } from './batches.ts';
import type { ProbeSet } from './probeSet.ts';
import { batchLogits, withModel, type Hooks, type LiveModel } from './runner.ts';
import { ScoreTally, type Score } from './score.ts';

/** Scores the batches, running batch i with `hooksFor(i)` (undefined: the unmodified model). */
export async function scoreBatches(m: LiveModel, data: ProbeBatches, hooksFor: (batch: number) => Hooks | undefined = () => undefined): Promise<Score> {
  const tally = new ScoreTally(m.config.output);
  for (let i = 0; i < data.batches.length; i++) tally.add(data.batches[i], await batchLogits(m, data.batches[i], hooksFor(i)));
  return tally.result();
}

/** The model as it is, scored on the set. */
export function scoreModel(model: ModelData, set: ProbeSet, opts: { batchSize?: number } = {}): Promise<Score> {
  return withModel(model, (m) => scoreBatches(m, encodeProbeSet(m.config, set, opts)));
}
