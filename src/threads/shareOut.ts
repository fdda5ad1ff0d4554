/**
 * Work shared among threads: the jobs cut into contiguous shares (shards.ts), the first done here
 * while worker threads of one module do the others, each sent one request. Answers come back in
 * job order; a failing share fails the whole, after every thread has stopped.
 */
import { splitShards } from './shards.ts';
import { Thread } from './thread.ts';

export interface ShareOut<J, Req, H> {
  /** The worker's module (a `new URL('./x.ts', import.meta.url)`), and its name in errors. */
  readonly entry: URL;
  readonly name: string;
  readonly request: (share: readonly J[]) => Req;
  readonly here: (share: readonly J[]) => Promise<H>;
}

export async function shareOut<J, Req, H, T>(jobs: readonly J[], threads: number, s: ShareOut<J, Req, H>): Promise<{ here: H; theirs: T[] }> {
  const [mine, ...others] = splitShards(jobs, threads);
  const workers = others.map((_, i) => Thread.start<Req, T>(s.entry, `${s.name} ${i + 1}`));
  try {
    const pending = Promise.all(others.map((share, i) => workers[i].request(s.request(share))));
    let here: H;
    try {
      here = await s.here(mine ?? []);
    } catch (e) {
      await pending.catch(() => undefined);
      throw e;
    }
    return { here, theirs: await pending };
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
}
