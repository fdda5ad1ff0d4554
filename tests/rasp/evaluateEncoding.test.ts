import { describe, expect, it } from 'vitest';
import { aggregate, categorical, constant, indices, length, map, numerical, select, selectorWidth, tokens, zipmap } from '../../src/rasp/builder.ts';
import { encodingOf, inferEncodings } from '../../src/rasp/encoding.ts';
import { x, y, k, bin, un } from '../support/exprShorthand.ts';

const all = select(indices, indices, 'TRUE');

describe('encoding inference', () => {
  it('primitives and selector_width are categorical', () => {
    for (const n of [tokens, indices, length, constant(3), selectorWidth(all)]) expect(encodingOf(n)).toBe('categorical');
  });

  it('a stated encoding wins', () => {
    expect(encodingOf(numerical(tokens))).toBe('numerical');
    expect(encodingOf(categorical(numerical(map(bin('+', x, k(1)), tokens))))).toBe('categorical');
    expect(encodingOf(categorical(aggregate(all, map(bin('==', x, k(1)), tokens))))).toBe('categorical');
  });

  it('a map is numerical iff one of its inputs is', () => {
    const num = numerical(aggregate(all, tokens));
    expect(encodingOf(map(bin('+', x, k(1)), tokens))).toBe('categorical');
    expect(encodingOf(map(bin('+', x, k(1)), num))).toBe('numerical');
    expect(encodingOf(zipmap(bin('+', x, y), tokens, num))).toBe('numerical');
    expect(encodingOf(zipmap(bin('+', x, y), tokens, indices))).toBe('categorical');
  });

  it('an aggregate is numerical when its s-op is numerical or indicator-like', () => {
    expect(encodingOf(aggregate(all, tokens))).toBe('categorical');
    expect(encodingOf(aggregate(all, numerical(tokens)))).toBe('numerical');
    expect(encodingOf(aggregate(all, map(bin('==', x, k('a')), tokens)))).toBe('numerical');
    expect(encodingOf(aggregate(all, map(un('indicator', bin('<', x, k(2))), tokens)))).toBe('numerical');
    expect(encodingOf(aggregate(all, map(un('not', x), tokens)))).toBe('numerical');
    expect(encodingOf(aggregate(all, constant(1)))).toBe('numerical');
    expect(encodingOf(aggregate(all, constant(false)))).toBe('numerical');
    expect(encodingOf(aggregate(all, constant(2)))).toBe('categorical');
    // Opaque native functions and non-boolean expressions are not indicator-like.
    expect(
      encodingOf(
        aggregate(
          all,
          map((v) => v === 'a', tokens),
        ),
      ),
    ).toBe('categorical');
    expect(encodingOf(aggregate(all, map(bin('+', x, k(1)), tokens)))).toBe('categorical');
    // An indicator the program called categorical is copied, not averaged.
    expect(encodingOf(aggregate(all, categorical(map(bin('==', x, k('a')), tokens))))).toBe('categorical');
  });

  it('inferEncodings covers every reachable s-op and no selector', () => {
    const flag = map(bin('==', x, k('a')), tokens);
    const frac = aggregate(all, flag);
    const out = map(bin('*', x, k(2)), frac);
    const enc = inferEncodings([out]);
    expect(enc.get(out.id)).toBe('numerical');
    expect(enc.get(frac.id)).toBe('numerical');
    expect(enc.get(flag.id)).toBe('categorical');
    expect(enc.get(tokens.id)).toBe('categorical');
    expect(enc.has(all.id)).toBe(false);
    expect(enc.size).toBe(5); // out, frac, flag, tokens, indices
  });
});
