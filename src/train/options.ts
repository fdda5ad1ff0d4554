/**
 * What a training run is asked to do, and the checks that turn bad requests into clear errors.
 * The CLI parses flags into `TrainFlags`; `validateTrainFlags` is where every bad value is caught.
 */
import { UserError } from '../rasp/errors.ts';
import { checkCeiling, type LimitName } from '../rasp/limits.ts';
import { formatValue, valueKey, type Value } from '../rasp/values.ts';
import { checkModelSize } from '../model/shapes.ts';
import { BOS, FORMAT_VERSION, type ModelConfig, type OutputSpec } from '../model/types.ts';

/** The shape of a learned model, as flags give it. */
export interface ArchFlags {
  readonly layers: number;
  readonly heads: number;
  readonly dModel: number;
  /** Width per head; default dModel / heads (then heads must divide dModel). */
  readonly dHead?: number;
  /** MLP hidden width; default 4 × dModel. Ignored with attnOnly. */
  readonly dMlp?: number;
  readonly attnOnly: boolean;
  readonly layernorm: boolean;
  readonly causal: boolean;
  readonly actFn?: 'relu' | 'gelu';
}

/** Everything numeric a run takes, before the program and model are resolved. */
export interface TrainFlags {
  readonly vocab?: readonly Value[];
  readonly minLen: number;
  readonly maxLen: number;
  readonly testLengths: readonly number[];
  /** Absent with --init-from (the architecture is the initial model's). */
  readonly arch?: ArchFlags;
  readonly steps: number;
  readonly batch: number;
  readonly lr: number;
  readonly weightDecay: number;
  readonly warmup?: number;
  readonly decay: 'cosine' | 'linear' | 'constant';
  readonly clipNorm: number;
  readonly seed: number;
  /** AND-mask agreement threshold τ in (0, 1]; absent: ordinary mean gradient. */
  readonly andMask?: number;
  /** Train only on a fixed seeded subset of this fraction of the training inputs (src/train/dataset.ts); absent or 1: on all of them. */
  readonly dataFraction?: number;
  /** Stop once the held-out exact match reaches this. */
  readonly targetAcc?: number;
  /** How far a numerical output may be from the program's and count as right (default NUMERIC_TOLERANCE, as every command scores). */
  readonly tolerance?: number;
  readonly testSize: number;
  readonly evalEvery: number;
  readonly logEvery: number;
  readonly checkpointEvery: number;
}

export const DEFAULT_FLAGS = {
  minLen: 1,
  testLengths: [] as number[],
  steps: 5000,
  batch: 64,
  lr: 1e-3,
  weightDecay: 0.01,
  decay: 'cosine' as const,
  clipNorm: 1,
  seed: 0,
  testSize: 512,
  evalEvery: 250,
  logEvery: 50,
  checkpointEvery: 500,
};

/** A positive integer, at most the ceiling `limit` names (limits.ts) when there is one. */
function positiveInt(name: string, v: number, limit?: LimitName): void {
  if (!Number.isInteger(v) || v <= 0) throw new UserError(`${name} must be a positive integer, got ${v}`);
  if (limit) checkCeiling(limit, v, `${name} ${v}`);
}

