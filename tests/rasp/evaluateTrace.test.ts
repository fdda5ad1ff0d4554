import { describe, expect, it } from 'vitest';
import { aggregate, expr, indices, length, select, tokens, zipmap } from '../../src/rasp/builder.ts';
import { evaluate, evaluateSelector } from '../../src/rasp/evaluate.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { RaspNode } from '../../src/rasp/ast.ts';
import { traceProgram } from '../../src/rasp/trace.ts';

const bin = expr.binary;
const opp = zipmap(bin('-', bin('-', expr.param(0), expr.param(1)), expr.const(1)), length, indices).named('opp_index');
const flip = select(indices, opp, '==').named('flip');
const reverse = aggregate(flip, tokens);
const input = ['a', 'b', 'c'];

describe('traceProgram', () => {
  it('lists the named nodes in program order, then the unnamed output', () => {
    const named = new Map<string, RaspNode>([
      ['opp_index', opp],
      ['flip', flip],
    ]);
    const rows = traceProgram({ name: 'reverse', output: reverse, named }, input);
    expect(rows.map((r) => [r.name, r.kind])).toEqual([
      ['opp_index', 'sop'],
      ['flip', 'selector'],
      ['output', 'sop'],
    ]);
    expect(rows[0].values).toEqual(evaluate(opp, input));
    expect(rows[1].values).toEqual(evaluateSelector(flip, input));
    expect(rows[2].values).toEqual(['c', 'b', 'a']);
  });

  it('does not repeat an output that is already named', () => {
    const out = reverse.named('reverse');
    const p: Program = {
      name: 'r',
      output: out,
      named: new Map<string, RaspNode>([
        ['opp_index', opp],
        ['reverse', out],
      ]),
    };
    const rows = traceProgram(p, input);
    expect(rows.map((r) => r.name)).toEqual(['opp_index', 'reverse']);
    expect(rows[1].values).toEqual(['c', 'b', 'a']);
  });
});
