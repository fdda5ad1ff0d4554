/**
 * End to end: compiled programs through verifyModel, the tfjs forward pass (BOS invariant on its
 * cache), and the library's .rasp files.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.ts';
import { LIBRARY_DIR } from '../../cli/resolveProgram.ts';
import { verifyModel } from '../../probes/verify.ts';
import { loadProgram } from '../../src/rasp/load.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { Value } from '../../src/rasp/values.ts';
import { forward } from '../../src/model/forward.ts';
import { paramsFromModel } from '../../src/model/params.ts';
import * as P from './programs.ts';
import { loaded } from '../support/loaded.ts';

const PROGRAMS: [string, () => Program, Value[]][] = [
  ['reverse', P.reverse, [1, 2, 3]],
  ['hist', P.hist, [1, 2, 3]],
  ['sort', () => P.sort(5), [1, 2, 3]],
  ['length', P.length, [1, 2, 3]],
  ['frac_prevs', () => P.fracPrevs('x'), ['a', 'b', 'x']],
  ['selector width chain', P.smallerEven, [1, 2, 3]],
  ['aggregate default', P.previousOrZero, [1, 2, 3]],
];

describe('verifyModel on compiled programs', () => {
  for (const [name, make, vocab] of PROGRAMS)
    it(`${name}: agreement 1, exhaustively at vocab 3, max length 5`, async () => {
      const p = make();
      const { model } = compile(p, { vocab, maxLen: 5 });
      const r = await verifyModel(loaded(model), p, { vocab, maxLen: 5 });
      expect(r.firstMismatch).toBeNull();
      expect(r.agreement).toBe(1);
      expect(r.exhaustive).toBe(true);
      expect(r.maxAbsError).toBeLessThan(1e-3);
    });
});

describe('BOS invariant on the tfjs forward pass cache', () => {
  it('every s-op direction is 0 at BOS in every resid hook', async () => {
    const { model } = compile(P.reverse(), { vocab: [1, 2, 3], maxLen: 4 });
    const params = paramsFromModel(model);
    const sopDirs = model.labels.residual.filter((d) => d.sop !== 'bos' && d.role !== 'temp').map((d) => d.index);
    const tokens = tf.tensor2d(
      [
        [0, 1, 2, 3, 1],
        [0, 3, 3, 0, 0],
      ],
      [2, 5],
      'int32',
    );
    const { cache } = forward(model.config, params, { tokens, lengths: [5, 3] }, { cache: true });
    let checked = 0;
    for (const [hook, t] of cache) {
      if (!/resid_(pre|mid|post)$/.test(hook)) continue;
      const arr = t.arraySync() as number[][][];
      for (const row of arr) for (const d of sopDirs) expect(Math.abs(row[0][d]), `${hook} ${model.labels.residual[d].sop}`).toBeLessThan(1e-5);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
    for (const t of cache.values()) t.dispose();
    tokens.dispose();
    for (const t of params.values()) t.dispose();
  });
});

describe('library .rasp programs', () => {
  const files = readdirSync(LIBRARY_DIR).filter((f) => f.endsWith('.rasp'));
  it('are all here', () => expect(files.length).toBeGreaterThanOrEqual(21));
  for (const f of files)
    it(`${f} compiles and agrees with the evaluator on every input up to length 4`, async () => {
      const p = loadProgram(join(LIBRARY_DIR, f));
      const vocab = p.vocab ?? [1, 2, 3];
      const maxLen = Math.min(p.maxLen ?? 4, 4);
      const { model } = compile(p, { vocab, maxLen });
      const r = await verifyModel(loaded(model), p, { vocab, maxLen });
      expect(r.exhaustive).toBe(true);
      expect(r.firstMismatch).toBeNull();
      expect(r.agreement).toBe(1);
    });
});
