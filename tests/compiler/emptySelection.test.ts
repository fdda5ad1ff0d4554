/**
 * A query that selects no key reads the aggregate's default, 0 when the program writes none (the
 * RASP interpreter's `Support.py`), in the evaluator and in the compiled model alike. Expected values
 * are the interpreter's for the same lines with `tokens_int` and `set example [3, 1, 2]`.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.ts';
import { evaluate } from '../../src/rasp/evaluate.ts';
import { parseProgram } from '../../src/rasp/load.ts';
import type { Value } from '../../src/rasp/values.ts';
import { firstDisagreement } from '../support/differential.ts';
import { denseForward } from './denseForward.ts';

const vocab = [1, 2, 3];
const maxLen = 4;
const input: Value[] = [3, 1, 2];

function caseOf(line: string) {
  const program = parseProgram(`out = ${line};\n`, { file: 'empty.rasp' });
  return { program, vocab, maxLen, steps: [] };
}

describe('an aggregate that selects nothing, compiled and evaluated', () => {
  for (const [line, want] of [
    ['aggregate(select(indices, indices - 1, ==), tokens_int)', [0, 3, 1]],
    ['numerical(aggregate(select(indices, indices, <), tokens_int))', [0, 3, 2]],
    ['aggregate(select(indices, length, ==), tokens_int)', [0, 0, 0]],
    ['aggregate(select(indices, indices - 1, ==), tokens_int, 5)', [5, 3, 1]],
  ] as const)
    it(`${line}: ${want.join(' ')}, and the model agrees on every input`, () => {
      const c = caseOf(line);
      expect(evaluate(c.program.output, input)).toEqual(want);
      const { model } = compile(c.program, { vocab, maxLen });
      denseForward(model, input).output.forEach((v, i) => expect(Number(v)).toBeCloseTo(want[i], 6));
      const { mismatch, checked } = firstDisagreement(c);
      expect(mismatch).toBeNull();
      expect(checked).toBe(3 + 9 + 27 + 81);
    });

  it('an aggregate whose every query finds a key has no place for the default (reverse keeps its size)', () => {
    const outputValues = (line: string) => {
      const out = compile(caseOf(line).program, { vocab, maxLen }).model.config.output;
      return out.encoding === 'categorical' ? out.values : null;
    };
    expect(outputValues('aggregate(select(indices, length - indices - 1, ==), tokens_int)')).toEqual(vocab);
    expect(outputValues('aggregate(select(indices, indices - 1, ==), tokens_int)')).toEqual([0, ...vocab]);
  });
});
