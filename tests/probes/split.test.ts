import { describe, expect, it } from 'vitest';
import { stratifiedSplit } from '../../probes/split.ts';

describe('stratifiedSplit', () => {
  it('fits every value and holds out every value seen in two inputs, about the asked share of inputs', () => {
    // 200 inputs of common values; "rare" in 2 of them, "once" in 1.
    const keys = Array.from({ length: 200 }, (_, i) => [`v=${i % 4}`, ...(i === 17 || i === 150 ? ['v=rare'] : []), ...(i === 99 ? ['v=once'] : [])]);
    for (let seed = 0; seed < 20; seed++) {
      const held = stratifiedSplit(keys, 0.3, seed);
      const sides = (k: string) => keys.flatMap((ks, i) => (ks.includes(k) ? [held[i]] : []));
      for (const k of ['v=0', 'v=1', 'v=2', 'v=3', 'v=rare', 'v=once']) expect(sides(k), `${k}, seed ${seed}`).toContain(false);
      expect(sides('v=rare'), `seed ${seed}`).toContain(true);
      const share = held.filter(Boolean).length / keys.length;
      expect(share).toBeGreaterThan(0.2);
      expect(share).toBeLessThan(0.4);
    }
  });

  it('is the same split for the same seed', () => {
    const keys = Array.from({ length: 50 }, (_, i) => [`x=${i % 7}`]);
    expect(stratifiedSplit(keys, 0.3, 4)).toEqual(stratifiedSplit(keys, 0.3, 4));
  });
});
