import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { positionAgrees, verifyModel } from '../../probes/verify.ts';
import { aggregate, map, numerical, select, tokens } from '../../src/rasp/builder.ts';
import { countInputs } from '../../src/rasp/inputs.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { SOp } from '../../src/rasp/ast.ts';
import { copyModel, previousTokenModel, valueModel } from '../support/tinyModels.ts';
import { loaded } from '../support/loaded.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const program = (name: string, output: SOp): Program => ({ name, output, named: new Map() });
const identity = program('identity', tokens);
const vocab = ['a', 'b', 'c'];

describe('verifyModel', () => {
  it('a copy model computes identity: agreement 1, exhaustive over every input', () => {
    const r = verifyModel(loaded(copyModel(vocab)), identity, { vocab, maxLen: 4 });
    expect(r).toEqual({
      checked: countInputs(3, 1, 4),
      exhaustive: true,
      agreement: 1,
      maxAbsError: 0,
      firstMismatch: null,
      rejected: 0,
      firstRejection: null,
    });
  });

  it('a broken copy model (a and b swapped) reports the first mismatch in enumeration order', () => {
    const r = verifyModel(loaded(copyModel(vocab, { swap: [0, 1] })), identity, { vocab, maxLen: 3 });
    expect(r.firstMismatch).toEqual({ input: ['a'], expected: ['a'], got: ['b'] });
    // Only inputs made of c alone agree: c, cc, ccc.
    expect(r.checked).toBe(3 + 9 + 27);
    expect(r.agreement).toBeCloseTo(3 / 39, 12);
  });

  it('minLen is honoured (default 1), and length 0 is allowed', () => {
    expect(verifyModel(loaded(copyModel(vocab)), identity, { vocab, minLen: 2, maxLen: 3 }).checked).toBe(9 + 27);
    expect(verifyModel(loaded(copyModel(vocab)), identity, { vocab, minLen: 0, maxLen: 1 }).checked).toBe(1 + 3);
  });

  it('the previous-token model is not identity: the mismatch shows what it does', () => {
    const r = verifyModel(loaded(previousTokenModel(vocab)), identity, { vocab, maxLen: 3 });
    expect(r.firstMismatch).toEqual({ input: ['a', 'b'], expected: ['a', 'b'], got: ['a', 'a'] });
  });

  it('numerical outputs: within the scoring tolerance (or the one given) agree, maxAbsError reported', () => {
    const value = program('value', numerical(map((x) => x, tokens)));
    const ok = verifyModel(loaded(valueModel([1, 2, 3], 0.04)), value, { vocab: [1, 2, 3], maxLen: 3 });
    expect(ok.agreement).toBe(1);
    expect(ok.maxAbsError).toBeCloseTo(0.04, 5);
    const off = verifyModel(loaded(valueModel([1, 2, 3], 0.06)), value, { vocab: [1, 2, 3], maxLen: 3 });
    expect(off.agreement).toBe(0);
    expect(off.maxAbsError).toBeCloseTo(0.06, 5);
    expect(off.firstMismatch!.input).toEqual([1]);
    const strict = verifyModel(loaded(valueModel([1, 2, 3], 0.01)), value, { vocab: [1, 2, 3], maxLen: 3, tolerance: 1e-3 });
    expect(strict.agreement).toBe(0);
  });

  it('an aggregate that selects nothing is compared on its default (RASP has no undefined value)', () => {
    // It gives 0 everywhere (the implicit default), which no output of a copying model is.
    const nothing = program('nothing', aggregate(select(tokens, tokens, 'FALSE'), tokens));
    const r = verifyModel(loaded(copyModel(vocab, { swap: [0, 1] })), nothing, { vocab, maxLen: 2 });
    expect(r.agreement).toBe(0);
    expect(r.firstMismatch).not.toBeNull();
  });

  it('an undefined program value agrees with an undefined answer only, not with any value', () => {
    // The evaluator gives no undefined value now (an aggregate that selects nothing gives its default); a value read elsewhere may be.
    const categorical = { encoding: 'categorical', values: ['a', 'b'] } as const;
    expect(positionAgrees(categorical, null, 'a').ok).toBe(false);
    expect(positionAgrees({ encoding: 'numerical' }, null, 0).ok).toBe(false);
    expect(positionAgrees(categorical, null, null).ok).toBe(true);
  });

  it("a numerical model's answer where the program's value is a boolean shows as False or True", () => {
    // The model answers each token's value (0 or 1); the program says whether the token is 0.
    const isZero = program('is_zero', numerical(map((x) => x === 0, tokens)));
    const r = verifyModel(loaded(valueModel([0, 1], 0.001)), isZero, { vocab: [0, 1], maxLen: 2 });
    expect(r.agreement).toBe(0);
    expect(r.firstMismatch).toEqual({ input: [0], expected: [true], got: [false] });
    expect(r.maxAbsError).toBeCloseTo(1, 2);
    // Far from 0 and 1, the number is shown as it is.
    const far = verifyModel(loaded(valueModel([0, 1], 0.5)), isZero, { vocab: [0, 1], maxLen: 1 });
    expect(far.firstMismatch!.got[0]).toBeCloseTo(0.5, 5);
  });

  it('inputs the evaluator refuses are counted in rejected, not compared', () => {
    // 1 / (x - 2) fails on token 2.
    const inv = program('inv', numerical(map((x) => 1 / (Number(x) - 2), tokens)));
    const r = verifyModel(loaded(valueModel([1, 2, 3])), inv, { vocab: [1, 2, 3], maxLen: 2 });
    expect(r.rejected).toBe(1 + 5); // [2]; and the 5 two-token inputs containing 2
    expect(r.checked).toBe(12 - 6);
  });

  it('over 100,000 inputs it samples, deterministically for a seed', () => {
    const big = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    const broken = copyModel(big, { swap: [0, 1] });
    const opts = { vocab: big, maxLen: 6, samples: 300, seed: 5 };
    expect(countInputs(10, 1, 6)).toBeGreaterThan(100_000);
    const a = verifyModel(loaded(broken), identity, opts);
    expect(a.exhaustive).toBe(false);
    expect(a.checked).toBe(300);
    expect(a.agreement).toBeGreaterThan(0);
    expect(a.agreement).toBeLessThan(1);
    expect(verifyModel(loaded(broken), identity, opts)).toEqual(a);
    expect(verifyModel(loaded(broken), identity, { ...opts, seed: 6 }).firstMismatch).not.toEqual(a.firstMismatch);
  });
});
