/**
 * Parsing and elaboration of `.rasp` text into RASP graphs.
 */
import { describe, expect, it } from 'vitest';
import { isSelector, type MapNode, type RaspNode, type SelectNode } from '../../src/rasp/ast.ts';
import { evaluateProgram, evaluateSelector } from '../../src/rasp/evaluate.ts';
import { parseProgram } from '../../src/rasp/load.ts';
import { parse } from '../../src/rasp/parser.ts';
import { tokenize } from '../../src/rasp/lexer.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { Expr } from '../../src/rasp/syntax.ts';

const parseText = (text: string, output?: string): Program => parseProgram(text, { file: 'test.rasp', output });
const node = (p: Program, name: string): RaspNode => {
  const n = p.named.get(name);
  if (!n) throw new Error(`no node ${name}`);
  return n;
};
const run = (text: string, input: (string | number)[], output?: string) => evaluateProgram(parseText(text, output), input);

describe('lexer', () => {
  it('reads numbers, strings with escapes, names, keywords and operators with positions, skipping comments', () => {
    const toks = tokenize('x = 1.5e2 # comment\n  "a\\"b" \'c\' <= True;');
    expect(toks.map((t) => [t.kind, t.text, t.line, t.col])).toEqual([
      ['name', 'x', 1, 1],
      ['op', '=', 1, 3],
      ['number', '1.5e2', 1, 5],
      ['string', 'a"b', 2, 3],
      ['string', 'c', 2, 10],
      ['op', '<=', 2, 14],
      ['keyword', 'True', 2, 17],
      ['op', ';', 2, 21],
      ['eof', '', 2, 22],
    ]);
  });
});

describe('parser', () => {
  it('groups operators as RASP.g4 does (the table in parser.ts), loosest first', () => {
    const tree = parse('x = -2 ^ 2 * 3 % 4 + 1 < 4 and not a or b if c else d in e;', 'f.rasp');
    const s = tree.statements[0];
    if (s.kind !== 'assign') throw new Error('expected an assignment');
    const show = (e: Expr): string => {
      switch (e.kind) {
        case 'number':
          return String(e.value);
        case 'name':
          return e.name;
        case 'unary':
          return `(${e.op} ${show(e.arg)})`;
        case 'binary':
          return `(${show(e.left)} ${e.op} ${show(e.right)})`;
        case 'cond':
          return `(${show(e.then)} if ${show(e.test)} else ${show(e.else)})`;
        default:
          return e.kind;
      }
    };
    expect(show(s.values[0])).toBe('((((((((((- 2) ^ 2) * 3) % 4) + 1) < 4) and (not a)) or b) if c else d) in e)');
  });

  // Each level against the RASP interpreter: `set example "abcaaba"`, then the same line there.
  const word = 'a b c a a b a'.split(' ');
  const T = true;
  const F = false;
  it.each([
    ['1: in is loosest, below if/else', '1 if indices > 1 else 0 in [1]', [F, F, T, T, T, T, T]],
    ['1: in below comparisons', 'indices == 1 in [True]', [F, T, F, F, F, F, F]],
    ['1: in below arithmetic', 'indices + 1 in [1, 2]', [T, T, F, F, F, F, F]],
    ['2: if/else is left-associative', '1 if indices == 0 else 2 if indices == 1 else 3', [3, 2, 3, 3, 3, 3, 3]],
    ['2: if/else below arithmetic', 'indices - 1 if indices > 2 else indices + 10', [10, 11, 12, 2, 3, 4, 5]],
    ['3: and and or are one level, left to right', 'indices == 1 or indices == 2 and indices == 3', [F, F, F, F, F, F, F]],
    ['3: and between s-ops gives booleans', 'indices and 1', [F, T, T, T, T, T, T]],
    ['3: or between s-ops gives booleans', 'tokens or False', [T, T, T, T, T, T, T]],
    ['4: comparisons chain left to right', 'indices < 3 == 1', [T, T, T, F, F, F, F]],
    ['5: + - below %', '10 - indices % 3', [10, 9, 8, 10, 9, 8, 10]],
    ['6: % below * /', 'indices % 3 * 2', [0, 1, 2, 3, 4, 5, 0]],
    ['6: * before % on its left', 'indices * 2 % 4', [0, 2, 0, 2, 0, 2, 0]],
    ['7: * below ^', '2 * indices ^ 2', [0, 2, 8, 18, 32, 50, 72]],
    ['8: ^ is left-associative', '2 ^ indices ^ 2', [1, 4, 16, 64, 256, 1024, 4096]],
    ['9: not binds tighter than ==', 'not tokens == "a"', [F, F, F, F, F, F, F]],
    ['9: not binds tighter than == (numbers)', 'not indices == 0', [F, T, T, T, T, T, T]],
    ['9: - binds tighter than ^', '-indices ^ 2', [0, 1, 4, 9, 16, 25, 36]],
    ['9: - binds tighter than +', '-indices + 1', [1, 0, -1, -2, -3, -4, -5]],
    ['9: not of numbers', 'not indices', [T, F, F, F, F, F, F]],
    ['5: - is left-associative', 'indices - 1 - 1', [-2, -1, 0, 1, 2, 3, 4]],
  ] as const)('level %s: %s', (_, line, want) => {
    expect(run(`out = ${line};`, word)).toEqual(want);
  });

  it("and/or of two constants are Python's: an operand", () => {
    expect(run('n = 0 or 5; out = indices + n;', ['a'])).toEqual([5]);
    expect(run('n = 2 and 3; out = indices + n;', ['a'])).toEqual([3]);
  });
});

