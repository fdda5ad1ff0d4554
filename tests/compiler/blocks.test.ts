import { describe, expect, it } from 'vitest';
import { lookupNeurons, type CatLeaf } from '../../compiler/blocks/categoricalMlp.ts';
import { categoricalOv } from '../../compiler/blocks/categoricalAttention.ts';
import { defaultFillNeuron } from '../../compiler/blocks/defaults.ts';
import { discretisedNeurons, type NumLeaf } from '../../compiler/blocks/numericalMlp.ts';
import { numericalOv } from '../../compiler/blocks/numericalAttention.ts';
import { addBosScore, addGroupScores, SCORE } from '../../compiler/blocks/selector.ts';
import { widthEntries, widthOf, widthOv } from '../../compiler/blocks/selectorWidth.ts';
import { applyHead, applyNeurons, attentionScore } from '../../compiler/applyBlock.ts';
import { dot, lin, unit, type LinComb, type SparseMat } from '../../compiler/linalg.ts';
import type { MaybeValue } from '../../src/rasp/values.ts';

type Vec = Map<string, number>;
const vec = (entries: Record<string, number>): Vec => new Map(Object.entries(entries));
const attend = (qk: SparseMat, ov: SparseMat, q: Vec, keys: Vec[]) => applyHead({ qk, ov }, q, keys);
const close = (a: Vec, b: Vec) => {
  for (const d of new Set([...a.keys(), ...b.keys()])) expect(a.get(d) ?? 0).toBeCloseTo(b.get(d) ?? 0, 6);
};

const catLeaf = (sop: string, values: MaybeValue[]): CatLeaf => ({
  source: { of: 'sop', node: 0 },
  kind: 'cat',
  sop,
  entries: values.map((v) => ({ value: v, ind: unit(`${sop}:${String(v)}`) })),
});
const pos = (dirs: Record<string, number>) => vec({ one: 1, ...dirs });

describe('categorical MLP (lookup table)', () => {
  it('writes f(a, b) for every combination, one neuron per non-zero output', () => {
    const a = catLeaf('a', [0, 1, 2]);
    const b = catLeaf('b', ['x', 'y']);
    const f = (x: MaybeValue, y: MaybeValue) => (y === 'x' ? Number(x) : Number(x) * 2);
    const neurons = lookupNeurons([a, b], ([x, y]) => (f(x, y) === 0 ? lin() : unit(`out:${f(x, y)}`)));
    expect(neurons).toHaveLength(4); // (0, x) and (0, y) write nothing
    for (const x of [0, 1, 2])
      for (const y of ['x', 'y']) {
        const want = f(x, y) === 0 ? vec({}) : vec({ [`out:${f(x, y)}`]: 1 });
        close(applyNeurons(neurons, pos({ [`a:${x}`]: 1, [`b:${y}`]: 1 })), want);
      }
  });
});

describe('numerical MLP (discretisation)', () => {
  const xs = [0, 1 / 3, 1 / 2, 1];
  const num: NumLeaf = { source: { of: 'sop', node: 1 }, kind: 'num', sop: 'n', x: unit('n'), entries: xs.map((x) => ({ value: x, x })) };
  it('maps every value of a numerical input, robust to small noise', () => {
    const f = (x: number) => (x > 0.4 ? 'hi' : x > 0.1 ? 'mid' : 'lo');
    const neurons = discretisedNeurons(num, [], ([x]) => unit(`out:${f(Number(x))}`));
    for (const x of xs) for (const noise of [0, 0.02, -0.02]) close(applyNeurons(neurons, pos({ n: x + noise })), vec({ [`out:${f(x)}`]: 1 }));
  });
  it('gates the steps by a categorical input (mixed numerical × categorical)', () => {
    const y = catLeaf('y', [0, 1]);
    const f = (x: number, yy: number) => x * 4 + yy * 10;
    const neurons = discretisedNeurons(num, [y], ([x, yy]) => unit('out', f(Number(x), Number(yy))));
    for (const x of xs) for (const yy of [0, 1]) close(applyNeurons(neurons, pos({ n: x, [`y:${yy}`]: 1 })), vec({ out: f(x, yy) }));
  });
});

