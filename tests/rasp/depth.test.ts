/**
 * Deep and long programs end in a result or in one located RaspError, never in a RangeError from
 * the JS stack: genuinely nested text stops at the parser's nesting limit, flat chains (long sums,
 * long programs) run without recursing once per term.
 */
import { describe, expect, it } from 'vitest';
import { RaspError } from '../../src/rasp/errors.ts';
import { evaluateProgram } from '../../src/rasp/evaluate.ts';
import { MAX_CALL_DEPTH, MAX_ELABORATION_DEPTH, MAX_LOAD_DEPTH, MAX_SELECTOR_DEPTH } from '../../src/rasp/elaborate.ts';
import { MAX_EXPRESSION_DEPTH } from '../../src/rasp/elementwise.ts';
import { MAX_NESTING } from '../../src/rasp/parser.ts';
import { describe as describeNode } from '../../src/rasp/describe.ts';
import { parseProgram } from '../../src/rasp/load.ts';
import { printProgram } from '../../src/rasp/printer.ts';
import { inferValueSets } from '../../src/rasp/valueSets.ts';
import type { Program } from '../../src/rasp/program.ts';

const FILE = 'deep.rasp';

function program(text: string): Program {
  return parseProgram(text, { file: FILE });
}

/** The RaspError elaborating `text` raises; fails on success or on any other error (a RangeError above all). */
function raspError(text: string): RaspError {
  try {
    program(text);
  } catch (e) {
    expect(e).toBeInstanceOf(RaspError);
    return e as RaspError;
  }
  return expect.fail('expected a RaspError');
}

const TOO_DEEP = new RegExp(`^nested too deeply: more than ${MAX_NESTING} levels of .* \\(the limit\\)$`);

/** Text nested `n` levels: `open` repeated, the core, then `close` repeated. */
const nest = (n: number, open: string, core: string, close = '') => `${open.repeat(n)}${core}${close.repeat(n)}`;

describe('nesting beyond the limit is a located RaspError', () => {
  it.each([
    ['parentheses', (n: number) => `x = ${nest(n, '(', 'tokens_int', ')')};`],
    ['calls', (n: number) => `x = ${nest(n, 'numerical(', 'tokens_int', ')')};`],
    ['lists', (n: number) => `x = tokens_int; y = ${nest(n, '[', '1', ']')};`],
    ['prefix minus', (n: number) => `x = ${nest(n, '-', 'tokens_int')};`],
    ['not', (n: number) => `x = ${nest(n, 'not ', 'tokens_int')};`],
    ['conditionals', (n: number) => `x = ${'1 if tokens_int == 1 else '.repeat(n)}0;`],
    ['call chains', (n: number) => `def f(a) { return f; } x = tokens_int; y = f${'(1)'.repeat(n)};`],
    ['index chains', (n: number) => `x = tokens_int; y = [1]${'[0]'.repeat(n)};`],
    ['for loops', (n: number) => `${nest(n, 'for i in [1] { ', 'x = tokens_int;', '}')}`],
  ])('%s', (_, text) => {
    for (const n of [1515, MAX_NESTING + 1]) {
      const e = raspError(text(n));
      expect(e.detail).toMatch(TOO_DEEP);
      expect(e.loc?.file).toBe(FILE);
      expect(e.loc?.line).toBe(1);
    }
  });

  it('points at the opening that goes one level too deep', () => {
    const e = raspError(`x = ${nest(MAX_NESTING + 1, '(', 'tokens_int', ')')};`);
    expect(e.loc?.col).toBe('x = '.length + MAX_NESTING + 1);
  });
});

describe('nesting at the limit runs through every pass', () => {
  it('parentheses, calls and prefix operators', () => {
    const levels = MAX_NESTING;
    const p = program(`a = ${nest(levels, '(', 'tokens_int', ')')}; b = ${nest(levels, 'numerical(', 'a', ')')}; c = ${nest(levels, '-', 'b')} + 0;`);
    expect(evaluateProgram(p, [1, 2])).toEqual([1, 2]);
    expect(inferValueSets([p.output], { vocab: [1, 2], maxLen: 2 }).get(p.output.id)?.values).toEqual([1, 2]);
    expect(describeNode(p.output).length).toBeGreaterThan(levels);
    expect(program(printProgram(p)).output.kind).toBe('map');
  });

  it.each([
    ['conditionals', (n: number) => `x = ${'tokens_int if tokens_int == 1 else '.repeat(n)}tokens_int;`],
    ['not', (n: number) => `x = ${nest(n, 'not ', 'tokens_int == 1')};`],
    // The innermost block's list is one level more.
    ['for loops', (n: number) => nest(n - 1, 'for i in [1] { ', 'x = tokens_int + i;', '}')],
  ])('%s', (_, text) => {
    const p = program(text(MAX_NESTING));
    const values = evaluateProgram(p, [1, 2]);
    expect(inferValueSets([p.output], { vocab: [1, 2], maxLen: 2 }).get(p.output.id)?.values).toEqual(expect.arrayContaining([...new Set(values)]));
    expect(evaluateProgram(program(printProgram(p)), [1, 2])).toEqual(values);
  });
});

