/**
 * describe / exprText: one-line RASP text of nodes and element-wise functions.
 */
import { describe as suite, expect, it } from 'vitest';
import { AggregateNode, SelectNode, SelectorNotNode, SelectorOrNode } from '../../src/rasp/ast.ts';
import { aggregate, constant, indices, length, map, numerical, select, selectorWidth, tokens, zipmap } from '../../src/rasp/builder.ts';
import { describe, exprText } from '../../src/rasp/describe.ts';
import { parseProgram } from '../../src/rasp/load.ts';

const P = (index: number) => ({ op: 'param', index }) as const;

suite('describe', () => {
  it('refers to named children by name and describes unnamed ones inline', () => {
    const opp = zipmap({ op: 'binary', fn: '-', left: { op: 'binary', fn: '-', left: P(0), right: P(1) }, right: { op: 'const', value: 1 } }, length, indices);
    expect(describe(opp)).toBe('length - indices - 1');
    const named = opp.named('opp_index');
    expect(describe(aggregate(select(indices, named, '=='), tokens))).toBe('aggregate(select(indices, opp_index, ==), tokens)');
    expect(describe(aggregate(select(indices, opp, '=='), tokens, 0))).toBe('aggregate(select(indices, length - indices - 1, ==), tokens, 0)');
  });

  it('parenthesises inline children where precedence needs it', () => {
    const sum = zipmap({ op: 'binary', fn: '+', left: P(0), right: P(1) }, tokens, indices);
    expect(describe(map({ op: 'binary', fn: '*', left: P(0), right: { op: 'const', value: 2 } }, sum))).toBe('(tokens + indices) * 2');
    const sel = select(tokens, tokens, '==');
    const or = new SelectorOrNode(sel, select(indices, constant(0), 'TRUE'));
    expect(describe(new SelectorNotNode(or))).toBe('not (select(tokens, tokens, ==) or select(indices, 0, True))');
    expect(describe(selectorWidth(new SelectNode(tokens, constant('a'), 'FALSE')))).toBe('selector_width(select(tokens, "a", False))');
  });

  it('shows stated encodings and native functions', () => {
    const ind = numerical(map({ op: 'unary', fn: 'indicator', arg: { op: 'binary', fn: '==', left: P(0), right: { op: 'const', value: 'x' } } }, tokens));
    expect(describe(new AggregateNode(select(indices, indices, '<='), ind, 0))).toBe(
      'aggregate(select(indices, indices, <=), numerical(indicator(tokens == "x")), 0)',
    );
    expect(describe(map((x) => x, tokens))).toMatch(/^map\(.*x.*, tokens\)$/);
  });

  it("describes what the parser built in the source's own words", () => {
    const p = parseProgram('opp_index = length - indices - 1;\nflip = select(indices, opp_index, ==);\nreverse = aggregate(flip, tokens);', { file: 'r.rasp' });
    expect(describe(p.named.get('opp_index')!)).toBe('length - indices - 1');
    expect(describe(p.named.get('flip')!)).toBe('select(indices, opp_index, ==)');
    expect(describe(p.output)).toBe('aggregate(flip, tokens)');
    const q = parseProgram('x = "F" if tokens > 0 else ("T" if indices == 0 else "P");', { file: 'q.rasp' });
    // if/else is left-associative (RASP.g4), so a conditional in the else branch keeps its parentheses.
    expect(describe(q.output)).toBe('"F" if tokens > 0 else ("T" if indices == 0 else "P")');
  });
});

suite('exprText', () => {
  it('renders expressions with the given argument names', () => {
    expect(
      exprText(
        {
          kind: 'expr',
          arity: 2,
          body: { op: 'binary', fn: '-', left: P(1), right: { op: 'binary', fn: '-', left: P(0), right: { op: 'const', value: -1 } } },
        },
        ['a', 'b'],
      ),
    ).toBe('b - (a - -1)');
    expect(exprText({ kind: 'expr', arity: 1, body: { op: 'in', item: P(0), list: [1, 'x', true] } }, ['t'])).toBe('t in [1, "x", True]');
    expect(exprText({ kind: 'expr', arity: 1, body: { op: 'index', list: [4, 5], index: { op: 'unary', fn: 'round', arg: P(0) } } }, ['t'])).toBe(
      '[4, 5][round(t)]',
    );
    expect(exprText({ kind: 'expr', arity: 1, body: { op: 'unary', fn: 'not', arg: { op: 'binary', fn: 'and', left: P(0), right: P(0) } } }, ['t'])).toBe(
      'not (t and t)',
    );
  });
  it('gives a native function its own text', () => {
    expect(exprText({ kind: 'native', arity: 1, fn: (x) => x, text: 'x => x + 1' }, ['t'])).toBe('x => x + 1');
  });
});
