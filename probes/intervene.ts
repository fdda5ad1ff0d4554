/**
 * Replacing part of an activation during a forward pass: the machinery ablation and patching share.
 * A site names a hook point and, optionally, one position and one index along the head / neuron
 * axis; the hook keeps the activation outside the site and takes the replacement inside it
 * (zero, a reference mean, or another run's activation).
 */
import * as tf from '@tensorflow/tfjs';
import '../src/model/quietTf.ts';
import { positionAxis, type HookName, type Hooks } from '../src/model/hooks.ts';
import type { HookSite } from './hookSites.ts';

export interface Site extends HookSite {
  /** Only this position (BOS = 0); absent: every position. */
  readonly position?: number;
}

/** The hook's value for a site: a replacement tensor broadcastable to the activation, or null for zero. */
export type ReplacementSource = (hook: HookName) => tf.Tensor | null;

/** Whether one of the sites is the whole activation. */
const coversAll = (sites: readonly Site[]) => sites.some((s) => !s.slice && s.position === undefined);

/** 1 inside the union of the sites (all on one hook), 0 elsewhere, broadcastable to `shape`; null for the whole activation. */
function siteMask(sites: readonly Site[], hook: HookName, shape: readonly number[]): tf.Tensor | null {
  const posAxis = positionAxis(hook);
  if (coversAll(sites)) return null;
  const dims = shape.map(() => 1);
  for (const s of sites) {
    if (s.position !== undefined) dims[posAxis] = shape[posAxis];
    if (s.slice) dims[s.slice.axis] = shape[s.slice.axis];
  }
  const strides = dims.map((_, i) => dims.slice(i + 1).reduce((a, b) => a * b, 1));
  const m = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (const s of sites) {
    // Every flat index whose coordinates match the site's position and slice.
    for (let flat = 0; flat < m.length; flat++) {
      const coord = (axis: number) => Math.floor(flat / strides[axis]) % dims[axis];
      if (s.position !== undefined && coord(posAxis) !== s.position) continue;
      if (s.slice && coord(s.slice.axis) !== s.slice.index) continue;
      m[flat] = 1;
    }
  }
  return tf.tensor(m, dims);
}

/** Hooks that write `source`'s replacement into every site. Runs inside the forward pass's tidy. */
export function replacementHooks(sites: readonly Site[], source: ReplacementSource): Hooks {
  const byHook = new Map<HookName, Site[]>();
  for (const s of sites) byHook.set(s.hook, [...(byHook.get(s.hook) ?? []), s]);
  const hooks: Hooks = {};
  for (const [hook, group] of byHook) {
    if (coversAll(group)) {
      // Only the activation's shape is read: the forward pass may skip computing it (HookFn.ignoresInput).
      hooks[hook] = Object.assign(
        (act: tf.Tensor) => {
          const repl = source(hook);
          return repl ? tf.add(tf.zerosLike(act), repl) : tf.zerosLike(act);
        },
        { ignoresInput: true as const },
      );
      continue;
    }
    hooks[hook] = (act: tf.Tensor) => {
      const repl = source(hook);
      const mask = siteMask(group, hook, act.shape)!;
      const kept = tf.mul(act, tf.sub(1, mask));
      return repl ? tf.add(kept, tf.mul(repl, mask)) : kept;
    };
  }
  return hooks;
}

/** Position validity [batch, pos] (1 for BOS and input tokens, 0 for padding). */
export function validMask(lengths: readonly number[], nPos: number): tf.Tensor2D {
  const m = new Float32Array(lengths.length * nPos);
  lengths.forEach((len, r) => m.fill(1, r * nPos, r * nPos + len));
  return tf.tensor2d(m, [lengths.length, nPos]);
}
