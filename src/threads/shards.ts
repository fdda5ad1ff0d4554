/**
 * How a batch is divided among the threads that compute its gradient: contiguous runs of
 * examples, as equal in count as they can be, none empty. The division depends only on the batch
 * and the thread count, so a run with the same `--workers` sums the same shards in the same order.
 */
export function splitShards<T>(items: readonly T[], parts: number): T[][] {
  const n = Math.max(1, Math.min(parts, items.length));
  const out: T[][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const size = Math.floor(items.length / n) + (i < items.length % n ? 1 : 0);
    out.push(items.slice(start, start + size));
    start += size;
  }
  return out;
}