describe('def calls nest their bodies further, up to a limit', () => {
  /** `f0` calls `f1` … calls `f{defs-1}`, each inside `levels` nested calls of round. */
  const defChain = (defs: number, levels: number) =>
    [
      ...Array.from({ length: defs }, (_, i) => `def f${i}(x) { y = ${nest(levels, 'round(', i + 1 < defs ? `f${i + 1}(x)` : 'x', ')')}; return y; }`),
      'z = f0(tokens_int);',
    ].join('\n');

  it('past the limit: a located RaspError', () => {
    const e = raspError(defChain(MAX_CALL_DEPTH - 1, MAX_NESTING - 6));
    expect(e.detail).toBe(`nested too deeply: more than ${MAX_ELABORATION_DEPTH} levels of expressions, counted through def calls (the limit)`);
    expect(e.loc?.file).toBe(FILE);
  });

  it('just within it: a result', () => {
    // Each def adds its levels of round, the call of the next and the assignment's expression.
    const levels = Math.floor(MAX_ELABORATION_DEPTH / (MAX_CALL_DEPTH - 1)) - 1;
    expect(evaluateProgram(program(defChain(MAX_CALL_DEPTH - 1, levels)), [1, 2])).toEqual([1, 2]);
  });
});

describe('and/or/not nest in a selector up to a limit', () => {
  const SELECT = 'select(tokens_int, tokens_int, ==)';
  const TOO_DEEP_SELECTOR = `selector nested too deeply: more than ${MAX_SELECTOR_DEPTH} levels of and/or/not (the limit)`;

  it('in one expression', () => {
    const chain = (n: number) => `s = select(indices, indices, ==)${` and ${SELECT}`.repeat(n)}; x = aggregate(s, tokens_int);`;
    expect(evaluateProgram(program(chain(MAX_SELECTOR_DEPTH)), [1, 2])).toEqual([1, 2]);
    for (const n of [MAX_SELECTOR_DEPTH + 1, 3000]) {
      const e = raspError(chain(n));
      expect(e.detail).toBe(TOO_DEEP_SELECTOR);
      expect(e.loc).toEqual({ file: FILE, line: 1, col: 5 });
    }
  });

  it('over many statements', () => {
    const chain = (n: number) =>
      ['s0 = select(indices, indices, ==);', ...Array.from({ length: n }, (_, i) => `s${i + 1} = not s${i};`), `x = aggregate(s${n}, tokens_int);`].join('\n');
    expect(evaluateProgram(program(chain(MAX_SELECTOR_DEPTH)), [1, 2])).toEqual([1, 2]);
    const e = raspError(chain(MAX_SELECTOR_DEPTH + 1));
    expect(e.detail).toBe(TOO_DEEP_SELECTOR);
    expect(e.loc?.line).toBe(MAX_SELECTOR_DEPTH + 2);
  });
});

