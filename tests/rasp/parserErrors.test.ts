/**
 * Every mistake a `.rasp` file can make is a RaspError naming file:line:col and saying why.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RaspError } from '../../src/rasp/errors.ts';
import { loadProgram, parseProgram } from '../../src/rasp/load.ts';

/** The error parsing `text` raises (fails the test if none or not a RaspError). */
function errorOf(text: string, opts: { output?: string; readFile?: (p: string) => string } = {}): RaspError {
  try {
    parseProgram(text, { file: 'bad.rasp', ...opts });
  } catch (e) {
    if (e instanceof RaspError) return e;
    throw e;
  }
  throw new Error(`no error for: ${text}`);
}

function expectError(text: string, where: string, message: RegExp | string): void {
  const e = errorOf(text);
  expect(e.message.startsWith(`bad.rasp:${where}: `), e.message).toBe(true);
  if (typeof message === 'string') expect(e.detail).toBe(message);
  else expect(e.detail).toMatch(message);
}

const dir = mkdtempSync(join(tmpdir(), 'rasp-parser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('syntax errors say what was expected and what was found', () => {
  it.each([
    ['x = tokens', '1:11', "expected ';' after the assignment, found end of file"],
    ['x = (tokens + 1;', '1:16', "expected ')' to close the parenthesis, found ';'"],
    ['x = tokens +;', '1:13', "expected an expression, found ';'"],
    ['x = 1 if tokens;', '1:16', "expected 'else' in 'x if condition else y', found ';'"],
    ['def f(a, a) { return a; }', '1:10', "parameter 'a' appears twice in def 'f'"],
    ['def f(x) { return x;', '1:21', "expected '}' to close the body of def 'f', found end of file"],
    ['return tokens;', '1:1', "'return' outside a def"],
    ['tokens + 1 = x;', '1:12', 'can only assign to names'],
    ['def = 3;', '1:5', "expected a name after 'def', found '='"],
    ['x = [1, 2;', '1:10', "expected ']' to close the list, found ';'"],
    ['load tokens;', '1:6', "expected a file name in quotes after 'load', found 'tokens'"],
    ['x = 3abc;', '1:5', "malformed number '3a'"],
  ])('%s', (text, where, message) => expectError(text, where, message));

  it('an unterminated string', () => expectError('x = "abc;\ny = 1;', '1:5', 'unterminated string (no closing " on this line)'));
  it('an unknown character', () => expectError('x = tokens $ 1;', '1:12', "unexpected character '$'"));
  it.each(['exit;', 'quit;'])("REPL command %s (it ends the interpreter's reading of a file)", (text) => {
    const word = text.split(/[ (;]/)[0];
    expectError(text, '1:1', `'${word}' is a REPL command, not supported in files`);
  });
  // The interpreter runs these in a file too, and none changes what an s-op computes: skipped, with a note each.
  it.each(['draw(tokens);', 'set example "abc"', 'full seq display on', 'show example', 'set s-op example "ab"'])(
    'REPL command %s is skipped with a note',
    (text) => {
      const word = text.split(/[ (;]/)[0];
      const p = parseProgram(`${text}\nx = indices + 1;\n`, { file: 'bad.rasp' });
      expect(p.notes).toEqual([`bad.rasp:1:1: '${word}' is a REPL command, not supported in files; skipped`]);
      expect(p.output.name).toBe('x');
    },
  );
});

describe('name errors suggest the closest known name', () => {
  it('misspelt built-in', () => expectError('x = lenght - indices;', '1:5', "unknown name 'lenght' (did you mean 'length'?)"));
  it('misspelt variable', () => expectError('flip = tokens;\ny = flipp + 1;', '2:5', "unknown name 'flipp' (did you mean 'flip'?)"));
  it('no suggestion when nothing is close', () => expectError('y = zzzzzzzz;', '1:5', "unknown name 'zzzzzzzz'"));
  it('a def mentioning an undefined name fails only when called, at the name', () => {
    expect(() => parseProgram('def f() { return nothing_here; }\nout = tokens;', { file: 'bad.rasp' })).not.toThrow();
    expectError('def f() { return nothing_here; }\nout = f();', '1:18', "unknown name 'nothing_here'");
  });
  it('--output naming no s-op', () => {
    const e = errorOf('reverse = tokens;', { output: 'revers' });
    expect(e.detail).toBe("no s-op named 'revers' to output (did you mean 'reverse'?)");
    expect(errorOf('s = select(tokens, tokens, ==); o = tokens;', { output: 's' }).detail).toBe("'s' is a selector; the output must be an s-op");
  });
  it('a program with no s-op', () => expectError('x = 3;', '1:1', 'the program assigns no s-op, so it has no output'));
});

describe('wrong numbers of arguments', () => {
  it.each([
    ['x = select(tokens, tokens);', '1:5', 'select takes 3 arguments, given 2'],
    ['x = aggregate(select(tokens, tokens, ==));', '1:5', 'aggregate takes 2 or 3 arguments, given 1'],
    ['x = selector_width();', '1:5', 'selector_width takes 1 argument, given 0'],
    ['x = round(tokens, 2);', '1:5', 'round takes 1 argument, given 2'],
    ['def f(a, b) { return a; }\nx = f(tokens);', '2:5', "'f' takes 2 arguments (a, b), given 1"],
  ])('%s', (text, where, message) => expectError(text, where, message));
});

describe('type errors', () => {
  it.each([
    ['x = aggregate(tokens, tokens);', '1:15', "aggregate's first argument must be a selector, found an s-op"],
    ['s = select(tokens, tokens, ==);\nx = aggregate(s, s);', '2:18', 'cannot aggregate a selector: aggregate reads the values of an s-op'],
    ['s = select(tokens, tokens, ==);\nx = select(s, tokens, ==);', '2:12', "select's keys must be an s-op, found a selector (select compares s-op values)"],
    ['s = select(tokens, tokens, ==);\nx = s + 1;', '2:5', /^a selector cannot be used in '\+'/],
    ['x = select(tokens, tokens, 3);', '1:28', "select's third argument must be a comparison operator (==, !=, <, <=, >, >=) or True/False, found 3"],
    ['x = select(tokens, tokens, "==");', '1:28', /third argument must be a comparison operator/],
    ['x = tokens + ==;', '1:14', "expected an expression, found '=='"],
    ['x = round(==);', '1:11', "a bare comparison operator '==' is only allowed as select's third argument"],
    ['s = select(tokens, tokens, ==);\nx = s and tokens;', '2:5', "'and' cannot combine a selector with an s-op"],
    ['x = selector_width(tokens);', '1:20', "selector_width's argument must be a selector, found an s-op"],
    ['x = aggregate(select(tokens, tokens, ==), tokens, indices);', '1:51', "aggregate's default must be a constant, found an s-op"],
    ['x = tokens in tokens;', '1:5', "'in' needs a constant list on its right, found an s-op"],
    ['x = tokens[indices];', '1:5', 'an index into an s-op must be a constant integer, found an s-op'],
    ['x = tokens[1.5];', '1:5', 'an index into an s-op must be a constant integer, found 1.5'],
    ['x = [1, 2][3];', '1:5', 'index 3 out of range for a list of length 2'],
    ['x = "ab"[-3];', '1:5', 'index -3 out of range for a string of length 2'],
    ['x = {"a": 1}["b"];', '1:5', 'key "b" is not in the dictionary'],
    ['x = {tokens: 1};', '1:6', 'dictionary keys must be constants (strings, numbers, booleans), found an s-op'],
    ['x = {"a": tokens}[tokens];', '1:5', 'indexing by an s-op needs a dictionary of constants, found one holding an s-op'],
    ['x = zip([1, 2], [3]);', '1:17', "zip's lists must have one length: the first has 2 items, list 2 has 1"],
    ['x = select(indices, indices, ==)[0];', '1:5', 'only lists, strings, dictionaries and s-ops can be indexed, found a selector'],
    ['x = tokens(1);', '1:5', "'tokens' is an s-op, not a function"],
    ['x = 1 / 0;', '1:5', 'division by zero: 1 / 0'],
    ['x = tokens in [tokens];', '1:5', "'in' needs a list of constants, found one holding an s-op"],
    ['a, b = tokens;', '1:8', 'cannot assign an s-op to 2 names (a, b)'],
    ['def f() { x = 1; }\ny = f();', '2:5', "'f' ended without a return statement"],
    ['x = numerical(select(tokens, tokens, ==));', '1:15', 'numerical(...) applies to s-ops, not selectors'],
  ])('%s', (text, where, message) => expectError(text, where, message));
});

describe('recursion and loading', () => {
  it('recursion deeper than 100 calls', () => {
    expectError('def f(x) { return f(x + 1); }\ny = f(tokens);', '1:19', "recursion deeper than 100 calls (calling 'f')");
  });
  it('recursion that ends within 100 calls is fine', () => {
    const p = parseProgram('def f(x, n) { return x if n == 0 else f(x + 1, n - 1); }\ny = f(tokens, 50);', { file: 'ok.rasp' });
    expect(p.output.kind).toBe('map');
  });
  it('load of a missing file', () => {
    expectError('load "nothere.rasp";', '1:1', /^cannot load "nothere.rasp": no such file/);
  });
  it('load cycles', () => {
    writeFileSync(join(dir, 'a.rasp'), 'load "b.rasp";\nx = tokens;\n');
    writeFileSync(join(dir, 'b.rasp'), '\nload "a.rasp";\n');
    try {
      loadProgram(join(dir, 'a.rasp'));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RaspError);
      expect((e as RaspError).message).toBe(`${join(dir, 'b.rasp')}:2:1: load cycle: a.rasp -> b.rasp -> a.rasp`);
    }
  });
  it('errors inside a loaded file name that file', () => {
    writeFileSync(join(dir, 'broken.rasp'), 'y = 1;\nz = tokenz;\n');
    let e: unknown;
    try {
      parseProgram('load "broken.rasp";', { file: join(dir, 'main.rasp') });
    } catch (caught) {
      e = caught;
    }
    expect(e).toBeInstanceOf(RaspError);
    expect((e as RaspError).message).toBe(`${join(dir, 'broken.rasp')}:2:5: unknown name 'tokenz' (did you mean 'tokens'?)`);
  });
  it('a missing program file', () => {
    expect(() => loadProgram(join(dir, 'none.rasp'))).toThrow(/cannot read program file '.*none.rasp': no such file/);
  });
  it('bad header values', () => {
    expectError('# max-len: many\nx = tokens;', '1:3', "'# max-len:' must be a positive integer, found 'many'");
  });
});
