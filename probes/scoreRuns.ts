/**
 * A model scored on a probe set, with or without interventions: the one loop that ablation,
 * pruning and the reports share (what "correct" means is src/model/scoring.ts's).
 */
import type { LoadedModel, RunOptions } from '../src/model/loadedModel.ts';
import { NUMERIC_TOLERANCE, ScoreTally, type Score } from '../src/model/scoring.ts';
import { encodeProbeSet, type ProbeBatches } from './batches.ts';
import type { ProbeSet } from './probeSet.ts';

/** Scores the batches, running batch i with `runFor(i)` (undefined: the unmodified model); numerical outputs right within `tolerance`. */
export async function scoreBatches(
  m: LoadedModel,
  data: ProbeBatches,
  runFor: (batch: number) => RunOptions | undefined = () => undefined,
  tolerance = NUMERIC_TOLERANCE,
): Promise<Score> {
  return scoreLogits(m, data, (i) => m.logits(data.batches[i], runFor(i)), tolerance);
}

/** The score of logits got per batch some other way (a run kept from before: probes/cleanPrefix.ts `baseLogits`). */
export async function scoreLogits(
  m: LoadedModel,
  data: ProbeBatches,
  logitsOf: (batch: number) => Promise<Float32Array>,
  tolerance = NUMERIC_TOLERANCE,
): Promise<Score> {
  const tally = new ScoreTally(m.config.output, tolerance);
  for (let i = 0; i < data.batches.length; i++) tally.add(data.batches[i], await logitsOf(i));
  return tally.result();
}

/** The model as it is, scored on the set. */
export function scoreModel(model: LoadedModel, set: ProbeSet, opts: { batchSize?: number; tolerance?: number } = {}): Promise<Score> {
  return scoreBatches(model, encodeProbeSet(model.config, set, opts), undefined, opts.tolerance);
}
