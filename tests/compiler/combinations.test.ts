/**
 * The compiler says how many leaf-value combinations each MLP enumerated (issue 19: fusing a chain
 * of maps enumerates the product of its leaves' value sets, which is what makes a compile slow).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.ts';
import { LIBRARY_DIR } from '../../cli/resolveProgram.ts';
import { loadProgram } from '../../src/rasp/load.ts';

const library = (name: string) => loadProgram(join(LIBRARY_DIR, `${name}.rasp`));

describe('combinations each MLP enumerated', () => {
  it('reverse: length − indices − 1 is one MLP over length × indices', () => {
    // length takes 1..6 (read from its head's 1/(w+1) line), indices 0..5: 6 · 6 combinations.
    const { mlps, stats } = compile(library('reverse'), { vocab: [1, 2, 3], maxLen: 6 });
    expect(mlps.map((m) => m.combinations)).toEqual([36]);
    expect(mlps[0].layer).toBe(0);
    expect(mlps.reduce((s, m) => s + m.neurons, 0)).toBe(stats.mlpHidden.reduce((s, n) => s + n, 0));
  });

  it('hist is a selector width read straight from its head: one MLP over the widths 0..max length', () => {
    const { mlps } = compile(library('hist'), { vocab: [1, 2, 3], maxLen: 7 });
    expect(mlps.map((m) => [m.writes, m.combinations])).toEqual([['hist', 8]]);
  });
});
