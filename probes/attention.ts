/**
 * Attention patterns per head for given inputs (each [query][key] over the input's positions, BOS
 * included), read from `hook_pattern` in batched forward passes.
 */
import type { Value } from '../src/rasp/values.ts';
import { layerHook, type HookName } from '../src/model/hooks.ts';
import type { LoadedModel } from '../src/model/loadedModel.ts';
import type { HeadRef, ModelConfig, ModelData } from '../src/model/types.ts';
import { encodeProbeSet } from './batches.ts';
import type { ProbeSet } from './probeSet.ts';

export interface HeadPattern extends HeadRef {
  /** [query][key], positions 0..length (0 is BOS). */
  readonly pattern: number[][];
}

export interface InputAttention {
  readonly input: Value[];
  readonly heads: HeadPattern[];
}

/** A set of inputs with no labels: enough to run a model on. */
export function unlabelled(inputs: readonly Value[][]): ProbeSet {
  return { inputs, expected: inputs.map((x) => x.map(() => null)), exhaustive: false };
}

export const patternHook = (layer: number): HookName => layerHook(layer, 'attn.hook_pattern');

export function attentionLayers(model: ModelData): number[] {
  return model.config.layers.flatMap((L, l) => (L.nHeads > 0 ? [l] : []));
}

/**
 * Calls `visit` with every batch's patterns, [layer] → data of shape [batch, head, q, k], and the
 * batch's inputs. Lets callers reduce over large probe sets without holding every pattern.
 */
export async function forEachPatternBatch(
  m: LoadedModel,
  inputs: readonly Value[][],
  visit: (patterns: Map<number, Float32Array>, rows: readonly Value[][], nPos: number) => void,
  opts: { batchSize?: number; nPos?: number } = {},
): Promise<void> {
  const layers = attentionLayers(m);
  const pb = encodeProbeSet(m.config, unlabelled(inputs), opts);
  let row = 0;
  for (const b of pb.batches) {
    const { acts } = await m.activations(b, layers.map(patternHook));
    visit(new Map(layers.map((l) => [l, acts.get(patternHook(l))!.data])), inputs.slice(row, row + b.size), pb.nPos);
    row += b.size;
  }
}

/**
 * Every head's pattern for row `r` of a batch, cut to its first `n` positions (BOS included), from
 * the [batch, head, q, k] patterns per layer with `P` positions.
 */
export function rowPatterns(config: ModelConfig, patterns: ReadonlyMap<number, Float32Array>, r: number, P: number, n: number): HeadPattern[] {
  const heads: HeadPattern[] = [];
  for (const [layer, data] of patterns) {
    const H = config.layers[layer].nHeads;
    for (let head = 0; head < H; head++) {
      const base = (r * H + head) * P * P;
      heads.push({ layer, head, pattern: Array.from({ length: n }, (_, q) => Array.from(data.subarray(base + q * P, base + q * P + n))) });
    }
  }
  return heads;
}

/** Every head's pattern on each input. */
export async function attentionPatterns(m: LoadedModel, inputs: readonly Value[][], opts: { batchSize?: number } = {}): Promise<InputAttention[]> {
  const out: InputAttention[] = [];
  await forEachPatternBatch(
    m,
    inputs,
    (patterns, rows, P) => {
      rows.forEach((input, r) => out.push({ input, heads: rowPatterns(m.config, patterns, r, P, input.length + 1) }));
    },
    opts,
  );
  return out;
}
