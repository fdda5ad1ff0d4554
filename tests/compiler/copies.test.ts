/**
 * compile refuses a categorical aggregate it finds averaging different numbers (as the evaluator
 * does, after the RASP interpreter), naming the input; numerical(...) compiles the mean, and an
 * aggregate whose selected keys always agree (max) compiles as before.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIBRARY_DIR, libraryPrograms } from '../../cli/resolveProgram.ts';
import { checkCopies } from '../../compiler/copies.ts';
import { buildGraph } from '../../compiler/graph.ts';
import { inferSpaces } from '../../compiler/spaces.ts';
import { compile } from '../../compiler/index.ts';
import { evaluate } from '../../src/rasp/evaluate.ts';
import { loadProgram, parseProgram } from '../../src/rasp/load.ts';
import type { Value } from '../../src/rasp/values.ts';
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

describe('the structural proof that a categorical aggregate copies one value', () => {
  const ran = (p: ReturnType<typeof parseProgram>, t: { vocab: readonly Value[]; maxLen: number }) => {
    const graph = buildGraph(p);
    return checkCopies(graph, inferSpaces(graph, t), t);
  };
  it('decides every library program without running an input', () => {
    for (const name of libraryPrograms()) {
      const p = loadProgram(join(LIBRARY_DIR, `${name}.rasp`));
      expect([name, ran(p, { vocab: p.vocab!, maxLen: 6 })]).toEqual([name, 0]);
    }
  });
  it('runs the inputs where it cannot prove one value, and keeps their refusal', () => {
    const p = parseProgram('n = tokens_int + indices;\nm = aggregate(select(n, 2, <=), indices);', { file: 'sum.rasp' });
    expect(() => ran(p, { vocab: [1, 2], maxLen: 3 })).toThrow(/on input 1 1 query position 0 averages 0 \(key 0\), 1 \(key 1\)/);
  });
  it('proves nothing from a width that does not grow with an order (a histogram)', () => {
    const p = parseProgram('hist = selector_width(select(tokens, tokens, ==));\nm = aggregate(select(hist, hist, ==), indices);', { file: 'h.rasp' });
    expect(() => compile(p, task)).toThrow(/on input a a query position 0 averages 0 \(key 0\), 1 \(key 1\)/);
  });
  it('proves nothing from a map that forgets its argument', () => {
    const p = parseProgram('late = indices > 0;\nm = aggregate(select(late, late, ==), indices);', { file: 'l.rasp' });
    expect(() => compile(p, task)).toThrow(/on input a a a query position 1 averages 1 \(key 1\), 2 \(key 2\)/);
  });
  it('proves one value where a width grows with an order within the classes of an agreed s-op', () => {
    const p = parseProgram(
      [
        'same = select(tokens, tokens, ==);',
        'later = selector_width(same and select(indices, indices, >));',
        'm = aggregate(same and select(later, 0, ==), indices);',
      ].join('\n'),
      { file: 'last.rasp' },
    );
    expect(ran(p, { vocab: ['a', 'b'], maxLen: 5 })).toBe(0);
  });
});
