/**
 * A minimal stand-in for src/model/forward.ts and params.ts (no LayerNorm), used by the probe tests
 * only while the model helper's forward pass has not landed. Same contract: TransformerLens hook
 * names and shapes, hooks replace activations.
 */
import * as tf from '@tensorflow/tfjs';
import type { HookName, ModelConfig, ModelData } from '../../../src/model/types.ts';

export type Params = Map<string, tf.Tensor>;
export type HookFn = (activation: tf.Tensor, hook: HookName) => tf.Tensor;

export function paramsFromModel(m: ModelData): Params {
  return new Map([...m.weights].map(([k, w]) => [k, tf.tensor(w.data, [...w.shape])]));
}

export function forward(
  config: ModelConfig,
  params: Params,
  input: { tokens: tf.Tensor2D; lengths?: number[] },
  opts: { cache?: boolean | ((h: HookName) => boolean); hooks?: Partial<Record<HookName, HookFn>> } = {},
): { logits: tf.Tensor3D; cache: Map<HookName, tf.Tensor> } {
  const cache = new Map<HookName, tf.Tensor>();
  const want = (h: HookName) => (typeof opts.cache === 'function' ? opts.cache(h) : !!opts.cache);
  const hook = <T extends tf.Tensor>(h: HookName, t: T): T => {
    const fn = opts.hooks?.[h];
    const out = (fn ? fn(t, h) : t) as T;
    if (want(h)) cache.set(h, out);
    return out;
  };
  const p = (k: string) => params.get(k)!;
  const [B, P] = input.tokens.shape;
  const lengths = input.lengths ?? new Array(B).fill(P);
  const keyMask = new Float32Array(B * P * P);
  for (let b = 0; b < B; b++)
    for (let q = 0; q < P; q++) for (let k = 0; k < P; k++) keyMask[(b * P + q) * P + k] = k < lengths[b] && (!config.causal || k <= q) ? 0 : -1e9;
  const mask = tf.reshape(tf.tensor(keyMask), [B, 1, P, P]);
  const emb = hook('hook_embed', tf.gather(p('embed.W_E'), input.tokens));
  const pos = hook('hook_pos_embed', tf.expandDims(tf.slice(p('pos_embed.W_pos'), [0, 0], [P, -1]), 0));
  let x: tf.Tensor = tf.add(emb, pos);
  config.layers.forEach((L, l) => {
    x = hook(`blocks.${l}.hook_resid_pre`, x);
    if (L.nHeads > 0) {
      const proj = (n: string) => tf.add(tf.einsum('bpd,hde->bphe', x, p(`blocks.${l}.attn.W_${n}`)), p(`blocks.${l}.attn.b_${n}`));
      const q = hook(`blocks.${l}.attn.hook_q`, proj('Q'));
      const k = hook(`blocks.${l}.attn.hook_k`, proj('K'));
      const v = hook(`blocks.${l}.attn.hook_v`, proj('V'));
      const scores = hook(`blocks.${l}.attn.hook_attn_scores`, tf.add(tf.div(tf.einsum('bqhe,bkhe->bhqk', q, k), config.attnScale), mask));
      const pattern = hook(`blocks.${l}.attn.hook_pattern`, tf.softmax(scores, -1));
      const z = hook(`blocks.${l}.attn.hook_z`, tf.einsum('bhqk,bkhe->bqhe', pattern, v));
      const out = hook(`blocks.${l}.hook_attn_out`, tf.add(tf.einsum('bqhe,hed->bqd', z, p(`blocks.${l}.attn.W_O`)), p(`blocks.${l}.attn.b_O`)));
      x = tf.add(x, out);
    }
    x = hook(`blocks.${l}.hook_resid_mid`, x);
    if (L.dMlp > 0) {
      const pre = hook(`blocks.${l}.mlp.hook_pre`, tf.add(tf.einsum('bpd,dm->bpm', x, p(`blocks.${l}.mlp.W_in`)), p(`blocks.${l}.mlp.b_in`)));
      const post = hook(`blocks.${l}.mlp.hook_post`, config.actFn === 'relu' ? tf.relu(pre) : tf.mul(pre, tf.sigmoid(tf.mul(1.702, pre))));
      const out = hook(`blocks.${l}.hook_mlp_out`, tf.add(tf.einsum('bpm,md->bpd', post, p(`blocks.${l}.mlp.W_out`)), p(`blocks.${l}.mlp.b_out`)));
      x = tf.add(x, out);
    }
    x = hook(`blocks.${l}.hook_resid_post`, x);
  });
  const logits = tf.add(tf.einsum('bpd,do->bpo', x, p('unembed.W_U')), p('unembed.b_U')) as tf.Tensor3D;
  return { logits, cache };
}
