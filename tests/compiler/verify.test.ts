/**
 * End to end through the other helpers' modules: the tfjs forward pass (BOS invariant on its cache),
 * verifyModel, and the library's .rasp files. Each part runs once the module it needs is in the tree.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.ts';
import { RaspError } from '../../src/rasp/errors.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { Value } from '../../src/rasp/values.ts';
import type { ModelData } from '../../src/model/types.ts';
import * as P from './programs.ts';

const root = join(import.meta.dirname, '..', '..');
const has = (...files: string[]) => files.every((f) => existsSync(join(root, f)));
/** Imports a module another helper writes (by a computed path, so this file typechecks before it exists). */
const load = <T>(file: string): Promise<T> => import(join(root, file)) as Promise<T>;

interface VerifyResult {
  checked: number;
  exhaustive: boolean;
  agreement: number;
  maxAbsError: number;
  firstMismatch: unknown;
}
type VerifyFn = (m: ModelData, p: Program, o: { vocab: readonly Value[]; maxLen: number; minLen?: number }) => VerifyResult | Promise<VerifyResult>;

const PROGRAMS: [string, () => Program, Value[]][] = [
  ['reverse', P.reverse, [1, 2, 3]],
  ['hist', P.hist, [1, 2, 3]],
  ['sort', () => P.sort(5), [1, 2, 3]],
  ['length', P.length, [1, 2, 3]],
  ['frac_prevs', () => P.fracPrevs('x'), ['a', 'b', 'x']],
  ['selector width chain', P.smallerEven, [1, 2, 3]],
  ['aggregate default', P.previousOrZero, [1, 2, 3]],
];

describe.runIf(has('probes/verify.ts'))('verifyModel on compiled programs', () => {
  for (const [name, make, vocab] of PROGRAMS)
    it(`${name}: agreement 1, exhaustively at vocab 3, max length 5`, async () => {
      const { verifyModel } = await load<{ verifyModel: VerifyFn }>('probes/verify.ts');
      const p = make();
      const { model } = compile(p, { vocab, maxLen: 5 });
      const r = await verifyModel(model, p, { vocab, maxLen: 5 });
      expect(r.firstMismatch).toBeNull();
      expect(r.agreement).toBe(1);
      expect(r.exhaustive).toBe(true);
      expect(r.maxAbsError).toBeLessThan(1e-3);
    });
});

describe.runIf(has('src/model/forward.ts', 'src/model/params.ts'))('BOS invariant on the tfjs forward pass cache', () => {
  it('every s-op direction is 0 at BOS in every resid hook', async () => {
    const tf = await import('@tensorflow/tfjs');
    type Tensor = import('@tensorflow/tfjs').Tensor;
    const { forward } = await load<{
      forward: (c: unknown, p: unknown, i: { tokens: Tensor; lengths?: number[] }, o: { cache: boolean }) => { cache: Map<string, Tensor> };
    }>('src/model/forward.ts');
    const { paramsFromModel } = await load<{ paramsFromModel: (m: ModelData) => Map<string, Tensor> }>('src/model/params.ts');
    const { model } = compile(P.reverse(), { vocab: [1, 2, 3], maxLen: 4 });
    const params = paramsFromModel(model);
    const sopDirs = model.labels.residual.filter((d) => d.sop !== 'bos' && !d.sop.includes(':')).map((d) => d.index);
    const tokens = tf.tensor2d([[0, 1, 2, 3, 1], [0, 3, 3, 0, 0]], [2, 5], 'int32');
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

describe.runIf(has('src/rasp/load.ts', 'probes/verify.ts') && existsSync(join(root, 'fixtures/programs')))('library .rasp programs', () => {
  const files = existsSync(join(root, 'fixtures/programs')) ? readdirSync(join(root, 'fixtures/programs')).filter((f) => f.endsWith('.rasp')) : [];
  for (const f of files)
    it(`${f} compiles (or is refused with a RaspError) and verifies`, async () => {
      const { loadProgram } = await load<{ loadProgram: (path: string) => Program }>('src/rasp/load.ts');
      const { verifyModel } = await load<{ verifyModel: VerifyFn }>('probes/verify.ts');
      const p = loadProgram(join(root, 'fixtures/programs', f));
      const vocab = p.vocab ?? [1, 2, 3];
      const maxLen = Math.min(p.maxLen ?? 4, 4);
      let model: ModelData;
      try {
        model = compile(p, { vocab, maxLen }).model;
      } catch (e) {
        expect(e).toBeInstanceOf(RaspError);
        return;
      }
      const r = await verifyModel(model, p, { vocab, maxLen });
      expect(r.firstMismatch).toBeNull();
      expect(r.agreement).toBe(1);
    });
});
