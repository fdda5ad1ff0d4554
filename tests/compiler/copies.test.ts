/**
 * compile holds a categorical aggregate of numbers it finds averaging (as the evaluator does, after
 * the RASP interpreter) as a numerical aggregate, a mean head over every mean; it refuses one of
 * other values, naming the input; numerical(...) compiles the mean, and an aggregate whose selected
 * keys always agree (max) compiles as before.
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
import { firstDisagreement } from '../support/differential.ts';
import { denseForward } from './denseForward.ts';

const task = { vocab: ['a', 'b'], maxLen: 3 };
const rounded = (vs: readonly unknown[]) => vs.map((v) => Math.round(Number(v) * 1000) / 1000);

describe('categorical aggregates that average', () => {
  it('of numbers compile as a mean, as RASP averages', () => {
    const p = parseProgram('m = aggregate(select(indices, indices, <=), indices);', { file: 'avg.rasp' });
    const { model } = compile(p, task);
    // the interpreter: aggregate(select(indices, indices, <=), indices) on "aba" is [0, 0.5, 1]
    expect(evaluate(p.output, ['a', 'b', 'a'])).toEqual([0, 0.5, 1]);
    expect(rounded(denseForward(model, ['a', 'b', 'a']).output)).toEqual([0, 0.5, 1]);
  });
  it('of numbers compile with what reads the mean: maps and selects over every mean', () => {
    // long_addition.rasp's start: where the '+' is, averaged over every '+' of the input.
    const p = parseProgram(
      [
        'at = aggregate(select(tokens, "+", ==), indices);',
        'after = indices > at;',
        'shift = length - at;',
        'm = selector_width(select(indices, at, <));',
      ].join('\n'),
      { file: 'plus.rasp' },
    );
    // two '+' at 1 and 2: at is 1.5 everywhere
    expect(evaluate(p.named.get('at') as never, ['1', '+', '+', '1'])).toEqual([1.5, 1.5, 1.5, 1.5]);
    for (const name of ['at', 'after', 'shift', 'm']) {
      const { mismatch, checked } = firstDisagreement({ program: { ...p, output: p.named.get(name) as never, name }, vocab: ['1', '+'], maxLen: 4 });
      expect([name, mismatch, checked]).toEqual([name, null, 30]);
    }
  });
  it('of other values are refused in one line naming the aggregate, the input and the keys', () => {
    const p = parseProgram('x = True if indices == 0 else indices;\nm = aggregate(select(indices, indices, <=), x);', { file: 'avg.rasp' });
    expect(() => compile(p, task)).toThrow(
      /^avg\.rasp:2:5: cannot compile 'm' as a categorical aggregate: on input a a a query position 2 averages True \(key 0\), 1 \(key 1\), 2 \(key 2\)/,
    );
  });
  it('compile as a mean when stated numerical', () => {
    const p = parseProgram('m = numerical(aggregate(select(indices, indices, <=), indices));', { file: 'avg.rasp' });
    const { model } = compile(p, task);
    expect(evaluate(p.output, ['a', 'b', 'a'])).toEqual([0, 0.5, 1]);
    expect(rounded(denseForward(model, ['a', 'b', 'a']).output)).toEqual([0, 0.5, 1]);
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
  /** The names of the aggregates it found averaging. */
  const averaging = (p: ReturnType<typeof parseProgram>, t: { vocab: readonly Value[]; maxLen: number }) => {
    const graph = buildGraph(p);
    return checkCopies(graph, inferSpaces(graph, t), t).averaged.map((i) => graph.nodes[i].name);
  };
  it('decides every library program without running an input', () => {
    for (const name of libraryPrograms()) {
      const p = loadProgram(join(LIBRARY_DIR, `${name}.rasp`));
      expect([name, ran(p, { vocab: p.vocab!, maxLen: 6 })]).toEqual([name, { runs: 0, averaged: [] }]);
    }
  });
  it('runs the inputs where it cannot prove one value, and finds the averaging', () => {
    const p = parseProgram('n = tokens_int + indices;\nm = aggregate(select(n, 2, <=), indices);', { file: 'sum.rasp' });
    // on input 1 1 query position 0 averages 0 (key 0), 1 (key 1): the first input of length 2
    expect(ran(p, { vocab: [1, 2], maxLen: 3 }).runs).toBe(3);
    expect(averaging(p, { vocab: [1, 2], maxLen: 3 })).toEqual(['m']);
  });
  it('proves nothing from a width that does not grow with an order (a histogram)', () => {
    const p = parseProgram('hist = selector_width(select(tokens, tokens, ==));\nm = aggregate(select(hist, hist, ==), indices);', { file: 'h.rasp' });
    expect(averaging(p, task)).toEqual(['m']);
  });
  it('proves nothing from a map that forgets its argument', () => {
    const p = parseProgram('late = indices > 0;\nm = aggregate(select(late, late, ==), indices);', { file: 'l.rasp' });
    expect(averaging(p, task)).toEqual(['m']);
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
    expect(ran(p, { vocab: ['a', 'b'], maxLen: 5 })).toEqual({ runs: 0, averaged: [] });
  });
});
