import { describe, expect, it } from 'vitest';
import { isUserError } from '../../src/rasp/errors.ts';
import { contextLength, DEFAULT_FLAGS, learnedConfig, validateTrainFlags, type TrainFlags } from '../../src/train/options.ts';

const good: TrainFlags = {
  ...DEFAULT_FLAGS,
  vocab: ['a', 'b', 'c'],
  minLen: 1,
  maxLen: 8,
  arch: { layers: 2, heads: 1, dModel: 32, attnOnly: false, layernorm: false, causal: false },
};

function errorOf(f: TrainFlags): string {
  try {
    validateTrainFlags(f);
  } catch (e) {
    expect(isUserError(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected a user error');
}

describe('train flags', () => {
  it('accepts a sensible request', () => {
    expect(() => validateTrainFlags(good)).not.toThrow();
  });
  it.each([
    ['a vocabulary holding BOS', { vocab: ['a', 'BOS'] }, /--vocab must not contain 'BOS'/],
    ['an empty vocabulary', { vocab: [] }, /--vocab is empty/],
    ['a repeated token', { vocab: ['a', 'a'] }, /lists a twice/],
    ['--min-len above --max-len', { minLen: 5, maxLen: 3 }, /--min-len 5 is above --max-len 3/],
    ['a zero --max-len', { maxLen: 0 }, /--max-len must be a positive integer, got 0/],
    ['a negative --steps', { steps: -1 }, /--steps must be a positive integer/],
    ['a zero --batch', { batch: 0 }, /--batch must be a positive integer/],
    ['a zero --lr', { lr: 0 }, /--lr must be a positive number/],
    ['--and-mask 0', { andMask: 0 }, /--and-mask must be in \(0, 1\], got 0/],
    ['--and-mask above 1', { andMask: 1.5 }, /--and-mask must be in \(0, 1\], got 1.5/],
    ['--target-acc above 1', { targetAcc: 2 }, /--target-acc must be in \(0, 1\]/],
    ['a zero test length', { testLengths: [9, 0] }, /--test-lengths entries must be a positive integer, got 0/],
  ] as [string, Partial<TrainFlags>, RegExp][])('rejects %s', (_name, patch, message) => {
    expect(errorOf({ ...good, ...patch })).toMatch(message);
  });
  it.each([
    ['zero layers', { layers: 0 }, /--layers must be a positive integer, got 0/],
    ['zero heads', { heads: 0 }, /--heads must be a positive integer/],
    ['negative d-model', { dModel: -4 }, /--d-model must be a positive integer/],
    ['heads not dividing d-model', { heads: 3 }, /--heads 3 does not divide --d-model 32/],
    ['zero d-mlp', { dMlp: 0 }, /--d-mlp must be a positive integer/],
  ])('rejects %s', (_name, patch, message) => {
    expect(errorOf({ ...good, arch: { ...good.arch!, ...patch } })).toMatch(message);
  });
  it('accepts heads not dividing d-model when --d-head is given', () => {
    expect(() => validateTrainFlags({ ...good, arch: { ...good.arch!, heads: 3, dHead: 8 } })).not.toThrow();
  });
});

describe('learned model config', () => {
  it('covers test lengths in n_ctx and scales attention by sqrt(d_head)', () => {
    const nCtx = contextLength(8, [9, 10]);
    expect(nCtx).toBe(11);
    const c = learnedConfig({ ...good.arch!, heads: 2 }, ['a', 'b'], nCtx, { encoding: 'numerical' });
    expect(c.vocab).toEqual(['BOS', 'a', 'b']);
    expect(c.layers).toEqual([
      { nHeads: 2, dHead: 16, dMlp: 128 },
      { nHeads: 2, dHead: 16, dMlp: 128 },
    ]);
    expect(c.attnScale).toBe(4);
    expect(c.origin).toBe('learned');
    const attnOnly = learnedConfig({ ...good.arch!, layers: 1, attnOnly: true, layernorm: true, causal: true }, ['a'], 5, {
      encoding: 'numerical',
    });
    expect(attnOnly.layers).toEqual([{ nHeads: 1, dHead: 32, dMlp: 0 }]);
    expect(attnOnly.normalization).toBe('LN');
    expect(attnOnly.causal).toBe(true);
  });
});
