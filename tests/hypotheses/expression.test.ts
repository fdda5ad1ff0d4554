import { describe, expect, it } from 'vitest';
import { parseExpression, parseSelectorExpression, parseSOpExpression } from '../../src/rasp/expression.ts';
import { Evaluator } from '../../src/rasp/evaluate.ts';
import { RaspError } from '../../src/rasp/errors.ts';
import { printProgram } from '../../src/rasp/printer.ts';
import { reverse } from '../compiler/programs.ts';
import { library } from './support.ts';

const prog = library('reverse');
const input = ['a', 'b', 'c'];
const flipOf = (p: typeof prog) => new Evaluator(input).selector(p.named.get('flip') as never);

describe('RASP expressions in a program scope', () => {
  it("sees the program's names: select(indices, opp_index, ==) is the program's flip", () => {
    const sel = parseSelectorExpression(prog, 'select(indices, opp_index, ==)', { file: 'claim' });
    expect(new Evaluator(input).selector(sel)).toEqual(flipOf(prog));
    expect(new Evaluator(input).selector(parseSelectorExpression(prog, 'flip', { file: 'claim' }))).toEqual(flipOf(prog));
  });

  it('builds s-ops and combined selectors', () => {
    const s = parseSOpExpression(prog, 'opp_index + 1', { file: 'claim' });
    expect(new Evaluator(input).sop(s)).toEqual([3, 2, 1]);
    const sel = parseSelectorExpression(prog, 'flip or select(indices, indices, ==)', { file: 'claim' });
    expect(new Evaluator(input).selector(sel)[0]).toEqual([true, false, true]);
  });

  it('names the column of a mistake in the expression itself, with a suggestion', () => {
    expect(() => parseExpression(prog, 'select(indices, opp_idx, ==)', { file: 'h.yaml' })).toThrow(
      "h.yaml:1:17: unknown name 'opp_idx' (did you mean 'opp_index'?)",
    );
    expect(() => parseExpression(prog, 'select(indices', { file: 'h.yaml' })).toThrow(RaspError);
    expect(() => parseExpression(prog, 'flip; x = 1', { file: 'h.yaml' })).toThrow(/one line/);
  });

  it('tells selectors, s-ops and constants apart', () => {
    expect(() => parseSelectorExpression(prog, 'opp_index', { file: 'c' })).toThrow(/is an s-op, not a selector/);
    expect(() => parseSOpExpression(prog, 'flip', { file: 'c' })).toThrow(/is a selector, not an s-op/);
    expect(() => parseExpression(prog, '3', { file: 'c' })).toThrow(/constant/);
  });

  it("a bare name is the program's own node, also for programs built in TypeScript with JavaScript functions", () => {
    expect(parseExpression(prog, 'flip', { file: 'c' })).toBe(prog.named.get('flip'));
    const built = reverse();
    expect(() => printProgram(built)).toThrow(); // no text to read its other names from
    for (const [name, node] of built.named) expect(parseExpression(built, name, { file: 'c' })).toBe(node);
    // Built-ins are still in scope; the program's names are not.
    expect(parseSelectorExpression(built, 'select(indices, indices, ==)', { file: 'c' }).kind).toBe('select');
    expect(() => parseExpression(built, 'select(indices, opp_idx, ==)', { file: 'c' })).toThrow(/unknown name 'opp_idx'/);
  });
});