describe('files loading one another nest up to a limit', () => {
  /** main.rasp loads f0.rasp, which loads f1.rasp, … up to f{n-1}.rasp, all in memory. */
  function loadChain(n: number): Program {
    const files = new Map(Array.from({ length: n }, (_, i) => [`lib/f${i}.rasp`, i + 1 < n ? `load "f${i + 1}.rasp";\nx${i} = tokens;` : 'x = tokens;']));
    const readFile = (path: string) => {
      const text = files.get(path);
      if (text === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      return text;
    };
    return parseProgram('load "f0.rasp";\ny = tokens_int + 1;', { file: 'lib/main.rasp', readFile });
  }

  it('the main file and as many more as the limit allows', () => {
    expect(evaluateProgram(loadChain(MAX_LOAD_DEPTH - 1), [1])).toEqual([2]);
  });

  it('past the limit, and far past it: a RaspError at the load', () => {
    for (const n of [MAX_LOAD_DEPTH, 3000]) {
      let error: unknown;
      try {
        loadChain(n);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RaspError);
      const e = error as RaspError;
      expect(e.detail).toBe(
        `cannot load "f${MAX_LOAD_DEPTH - 1}.rasp": loads nested too deeply: more than ${MAX_LOAD_DEPTH} files loading one another (the limit)`,
      );
      expect(e.loc).toEqual({ file: `lib/f${MAX_LOAD_DEPTH - 2}.rasp`, line: 1, col: 1 });
    }
  });
});

describe('flat chains do not recurse once per term', () => {
  it('a sum of 2,900 terms elaborates, evaluates, prints and has a value set', () => {
    const p = program(`x = tokens_int${' + tokens_int'.repeat(2899)};`);
    expect(evaluateProgram(p, [1, 2])).toEqual([2900, 5800]);
    expect(inferValueSets([p.output], { vocab: [1, 2], maxLen: 2 }).get(p.output.id)?.values).toEqual([2900, 5800]);
    expect(program(printProgram(p)).output.kind).toBe('map');
  });

  it('long chains of comparisons, and/or and products', () => {
    expect(evaluateProgram(program(`x = tokens_int${' == tokens_int'.repeat(3000)};`), [1, 2])).toEqual([true, false]);
    expect(evaluateProgram(program(`x = tokens_int == 1${' or tokens_int == 1'.repeat(3000)};`), [1, 2])).toEqual([true, false]);
    expect(evaluateProgram(program(`x = tokens_int${' * 1'.repeat(3000)};`), [3])).toEqual([3]);
    // `^` is left-associative in RASP's grammar, so a chain of powers is flat too.
    expect(evaluateProgram(program(`x = tokens_int${' ^ 1'.repeat(3000)};`), [3])).toEqual([3]);
  });

  it(`a chain of ${MAX_EXPRESSION_DEPTH} operations runs through every pass; one more is a located RaspError`, () => {
    const p = program(`x = tokens_int${' - tokens_int'.repeat(MAX_EXPRESSION_DEPTH - 1)} + 1;`);
    expect(evaluateProgram(p, [1])).toEqual([3 - MAX_EXPRESSION_DEPTH]);
    expect(describeNode(p.output).length).toBeGreaterThan(MAX_EXPRESSION_DEPTH);
    expect(evaluateProgram(program(printProgram(p)), [1])).toEqual([3 - MAX_EXPRESSION_DEPTH]);
    const e = raspError(`y = 1; x = tokens_int${' - tokens_int'.repeat(MAX_EXPRESSION_DEPTH)} + 1;`);
    expect(e.detail).toMatch(
      new RegExp(`^expression too long: more than ${MAX_EXPRESSION_DEPTH} nested operations .* \\(the limit\\); assign parts of it to names$`),
    );
    expect(e.loc).toEqual({ file: FILE, line: 1, col: 12 });
  });

  it('a constant sum of 10,000 terms folds', () => {
    expect(evaluateProgram(program(`n = 0${' + 1'.repeat(10_000)}; x = tokens_int + n;`), [1])).toEqual([10_001]);
  });
});

/**
 * Programs far longer than anyone writes, sized so that the blow-ups these once had (each name
 * asking whether it reads the output walked the whole chain: 12 s at 10,000 lines, quadratic)
 * would run past the suite's per-test timeout many times over, while the linear passes take a
 * second or two. No assertion on time: the timeout is the only clock.
 */
describe('30,000-line programs parse, elaborate and print', () => {
  const LINES = 30_000;

  it('30,000 assignments, each reading the one before', () => {
    const lines = ['x0 = tokens_int;', ...Array.from({ length: LINES - 1 }, (_, i) => `x${i + 1} = x${i} + 1;`)];
    const p = program(lines.join('\n'));
    expect(p.named.size).toBe(LINES);
    expect(evaluateProgram(p, [1])).toEqual([LINES]);
    expect(evaluateProgram(program(printProgram(p)), [1])).toEqual([LINES]);
  });

  it('10,000 defs (what the size ceiling lets a file hold)', () => {
    const DEFS = 10_000;
    const lines = [...Array.from({ length: DEFS }, (_, i) => `def f${i}(a) { return a + ${i}; }`), `x = f${DEFS - 1}(tokens_int);`];
    expect(evaluateProgram(program(lines.join('\n')), [1])).toEqual([DEFS]);
  });
});
