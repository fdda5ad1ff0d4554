import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { length, select, selectorWidth } from '../../src/rasp/builder.ts';
import { RaspError } from '../../src/rasp/errors.ts';
import { evaluate, Evaluator } from '../../src/rasp/evaluate.ts';
import type { MaybeValue } from '../../src/rasp/values.ts';
import { buildProgram, inputArb, stepsArb } from './evaluateGen.ts';

/** The values, or the error message: evaluation either succeeds or fails, the same way each time. */
function outcome(f: () => MaybeValue[]): { ok: MaybeValue[] } | { err: string } {
  try {
    return { ok: f() };
  } catch (e) {
    if (e instanceof RaspError) return { err: e.message };
    throw e;
  }
}

describe('evaluator properties', () => {
  test.prop([stepsArb(), inputArb])('evaluation is deterministic, and a shared memo changes nothing', (steps, input) => {
    const pool = buildProgram(steps);
    const ev = new Evaluator(input);
    for (const node of pool) {
      const first = outcome(() => evaluate(node, input));
      expect(outcome(() => evaluate(node, input))).toEqual(first);
      expect(outcome(() => [...ev.sop(node)])).toEqual(first);
    }
  });

  test.prop([fc.array(fc.oneof(fc.integer(), fc.string(), fc.boolean()), { maxLength: 12 })])('length is the input length at every position', (input) => {
    expect(evaluate(length, input)).toEqual(input.map(() => input.length));
  });

  test.prop([stepsArb(), inputArb])('selector_width(select(x, x, TRUE)) is the length, for any s-op x', (steps, input) => {
    const pool = buildProgram(steps);
    const x = pool[pool.length - 1];
    const r = outcome(() => evaluate(selectorWidth(select(x, x, 'TRUE')), input));
    // x itself may be refused (e.g. a division by zero): then so is anything reading it.
    if ('ok' in r) expect(r.ok).toEqual(input.map(() => input.length));
    else expect(outcome(() => evaluate(x, input))).toEqual(r);
  });

  test.prop([stepsArb(), inputArb])('every s-op has one value per input position', (steps, input) => {
    for (const node of buildProgram(steps)) {
      const r = outcome(() => evaluate(node, input));
      if ('ok' in r) expect(r.ok).toHaveLength(input.length);
    }
  });
});
