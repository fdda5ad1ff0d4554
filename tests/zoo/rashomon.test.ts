/** The Rashomon set's mechanisms by discovered circuit and by linear barrier, from the index's figures alone. */
import { describe, expect, it } from 'vitest';
import type { JobFigures } from '../../src/zoo/figures.ts';
import { rashomon } from '../../src/zoo/populations.ts';
import type { ZooRow } from '../../src/zoo/store.ts';

function row(key: string, testAcc: number, extra: Partial<JobFigures>): ZooRow {
  const figures = { training: { testAcc }, ...extra };
  return { key, program: 'reverse', test_acc: testAcc, verify_beyond: null, figures: JSON.stringify(figures) } as unknown as ZooRow;
}
const discovery = (edges: string[]) => ({
  discovery: { threshold: 0.01, inputs: 8, edges, nodes: 3, exactMatchFull: 1, exactMatchCircuit: 1, edgeAuc: null, nodeAuc: null },
});
const connect = (barrierExactMatch: number) => ({
  connect: { reference: 'ref.safetensors', points: 5, barrierLoss: 0.5, barrierExactMatch, barrierTokenAccuracy: 0 },
});

describe('Rashomon mechanisms by circuit and by barrier', () => {
  const rows = [
    row('a', 1, { ...discovery(['embed->0.0:v', '0.0->logits']), ...connect(0.01) }),
    row('b', 1, { ...discovery(['0.0->logits', 'embed->0.0:v']), ...connect(0.05) }),
    row('c', 0.99, { ...discovery(['embed->logits']), ...connect(0.8) }),
    row('d', 0.5, { ...discovery(['x->logits']), ...connect(0.01) }), // outside the set: ε below
  ];

  it('the same edge set is one mechanism, whatever order it was listed in', () => {
    const [s] = rashomon(rows, 0.05);
    expect(s.models.map((m) => m.key)).toEqual(['a', 'b', 'c']);
    expect(s.byCircuit!.map((m) => m.models)).toEqual([['a', 'b'], ['c']]);
  });

  it('models below the exact-match barrier threshold share the reference’s basin', () => {
    const [s] = rashomon(rows, 0.05, 0.1);
    expect(s.byBarrier).toMatchObject({ threshold: 0.1, reference: 'ref.safetensors' });
    expect(s.byBarrier!.groups.map((g) => [g.signature, g.models])).toEqual([
      ['in the basin of ref.safetensors', ['a', 'b']],
      ['not in the basin of ref.safetensors', ['c']],
    ]);
    // a lower threshold parts a from b
    expect(rashomon(rows, 0.05, 0.02)[0].byBarrier!.groups.map((g) => g.models)).toEqual([['b', 'c'], ['a']]);
  });

  it('is null where the index lacks the figures', () => {
    const [s] = rashomon([row('a', 1, {}), row('b', 1, {})], 0.05);
    expect(s.byCircuit).toBeNull();
    expect(s.byBarrier).toBeNull();
  });
});
