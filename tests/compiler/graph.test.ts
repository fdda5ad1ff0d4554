import { describe, expect, it } from 'vitest';
import { IndicesNode, TokensNode } from '../../src/rasp/ast.ts';
import { aggregate, indices, map, or, select, tokens, zipmap } from '../../src/rasp/builder.ts';
import { compile } from '../../compiler/index.ts';
import { buildGraph } from '../../compiler/graph.ts';
import { program } from './programs.ts';

describe('graph pass', () => {
  it('canonicalises leaves: every TokensNode and IndicesNode is one node', () => {
    const t2 = new TokensNode();
    const i2 = new IndicesNode().named('pos');
    const out = zipmap(
      (a, b) => Number(a) + Number(b),
      zipmap((a, b) => Number(a) * Number(b), tokens, indices),
      zipmap((a, b) => Number(a) - Number(b), t2, i2),
    );
    const g = buildGraph(program('p', out));
    expect(g.nodes.filter((n) => n.node.kind === 'tokens')).toHaveLength(1);
    expect(g.nodes.filter((n) => n.node.kind === 'indices')).toHaveLength(1);
    expect(g.canon.get(t2.id)).toBe(g.canon.get(tokens.id));
  });

  it('merges structurally identical nodes (common subexpressions)', () => {
    const f = { op: 'binary', fn: '+', left: { op: 'param', index: 0 }, right: { op: 'const', value: 1 } } as const;
    const a = map(f, tokens);
    const b = map(f, tokens);
    const sel1 = select(indices, a, '==');
    const sel2 = select(indices, b, '==');
    const out = zipmap((x, y) => String(x) + String(y), aggregate(sel1, tokens), aggregate(sel2, tokens));
    const g = buildGraph(program('p', out));
    expect(g.canon.get(a.id)).toBe(g.canon.get(b.id));
    expect(g.nodes.filter((n) => n.node.kind === 'aggregate')).toHaveLength(1);
    // different functions stay apart
    const c = map((x) => x, tokens);
    const d = map((x) => x, tokens);
    const g2 = buildGraph(
      program(
        'q',
        zipmap((x, y) => x === y, c, d),
      ),
    );
    expect(g2.nodes.filter((n) => n.node.kind === 'map')).toHaveLength(3);
  });

  it('lists nodes in topological order with their consumers, and names them uniquely', () => {
    const a = map((x) => x, tokens).named('x');
    const b = map((x) => x, indices).named('x');
    const out = zipmap((p, q) => p === q, a, b);
    const g = buildGraph(program('eq', out));
    g.nodes.forEach((n) => n.inputs.forEach((i) => expect(i).toBeLessThan(n.index)));
    for (const n of g.nodes) for (const c of n.consumers) expect(g.nodes[c].inputs).toContain(n.index);
    const names = g.nodes.map((n) => n.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('tokens');
    expect(g.nodes[g.output].name).toBe('eq');
  });

  it("is made once per program, and a compile that reuses it (with composite selectors' products) gives the same model as one from a fresh program", () => {
    const sel = or(select(tokens, tokens, '=='), select(indices, indices, '<'));
    const make = () => program('p', aggregate(sel, tokens));
    const p = make();
    expect(buildGraph(p)).toBe(buildGraph(p));
    expect(buildGraph(make())).not.toBe(buildGraph(p));
    const opts = { vocab: ['a', 'b'], maxLen: 4 };
    const first = compile(p, opts).model;
    const again = compile(p, { vocab: ['a', 'b', 'c'], maxLen: 5 }) && compile(p, opts).model;
    const fresh = compile(make(), opts).model;
    for (const m of [again, fresh]) {
      expect(m.labels).toEqual(first.labels);
      expect([...m.weights.keys()]).toEqual([...first.weights.keys()]);
      for (const [k, w] of first.weights) expect(m.weights.get(k)!.data, k).toEqual(w.data);
    }
  });
});
