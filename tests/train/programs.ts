/** Small programs the training tests learn: data-only element-wise functions, so they print and parse. */
import { aggregate, expr, indices, map, select, tokens } from '../../src/rasp/builder.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { SOp } from '../../src/rasp/ast.ts';

function program(name: string, output: SOp): Program {
  const named = output.named(name);
  return { name, output: named, named: new Map([[name, named]]) };
}

/** The output is the input: learnable by a 1-layer attention-only model in a few dozen steps. */
export const identity = (): Program => program('identity', map(expr.param(0), tokens));

/** The previous token (undefined at the first position): exercises masking of null outputs. */
export const previous = (): Program =>
  program('previous', aggregate(select(indices, map(expr.binary('-', expr.param(0), expr.const(1)), indices), '=='), tokens));

/** 12 / token: the evaluator refuses inputs holding 0. */
export const reciprocal = (): Program => program('reciprocal', map(expr.binary('/', expr.const(12), expr.param(0)), tokens));
