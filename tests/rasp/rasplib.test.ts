/**
 * fixtures/rasplib.rasp, rasplab's standard library in RASP: it parses, loads from another file,
 * and each function computes what RASP's own library means it to on worked examples.
 */
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateProgram } from '../../src/rasp/evaluate.ts';
import { loadProgram, parseProgram } from '../../src/rasp/load.ts';
import type { MaybeValue, Value } from '../../src/rasp/values.ts';

const LIB = join(import.meta.dirname, '../../fixtures/rasplib.rasp');
// A program beside the library: `load` reads only in the loading program's folder.
const MAIN = join(dirname(LIB), 'main.rasp');

/** Evaluates `expr` (after loading the library) on `input`. */
function withLib(expr: string, input: Value[]): MaybeValue[] {
  const p = parseProgram(`load "rasplib.rasp";\nout = ${expr};\n`, { file: MAIN });
  return evaluateProgram(p, input);
}

const chars = (s: string) => s.split('');

describe('rasplib.rasp', () => {
  it('parses on its own, its only s-op being tokens', () => {
    const p = loadProgram(LIB);
    expect(p.output.kind).toBe('tokens');
    expect(p.named.has('full_s')).toBe(true);
  });

  it('selector_width, rebuilt from aggregate, counts selected keys (position 0 selected or not)', () => {
    expect(withLib('selector_width(select(tokens, tokens, ==))', chars('abaca'))).toEqual([3, 1, 3, 1, 3]);
    // Keys before the query: query q selects keys 0..q-1.
    expect(withLib('selector_width(select(indices, indices, <))', chars('abcd'))).toEqual([0, 1, 2, 3]);
    expect(withLib('selector_width(select(indices, indices, False))', chars('ab'))).toEqual([0, 0]);
  });

  it('has_focus, count, contains', () => {
    expect(withLib('has_focus(select(tokens, "a", ==))', chars('ba'))).toEqual([true, true]);
    expect(withLib('has_focus(select(indices, indices, <))', chars('abc'))).toEqual([false, true, true]);
    expect(withLib('count(tokens, "a")', chars('abaca'))).toEqual([3, 3, 3, 3, 3]);
    expect(withLib('count(tokens, "z")', chars('ab'))).toEqual([0, 0]);
    expect(withLib('contains(tokens, "c")', chars('abc'))).toEqual([true, true, true]);
    expect(withLib('contains(tokens, "c")', chars('ab'))).toEqual([false, false]);
  });

  it('max, min and average', () => {
    expect(withLib('max(indices, length - indices)', chars('abcd'))).toEqual([4, 3, 2, 3]);
    expect(withLib('min(indices, length - indices)', chars('abcd'))).toEqual([0, 1, 2, 1]);
    expect(withLib('average(indicator(tokens == "a"))', chars('abaa'))).toEqual([0.75, 0.75, 0.75, 0.75]);
  });

  it('load_from_location and shift', () => {
    expect(withLib('load_from_location(tokens, length - 1)', chars('xyz'))).toEqual(['z', 'z', 'z']);
    expect(withLib('shift(tokens, 2, "_")', chars('abcd'))).toEqual(['_', '_', 'a', 'b']);
  });

  it('mark_last_instance, mark_first_instance, select_from_last, select_from_first', () => {
    expect(withLib('mark_last_instance(tokens, "a")', chars('abaca'))).toEqual([false, false, false, false, true]);
    expect(withLib('mark_first_instance(tokens, "a")', chars('babca'))).toEqual([false, true, false, false, false]);
    expect(withLib('aggregate(select_from_last(tokens, "a"), indices)', chars('abaca'))).toEqual([4, 4, 4, 4, 4]);
    expect(withLib('aggregate(select_from_first(tokens, "a"), indices)', chars('bbaca'))).toEqual([2, 2, 2, 2, 2]);
  });

  it('sort (stable) and select_next_identical', () => {
    expect(withLib('sort(tokens, tokens)', chars('cabab'))).toEqual(chars('aabbc'));
    expect(withLib('sort(indices, tokens)', chars('cabab'))).toEqual([1, 3, 2, 4, 0]);
    expect(withLib('aggregate(select_next_identical(tokens), indices, -1)', chars('abaab'))).toEqual([2, 4, 3, -1, -1]);
  });
});
