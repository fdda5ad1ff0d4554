import { beforeAll, describe, expect, it } from 'vitest';
import { checkClaims } from '../../probes/hypotheses/index.ts';
import { proposeFromLabels } from '../../probes/hypotheses/propose.ts';
import { COMPILED_REVERSE, compiledLibrary, fastBackend, fixture, LEARNED_REVERSE, library } from './support.ts';
import { loaded } from '../support/loaded.ts';

beforeAll(fastBackend);

describe('hypotheses proposed from labels', () => {
  it("claims every labelled head's selector of every head of the other model, as .rasp reads it", () => {
    const compiled = fixture(COMPILED_REVERSE);
    const learned = fixture(LEARNED_REVERSE);
    const p = proposeFromLabels(compiled, learned, library('reverse'));
    expect(p.skipped).toEqual([]);
    expect(p.claims.map((c) => `${c.from.layer}.${c.from.head}→${c.head}: ${c.implements}`)).toEqual([
      '0.0→0.0: select(tokens, tokens, True)',
      '0.0→0.1: select(tokens, tokens, True)',
      '0.0→1.0: select(tokens, tokens, True)',
      '0.0→1.1: select(tokens, tokens, True)',
      '1.0→0.0: select(indices, opp_index, ==)',
      '1.0→0.1: select(indices, opp_index, ==)',
      '1.0→1.0: select(indices, opp_index, ==)',
      '1.0→1.1: select(indices, opp_index, ==)',
    ]);
  });

  it('on a compiled model against itself, each head holds its own selector and not the others', async () => {
    const sort = compiledLibrary('sort');
    const p = proposeFromLabels(sort.model, sort.model, sort.program, { match: 'argmax' });
    const rs = await checkClaims(loaded(sort.model), sort.program, p.claims, { numRuns: 60, seed: 1 });
    rs.forEach((r, i) => {
      const c = p.claims[i];
      expect(r.passed, `${c.from.layer}.${c.from.head} → ${c.head}`).toBe(`${c.from.layer}.${c.from.head}` === c.head);
    });
  });

  it("skips a selector the program's scope cannot read, saying why", () => {
    const rev = compiledLibrary('reverse', { vocab: ['a', 'b'] });
    const p = proposeFromLabels(rev.model, rev.model, library('hist'));
    expect(p.skipped.map((s) => s.reason)).toEqual(["unknown name 'opp_index'"]);
    expect(p.claims.every((c) => c.from.layer === 0)).toBe(true);
  });
});
