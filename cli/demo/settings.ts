/**
 * What the demo builds, and where it keeps it: a compiled and a learned `reverse`, cached under
 * `.rasplab-cache/<program>-<key>/`, where the key is a hash of everything that shapes the two
 * models (so changing a setting trains anew, and the same settings never train twice).
 */
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { Program } from '../../src/rasp/program.ts';
import { DEFAULT_FLAGS, type TrainFlags } from '../../src/train/options.ts';

export interface DemoSettings {
  readonly program: string;
  readonly vocab: readonly string[];
  readonly maxLen: number;
  readonly seed: number;
  /** The most training steps; training stops earlier once held-out exact match reaches `targetAcc`. */
  readonly steps: number;
  readonly targetAcc: number;
  readonly layers: number;
  readonly heads: number;
  readonly dModel: number;
  readonly dMlp: number;
}

/** Reaches 100% held-out exact match in about 500 steps (~15 s on wasm, 2 cores). */
export const DEMO_DEFAULTS: DemoSettings = {
  program: 'reverse',
  vocab: ['a', 'b', 'c', 'd', 'e'],
  maxLen: 8,
  seed: 0,
  steps: 4000,
  targetAcc: 0.99,
  layers: 2,
  heads: 2,
  dModel: 32,
  dMlp: 64,
};

export const CACHE_DIR = '.rasplab-cache';
/** Bump when what is cached changes meaning, so old entries are not reused. */
const CACHE_VERSION = 2;

/**
 * The compiled model takes one token more than the learned one is trained on, so the comparison can
 * run both beyond the training lengths with the compiled model as the reference there.
 */
export const compiledMaxLen = (s: DemoSettings): number => s.maxLen + 1;

/** The training request for the demo's learned model: trained on lengths 1..maxLen, tested one beyond. */
export function demoTrainFlags(s: DemoSettings): TrainFlags {
  return {
    ...DEFAULT_FLAGS,
    vocab: s.vocab,
    minLen: 1,
    maxLen: s.maxLen,
    testLengths: [s.maxLen + 1],
    arch: { layers: s.layers, heads: s.heads, dModel: s.dModel, dMlp: s.dMlp, attnOnly: false, layernorm: false, causal: false },
    steps: s.steps,
    seed: s.seed,
    targetAcc: s.targetAcc,
  };
}

export function cacheKey(s: DemoSettings, program: Program): string {
  const text = JSON.stringify({ v: CACHE_VERSION, s, source: program.source ?? program.name, flags: demoTrainFlags(s) });
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

export interface DemoPaths {
  readonly dir: string;
  readonly compiled: string;
  readonly learned: string;
}

export function demoPaths(s: DemoSettings, program: Program, cacheRoot: string = CACHE_DIR): DemoPaths {
  const dir = resolve(join(cacheRoot, `${s.program}-${cacheKey(s, program)}`));
  return { dir, compiled: join(dir, `${s.program}.compiled.safetensors`), learned: join(dir, `${s.program}.learned.safetensors`) };
}
