/**
 * Python's int/float distinction, as the RASP interpreter has it: a float indexes no list, bounds no
 * range and repeats no string, even a whole one (`4 / 2`, `2.0`). Expected values and refusals are
 * the interpreter's (tech-srl/RASP, each statement run in its REPL after `set example [1, 2, 3]`):
 * "error" where it raised `list indices must be integers or slices, not float` on that input.
 */
import { describe, expect, it } from 'vitest';
import { isSOp } from '../../src/rasp/ast.ts';
import { RaspError } from '../../src/rasp/errors.ts';
import { Evaluator } from '../../src/rasp/evaluate.ts';
import { parseProgram } from '../../src/rasp/load.ts';
import { printProgram } from '../../src/rasp/printer.ts';

const PROGRAM = `halves = tokens_int / 2;
whole = [10, 20, 30, 40, 50][halves * 2];
int_index = [10, 20, 30, 40, 50][round(halves * 2)];
mean = aggregate(select(indices, indices, <=), indices * 2);
by_mean = [7, 8, 9, 10, 11][mean];
one_key = aggregate(select(indices, 0, ==), indices);
by_one = [7, 8, 9][one_key];
by_f = [5, 6, 7, 8][tokens_float];
by_pow = [5, 6, 7, 8][tokens_int ^ 1];
by_negpow = [5, 6, 7, 8][tokens_int ^ -1];
by_default = [5, 6][aggregate(select(indices, indices, <), tokens_int, 1.0)];
by_neg = [5, 6][-(tokens_int / 1)];
by_cond = [5, 6, 7][1.0 if tokens_int == 1 else 2];
rep = tokens_str + "ab" * (tokens_int / 1);
`;

const program = parseProgram(PROGRAM, { file: 'floats.rasp' });
const node = (name: string) => {
  const n = program.named.get(name);
  if (!n || !isSOp(n)) throw new Error(`no s-op ${name}`);
  return n;
};
/** The values as the interpreter prints them (a whole float with its point), or "error". */
const run = (name: string, input: number[]): string[] | 'error' => {
  const ev = new Evaluator(input);
  try {
    const values = ev.sop(node(name));
    const floats = ev.floats(node(name));
    return values.map((v, i) => (typeof v === 'number' && Number.isInteger(v) && floats?.[i] ? `${v}.0` : String(v)));
  } catch (e) {
    if (e instanceof RaspError) return 'error';
    throw e;
  }
};

describe('Python floats, as the interpreter has them', () => {
  it.each([
    ['halves', [2, 4], ['1.0', '2.0']],
    ['whole', [1, 2], 'error'],
    ['int_index', [1, 2], ['20', '30']],
    ['mean', [1, 2, 3], ['0', '1.0', '2.0']],
    ['by_mean', [5], ['7']],
    ['by_mean', [5, 5], 'error'],
    ['by_one', [1, 2, 3], ['7', '7', '7']],
    ['by_f', [1], 'error'],
    ['by_pow', [1, 3], ['6', '8']],
    ['by_negpow', [1], 'error'],
    ['by_default', [1], 'error'],
    ['by_neg', [1], 'error'],
    ['by_cond', [1], 'error'],
    ['by_cond', [2], ['7']],
    ['rep', [1], 'error'],
  ] as const)('%s on %j', (name, input, want) => {
    expect(run(name, [...input])).toEqual(want);
  });

  it.each([
    ['c1 = [1, 2][4 / 4];', /index into a list must be an integer or an s-op, found 1\.0/],
    ['c2 = range(4 / 2);', /range needs constant integers, found 2\.0/],
    ['c4 = "ab" * 2.0;', /can't multiply a string by the float 2\.0/],
    ['c5 = tokens[1.0];', /index into an s-op must be a constant integer, found 1\.0/],
    ['c6 = [1, 2][1.0 - 0.5 * 2 + 1];', /found 1\.0/],
  ])('refuses %s, as the interpreter does', (line, message) => {
    expect(() => parseProgram(`${line}\nout = tokens;\n`, { file: 'c.rasp' })).toThrow(message);
  });

  it.each([
    ['c3 = [x for x in range(True)];\nout = c3[0] + indices;', ['0', '1']],
    ['c7 = [1, 2][round(1.0)];\nout = c7 + indices;', ['2', '3']],
    ['out = indices + [5, 6][2 ^ 0];', ['6', '7']],
  ])('%s reads an int, as the interpreter does', (text, want) => {
    const p = parseProgram(text, { file: 'c.rasp' });
    expect(new Evaluator([1, 2]).sop(p.output).map(String)).toEqual(want);
  });

  it('prints a float constant back with its point, so the printed program refuses what the original refuses', () => {
    const p = parseProgram('out = [5, 6, 7][indices + 1.0];', { file: 'c.rasp' });
    const printed = printProgram(p);
    expect(printed).toContain('1.0');
    expect(() => new Evaluator([1]).sop(parseProgram(printed, { file: 'p.rasp' }).output)).toThrow(/float 1\.0/);
  });

  it('a name later given a constant is no longer offered as an s-op to output', () => {
    expect(() => parseProgram('out = tokens;\nout = "a";\n', { file: 'c.rasp', output: 'out' })).toThrow(/no s-op named 'out'/);
    expect(() => parseProgram('out = tokens;\nout = "a";\n', { file: 'c.rasp' })).toThrow(/assigns no s-op/);
  });
});