/** Throws a UserError naming the first bad flag. */
export function validateTrainFlags(f: TrainFlags): void {
  if (f.vocab) {
    if (f.vocab.length === 0) throw new UserError('--vocab is empty');
    checkCeiling('vocab', f.vocab.length, `--vocab of ${f.vocab.length} tokens`);
    if (f.vocab.some((v) => valueKey(v) === valueKey(BOS)))
      throw new UserError(`--vocab must not contain '${BOS}': it is the beginning-of-sequence token every model input starts with`);
    const seen = new Set<string>();
    for (const v of f.vocab) {
      if (seen.has(valueKey(v))) throw new UserError(`--vocab lists ${formatValue(v)} twice`);
      seen.add(valueKey(v));
    }
  }
  positiveInt('--min-len', f.minLen, 'maxLen');
  positiveInt('--max-len', f.maxLen, 'maxLen');
  if (f.minLen > f.maxLen) throw new UserError(`--min-len ${f.minLen} is above --max-len ${f.maxLen}`);
  for (const t of f.testLengths) positiveInt('--test-lengths entries', t, 'maxLen');
  positiveInt('--steps', f.steps);
  positiveInt('--batch', f.batch, 'batch');
  positiveInt('--test-size', f.testSize, 'testSize');
  positiveInt('--eval-every', f.evalEvery);
  positiveInt('--log-every', f.logEvery);
  positiveInt('--checkpoint-every', f.checkpointEvery);
  if (!(f.lr > 0) || !Number.isFinite(f.lr)) throw new UserError(`--lr must be a positive number, got ${f.lr}`);
  if (!(f.weightDecay >= 0)) throw new UserError(`--weight-decay must be ≥ 0, got ${f.weightDecay}`);
  if (f.warmup !== undefined && (!Number.isInteger(f.warmup) || f.warmup < 0)) throw new UserError(`--warmup must be a non-negative integer, got ${f.warmup}`);
  if (!(f.clipNorm >= 0)) throw new UserError(`--clip must be ≥ 0 (0 disables clipping), got ${f.clipNorm}`);
  if (!Number.isInteger(f.seed)) throw new UserError(`--seed must be an integer, got ${f.seed}`);
  if (f.andMask !== undefined && !(f.andMask > 0 && f.andMask <= 1)) throw new UserError(`--and-mask must be in (0, 1], got ${f.andMask}`);
  if (f.dataFraction !== undefined && !(f.dataFraction > 0 && f.dataFraction <= 1))
    throw new UserError(`--data-fraction must be in (0, 1], got ${f.dataFraction}`);
  if (f.targetAcc !== undefined && !(f.targetAcc > 0 && f.targetAcc <= 1)) throw new UserError(`--target-acc must be in (0, 1], got ${f.targetAcc}`);
  if (f.tolerance !== undefined && !(f.tolerance >= 0 && Number.isFinite(f.tolerance)))
    throw new UserError(`--tolerance must be a number ≥ 0, got ${f.tolerance}`);
  if (f.arch) validateArch(f.arch);
}

export function validateArch(a: ArchFlags): void {
  positiveInt('--layers', a.layers, 'layers');
  positiveInt('--heads', a.heads, 'heads');
  positiveInt('--d-model', a.dModel, 'dModel');
  if (a.dHead !== undefined) positiveInt('--d-head', a.dHead, 'dHead');
  else if (a.dModel % a.heads !== 0) throw new UserError(`--heads ${a.heads} does not divide --d-model ${a.dModel} (or give --d-head)`);
  if (!a.attnOnly && a.dMlp !== undefined) positiveInt('--d-mlp', a.dMlp, 'dMlp');
}

/** n_ctx that covers training and every test length, BOS included. */
export function contextLength(maxLen: number, testLengths: readonly number[]): number {
  return Math.max(maxLen, ...testLengths) + 1;
}

/** The config of a freshly initialised learned model. */
export function learnedConfig(a: ArchFlags, vocab: readonly Value[], nCtx: number, output: OutputSpec): ModelConfig {
  const dHead = a.dHead ?? a.dModel / a.heads;
  const dMlp = a.attnOnly ? 0 : (a.dMlp ?? 4 * a.dModel);
  const config: ModelConfig = {
    formatVersion: FORMAT_VERSION,
    dModel: a.dModel,
    nCtx,
    vocab: [BOS, ...vocab],
    layers: Array.from({ length: a.layers }, () => ({ nHeads: a.heads, dHead, dMlp })),
    output,
    normalization: a.layernorm ? 'LN' : 'none',
    causal: a.causal,
    actFn: a.actFn ?? 'relu',
    attnScale: Math.sqrt(dHead),
    origin: 'learned',
  };
  checkModelSize(config, 'the learned model');
  return config;
}
