/**
 * Running a model for probes: weights turned into tensors once per probe call (and freed at its
 * end), batched forward passes with hooks, and the cached activations read back or kept as
 * tensors. Every tensor a forward pass makes is freed inside the pass unless handed back.
 */
import * as tf from '@tensorflow/tfjs';
import { forward, type HookFn } from '../src/model/forward.ts';
import { paramsFromModel, type Params } from '../src/model/params.ts';
import type { HookName, ModelConfig, ModelData } from '../src/model/types.ts';
import type { Batch } from '../src/train/dataset.ts';

/** A model ready to run: its config and its weights as tensors. */
export interface LiveModel {
  readonly config: ModelConfig;
  readonly params: Params;
  readonly data: ModelData;
}

export type Hooks = Partial<Record<HookName, HookFn>>;

/** Runs `fn` with the model's weights as tensors, freeing them afterwards. */
export async function withModel<T>(model: ModelData, fn: (m: LiveModel) => Promise<T> | T): Promise<T> {
  const params = paramsFromModel(model);
  try {
    return await fn({ config: model.config, params, data: model });
  } finally {
    for (const t of params.values()) t.dispose();
  }
}

export interface BatchRun {
  readonly logits: tf.Tensor3D;
  /** The activations asked for, kept as tensors: the caller disposes them (disposeRun). */
  readonly cache: Map<HookName, tf.Tensor>;
}

export function batchTokens(b: Batch): tf.Tensor2D {
  return tf.tensor2d(b.tokens, [b.size, b.nPos], 'int32');
}

/** One forward pass over a batch; the logits and the cached hooks outlive it, nothing else does. */
export function runBatch(m: LiveModel, b: Batch, opts: { hooks?: Hooks; cache?: readonly HookName[] } = {}): BatchRun {
  const want = new Set<string>(opts.cache ?? []);
  const names: HookName[] = [];
  const kept = tf.tidy(() => {
    const tokens = batchTokens(b);
    const r = forward(m.config, m.params, { tokens, lengths: b.lengths }, {
      cache: want.size ? (h: HookName) => want.has(h) : false,
      hooks: opts.hooks,
    });
    const acts: tf.Tensor[] = [];
    for (const [h, t] of r.cache) {
      if (!want.has(h)) continue;
      names.push(h);
      acts.push(t);
    }
    return [r.logits, ...acts];
  });
  const [logits, ...acts] = kept;
  return { logits: logits as tf.Tensor3D, cache: new Map(names.map((h, i) => [h, acts[i]])) };
}

export function disposeRun(r: BatchRun): void {
  r.logits.dispose();
  for (const t of r.cache.values()) t.dispose();
}

/** The logits of one batch, read back. */
export async function batchLogits(m: LiveModel, b: Batch, hooks?: Hooks): Promise<Float32Array> {
  const r = runBatch(m, b, { hooks });
  try {
    return (await r.logits.data()) as Float32Array;
  } finally {
    disposeRun(r);
  }
}

/** Cached activations of one batch, read back as arrays with their shapes. */
export async function batchActivations(
  m: LiveModel,
  b: Batch,
  hooks: readonly HookName[],
  intervene?: Hooks,
): Promise<{ logits: Float32Array; acts: Map<HookName, { data: Float32Array; shape: number[] }> }> {
  const r = runBatch(m, b, { hooks: intervene, cache: hooks });
  try {
    const acts = new Map<HookName, { data: Float32Array; shape: number[] }>();
    for (const h of hooks) {
      const t = r.cache.get(h);
      if (!t) throw new Error(`the forward pass cached no ${h}`);
      acts.set(h, { data: (await t.data()) as Float32Array, shape: t.shape });
    }
    return { logits: (await r.logits.data()) as Float32Array, acts };
  } finally {
    disposeRun(r);
  }
}
