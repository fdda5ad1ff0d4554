/**
 * The compiled library programs are no larger than tracr's: at tracr's vocabulary and at both
 * maximum lengths it was measured at, no more layers and no wider residual stream
 * (tests/support/tracrAnchors.ts). The programs are the library's .rasp files, parsed from source,
 * compiled over tracr's vocabulary (sizes depend on how many tokens there are, not on their names).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.ts';
import { LIBRARY_DIR } from '../../cli/resolveProgram.ts';
import { loadProgram } from '../../src/rasp/load.ts';
import { TRACR_ANCHORS, tracrVocab } from '../support/tracrAnchors.ts';

describe('compiled sizes against tracr', () => {
  for (const [name, anchor] of Object.entries(TRACR_ANCHORS))
    for (const maxLen of [5, 10] as const)
      it(`${name} at max length ${maxLen}: layers ≤ ${anchor.byMaxLen[maxLen].layers}, residual ≤ ${anchor.byMaxLen[maxLen].residual}`, () => {
        const program = loadProgram(join(LIBRARY_DIR, `${name}.rasp`));
        const { stats } = compile(program, { vocab: tracrVocab(anchor), maxLen });
        expect(stats.layers).toBeLessThanOrEqual(anchor.byMaxLen[maxLen].layers);
        expect(stats.residualWidth).toBeLessThanOrEqual(anchor.byMaxLen[maxLen].residual);
      });

  it('reverse needs no more than 2 layers', () => {
    const program = loadProgram(join(LIBRARY_DIR, 'reverse.rasp'));
    expect(compile(program, { vocab: tracrVocab(TRACR_ANCHORS.reverse), maxLen: 10 }).stats.layers).toBeLessThanOrEqual(2);
  });
});
