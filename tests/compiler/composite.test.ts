/**
 * Composite selectors (issue 18, item 11): `or`, `and` and `not` of selects that compare different
 * pairs of s-ops compile through product s-ops (compiler/products.ts), and the model agrees with the
 * evaluator on every input of the small vocabularies and lengths below.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.ts';
import { parseSOpExpression } from '../../src/rasp/expression.ts';
import { parseProgram } from '../../src/rasp/load.ts';
import type { Value } from '../../src/rasp/values.ts';
import { firstDisagreement } from '../support/differential.ts';

function check(source: string, vocab: Value[], maxLen: number) {
  const program = parseProgram(source, { file: 'composite.rasp' });
  const result = compile(program, { vocab, maxLen });
  const { mismatch, checked } = firstDisagreement({ program, vocab, maxLen });
  return { program, result, mismatch, checked };
}

describe('composite selectors compile and verify', () => {
  for (const [what, source, vocab, maxLen] of [
    ['selector_width of a disjunction (rasplib selector_width)', 'out = selector_width(select(tokens, tokens, ==) or select(indices, 0, ==));', [1, 2, 3], 4],
    [
      'a RASP-style sort, ties broken by index',
      [
        'k = tokens;',
        'before = select(k, k, <) or (select(k, k, ==) and select(indices, indices, <));',
        'p = selector_width(before);',
        'out = aggregate(select(p, indices, ==), tokens);',
      ].join('\n'),
      [1, 2, 3],
      4,
    ],
    [
      'a categorical aggregate of a negated conjunction',
      'out = aggregate(not (select(tokens, tokens, ==) and select(indices, indices, <)), tokens, "z");',
      ['a', 'b'],
      4,
    ],
    [
      'a numerical aggregate of a disjunction',
      'out = numerical(aggregate(select(tokens, tokens, !=) or select(indices, indices, >), indicator(tokens == "a")));',
      ['a', 'b'],
      4,
    ],
    [
      'a disjunction in a conjunction',
      'out = selector_width((select(tokens, tokens, ==) or select(indices, indices, ==)) and select(indices, length - 1, <));',
      ['a', 'b'],
      4,
    ],
    ['or over three pairs', 'out = selector_width(select(tokens, tokens, <) or select(indices, indices, >) or select(indices, 1, ==));', [1, 2], 4],
  ] as const)
    it(what, () => {
      const { program, result, mismatch, checked } = check(`${source}\n`, [...vocab], maxLen);
      expect(mismatch).toBeNull();
      expect(checked).toBeGreaterThan(0);
      expect(result.products.length).toBeGreaterThan(0);
      for (const m of result.model.labels.mlps) expect(() => parseSOpExpression(program, m.expr, { file: 'label' }), m.expr).not.toThrow();
    });

  it('a product reads both sides once when they compare the same s-ops, and reports its cost', () => {
    const { result } = check(
      'before = select(tokens_int, tokens_int, <) or (select(tokens_int, tokens_int, ==) and select(indices, indices, <));\nout = selector_width(before);\n',
      [1, 2, 3],
      4,
    );
    expect(result.products).toEqual([
      {
        name: 'before.keys_queries',
        selector: 'before',
        side: 'keys and queries',
        reads: ['tokens_int', 'indices'],
        values: 12,
        combinations: 12,
        directions: 12,
        neurons: 12,
        layer: 0,
      },
    ]);
    expect(result.model.labels.mlps[0].expr).toBe('(tokens_int - 1) * 4 + indices');
  });

  it('key values the table cannot tell apart are one direction (position 0 is one class whatever its token)', () => {
    const { result } = check('out = selector_width(select(tokens, tokens, ==) or select(indices, 0, ==));\n', [1, 2, 3], 4);
    expect(result.products.map((p) => [p.side, p.values, p.combinations])).toEqual([['keys', 4, 12]]);
  });

  it('a program without composite selectors has no products', () => {
    expect(check('out = selector_width(select(tokens, tokens, ==) and select(indices, indices, <));\n', [1, 2], 3).result.products).toEqual([]);
  });
});

describe('an empty selection writes the default, numerical too', () => {
  it('a numerical aggregate with a non-zero default', () => {
    const { mismatch, checked } = check('out = numerical(aggregate(select(indices, indices - 1, ==), tokens_int, 5));\n', [1, 2, 3], 3);
    expect(mismatch).toBeNull();
    expect(checked).toBe(3 + 9 + 27);
  });
  it('a numerical aggregate of a composite selector with a default', () => {
    const text = 'out = numerical(aggregate(select(tokens_int, tokens_int, <) or select(indices, indices - 2, ==), tokens_int, 7));\n';
    const { mismatch } = check(text, [1, 2, 3], 4);
    expect(mismatch).toBeNull();
  });
});
