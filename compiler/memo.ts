/**
 * The compiler decides and builds each node's forms once, on first demand (a node reached by
 * several paths is shared): `memoised` returns the cached value, or makes, caches and returns it.
 */
export function memoised<K, V>(cache: Map<K, V>, key: K, make: () => V): V {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const value = make();
  cache.set(key, value);
  return value;
}
