/**
 * What `train` is asked to do. Its own module because both the trainer and the setup that resolves
 * a request (vocabulary, config, initial weights) read it, and neither should import the other.
 */
import type { Program } from '../rasp/program.ts';
import type { ModelData } from '../model/types.ts';
import type { TrainFlags } from './options.ts';

export interface TrainRequest {
  readonly program: Program;
  readonly flags: TrainFlags;
  /** Start from this model's weights and architecture (e.g. a compiled model) instead of a random init. */
  readonly init?: { readonly model: ModelData; readonly file: string };
  /**
   * Train a freshly initialised model with exactly this model's config (layers, heads and widths
   * per layer, vocabulary, context, output, normalisation, attention scale), so that the two can be
   * joined by a path in weight space (`rasplab connect`). Not with `init`, which has the shape already.
   */
  readonly shapeOf?: { readonly model: ModelData; readonly file: string };
  /**
   * Connectivity-based fine-tuning (src/train/cbft.ts) from `init`: the task loss minus λ times the
   * (capped) loss at a random point of the line back to `init`'s weights.
   */
  readonly cbft?: { readonly lambda: number };
  /** Where checkpoints go; none written when absent. */
  readonly checkpointPath?: string;
  /** Continue from `checkpointPath` if it exists. */
  readonly resume?: boolean;
  /**
   * Threads that compute each step's gradient, this one included (default 1). Not a setting of
   * the run: more threads add the same gradient in another order, so a resumed run may change it.
   */
  readonly threads?: number;
}
