/**
 * Where replacement activations come from: position-wise means over a reference set (mean
 * ablation), or the activations of other inputs run through the same model (resample ablation,
 * patching). Tensors returned here are kept until the caller disposes them.
 */
import * as tf from '@tensorflow/tfjs';
import '../src/model/quietTf.ts';
import { positionAxis, type HookName, type Hooks } from '../src/model/hooks.ts';
import type { ActivationCache, LoadedModel } from '../src/model/loadedModel.ts';
import type { Value } from '../src/rasp/values.ts';
import type { Rng } from '../src/rasp/random.ts';
import type { ProbeBatches } from './batches.ts';
import { validMask } from './intervene.ts';

/** Mean activation at each position over the set's valid positions: [1, ...] broadcastable to a batch. */
export function meanActivations(m: LoadedModel, ref: ProbeBatches, hooks: readonly HookName[]): Map<HookName, tf.Tensor> {
  const sums = new Map<HookName, tf.Tensor>();
  const counts = new Map<HookName, tf.Tensor>();
  const acc = (map: Map<HookName, tf.Tensor>, h: HookName, t: tf.Tensor) => {
    const prev = map.get(h);
    map.set(h, prev ? tf.tidy(() => tf.add(prev, t)) : t);
    if (prev) {
      prev.dispose();
      t.dispose();
    }
  };
  for (const b of ref.batches) {
    const r = m.runWithCache(b, { names: hooks });
    for (const h of hooks) {
      const act = r.cache.get(h);
      if (!act) throw new Error(`the forward pass cached no ${h}`);
      const ax = positionAxis(h);
      const [s, c] = tf.tidy(() => {
        const shape = act.shape.map((d, i) => (i === 0 || i === ax ? d : 1));
        const valid = tf.reshape(validMask(b.lengths, b.nPos), shape);
        return [tf.sum(tf.mul(act, valid), 0, true), tf.sum(tf.mul(tf.onesLike(act), valid), 0, true)];
      });
      acc(sums, h, s);
      acc(counts, h, c);
    }
    r.dispose();
  }
  const means = new Map<HookName, tf.Tensor>();
  for (const h of hooks) {
    const s = sums.get(h)!;
    const c = counts.get(h)!;
    means.set(
      h,
      tf.tidy(() => tf.divNoNan(s, c)),
    );
    s.dispose();
    c.dispose();
  }
  return means;
}

/** Cached activations of every batch (run with optional hooks), kept as tensors: [batch][hook]. */
export function batchCaches(m: LoadedModel, pb: ProbeBatches, hooks: readonly HookName[], intervene?: Hooks): ActivationCache[] {
  return cachedRuns(m, pb, hooks, { intervene }).caches;
}

/**
 * As batchCaches, and with `readLogits` each batch's logits read back too: the run that fills a
 * cache is then also the run scored (patching's clean run).
 */
export function cachedRuns(
  m: LoadedModel,
  pb: ProbeBatches,
  hooks: readonly HookName[],
  opts: { intervene?: Hooks; readLogits?: boolean } = {},
): { caches: ActivationCache[]; logits: Float32Array[] } {
  const logits: Float32Array[] = [];
  const caches = pb.batches.map((b) => {
    const r = m.runWithCache(b, { names: hooks, hooks: opts.intervene });
    if (opts.readLogits) logits.push(r.logits.dataSync() as Float32Array);
    r.logits.dispose();
    return r.cache;
  });
  return { caches, logits };
}

export function disposeCaches(caches: readonly ActivationCache[]): void {
  for (const c of caches) for (const t of c.values()) t.dispose();
}

/**
 * For each input, the index of a reference input to take activations from: one of the same length
 * (positions then line up, padding included) other than the input itself where there is one.
 */
export function resamplePartners(inputs: readonly Value[][], reference: readonly Value[][], rng: Rng): number[] {
  const byLen = new Map<number, number[]>();
  reference.forEach((x, i) => {
    const g = byLen.get(x.length);
    if (g) g.push(i);
    else byLen.set(x.length, [i]);
  });
  const sameInput = (a: readonly Value[], b: readonly Value[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  return inputs.map((x) => {
    const pool = byLen.get(x.length) ?? reference.map((_, i) => i);
    const others = pool.filter((j) => !sameInput(reference[j], x));
    const from = others.length ? others : pool;
    return from[rng.int(from.length)];
  });
}
