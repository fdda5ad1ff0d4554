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
  /** Where checkpoints go; none written when absent. */
  readonly checkpointPath?: string;
  /** Continue from `checkpointPath` if it exists. */
  readonly resume?: boolean;
}
