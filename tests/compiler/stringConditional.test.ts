/**
 * A conditional whose test is numerical but whose values are strings is categorical (a prefix
 * classification of the dyck-ptf kind): it compiles, and the model gives the interpreter's values.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.ts';
import { encodingOf } from '../../src/rasp/encoding.ts';
import { evaluate } from '../../src/rasp/evaluate.ts';
import { parseProgram } from '../../src/rasp/load.ts';
import { denseForward } from './denseForward.ts';

const source = `prevs = select(indices, indices, <=);
balance = aggregate(prevs, numerical(indicator(tokens == "(") - indicator(tokens == ")")));
dipped = aggregate(prevs, indicator(balance < 0));
ptf = "F" if dipped > 0 else ("T" if balance == 0 else "P");`;

describe('a conditional of strings on a numerical test', () => {
  it('is categorical, compiles, and agrees with the interpreter', () => {
    const p = parseProgram(source, { file: 'ptf.rasp' });
    expect(encodingOf(p.output)).toBe('categorical');
    const input = ['(', ')', ')', '('];
    // the interpreter (balance without numerical(...), which it lacks): ptf("())(") = [P, T, F, F]
    expect(evaluate(p.output, input)).toEqual(['P', 'T', 'F', 'F']);
    const { model } = compile(p, { vocab: ['(', ')'], maxLen: 4 });
    expect(denseForward(model, input).output).toEqual(['P', 'T', 'F', 'F']);
  });

  it("a branch that is tokens (strings, as RASP reads them) keeps it categorical: the interpreter's sort_by_most_freq", () => {
    const p = parseProgram('prevs = select(indices, indices, <=);\nn = aggregate(prevs, indicator(tokens == "a"));\nseq = "§" if n > 0.5 else tokens;', {
      file: 'seq.rasp',
    });
    expect(encodingOf(p.output)).toBe('categorical');
    const input = ['a', 'b', 'b', 'a'];
    // the interpreter: seq("abba") = [§, b, b, a]
    expect(evaluate(p.output, input)).toEqual(['§', 'b', 'b', 'a']);
    const { model } = compile(p, { vocab: ['a', 'b'], maxLen: 4 });
    expect(denseForward(model, input).output).toEqual(['§', 'b', 'b', 'a']);
    // Over tokens_int a branch holds numbers, so the conditional stays numerical.
    expect(
      encodingOf(
        parseProgram('n = aggregate(select(indices, indices, <=), indicator(tokens == "a"));\ns = 0 if n > 0.5 else tokens_int;', { file: 'i.rasp' }).output,
      ),
    ).toBe('numerical');
  });
});
