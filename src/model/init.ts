/**
 * Random initialisation for learned models, as TransformerLens's GPT-2 style init does it:
 * matrices ~ normal(0, 0.8/sqrt(d_model)), biases 0, LayerNorm weights 1. Values come from our
 * seeded generator, one stream per weight name, so a seed gives the same weights on every backend
 * and adding a weight does not shift the others.
 */
import { makeRng, type Rng } from '../rasp/random.ts';
import { paramsFromModel, type Params } from './params.ts';
import { expectedShapes } from './shapes.ts';
import type { ModelConfig, WeightArray } from './types.ts';

export function initStd(config: ModelConfig): number {
  return 0.8 / Math.sqrt(config.dModel);
}

/** `n` independent normal draws with standard deviation `std` (also the random directions of probes/landscape/volume.ts). */
export function normals(rng: Rng, n: number, std: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    // Box–Muller: two independent normals per pair of uniforms; 1 - u keeps log away from 0.
    const r = Math.sqrt(-2 * Math.log(1 - rng.next()));
    const t = 2 * Math.PI * rng.next();
    out[i] = r * Math.cos(t) * std;
    if (i + 1 < n) out[i + 1] = r * Math.sin(t) * std;
  }
  return out;
}

/** The initial weights as plain arrays (deterministic for a seed). */
export function initWeights(config: ModelConfig, seed: number): Map<string, WeightArray> {
  const root = makeRng(seed).fork('init');
  const std = initStd(config);
  const weights = new Map<string, WeightArray>();
  for (const [name, shape] of expectedShapes(config)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const leaf = name.slice(name.lastIndexOf('.') + 1);
    let data: Float32Array;
    if (/^ln(1|2)?$|^ln_final$/.test(name.split('.').at(-2) ?? '') && leaf === 'w') data = new Float32Array(n).fill(1);
    else if (leaf.startsWith('b')) data = new Float32Array(n);
    else data = normals(root.fork(name), n, std);
    weights.set(name, { shape, data });
  }
  return weights;
}

export function initParams(config: ModelConfig, seed: number, opts: { trainable?: boolean } = {}): Params {
  return paramsFromModel({ weights: initWeights(config, seed) }, opts);
}
