/**
 * What one SIIT step trains and on which pairs (probes/abstraction/siit.ts runs it): the aligned
 * variable and non-circuit node of the step, the kind of pairs, and the pairs themselves, drawn
 * from the step's own seeds so that a resumed run draws what an uninterrupted one does.
 */
import type { ModelConfig, ModelData } from '../../src/model/types.ts';
import type { SOp } from '../../src/rasp/ast.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { ProbeTask } from '../probeSet.ts';
import { pairBatches, type PairBatch } from './interchange.ts';
import { interchangePairs, type PairPositions } from './pairs.ts';

/**
 * What step `step` trains: every aligned variable (the IIT term sums them), by rounds of
 * `nVariables` steps alternating between pairs patched at one position (any lengths, so that what
 * depends on the length differs between base and source) and at every position (pairs of one
 * length); one non-circuit node a step, in turn, patched from pairs drawn for `variable` (in turn)
 * and the same positions. (Alternating by the step alone would pair each variable with one kind of pairs
 * whenever their count is even.)
 */
export function siitStepPlan(step: number, nVariables: number, nInert: number): { variable: number | null; at: PairPositions; inert: number | null } {
  if (nVariables === 0) return { variable: null, at: 'all', inert: null };
  return {
    variable: step % nVariables,
    at: Math.floor(step / nVariables) % 2 ? 'all' : 'random',
    inert: nInert ? step % nInert : null,
  };
}

export interface StepPairs {
  /** The IIT term's pairs, labelled with the counterfactual output. */
  readonly iit: PairBatch;
  /** The strict term's pairs (other pairs than the IIT term's), labelled with the base's own output. */
  readonly strict: PairBatch;
}

/** `batch` pairs for `variable` at `at`, labelled with the counterfactual output. */
export function variablePairs(
  config: ModelConfig,
  program: Program,
  task: ProbeTask,
  variable: SOp,
  at: PairPositions,
  batch: number,
  seed: number,
): PairBatch {
  return pairBatches({ config } as ModelData, interchangePairs(program, variable, task, batch, seed, at, config.output), batch)[0];
}

/** The pairs of step `step` for `variable` at `at`: a seed of its own per step and term. */
export function stepPairs(
  config: ModelConfig,
  program: Program,
  task: ProbeTask,
  variable: SOp,
  at: PairPositions,
  batch: number,
  seed: number,
  step: number,
): StepPairs {
  const p = interchangePairs(program, variable, task, batch, stepSeed(seed, step) + 1, at, config.output);
  return {
    iit: variablePairs(config, program, task, variable, at, batch, stepSeed(seed, step)),
    strict: pairBatches({ config } as ModelData, { ...p, counterfactual: p.baseOutput }, batch)[0],
  };
}

/** The step's seed for its IIT pairs (+1: the strict term's pairs, and the shuffles of its embeddings). */
export const stepSeed = (seed: number, step: number): number => seed * 7919 + 2 * step;

/** The seed of the IIT pairs of the step's `k`-th other variable (beside the plan's own). */
export const otherVariableSeed = (seed: number, step: number, k: number): number => stepSeed(seed, step) + 1_000_003 * (k + 1);
