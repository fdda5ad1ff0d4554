import { describe, expect, it } from 'vitest';
import { shareOut } from '../../src/threads/shareOut.ts';
import { Thread } from '../../src/threads/thread.ts';

type Msg = number | 'throw' | 'exit';
const entry = new URL('./testWorker.ts', import.meta.url);

describe('Thread', () => {
  it("answers requests one at a time, names itself in a worker's error, and goes on after it", async () => {
    const t = Thread.start<Msg, number>(entry, 'test worker');
    try {
      expect(await t.request(21)).toBe(42);
      const first = t.request(1);
      await expect(t.request(2)).rejects.toThrow('test worker is still answering a request');
      expect(await first).toBe(2);
      await expect(t.request('throw')).rejects.toThrow('test worker: asked to throw');
      expect(await t.request(5)).toBe(10);
    } finally {
      await t.close();
    }
  });

  it('rejects the request a thread dies answering, with its exit code', async () => {
    const t = Thread.start<Msg, number>(entry, 'test worker');
    await expect(t.request('exit')).rejects.toThrow('test worker stopped (exit code 3)');
    await t.close();
  });
});

describe('shareOut', () => {
  it('keeps job order across the shares and fails as a whole when a share fails', async () => {
    const jobs = [1, 2, 3, 4, 5, 6, 7];
    const run = (bad: boolean) =>
      shareOut<Msg, Msg, number[], number>(jobs, 3, {
        entry,
        name: 'share',
        request: (share) => (bad ? 'throw' : share.reduce<number>((a, b) => a + (b as number), 0)),
        here: async (share) => share.map((j) => 10 * (j as number)),
      });
    // Shares: [1,2,3] here, [4,5] and [6,7] summed and doubled by the workers.
    expect(await run(false)).toEqual({ here: [10, 20, 30], theirs: [18, 26] });
    await expect(run(true)).rejects.toThrow(/^share [12]: asked to throw$/);
  });
});
