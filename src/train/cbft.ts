/**
 * Connectivity-based fine-tuning (Lubana et al., "Mechanistic Mode Connectivity", 2022/2023):
 * fine-tune from a model θ₀ so that the new model keeps a low loss on the task but is no longer
 * linearly connected to θ₀, i.e. the straight path back to θ₀ leaves the basin. Models on one
 * low-loss line share their mechanisms (their invariances), so a barrier to θ₀ is a sign that the
 * mechanism changed; plain fine-tuning (`--init-from`) tends to stay in θ₀'s basin.
 *
 * The paper's objective has a task term, a barrier term (minus the loss at a random point of the
 * line between the two models) and optionally an invariance term (which needs a transformation of
 * the inputs the new model should be invariant to). rasplab uses the first two only:
 *
 *   L(θ) = L_task(θ) − λ · min(L_task((1 − α)·θ₀ + α·θ), cap),   α ~ U(0, 1) per step,
 *
 * the task loss on the step's batch, the path's on a batch of the same size drawn from the lengths
 * θ₀ was trained on (within the run's): where θ₀ is a minimum, so that its basin is what the path
 * must leave. (On lengths θ₀ never learned, its loss is high already and the capped term has no
 * gradient: a reverse model trained on length 8 costs 12 nats per token at length 5.) This is the
 * barrier `rasplab connect θ₀ θ` measures, on the inputs both models take. The cap is the loss of a uniform guess over the output
 * classes (ln of their number): up to it the path is pushed out of the basin; beyond it the term
 * would reward a path that is worse than guessing, which only makes the new end diverge (an
 * uncapped −λ·L has no minimum). Categorical outputs only, for that reason.
 */
import { UserError } from '../rasp/errors.ts';
import { makeRng } from '../rasp/random.ts';
import type { ModelConfig, ModelData } from '../model/types.ts';
import type { DataSpec, Example } from '../rasp/examples.ts';
import { sampleExamples } from '../rasp/examples.ts';

export const DEFAULT_CBFT_LAMBDA = 1;

/** The settings of CBFT as a run records them. */
export interface CbftSettings {
  /** The model fine-tuning starts from and the path returns to (as typed). */
  readonly from: string;
  readonly lambda: number;
}

/** The barrier term's cap: the loss of a uniform guess over the output classes. */
export function barrierCap(config: ModelConfig): number {
  if (config.output.encoding !== 'categorical')
    throw new UserError('--cbft needs a categorical output: its barrier term is capped at the loss of a uniform guess over the classes');
  return Math.log(config.output.values.length);
}

/** The point α of the path that step `step` raises the loss at: a pure function of (seed, step). */
export function pathPointOfStep(seed: number, step: number): number {
  return makeRng(seed).fork(`cbft:${step}`).next();
}

export function validateCbft(lambda: number): void {
  if (!(lambda > 0) || !Number.isFinite(lambda)) throw new UserError(`--cbft-lambda must be a positive number, got ${lambda}`);
}

/** The inputs the path's loss is taken on: the run's, narrowed to the lengths `from` was trained on (all of the run's when they do not meet). */
export function barrierSpec(spec: DataSpec, from: ModelData): DataSpec {
  const t = from.training;
  const minLen = Math.max(spec.minLen, t?.minLen ?? spec.minLen);
  const maxLen = Math.min(spec.maxLen, t?.maxLen ?? spec.maxLen);
  return minLen <= maxLen ? { ...spec, minLen, maxLen } : spec;
}

/** The path's examples of step `step`: a pure function of (seed, step), drawn apart from the task's batch. */
export function pathExamples(spec: DataSpec, seed: number, step: number, n: number): Example[] {
  return sampleExamples(spec, makeRng(seed).fork(`cbft-path:${step}`), n);
}
