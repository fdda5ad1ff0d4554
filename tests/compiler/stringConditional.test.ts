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
});
