/**
 * compile refuses a categorical aggregate it finds averaging different numbers (as the evaluator
 * does, after the RASP interpreter), naming the input; numerical(...) compiles the mean, and an
 * aggregate whose selected keys always agree (max) compiles as before.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIBRARY_DIR } from '../../cli/resolveProgram.ts';
import { compile } from '../../compiler/index.ts';
import { evaluate } from '../../src/rasp/evaluate.ts';
import { loadProgram, parseProgram } from '../../src/rasp/load.ts';
import { denseForward } from './denseForward.ts';

const task = { vocab: ['a', 'b'], maxLen: 3 };

describe('categorical aggregates that average', () => {
  it('are refused in one line naming the aggregate, the input and the keys', () => {
    const p = parseProgram('m = aggregate(select(indices, indices, <=), indices);', { file: 'avg.rasp' });
    expect(() => compile(p, task)).toThrow(
      /^avg\.rasp:1:5: cannot compile 'm' as a categorical aggregate: on input a a query position 1 averages 0 \(key 0\), 1 \(key 1\)/,
    );
  });
  it('compile as a mean when stated numerical', () => {
    const p = parseProgram('m = numerical(aggregate(select(indices, indices, <=), indices));', { file: 'avg.rasp' });
    const { model } = compile(p, task);
    // the interpreter: aggregate(select(indices, indices, <=), indices) on "aba" is [0, 0.5, 1]
    expect(evaluate(p.output, ['a', 'b', 'a'])).toEqual([0, 0.5, 1]);
    expect(denseForward(model, ['a', 'b', 'a']).output.map((v) => Math.round(Number(v) * 1000) / 1000)).toEqual([0, 0.5, 1]);
  });
  it('are not refused where the selected keys always agree', () => {
    const p = loadProgram(join(LIBRARY_DIR, 'max.rasp'));
    expect(() => compile(p, { vocab: p.vocab!, maxLen: 4 })).not.toThrow();
  });
});
