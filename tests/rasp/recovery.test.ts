/**
 * A program with several mistakes reports each, as RASP's interpreter does when it reads a file
 * statement by statement: the statement is skipped (what it would assign stays unassigned) and the
 * next one runs. Which statements are mistakes was checked against the interpreter (tech-srl/RASP),
 * with its running example set to the file's vocabulary.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { RaspError, RaspErrors } from '../../src/rasp/errors.ts';
import { parseProgram } from '../../src/rasp/load.ts';
import { cli, tempDir } from '../cli/harness.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** The located mistakes parsing `text` reports, as `line:col`. */
function mistakes(text: string): string[] {
  try {
    parseProgram(text, { file: 'bad.rasp' });
  } catch (e) {
    if (!(e instanceof RaspError)) throw e;
    return (e instanceof RaspErrors ? e.errors : [e]).map((x) => `${x.loc?.line}:${x.loc?.col}`);
  }
  return [];
}

// The interpreter skips 8 of these 11 statements (with `set example ["a","b","c"]`, all_s for its full_s).
const SEVERAL = [
  '# vocab: a b c',
  'all_s = select(1, 1, ==);',
  'dgsdfsdf;',
  'x = tokens;',
  '1("hi");',
  'y = ;',
  'z = 1 + "a";',
  'tokens;;',
  '1/tokens;',
  'm = aggregate(all_s, tokens);',
  'w = m;',
  'ok = x;',
  '',
].join('\n');

describe('several mistakes, each reported', () => {
  it('every statement the interpreter skips, in file order, with its line and column', () => {
    expect(mistakes(SEVERAL)).toEqual(['3:1', '5:1', '6:5', '7:5', '8:8', '9:1', '10:5', '11:5']);
  });

  it('mistakes in the characters are reported each, and reading goes on after them (interpreter: three "antlr exception"s, then y and w defined)', () => {
    const text = ['x = tokens $ 1;', 's = "abc;', 'y = tokens;', 'z = tokens +;', 'w = y;', ''].join('\n');
    expect(mistakes(text)).toEqual(['1:12', '2:5', '4:13']);
    expect(() => parseProgram(text, { file: 'bad.rasp' })).toThrow(/bad\.rasp:1:12: unexpected character '\$'\n.*bad\.rasp:2:5: unterminated string/s);
  });

  it('a statement that failed assigns nothing: a later use is an unknown name (interpreter: "Undefined variable: m")', () => {
    expect(() => parseProgram(SEVERAL, { file: 'bad.rasp' })).toThrow(/bad\.rasp:11:5: unknown name 'm'/);
  });

  it('one mistake is one RaspError, as before', () => {
    const e = (() => {
      try {
        parseProgram('x = tokens;\ny = ;\n', { file: 'bad.rasp' });
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(RaspError);
    expect(e).not.toBeInstanceOf(RaspErrors);
  });

  it('a mistake inside a def drops the whole def, and parsing goes on after its closing brace', () => {
    expect(mistakes('def f(a) {\n  b = ;\n  return a;\n}\nx = tokens;\ny = ;\n')).toEqual(['2:7', '6:5']);
  });
});

describe('rejected where the interpreter rejects them', () => {
  it.each([
    ['1/tokens;', /1 \/ 'a' needs a number/],
    ['aggregate(select(1, 1, ==), tokens);', /query position 0 selects several values a \(key 0\), b \(key 1\)/],
    ['x = tokens;;', /a stray ';': RASP has no empty statement/],
    [';', /a stray ';'/],
  ])('%s', (line, message) => {
    expect(() => parseProgram(`# vocab: a b\n${line}\n`, { file: 'bad.rasp' })).toThrow(message);
  });

  it('a statement that works on the example is kept (the interpreter accepts a single-position load)', () => {
    expect(mistakes('# vocab: a b\nx = aggregate(select(indices, indices, ==), tokens);\n')).toEqual([]);
  });
});

describe('the command line', () => {
  it('prints one line per mistake, each file:line:col, and exits with code 2', async () => {
    const file = tmp.file('several.rasp', SEVERAL);
    const r = await cli('eval', file, '--input', 'a b');
    expect(r.code).toBe(2);
    const lines = r.err.trim().split('\n');
    expect(lines).toHaveLength(8);
    for (const l of lines) expect(l).toMatch(/^rasplab: .*several\.rasp:\d+:\d+: /);
  });
});