describe('selector scores', () => {
  const dom = [0, 1, 2];
  const entries = (sop: string) => dom.map((v) => ({ value: v, ind: unit(`${sop}:${v}`) }));
  it('scores S on selected keys, 0 elsewhere, S(G − ½) on BOS; a BOS query sees only BOS', () => {
    const qk = new Map<string, Map<string, number>>();
    const table = (k: MaybeValue, q: MaybeValue) => Number(k) < Number(q);
    addGroupScores(qk, { keys: 0, queries: 1, table }, { keyDomain: dom, queryDomain: dom, keyRepr: () => entries('k'), queryRepr: () => entries('q') });
    addBosScore(qk, 0.5);
    for (const q of dom) {
      const qv = pos({ [`q:${q}`]: 1 });
      for (const k of dom) expect(attentionScore(qk, qv, pos({ [`k:${k}`]: 1 }))).toBeCloseTo(table(k, q) ? SCORE : 0);
      expect(attentionScore(qk, qv, vec({ bos: 1 }))).toBeCloseTo(SCORE / 2);
    }
    const bosQuery = vec({ bos: 1 });
    expect(attentionScore(qk, bosQuery, vec({ bos: 1 }))).toBeGreaterThan(0);
    for (const k of dom) expect(attentionScore(qk, bosQuery, pos({ [`k:${k}`]: 1 }))).toBe(0);
  });
  it('reads `one` instead of a side the table does not depend on', () => {
    const qk = new Map<string, Map<string, number>>();
    addGroupScores(
      qk,
      { keys: 0, queries: 1, table: (k) => k === 2 },
      {
        keyDomain: dom,
        queryDomain: dom,
        keyRepr: () => entries('k'),
        queryRepr: () => {
          throw new Error('query side read');
        },
      },
    );
    expect([...qk.keys()]).toEqual(['one']);
  });
});

describe('attention value circuits', () => {
  const qk = new Map([
    ['one', unit('one', SCORE)],
    ['bos', unit('bos', SCORE)],
  ]);
  it('categorical aggregate: selected keys with one value give its one-hot; none selected gives zero', () => {
    const ov = categoricalOv(
      [
        { value: 'a', ind: unit('v:a') },
        { value: 'b', ind: unit('v:b') },
      ],
      (v) => `out:${String(v)}`,
    );
    const qkBos = new Map(qk);
    qkBos.set(
      'one',
      lin([
        ['one', SCORE],
        ['bos', SCORE / 2],
      ]),
    );
    const keys = [vec({ bos: 1 }), pos({ 'v:a': 1 }), pos({ 'v:a': 1 })];
    close(attend(qkBos, ov, pos({}), keys), vec({ 'out:a': 1 }));
  });
  it('numerical aggregate averages the selected values', () => {
    const ov = numericalOv(lin([['x', 1]]), 'mean');
    const qkSel = new Map([
      [
        'one',
        lin([
          ['one', SCORE],
          ['bos', SCORE / 2],
        ]),
      ],
    ]);
    close(attend(qkSel, ov, pos({}), [vec({ bos: 1 }), pos({ x: 1 }), pos({ x: 0 }), pos({ x: 1 })]), vec({ mean: 2 / 3 }));
  });
  it('selector width: BOS scores like a selected key, so the query reads 1/(w + 1)', () => {
    const ov = widthOv('t');
    for (let w = 0; w <= 4; w++) {
      const keys = [vec({ bos: 1 }), ...Array.from({ length: w }, () => pos({ sel: 1 })), pos({ sel: 0 })];
      const qkW = new Map([
        [
          'one',
          lin([
            ['sel', SCORE],
            ['bos', SCORE],
          ]),
        ],
      ]);
      const t = attend(qkW, ov, pos({}), keys).get('t')!;
      expect(t).toBeCloseTo(1 / (w + 1), 9);
      expect(widthOf(t)).toBe(w);
    }
    expect(widthEntries([0, 3]).map((e) => e.x)).toEqual([1, 1 / 4]);
  });
  it('default fill: relu(none_selected − bos) writes the default, never at BOS', () => {
    const n = defaultFillNeuron('ns', unit('out:7'));
    close(applyNeurons([n], pos({ ns: 1 })), vec({ 'out:7': 1 }));
    close(applyNeurons([n], pos({ ns: 0 })), vec({}));
    close(applyNeurons([n], vec({ bos: 1, ns: 1 })), vec({}));
  });
});

// LinComb helpers are used across the blocks; keep their algebra honest.
describe('linalg', () => {
  it('cancels to zero and multiplies through', () => {
    const a: LinComb = lin([
      ['x', 1],
      ['y', 2],
    ]);
    expect(lin([...a, ['x', -1]]).has('x')).toBe(false);
    expect(dot(a, vec({ x: 3, y: 1 }))).toBe(5);
  });
});
