import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { checkLength, parseInput, parsePositiveInt, parseVocab } from '../../cli/options.ts';
import { isUserError } from '../../src/rasp/errors.ts';

function userErrorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    expect(isUserError(e)).toBe(true);
    return e as Error;
  }
  throw new Error('expected a UserError');
}

describe('parseVocab', () => {
  it('reads strings, comma- or space-separated', () => {
    expect(parseVocab('a,b,c')).toEqual(['a', 'b', 'c']);
    expect(parseVocab('a, b  c')).toEqual(['a', 'b', 'c']);
  });
  it('reads numbers when every item is one', () => {
    expect(parseVocab('1,2,10')).toEqual([1, 2, 10]);
    expect(parseVocab('1,x')).toEqual(['1', 'x']);
  });
  it('refuses empty and repeated vocabularies', () => {
    expect(userErrorOf(() => parseVocab(' , ')).message).toMatch(/--vocab is empty/);
    expect(userErrorOf(() => parseVocab('a,b,a')).message).toMatch(/'a' twice/);
  });
  it('takes a quoted token as it is: a comma, or a digit kept as a string', () => {
    expect(parseVocab(`a,b,","`)).toEqual(['a', 'b', ',']);
    expect(parseVocab(`a ',' b`)).toEqual(['a', ',', 'b']);
    expect(parseVocab(`"0","1"`)).toEqual(['0', '1']);
    expect(parseVocab(`"0",1`)).toEqual(['0', '1']);
    expect(parseInput('a , a', parseVocab(`a,","`))).toEqual(['a', ',', 'a']);
  });
  it('refuses a token no input can type, and an unclosed quote, naming it', () => {
    expect(userErrorOf(() => parseVocab(`a,'x y'`)).message).toMatch(/the token 'x y' holds a space/);
    expect(userErrorOf(() => parseVocab(`a,""`)).message).toMatch(/an empty token/);
    expect(userErrorOf(() => parseVocab(`a,"b`)).message).toMatch(/cannot read '"b'/);
  });
  test.prop([fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: 1 })])('round-trips integer lists', (xs) => {
    expect(parseVocab(xs.join(','))).toEqual(xs);
  });
});

describe('parseInput', () => {
  it('matches tokens to vocabulary values, numbers as numbers', () => {
    expect(parseInput('3 1 2', [1, 2, 3])).toEqual([3, 1, 2]);
    expect(parseInput(' b  a ', ['a', 'b'])).toEqual(['b', 'a']);
  });
  it('without a vocabulary: numbers when all tokens are', () => {
    expect(parseInput('3 1 2')).toEqual([3, 1, 2]);
    expect(parseInput('3 x')).toEqual(['3', 'x']);
  });
  it('names the token and the vocabulary when a token is unknown', () => {
    const msg = userErrorOf(() => parseInput('a z', ['a', 'b'])).message;
    expect(msg).toContain("'z'");
    expect(msg).toContain('{a, b}');
  });
  it('refuses an empty input', () => {
    expect(userErrorOf(() => parseInput('  ', ['a'])).message).toMatch(/empty/);
  });
  test.prop([fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 12 })])(
    'checkLength refuses exactly the inputs longer than max-len',
    (tokens, maxLen) => {
      const input = parseInput(tokens.join(' '), ['a', 'b', 'c']);
      if (input.length > maxLen) expect(userErrorOf(() => checkLength(input, maxLen)).message).toMatch(/max-len/);
      else expect(() => checkLength(input, maxLen)).not.toThrow();
    },
  );
});

describe('integer flags', () => {
  it('parsePositiveInt accepts positive integers only', () => {
    const p = parsePositiveInt('--max-len');
    expect(p('8')).toBe(8);
    for (const bad of ['0', '-1', '2.5', 'x', '']) expect(userErrorOf(() => p(bad)).message).toContain('--max-len');
  });
});
