/**
 * The hook points of one forward pass, as TransformerLens has them: every named activation may be
 * replaced by a function (its return value flows on) and kept in a cache (after the hook ran).
 * Names and shapes are declared in hooks.ts.
 */
import type * as tf from '@tensorflow/tfjs';
import './quietTf.ts';
import type { HookName, Hooks } from './hooks.ts';

export interface ForwardOptions {
  /** true: keep every activation; a function: keep the ones it accepts. */
  readonly cache?: boolean | ((h: HookName) => boolean);
  readonly hooks?: Hooks;
}

export class HookPoints {
  readonly cache = new Map<HookName, tf.Tensor>();
  private readonly want: (h: HookName) => boolean;
  private readonly hooks: Hooks;

  constructor(opts: ForwardOptions) {
    const c = opts.cache;
    this.want = typeof c === 'function' ? c : () => c === true;
    this.hooks = opts.hooks ?? {};
  }

  /** Whether anyone looks at this activation: lets the forward pass skip costly optional ones. */
  observed(h: HookName): boolean {
    return this.hooks[h] !== undefined || this.want(h);
  }

  /** Whether a hook runs at this activation (it may replace it with anything). */
  hooked(h: HookName): boolean {
    return this.hooks[h] !== undefined;
  }

  /** Whether a hook replaces this whole activation whatever it is (HookFn.ignoresInput). */
  replacesWhole(h: HookName): boolean {
    return this.hooks[h]?.ignoresInput === true;
  }

  apply<T extends tf.Tensor>(h: HookName, t: T): T {
    const fn = this.hooks[h];
    let out = t;
    if (fn) {
      const r = fn(t, h);
      // A hook of the wrong shape would fail far downstream with an unrelated message.
      if (r.shape.length !== t.shape.length || r.shape.some((d, i) => d !== t.shape[i]))
        throw new Error(`hook ${h} returned shape [${r.shape.join(', ')}], expected [${t.shape.join(', ')}]`);
      out = r as T;
    }
    if (this.want(h)) this.cache.set(h, out);
    return out;
  }
}
