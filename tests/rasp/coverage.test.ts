import { describe, expect, it } from 'vitest';
import { and, expr, indices, map, select, selectorWidth, tokens } from '../../src/rasp/builder.ts';
import { selectsEveryQuery, selectsEveryQueryOnTask } from '../../src/rasp/coverage.ts';

describe('whether a selector picks a key at every query of every input, input by input', () => {
  const same = select(tokens, tokens, '==');
  const later = and(same, select(indices, indices, '>'));
  // last_occurrence's: the query token's last copy has no later copy, so a key is always kept
  const last = and(same, select(selectorWidth(later), 0, '=='));
  const prev = select(indices, map(expr.binary('-', expr.param(0), expr.const(1)), indices), '==');

  it('is true where every input keeps a key for every query, which no rule about single selects sees', () => {
    expect(selectsEveryQueryOnTask(last, selectorWidth(last), ['a', 'b', 'c'], 4)).toBe(true);
  });

  it('is false where some query selects nothing (the first position has no previous one)', () => {
    expect(selectsEveryQueryOnTask(prev, selectorWidth(prev), ['a', 'b'], 3)).toBe(false);
  });

  it('gives no answer for a task with more inputs than it tries', () => {
    expect(selectsEveryQueryOnTask(last, selectorWidth(last), ['a', 'b', 'c'], 4, 100)).toBeNull();
  });
});

describe('whether a selector picks a key at every query of every input, by rule', () => {
  it('holds for indices against indices by a comparison true of a value and itself: each query selects its own position', () => {
    for (const op of ['==', '<=', '>='] as const) expect(selectsEveryQuery(select(indices, indices, op), 40, new Map())).toBe(true);
  });

  it('fails where some position finds no other index to select: the first none smaller, the last none greater, a lone one none different', () => {
    for (const op of ['<', '>', '!='] as const) expect(selectsEveryQuery(select(indices, indices, op), 5, new Map()), op).toBe(false);
  });
});