describe('elaboration', () => {
  it('builds one map over the distinct s-op leaves for an operator chain', () => {
    const p = parseText('opp = length - indices - 1;');
    const m = node(p, 'opp') as MapNode;
    expect(m.kind).toBe('map');
    expect(m.inputs.map((i) => i.kind)).toEqual(['length', 'indices']);
    expect(m.fn).toEqual({
      kind: 'expr',
      arity: 2,
      body: {
        op: 'binary',
        fn: '-',
        left: { op: 'binary', fn: '-', left: { op: 'param', index: 0 }, right: { op: 'param', index: 1 } },
        right: { op: 'const', value: 1 },
      },
    });
    expect(m.name).toBe('opp');
    expect(m.loc).toEqual({ file: 'test.rasp', line: 1, col: 7 });
  });

  it('uses each s-op leaf once, however often it appears', () => {
    const m = node(parseText('y = tokens_int * tokens_int + indices - tokens_int;'), 'y') as MapNode;
    expect(m.inputs.map((i) => i.kind)).toEqual(['tokens', 'indices']);
    expect(evaluateProgram(parseText('y = tokens_int * tokens_int + indices - tokens_int;'), [3, 1])).toEqual([6, 1]);
  });

  it('folds operators on constants with Python semantics', () => {
    const p = parseText('a = 7 % -3; b = 2 ^ 10; c = "ab" + "c"; d = 1 if 0 else 2; e = 3 in [1, 3]; f = [5, 6][-1]; out = tokens_int + a + b;');
    expect(evaluateProgram(p, [0])).toEqual([-2 + 1024]);
    expect(run('c = "ab" + "c"; out = tokens + c;', ['x'])).toEqual(['xabc']);
    expect(run('out = tokens_int + (1 if 0 else 2) + (3 in [1, 3]) + [5, 6][-1] + 7 / 2;', [0])).toEqual([2 + 1 + 6 + 3.5]);
  });

  it('materialises a map when assigned; a named map used later is its input, not inlined', () => {
    const p = parseText('a = tokens + 1; b = a * 2;');
    const b = node(p, 'b') as MapNode;
    expect(b.inputs).toHaveLength(1);
    expect(b.inputs[0]).toBe(node(p, 'a'));
  });

  it('turns constants into s-ops where one is needed', () => {
    const p = parseText('s = select(1, 1, ==); out = aggregate(s, 1, 0);');
    const s = node(p, 's') as SelectNode;
    expect(s.keys.kind).toBe('const');
    expect(evaluateProgram(p, ['a', 'b'])).toEqual([1, 1]);
  });

  it('accepts True/False as the predicate of always-true and always-false selectors', () => {
    const p = parseText('t = select(tokens, tokens, True); f = select(tokens, tokens, False); out = selector_width(t) + selector_width(f);');
    expect((node(p, 't') as SelectNode).predicate).toBe('TRUE');
    expect((node(p, 'f') as SelectNode).predicate).toBe('FALSE');
    expect(evaluateProgram(p, ['a', 'b', 'c'])).toEqual([3, 3, 3]);
  });

  it('combines selectors with and/or/not, and s-ops element-wise', () => {
    const p = parseText(
      'a = select(indices, indices, <=) and not select(indices, indices, ==); b = a or select(indices, 0, ==); out = (tokens == "x") and not (indices == 0);',
    );
    expect(node(p, 'a').kind).toBe('selectAnd');
    expect(node(p, 'b').kind).toBe('selectOr');
    expect(isSelector(node(p, 'b'))).toBe(true);
    expect(evaluateSelector(node(p, 'a') as never, [1, 2])).toEqual([
      [false, false],
      [true, false],
    ]);
    expect(evaluateProgram(p, ['x', 'x', 'y'])).toEqual([false, true, false]);
  });

  it('builds a conditional map, and folds a conditional with a constant test', () => {
    expect(run('out = tokens if indices > 0 else "-";', ['a', 'b'])).toEqual(['-', 'b']);
    const p = parseText('flag = 1; out = tokens if flag else indices;');
    expect(p.output.kind).toBe('tokens');
  });

  it("reads a conditional as a comprehension's iterable, as RASP.g4 does (an `if` with no `else` is our filter)", () => {
    // Interpreter: `d = {x: 10 * x for x in [1] if False else range(3)};` printed {0: 0, 1: 10, 2: 20};
    // `l = [x + 1 for x in [5, 6] if 1 else [7]];` printed [6, 7]. Found by the differential test.
    expect(run('d = {x: 10 * x for x in [1] if False else range(3)}; out = d[indices];', ['a', 'b', 'c'])).toEqual([0, 10, 20]);
    expect(run('out = [x + 1 for x in [5, 6] if 1 else [7]][indices % 2];', ['a', 'b', 'c'])).toEqual([6, 7, 6]);
    expect(run('out = tokens_int in [x for x in [5, 6] if 0 else [7, 8] if x > 7];', [7, 8])).toEqual([false, true]);
  });

  it('supports in, indexing a constant list by an s-op, list comprehensions and range', () => {
    expect(run('out = tokens_int in [x * 2 for x in range(3) if x != 1];', [0, 1, 4])).toEqual([true, false, true]);
    expect(run('out = [10, 20, 30][indices];', ['a', 'b', 'c'])).toEqual([10, 20, 30]);
    expect(run('out = tokens_int not in range(1, 3);', [1, 3])).toEqual([false, true]);
  });

  it('round, indicator, abs and numerical/categorical annotations', () => {
    const p = parseText('a = numerical(indicator(tokens == "a")); b = categorical(round(abs(indices - 1.6)));');
    expect(node(p, 'a').encoding).toBe('numerical');
    expect(node(p, 'b').encoding).toBe('categorical');
    expect(evaluateProgram(p, ['a', 'b', 'c'])).toEqual([2, 1, 0]);
    expect(evaluateProgram(parseText('a = numerical(indicator(tokens == "a")); out = a;'), ['a', 'b'])).toEqual([1, 0]);
  });

  it('names a node on top-level assignment and makes an alias when the node already has a name', () => {
    const p = parseText('a = tokens + 1; b = a; c = indices;');
    expect(node(p, 'b')).toBe(node(p, 'a'));
    expect(node(p, 'b').name).toBe('a');
    expect(node(p, 'c').kind).toBe('indices');
    expect([...p.named.keys()]).toEqual(['a', 'b', 'c']);
    expect(p.output).toBe(node(p, 'c'));
  });

  it('outputs the last assigned s-op (not a selector), or the one named by output', () => {
    const text = 'a = tokens + 1; b = indices * 2; s = select(a, b, ==); n = 3;';
    const p = parseText(text);
    expect(p.output).toBe(node(p, 'b'));
    const q = parseText(text, 'a');
    expect(q.output).toBe(node(q, 'a'));
  });

  it('defs: closures over the global scope, names resolved when called, tuples, shadowing built-ins', () => {
    const text = [
      'def shifted(seq, n) { back = select(indices, indices - n, ==); return aggregate(back, seq, 0); }',
      'def pair(x) { return x + 1, x * 2; }',
      'def uses_later() { return later + 1; }',
      'def broken() { return nowhere; }',
      'later = indices;',
      'one, two = pair(tokens_int);',
      'def selector_width(s) { return 42 + 0 * indices; }',
      'w = selector_width(select(tokens_int, tokens_int, ==));',
      'l = uses_later();',
      'out = shifted(tokens_int, 1) + one + two + w + l;',
    ].join('\n');
    expect(run(text, [1, 2, 3])).toEqual([0 + 2 + 2 + 42 + 1, 1 + 3 + 4 + 42 + 2, 2 + 4 + 6 + 42 + 3]);
  });

  it('for loops repeat their body over a constant list', () => {
    expect(run('acc = indices; for k in [1, 2, 3] { acc = acc + k; } out = acc;', ['a', 'b'])).toEqual([6, 7]);
  });

  it('evaluates expression statements and ignores their value', () => {
    const p = parseText('a = tokens; tokens + 1; select(a, a, ==);');
    expect([...p.named.keys()]).toEqual(['a']);
  });

  it('reads vocab and max-len from the leading comment block', () => {
    const p = parseText('# my program\n# vocab: 1 2 3\n\n# max-len: 8\nout = tokens;\n# vocab: a\n');
    expect(p.vocab).toEqual([1, 2, 3]);
    expect(p.maxLen).toBe(8);
    expect(parseText('# vocab: a b 1\nout = tokens;').vocab).toEqual(['a', 'b', '1']);
    const bare = parseText('out = tokens;');
    expect(bare.vocab).toBeUndefined();
    expect(bare.maxLen).toBeUndefined();
    expect(bare.source).toBe('out = tokens;');
    expect(bare.file).toBe('test.rasp');
    expect(bare.name).toBe('test');
  });

  it('loads other files relative to the loading file, in the same global scope', () => {
    const files: Record<string, string> = {
      'lib/a.rasp': 'load "b.rasp";\ndef inc(x) { return x + step; }',
      'lib/b.rasp': 'step = 10;\nbase = indices;',
    };
    const readFile = (path: string) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      return text;
    };
    const p = parseProgram('load "lib/a.rasp";\nout = inc(tokens_int);', { file: 'main.rasp', readFile });
    expect(evaluateProgram(p, [1, 2])).toEqual([11, 12]);
    // The main file's last s-op is the output, not the loaded file's.
    const q = parseProgram('load "lib/a.rasp";\nout = inc(tokens);\ns = select(tokens, tokens, ==);', { file: 'main.rasp', readFile });
    expect(q.output.name).toBe('out');
  });
});
