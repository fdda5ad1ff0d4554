/**
 * One input through a loaded model: what each property run needs. Logits and the asked-for
 * activations are read back and every tensor freed.
 * Also how outputs are compared: categorical values exactly, numerical ones within the scoring
 * tolerance (`--tolerance`), at the positions where the program's output is defined.
 */
import { encodeInputs, type Batch } from '../../src/model/batch.ts';
import type { HookName, Hooks } from '../../src/model/hooks.ts';
import type { LoadedModel } from '../../src/model/loadedModel.ts';
import { decodeOutputs, NUMERIC_TOLERANCE, outputMatches } from '../../src/model/scoring.ts';
import type { ModelConfig } from '../../src/model/types.ts';
import { formatValue, valuesEqual, type MaybeValue, type Value } from '../../src/rasp/values.ts';

export interface SingleRun {
  /** Positions, BOS included (input length + 1). */
  readonly nPos: number;
  readonly logits: Float32Array;
  readonly acts: ReadonlyMap<HookName, Float32Array>;
  /** The model's output per input position. */
  readonly output: MaybeValue[];
}

export function singleBatch(config: ModelConfig, input: readonly Value[]): Batch {
  return encodeInputs(config, [input]);
}

export function runInput(m: LoadedModel, input: readonly Value[], opts: { hooks?: Hooks; cache?: readonly HookName[] } = {}): SingleRun {
  const b = singleBatch(m.config, input);
  const r = m.runWithCache(b, { names: opts.cache ?? [], hooks: opts.hooks });
  try {
    const acts = new Map<HookName, Float32Array>();
    for (const h of opts.cache ?? []) {
      const t = r.cache.get(h);
      if (!t) throw new Error(`the forward pass cached no ${h}`);
      acts.set(h, t.dataSync() as Float32Array);
    }
    const logits = r.logits.dataSync() as Float32Array;
    return { nPos: b.nPos, logits, acts, output: decodeOutputs(m.config, logits, b.nPos, b.lengths)[0] };
  } finally {
    r.dispose();
  }
}

export function sameValue(config: ModelConfig, a: MaybeValue, b: MaybeValue, tolerance = NUMERIC_TOLERANCE): boolean {
  if (config.output.encoding === 'numerical' && typeof a === 'number' && typeof b === 'number') return outputMatches(config.output, a, b, tolerance);
  return valuesEqual(a, b);
}

/** The first position where both are compared (`defined[i]` not null) and differ; -1 if none. */
export function firstDifference(
  config: ModelConfig,
  a: readonly MaybeValue[],
  b: readonly MaybeValue[],
  defined: readonly MaybeValue[],
  tolerance = NUMERIC_TOLERANCE,
): number {
  for (let i = 0; i < defined.length; i++) if (defined[i] !== null && !sameValue(config, a[i], b[i], tolerance)) return i;
  return -1;
}

/** "a b c", undefined as "-", numbers to 3 decimals. */
export function seqText(xs: readonly MaybeValue[]): string {
  return xs.map((v) => (typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : formatValue(v))).join(' ');
}

/** "2:c" — an input position and its token. */
export const keyText = (input: readonly Value[], k: number): string => `${k}:${formatValue(input[k])}`;
