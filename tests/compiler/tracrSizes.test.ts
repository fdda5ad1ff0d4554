/**
 * The compiled library programs are no larger than tracr's: at tracr's vocabulary and at both
 * maximum lengths it was measured at, no more layers and no wider residual stream
 * (tests/support/tracrAnchors.ts; plus the directions RASP's defaults need, `RASP_DEFAULT_EXTRA`).
 * The programs are the library's .rasp files, parsed from source, compiled over tracr's
 * vocabulary (sizes depend on how many tokens there are, not on their names);
 * at max length 20 and 40 against the weight counts of a later side-by-side run as well.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.ts';
import { LIBRARY_DIR } from '../../cli/resolveProgram.ts';
import { loadProgram } from '../../src/rasp/load.ts';
import { residualAllowed, TRACR_ANCHORS, TRACR_LARGER, tracrVocab } from '../support/tracrAnchors.ts';

describe('compiled sizes against tracr', () => {
  for (const [name, anchor] of Object.entries(TRACR_ANCHORS))
    for (const maxLen of [5, 10] as const)
      it(`${name} at max length ${maxLen}: layers ≤ ${anchor.byMaxLen[maxLen].layers}, residual ≤ ${residualAllowed(name, anchor, maxLen)}`, () => {
        const program = loadProgram(join(LIBRARY_DIR, `${name}.rasp`));
        const { stats } = compile(program, { vocab: tracrVocab(anchor), maxLen });
        expect(stats.layers).toBeLessThanOrEqual(anchor.byMaxLen[maxLen].layers);
        expect(stats.residualWidth).toBeLessThanOrEqual(residualAllowed(name, anchor, maxLen));
      });

  // At 20 and 40 tracr's residual includes its padding, so the weight count is the closer measure.
  // sort_by_frequency at 40 (23 million weights, seconds to build) is left to the bench.
  for (const [name, byLen] of Object.entries(TRACR_LARGER))
    for (const maxLen of [20, 40] as const) {
      const t = byLen[maxLen];
      if (!t || (name === 'sort_by_frequency' && maxLen === 40)) continue;
      it(`${name} at max length ${maxLen}: layers ≤ ${t.layers}, residual ≤ ${t.residual}, params ≤ ${t.params}`, () => {
        const program = loadProgram(join(LIBRARY_DIR, `${name}.rasp`));
        const { stats } = compile(program, { vocab: tracrVocab(TRACR_ANCHORS[name]), maxLen });
        expect(stats.layers).toBeLessThanOrEqual(t.layers);
        if (t.residual !== undefined) expect(stats.residualWidth).toBeLessThanOrEqual(t.residual);
        if (t.params !== undefined) expect(stats.params).toBeLessThanOrEqual(t.params);
      });
    }

  it('reverse needs no more than 2 layers', () => {
    const program = loadProgram(join(LIBRARY_DIR, 'reverse.rasp'));
    expect(compile(program, { vocab: tracrVocab(TRACR_ANCHORS.reverse), maxLen: 10 }).stats.layers).toBeLessThanOrEqual(2);
  });
});
