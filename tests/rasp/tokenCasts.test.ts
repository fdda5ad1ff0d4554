/**
 * RASP's typed input built-ins, each expected value the interpreter's (tech-srl/RASP) for the same
 * line on the same example: `set example [0, 1, 2, 10]` is the input rasplab reads from a numeric
 * vocabulary, `set example "0120"` the one it reads from a vocabulary of strings.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.ts';
import { evaluateProgram } from '../../src/rasp/evaluate.ts';
import { enumerateInputs } from '../../src/rasp/inputs.ts';
import { parseProgram } from '../../src/rasp/load.ts';
import { numerical, tokens } from '../../src/rasp/builder.ts';
import { printProgram } from '../../src/rasp/printer.ts';
import { castToken } from '../../src/rasp/tokenCasts.ts';
import type { Value } from '../../src/rasp/values.ts';
import { denseForward } from '../compiler/denseForward.ts';

const run = (line: string, input: Value[]) => evaluateProgram(parseProgram(`out = ${line};`, { file: 'p.rasp' }), input);
const T = true;
const F = false;

describe('tokens_str, tokens_int, tokens_float, tokens_bool, tokens_asis and tokens, as the interpreter reads them', () => {
  it.each([
    ['tokens_str', ['0', '1', '2', '10']],
    ['tokens_int + 1', [1, 2, 3, 11]],
    ['tokens_float / 4', [0, 0.25, 0.5, 2.5]],
    ['tokens_bool', [F, T, T, T]],
    ['tokens_asis', [0, 1, 2, 10]],
    ['tokens', ['0', '1', '2', '10']],
    ['tokens == "0"', [T, F, F, F]],
  ])('%s on [0, 1, 2, 10]', (line, want) => {
    expect(run(line, [0, 1, 2, 10])).toEqual(want);
  });

  it.each([
    ['tokens_str', ['0', '1', '2', '0']],
    ['tokens_int + 1', [1, 2, 3, 1]],
    ['tokens_float / 4', [0, 0.25, 0.5, 0]],
    // bool('0') is True: a non-empty string.
    ['tokens_bool', [T, T, T, T]],
    ['tokens_asis', ['0', '1', '2', '0']],
    ['tokens == "0"', [T, F, F, T]],
  ])('%s on "0120"', (line, want) => {
    expect(run(line, ['0', '1', '2', '0'])).toEqual(want);
  });

  it('booleans and fractions: str, bool and int of [True, False, 1.5]', () => {
    expect(run('tokens_str', [T, F, 1.5])).toEqual(['True', 'False', '1.5']);
    expect(run('tokens_bool', [T, F, 1.5])).toEqual([T, F, T]);
    expect(run('tokens_int', [T, F, 1.5])).toEqual([1, 0, 1]);
  });

  it("tokens may be given another meaning, as the interpreter's REPL gives it tokens_str", () => {
    // Interpreter, `tokens = tokens_int;` then `out = tokens + 1;` on [1, 2]: [2, 3] (ints).
    expect(evaluateProgram(parseProgram('tokens = tokens_int;\nout = tokens + 1;', { file: 'p.rasp' }), [1, 2])).toEqual([2, 3]);
  });

  it('a token int() cannot read is refused, naming the built-in, the position and the token', () => {
    // Interpreter: "invalid literal for int() with base 10: 'a'".
    expect(() => run('tokens_int', ['a', 'b'])).toThrow(/tokens_int at position 0: invalid literal for int\(\): 'a'/);
    expect(() => run('tokens_float', ['1', 'x'])).toThrow(/tokens_float at position 1: could not convert string to float: 'x'/);
  });

  it("Python's int() and float() of strings", () => {
    const read = (cast: 'int' | 'float', s: string) => {
      const r = castToken(cast, s);
      return 'value' in r ? r.value : null;
    };
    expect(['3', ' -3 ', '1_000', '3.5', '', 'a', '1e3'].map((s) => read('int', s))).toEqual([3, -3, 1000, null, null, null, null]);
    expect(['3', '.5', '5.', '1e3', '-inf', 'nan', 'e5', '.', ''].map((s) => read('float', s))).toEqual([3, 0.5, 5, 1000, -Infinity, NaN, null, null, null]);
  });

  it('a model compiled from tokens (strings) over a numeric vocabulary embeds each token as read', () => {
    const program = parseProgram('out = aggregate(select(indices, indices - 1, ==), tokens, "-");', { file: 'p.rasp' });
    const vocab = [0, 1, 2];
    const { model } = compile(program, { vocab, maxLen: 3 });
    expect(model.config.output).toMatchObject({ encoding: 'categorical' });
    for (const input of enumerateInputs(vocab, 1, 3)) expect(denseForward(model, input).output).toEqual(evaluateProgram(program, input));
    expect(evaluateProgram(program, [2, 0, 1])).toEqual(['-', '2', '0']);
  });

  it('compile refuses a program that reads its input two ways', () => {
    const program = parseProgram('out = tokens_int + (tokens == "1");', { file: 'p.rasp' });
    expect(() => compile(program, { vocab: [0, 1], maxLen: 2 })).toThrow(/reads its input in 2 ways \(tokens_int, tokens_str\)/);
  });
});

describe('printing the input built-ins', () => {
  it('each prints as the built-in it is and parses back to it, the builder’s tokens (the input as it is) as tokens_asis', () => {
    for (const line of ['tokens', 'tokens_int + 1', 'tokens_float', 'tokens_bool', 'tokens_asis', 'numerical(tokens_int)']) {
      const p = parseProgram(`out = ${line};`, { file: 'p.rasp' });
      const back = parseProgram(printProgram(p), { file: 'q.rasp' });
      expect(evaluateProgram(back, [0, 1, 2]), line).toEqual(evaluateProgram(p, [0, 1, 2]));
    }
    const asis = printProgram({ name: 'p', output: numerical(tokens), named: new Map() });
    expect(asis).toContain('numerical(tokens_asis)');
    expect(evaluateProgram(parseProgram(asis, { file: 'q.rasp' }), [0, 1])).toEqual([0, 1]);
  });
});
