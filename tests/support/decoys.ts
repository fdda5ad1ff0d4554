/**
 * Decoys for circuit discovery: a compiled model with, in every layer, one more head (a copy of
 * head 0: same queries, keys and values) and one more MLP neuron (a copy of neuron 0), each
 * writing only to a new residual direction `decoy` that nothing reads. They compute as much as the
 * originals and change no output, so a method that picks them has mistaken activity for use.
 */
import { trueCircuit } from '../../src/model/trueCircuit.ts';
import type { ModelData, WeightArray } from '../../src/model/types.ts';

/** Copies `w` with its axis `axis` one longer (the new slice zero). */
function grow(w: WeightArray, axis: number): WeightArray {
  const shape = [...w.shape];
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const n = shape[axis];
  shape[axis] = n + 1;
  const data = new Float32Array(outer * (n + 1) * inner);
  for (let o = 0; o < outer; o++) data.set(w.data.subarray(o * n * inner, (o + 1) * n * inner), o * (n + 1) * inner);
  return { shape, data };
}

export function withDecoys(m: ModelData): ModelData {
  if (m.config.normalization !== 'none') throw new Error('withDecoys: compiled models only (no normalisation)');
  const D = m.config.dModel;
  const w = new Map<string, WeightArray>();
  const get = (name: string) => m.weights.get(name)!;
  // The new direction D: every weight that writes or reads the residual stream grows by one.
  w.set('embed.W_E', grow(get('embed.W_E'), 1));
  w.set('pos_embed.W_pos', grow(get('pos_embed.W_pos'), 1));
  w.set('unembed.W_U', grow(get('unembed.W_U'), 0));
  w.set('unembed.b_U', get('unembed.b_U'));
  const layers = m.config.layers.map((L, l) => {
    const p = `blocks.${l}`;
    let { nHeads, dMlp } = L;
    if (L.nHeads > 0) {
      const E = L.dHead;
      for (const n of ['W_Q', 'W_K', 'W_V']) {
        const x = grow(grow(get(`${p}.attn.${n}`), 1), 0);
        // head nHeads := head 0 (rows 0 … D-1; the new row D stays zero)
        for (let d = 0; d < D; d++) for (let e = 0; e < E; e++) x.data[(nHeads * (D + 1) + d) * E + e] = x.data[d * E + e];
        w.set(`${p}.attn.${n}`, x);
      }
      for (const n of ['b_Q', 'b_K', 'b_V']) w.set(`${p}.attn.${n}`, grow(get(`${p}.attn.${n}`), 0));
      const wo = grow(grow(get(`${p}.attn.W_O`), 2), 0);
      const src = get(`${p}.attn.W_O`).data;
      for (let e = 0; e < E; e++) {
        let s = 0;
        for (let d = 0; d < D; d++) s += Math.abs(src[e * D + d]);
        wo.data[(nHeads * E + e) * (D + 1) + D] = s;
      }
      w.set(`${p}.attn.W_O`, wo);
      w.set(`${p}.attn.b_O`, grow(get(`${p}.attn.b_O`), 0));
      nHeads += 1;
    }
    if (L.dMlp > 0) {
      const M = L.dMlp;
      const win = grow(grow(get(`${p}.mlp.W_in`), 0), 1);
      for (let d = 0; d < D; d++) win.data[d * (M + 1) + M] = win.data[d * (M + 1)];
      w.set(`${p}.mlp.W_in`, win);
      w.set(`${p}.mlp.b_in`, grow(get(`${p}.mlp.b_in`), 0));
      const wout = grow(grow(get(`${p}.mlp.W_out`), 1), 0);
      wout.data[M * (D + 1) + D] = 1;
      w.set(`${p}.mlp.W_out`, wout);
      w.set(`${p}.mlp.b_out`, grow(get(`${p}.mlp.b_out`), 0));
      dMlp += 1;
    }
    return { ...L, nHeads, dMlp };
  });
  const config = { ...m.config, dModel: D + 1, layers };
  const labels = { ...m.labels, residual: [...m.labels.residual, { index: D, sop: 'decoy', encoding: 'numerical' as const, role: 'sop' as const }] };
  const out: ModelData = { ...m, config, labels, weights: w };
  return { ...out, labels: { ...labels, circuit: trueCircuit(out) } };
}

/** The decoy heads withDecoys adds to `original` (its decoy neurons sit inside MLP nodes). */
export function decoyNodes(original: ModelData): string[] {
  return original.config.layers.flatMap((L, l) => (L.nHeads > 0 ? [`${l}.${L.nHeads}`] : []));
}
