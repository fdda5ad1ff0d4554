/**
 * The settings that make a training run the run it is, gathered once. They feed both the checkpoint
 * fingerprint (a resume must agree with every one of them) and the training metadata of the model
 * file, so a setting added here is compared on resume and recorded in the file alike.
 *
 * The fingerprint is this object's JSON, compared as a string with the one in the checkpoint: the
 * keys below keep the order rasplab has always written, so existing checkpoints still resume
 * (tests/train/fingerprint.test.ts holds a copy of the original string).
 */
import type { Value } from '../rasp/values.ts';
import type { ModelConfig } from '../model/types.ts';
import type { TrainFlags } from './options.ts';
import type { TrainRequest } from './request.ts';
import type { CbftSettings } from './cbft.ts';

export interface RunSettings {
  readonly program: string;
  readonly source: string | null;
  readonly vocab: readonly Value[];
  readonly minLen: number;
  readonly maxLen: number;
  readonly config: ModelConfig;
  readonly batch: number;
  readonly lr: number;
  readonly weightDecay: number;
  readonly warmup: number;
  readonly decay: TrainFlags['decay'];
  readonly clipNorm: number;
  readonly seed: number;
  readonly andMask: number | null;
  readonly initFrom: string | null;
  /** Present only for CBFT runs, so that every other run's fingerprint is the one it always was. */
  readonly cbft?: CbftSettings;
  /** Present only below 1 (a run on a subset of the training inputs), for the same reason. */
  readonly dataFraction?: number;
}

/**
 * --steps is not a setting of the run: it may change on resume (to extend or shorten a run); the
 * schedule then differs from an uninterrupted run's, and the trainer says so.
 */
export function runSettings(req: TrainRequest, config: ModelConfig, vocab: readonly Value[], warmup: number): RunSettings {
  const f = req.flags;
  return {
    program: req.program.name,
    source: req.program.source ?? null,
    vocab,
    minLen: f.minLen,
    maxLen: f.maxLen,
    config,
    batch: f.batch,
    lr: f.lr,
    weightDecay: f.weightDecay,
    warmup,
    decay: f.decay,
    clipNorm: f.clipNorm,
    seed: f.seed,
    andMask: f.andMask ?? null,
    initFrom: req.init?.file ?? null,
    ...(req.cbft && req.init ? { cbft: { from: req.init.file, lambda: req.cbft.lambda } } : {}),
    ...(f.dataFraction !== undefined && f.dataFraction < 1 ? { dataFraction: f.dataFraction } : {}),
  };
}

export function fingerprint(s: RunSettings): string {
  return JSON.stringify(s);
}

/** The settings on which two fingerprints disagree, for the message that refuses a resume. */
export function mismatchedKeys(a: string, b: string): string[] {
  // A fingerprint read from a checkpoint may hold any key: look each up among the object's own.
  const settings = (text: string): Map<string, unknown> => {
    const o: unknown = JSON.parse(text);
    return new Map(o !== null && typeof o === 'object' && !Array.isArray(o) ? Object.entries(o) : []);
  };
  const x = settings(a);
  const y = settings(b);
  return [...new Set([...x.keys(), ...y.keys()])].filter((k) => JSON.stringify(x.get(k)) !== JSON.stringify(y.get(k)));
}

/** The settings as training metadata: the model file holds the config and the source already (its config, its labels' program). */
export function recordedSettings(s: RunSettings): Omit<RunSettings, 'config' | 'source'> {
  const { config: _config, source: _source, ...recorded } = s;
  return recorded;
}
