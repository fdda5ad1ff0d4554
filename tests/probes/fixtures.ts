/**
 * Models for the probe tests: compiled library programs (ground-truth circuits) and a compiled
 * model with one extra head that writes only into directions nothing downstream reads.
 */
import { compile } from '../../compiler/index.ts';
import type { ModelData, WeightArray } from '../../src/model/types.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { Value } from '../../src/rasp/values.ts';

export function compiled(program: Program, vocab: readonly Value[], maxLen: number): ModelData {
  return compile(program, { vocab, maxLen }).model;
}

/**
 * Adds to the last layer a copy of its head 0 (same Q, K, V) whose output goes to `toSop`'s
 * directions instead of `fromSop`'s (value i → value i). In the last layer, nothing reads it.
 */
export function withUnrelatedHead(m: ModelData, fromSop: string, toSop: string): ModelData {
  const l = m.config.layers.length - 1;
  const L = m.config.layers[l];
  const D = m.config.dModel;
  const dh = L.dHead;
  const H = L.nHeads;
  const from = m.labels.residual.filter((d) => d.sop === fromSop).map((d) => d.index);
  const to = m.labels.residual.filter((d) => d.sop === toSop).map((d) => d.index);
  if (to.length < from.length) throw new Error(`${toSop} has fewer directions than ${fromSop}`);
  const weights = new Map<string, WeightArray>(m.weights);
  const grow = (name: string, perHead: number, remap?: (src: Float32Array) => Float32Array) => {
    const w = m.weights.get(name)!;
    const head0 = w.data.slice(0, perHead);
    const data = new Float32Array(w.data.length + perHead);
    data.set(w.data);
    data.set(remap ? remap(head0) : head0, w.data.length);
    weights.set(name, { shape: [H + 1, ...w.shape.slice(1)], data });
  };
  for (const n of ['W_Q', 'W_K', 'W_V']) grow(`blocks.${l}.attn.${n}`, D * dh);
  for (const n of ['b_Q', 'b_K', 'b_V']) grow(`blocks.${l}.attn.${n}`, dh);
  grow(`blocks.${l}.attn.W_O`, dh * D, (src) => {
    const out = new Float32Array(dh * D);
    for (let e = 0; e < dh; e++) from.forEach((c, i) => (out[e * D + to[i]] = src[e * D + c]));
    return out;
  });
  const layers = m.config.layers.map((x, i) => (i === l ? { ...x, nHeads: H + 1 } : x));
  return { ...m, config: { ...m.config, layers }, weights };
}

/** The best any constant output achieves: the share of inputs whose whole output is one value c. */
export function constantBaseline(expected: readonly (readonly unknown[])[], values: readonly unknown[]): number {
  let best = 0;
  for (const c of values) best = Math.max(best, expected.filter((o) => o.every((y) => y === c || y === null)).length);
  return best / expected.length;
}
