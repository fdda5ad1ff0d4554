/** A program's header states a vocabulary of distinct tokens, or the line and token that repeat are named. */
import { describe, expect, it } from 'vitest';
import { RaspError } from '../../src/rasp/errors.ts';
import { readHeader } from '../../src/rasp/header.ts';

function errorOf(text: string): RaspError {
  try {
    readHeader(text, 'p.rasp');
  } catch (e) {
    if (e instanceof RaspError) return e;
    throw e;
  }
  throw new Error(`no error for: ${text}`);
}

describe('# vocab:', () => {
  it('a token listed twice names the line, the column of the repeat and the token', () => {
    expect(errorOf('# a program\n# vocab: a a b\nx = tokens;').message).toBe("p.rasp:2:12: '# vocab:' lists the token 'a' twice");
  });

  it('numbers that are one number are one token', () => {
    expect(errorOf('#vocab: 1 2 1.0').message).toBe("p.rasp:1:13: '# vocab:' lists the token '1' twice (as '1' and '1.0')");
  });

  it('distinct tokens are read in order', () => {
    expect(readHeader('# vocab: b a c\n# max-len: 4\n', 'p.rasp')).toEqual({ vocab: ['b', 'a', 'c'], maxLen: 4 });
  });
});
