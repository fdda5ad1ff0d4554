import { describe, expect, it } from 'vitest';
import { composeMap, comboCount, combinations } from '../../compiler/fuse.ts';
import { foldCategorical, foldNumerical } from '../../compiler/linear.ts';
import { dot, unit } from '../../compiler/linalg.ts';
import { INVALID, type Leaf, type LeafSource } from '../../compiler/types.ts';
import type { ScalarFn } from '../../src/rasp/ast.ts';
import type { MaybeValue, Value } from '../../src/rasp/values.ts';
import { compile } from '../../compiler/index.ts';
import * as P from './programs.ts';

const native = (arity: number, fn: (...a: Value[]) => Value): ScalarFn => ({ kind: 'native', arity, fn, text: fn.toString() });
// Each test s-op name stands for its own graph node.
const nodes = new Map<string, number>();
function source(sop: string): LeafSource {
  if (!nodes.has(sop)) nodes.set(sop, nodes.size);
  return { of: 'sop', node: nodes.get(sop)! };
}
const cat = (sop: string, values: number[]): Leaf => ({
  source: source(sop),
  kind: 'cat',
  sop,
  entries: values.map((v) => ({ value: v, ind: unit(`${sop}:${v}`) })),
});
const num = (sop: string, values: number[]): Leaf => ({
  source: source(sop),
  kind: 'num',
  sop,
  x: unit(sop),
  entries: values.map((v) => ({ value: v, x: v })),
});
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('fusing map chains', () => {
  it('computes f∘g from the leaves of the inner maps', () => {
    const a = cat('a', range(4));
    const b = cat('b', range(3));
    const inner = composeMap(
      native(2, (x, y) => Number(x) - Number(y)),
      [
        { kind: 'leaf', leaf: a },
        { kind: 'leaf', leaf: b },
      ],
    );
    const outer = composeMap(
      native(2, (d, c) => Number(d) * Number(c)),
      [
        { kind: 'expr', node: 100, expr: inner, materialize: () => cat('inner', range(7)), materializesAs: 'cat' },
        { kind: 'const', value: 3 },
      ],
    );
    expect(outer.leaves.map((l) => l.sop)).toEqual(['a', 'b']);
    for (const c of combinations(outer.leaves)) {
      const [x, y] = c.map((i, j) => outer.leaves[j].entries[i].value as number);
      expect(outer.fn([x, y])).toBe((x - y) * 3);
    }
  });

  it('materialises the costliest input when the combinations pass the limit', () => {
    const a = cat('a', range(30));
    const b = cat('b', range(30));
    const c = cat('c', range(5));
    const ab = composeMap(
      native(2, (x, y) => Number(x) + Number(y)),
      [
        { kind: 'leaf', leaf: a },
        { kind: 'leaf', leaf: b },
      ],
    );
    let materialised = 0;
    const e = composeMap(
      native(2, (s, z) => Number(s) * Number(z)),
      [
        { kind: 'expr', node: 101, expr: ab, materialize: () => (materialised++, cat('ab', range(59))), materializesAs: 'cat' },
        { kind: 'leaf', leaf: c },
      ],
      2000,
    );
    expect(materialised).toBe(1);
    expect(e.leaves.map((l) => l.sop)).toEqual(['ab', 'c']);
    expect(comboCount(e.leaves)).toBe(59 * 5);
  });

  it('undefined in gives undefined out; a raise is INVALID', () => {
    const e = composeMap(
      native(1, (x) => (6 / Number(x) > 1 ? 1 : 0)),
      [{ kind: 'leaf', leaf: cat('a', [1, 2]) }],
    );
    expect(e.fn([null as MaybeValue])).toBe(null);
    const div = composeMap({ kind: 'expr', arity: 1, body: { op: 'binary', fn: '/', left: { op: 'const', value: 1 }, right: { op: 'param', index: 0 } } }, [
      { kind: 'leaf', leaf: cat('a', [0, 1]) },
    ]);
    expect(div.fn([0])).toBe(INVALID);
  });

  it('reverse fits in 2 layers: the length read-out fuses with length − indices − 1', () => {
    expect(compile(P.reverse(), { vocab: [1, 2, 3], maxLen: 5 }).stats.layers).toBe(2);
    expect(compile(P.reverseBuiltinLength(), { vocab: [1, 2, 3], maxLen: 10 }).stats.layers).toBe(2);
  });
});

describe('maps without neurons (linear.ts)', () => {
  it('a map of one categorical leaf is a relabelling of its indicators', () => {
    const a = cat('a', range(4));
    const e = composeMap(
      native(1, (x) => Number(x) % 2),
      [{ kind: 'leaf', leaf: a }],
    );
    const entries = foldCategorical(e)!;
    expect(entries.map((x) => x.value).sort()).toEqual([0, 1]);
    const odd = entries.find((x) => x.value === 1)!.ind;
    expect([...odd.keys()].sort()).toEqual(['a:1', 'a:3']);
  });
  it('an additive numerical map is a sum of read-outs; a product is not', () => {
    const x = num('x', [0, 0.5, 1]);
    const y = num('y', [0, 0.25, 1]);
    const t = cat('t', [0, 1, 2]);
    const add = composeMap(
      native(3, (p, q, r) => 2 * Number(p) - Number(q) + (Number(r) === 2 ? 5 : 0) + 1),
      [
        { kind: 'leaf', leaf: x },
        { kind: 'leaf', leaf: y },
        { kind: 'leaf', leaf: t },
      ],
    );
    const lc = foldNumerical(add)!;
    expect(lc).toBeDefined();
    for (const p of [0, 0.5, 1])
      for (const q of [0, 0.25, 1])
        for (const r of [0, 1, 2]) {
          const resid = new Map([
            ['one', 1],
            ['x', p],
            ['y', q],
            [`t:${r}`, 1],
          ]);
          expect(dot(lc, resid)).toBeCloseTo(2 * p - q + (r === 2 ? 5 : 0) + 1, 9);
        }
    const prod = composeMap(
      native(2, (p, q) => Number(p) * Number(q)),
      [
        { kind: 'leaf', leaf: x },
        { kind: 'leaf', leaf: y },
      ],
    );
    expect(foldNumerical(prod)).toBeUndefined();
  });
  it('pair_balance (opens − closes) costs no MLP at all', () => {
    const { stats } = compile(P.pairBalance(), { vocab: ['(', ')', 'a'], maxLen: 5 });
    expect(stats.mlpHidden.every((h) => h === 0)).toBe(true);
  });
});
