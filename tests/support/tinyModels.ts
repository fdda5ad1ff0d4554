/**
 * Hand-built small models for tests: configs with every feature switchable, random weights
 * (biases and LayerNorm parameters random too, so the tests see them), and models whose weights
 * are written out by hand to compute something known.
 */
import { expectedShapes } from '../../src/model/shapes.ts';
import { BOS, FORMAT_VERSION, type LayerConfig, type ModelConfig, type ModelData, type OutputSpec, type WeightArray } from '../../src/model/types.ts';
import { makeRng } from '../../src/rasp/random.ts';
import type { Value } from '../../src/rasp/values.ts';

export const EMPTY_LABELS = { residual: [], heads: [], mlps: [] } as const;

export function tinyConfig(over: Partial<ModelConfig> = {}): ModelConfig {
  return {
    formatVersion: FORMAT_VERSION,
    dModel: 8,
    nCtx: 6,
    vocab: [BOS, 'a', 'b', 'c'],
    layers: [
      { nHeads: 2, dHead: 3, dMlp: 5 },
      { nHeads: 1, dHead: 4, dMlp: 0 },
      { nHeads: 0, dHead: 0, dMlp: 6 },
    ],
    output: { encoding: 'categorical', values: ['a', 'b', 'c'] },
    normalization: 'LN',
    causal: true,
    actFn: 'gelu',
    attnScale: 1.7,
    origin: 'learned',
    ...over,
  };
}

/** Every weight the config needs, filled with normal(0, std) numbers (LN weights around 1). */
export function randomModel(config: ModelConfig, seed = 1, std = 0.5): ModelData {
  const rng = makeRng(seed);
  const weights = new Map<string, WeightArray>();
  for (const [name, shape] of expectedShapes(config)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const lnWeight = /ln(1|2|_final)\.w$/.test(name);
    for (let i = 0; i < n; i++) {
      const g = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
      data[i] = (lnWeight ? 1 : 0) + g * std;
    }
    weights.set(name, { shape, data });
  }
  return { config, labels: EMPTY_LABELS, weights };
}

function zerosModel(config: ModelConfig): Map<string, WeightArray> {
  return new Map([...expectedShapes(config)].map(([name, shape]) => [name, { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) }]));
}

function set(w: WeightArray, idx: number[], v: number): void {
  let at = 0;
  for (let d = 0; d < idx.length; d++) at = at * w.shape[d] + idx[d];
  w.data[at] = v;
}

/**
 * "Copy the token": identity embedding (d_model = vocabulary size with BOS), no positional signal,
 * and an unembedding that reads token i's direction into output class `outputFor(i)`.
 * With `layers`, each layer's sublayers exist but have zero weights (their outputs are 0).
 */
export function copyModel(tokens: readonly Value[], opts: { swap?: [number, number]; layers?: LayerConfig[] } = {}): ModelData {
  const vocab: Value[] = [BOS, ...tokens];
  const output: OutputSpec = { encoding: 'categorical', values: [...tokens] };
  const config = tinyConfig({ dModel: vocab.length, nCtx: 8, vocab, layers: opts.layers ?? [], output, normalization: 'none', attnScale: 1 });
  const w = zerosModel(config);
  for (let i = 0; i < vocab.length; i++) set(w.get('embed.W_E')!, [i, i], 1);
  const target = (t: number) => (opts.swap && t === opts.swap[0] ? opts.swap[1] : opts.swap && t === opts.swap[1] ? opts.swap[0] : t);
  for (let t = 0; t < tokens.length; t++) set(w.get('unembed.W_U')!, [t + 1, target(t)], 1);
  return { config, labels: EMPTY_LABELS, weights: w };
}

/** Numerical output: the token's own value (tokens must be numbers) plus `offset`. */
export function valueModel(tokens: readonly number[], offset = 0): ModelData {
  const vocab: Value[] = [BOS, ...tokens];
  const config = tinyConfig({ dModel: vocab.length, nCtx: 8, vocab, layers: [], output: { encoding: 'numerical' }, normalization: 'none', attnScale: 1 });
  const w = zerosModel(config);
  for (let i = 0; i < vocab.length; i++) set(w.get('embed.W_E')!, [i, i], 1);
  tokens.forEach((v, t) => set(w.get('unembed.W_U')!, [t + 1, 0], v));
  w.get('unembed.b_U')!.data[0] = offset;
  return { config, labels: EMPTY_LABELS, weights: w };
}

/**
 * "Previous token" with one attention head (causal): the query at position p attends to key p-1,
 * found through one-hot positional directions, and copies that key's token. Position 1's previous
 * position is BOS, which the unembedding reads as class 0. d_model = vocabulary + n_ctx.
 */
export function previousTokenModel(tokens: readonly Value[], nCtx = 6): ModelData {
  const vocab: Value[] = [BOS, ...tokens];
  const V = vocab.length;
  const D = V + nCtx;
  const config = tinyConfig({
    dModel: D,
    nCtx,
    vocab,
    layers: [{ nHeads: 1, dHead: nCtx, dMlp: 0 }],
    output: { encoding: 'categorical', values: [...tokens] },
    normalization: 'none',
    attnScale: 1,
  });
  const w = zerosModel(config);
  const big = 30;
  for (let i = 0; i < V; i++) set(w.get('embed.W_E')!, [i, i], 1);
  for (let p = 0; p < nCtx; p++) set(w.get('pos_embed.W_pos')!, [p, V + p], 1);
  // q at position p is e_{p-1} (big), k at position j is e_j: the score is big exactly at j = p-1.
  for (let p = 1; p < nCtx; p++) set(w.get('blocks.0.attn.W_Q')!, [0, V + p, p - 1], big);
  for (let j = 0; j < nCtx; j++) set(w.get('blocks.0.attn.W_K')!, [0, V + j, j], 1);
  // The value carries the token (into a second copy of the token directions, d_head = nCtx >= V here).
  for (let i = 0; i < V; i++) set(w.get('blocks.0.attn.W_V')!, [0, i, i], 1);
  // Write it back 2× so it outweighs the residual copy of the current token.
  for (let i = 0; i < V; i++) set(w.get('blocks.0.attn.W_O')!, [0, i, i], 2);
  for (let t = 0; t < tokens.length; t++) set(w.get('unembed.W_U')!, [t + 1, t], 1);
  return { config, labels: EMPTY_LABELS, weights: w };
}
