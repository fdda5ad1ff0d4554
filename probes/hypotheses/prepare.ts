/**
 * From a claim to its checker: the claim's input domain (the model's task, narrowed by the
 * claim's lengths) and the checker of its kind.
 */
import { UserError } from '../../src/rasp/errors.ts';
import type { ModelData } from '../../src/model/types.ts';
import type { Program } from '../../src/rasp/program.ts';
import { modelTask } from '../probeSet.ts';
import { NUMERIC_TOLERANCE } from '../../src/model/scoring.ts';
import type { LoadedModel } from '../../src/model/loadedModel.ts';
import { ablationChecker } from './checkAblation.ts';
import { agreementChecker } from './checkAgreement.ts';
import { encodesChecker } from './checkEncodes.ts';
import type { Checker, ClaimContext } from './checker.ts';
import { headChecker } from './checkHead.ts';
import { invariantChecker } from './checkInvariant.ts';
import { neuronChecker } from './checkNeuron.ts';
import type { Claim } from './claims.ts';
import type { InputDomain } from './inputs.ts';

export interface PrepareOptions {
  /** Replaces parts of the model's task (vocabulary, lengths). */
  readonly domain?: Partial<InputDomain>;
  /** Seeds the reference sets of mean ablation and read-out fitting (default 0). */
  readonly seed?: number;
  /** How far numerical outputs may differ and count as the same (default NUMERIC_TOLERANCE). */
  readonly tolerance?: number;
  /** Reads the model file an `agrees` claim names (default: from disk). */
  readonly loadModel?: (path: string) => ModelData;
}

/** `claim 2 (flip head)`, or `reverse.yaml: claim 2 (flip head)`. */
export function claimLabel(index: number, claim: Claim, where?: string): string {
  return `${where ? `${where}: ` : ''}claim ${index + 1}${claim.name ? ` (${claim.name})` : ''}`;
}

/** The model's task narrowed by the claim's lengths (up to the model's context). */
export function claimDomain(model: ModelData, claim: Claim, label: string, base?: Partial<InputDomain>): InputDomain {
  const task = { ...modelTask(model), ...base };
  const ctxMax = model.config.nCtx - 1;
  const minLen = claim.minLen ?? task.minLen;
  const maxLen = claim.maxLen ?? task.maxLen;
  if (maxLen > ctxMax) throw new UserError(`${label}: 'maxLen': ${maxLen} is longer than the model's context allows (${ctxMax} tokens)`);
  if (minLen > maxLen) throw new UserError(`${label}: the lengths ${minLen}..${maxLen} are empty`);
  return { vocab: task.vocab, minLen, maxLen };
}

export async function prepareChecker(model: LoadedModel, program: Program, claim: Claim, label: string, opts: PrepareOptions = {}): Promise<Checker> {
  const ctx: ClaimContext = {
    model,
    program,
    domain: claimDomain(model, claim, label, opts.domain),
    seed: opts.seed ?? 0,
    tolerance: opts.tolerance ?? NUMERIC_TOLERANCE,
    label,
    loadModel: opts.loadModel ?? (await import('../../src/model/modelFile.ts')).loadModel,
  };
  // `agrees` first: an agreement claim may also carry `ablate`.
  if ('agrees' in claim) return agreementChecker(ctx, claim);
  if ('head' in claim) return headChecker(ctx, claim);
  if ('ablate' in claim) return ablationChecker(ctx, claim);
  if ('neuron' in claim) return neuronChecker(ctx, claim);
  if ('encodes' in claim) return encodesChecker(ctx, claim);
  return invariantChecker(ctx, claim);
}
