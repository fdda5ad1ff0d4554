/**
 * The compiler decides and builds each node's forms once, on first demand (a node reached by
 * several paths is shared): `memoised` returns the cached value, or makes, caches and returns it.
 *
 * Demands recurse from the output backwards, as deep as the graph's longest chain, and a program
 * may chain thousands of assignments. `Demands` bounds the depth: a demand made too deep is set
 * aside, met on its own from the top of the stack, and the outer demand is then made again, finding
 * it cached. Meeting a demand depends only on what is already cached, not on who asks, and the
 * demands left unfinished are only ever made again from their start (each does its work, pushes a
 * block or registers a direction only once what it reads is met), so the work is done once and in
 * the same order as by plain recursion: plans and weights are the same.
 */
export function memoised<K, V>(cache: Cache<K, V>, key: K, make: () => V): V {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const value = make();
  cache.set(key, value);
  return value;
}

/** A Map, or a WeakMap where the key is an object that may be dropped. */
export interface Cache<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): unknown;
}

/** How deep demands nest before one is set aside: far below what Node's default stack holds. */
export const DEMAND_DEPTH = 64;

/** A demand to meet first, from the top of the stack. */
class SetAside {
  constructor(readonly demand: () => unknown) {}
}

export class Demands {
  private depth = 0;

  constructor(private readonly maxDepth = DEMAND_DEPTH) {}

  /** `memoised`, one demand deeper. */
  memoised<K, V>(cache: Map<K, V>, key: K, make: () => V): V {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    return this.deeper(
      () => this.memoised(cache, key, make),
      () => memoised(cache, key, make),
    );
  }

  /**
   * `meet()` one demand deeper; `again` makes the same demand anew, and must find it cached once
   * `meet` has run to its end.
   */
  deeper<T>(again: () => unknown, meet: () => T): T {
    if (this.depth >= this.maxDepth) throw new SetAside(again);
    this.depth++;
    try {
      return meet();
    } finally {
      this.depth--;
    }
  }

  /** `root()`, meeting each demand set aside on the way first. `root` must be safe to start again. */
  run<T>(root: () => T): T {
    const pending: (() => unknown)[] = [root];
    for (;;) {
      try {
        const value = pending[pending.length - 1]();
        pending.pop();
        if (pending.length === 0) return value as T;
      } catch (e) {
        if (!(e instanceof SetAside)) throw e;
        pending.push(e.demand);
      }
    }
  }
}
