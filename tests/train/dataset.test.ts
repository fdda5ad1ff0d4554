import { describe, expect, it } from 'vitest';
import { BOS, FORMAT_VERSION, type ModelConfig } from '../../src/model/types.ts';
import { encodeBatch } from '../../src/model/batch.ts';
import type { DataSpec } from '../../src/rasp/examples.ts';
import { splitByLength, testExamples, trainExamples } from '../../src/train/dataset.ts';
import { programOutputSpec } from '../../src/train/outputSpec.ts';
import { identity, previous, reciprocal } from './programs.ts';

const spec = (p = identity()): DataSpec => ({ program: p, vocab: ['a', 'b', 'c'], minLen: 1, maxLen: 6 });

function configFor(s: DataSpec): ModelConfig {
  return {
    formatVersion: FORMAT_VERSION,
    dModel: 4,
    nCtx: s.maxLen + 1,
    vocab: [BOS, ...s.vocab],
    layers: [{ nHeads: 1, dHead: 4, dMlp: 0 }],
    output: programOutputSpec(s.program, s.vocab, s.maxLen),
    normalization: 'none',
    causal: false,
    actFn: 'relu',
    attnScale: 2,
    origin: 'learned',
  };
}

describe('datasets from programs', () => {
  it('a training batch is a pure function of (seed, step)', () => {
    const s = spec();
    expect(trainExamples(s, 5, 17, 20)).toEqual(trainExamples(s, 5, 17, 20));
    expect(trainExamples(s, 5, 17, 20)).not.toEqual(trainExamples(s, 5, 18, 20));
    expect(trainExamples(s, 5, 17, 20)).not.toEqual(trainExamples(s, 6, 17, 20));
  });

  it('draws every length in [min-len, max-len], and test lengths outside it on request', () => {
    const lengths = new Set(trainExamples(spec(), 0, 0, 300).map((e) => e.input.length));
    expect([...lengths].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const long = testExamples(spec(), 0, 50, { min: 9, max: 9 });
    expect(long.every((e) => e.input.length === 9)).toBe(true);
  });

  it('labels with the evaluator and resamples inputs it refuses', () => {
    const s: DataSpec = { program: reciprocal(), vocab: [0, 1, 2, 3], minLen: 1, maxLen: 4 };
    const ex = trainExamples(s, 1, 0, 100);
    expect(ex).toHaveLength(100);
    for (const e of ex) {
      expect(e.input).not.toContain(0);
      expect(e.output).toEqual(e.input.map((x) => 12 / (x as number)));
    }
  });

  it('lays a batch out with BOS at position 0, pads, and scores only defined positions', () => {
    const s = spec(previous());
    const config = configFor(s);
    const ex = [
      { input: ['a', 'b', 'c'], output: [null, 'a', 'b'] },
      { input: ['c'], output: [null] },
    ];
    const b = encodeBatch(config, ex);
    expect(b.nPos).toBe(4);
    expect(Array.from(b.tokens)).toEqual([0, 1, 2, 3, 0, 3, 0, 0]);
    expect(b.lengths).toEqual([4, 2]);
    const cls = (v: string) => (config.output.encoding === 'categorical' ? config.output.values.indexOf(v) : -2);
    expect(Array.from(b.classes)).toEqual([-1, -1, cls('a'), cls('b'), -1, -1, -1, -1]);
    expect(b.scored).toBe(2);
    expect(b.inputTokens).toBe(4);
  });

  it('names a token outside the model vocabulary', () => {
    const config = configFor(spec());
    expect(() => encodeBatch(config, [{ input: ['z'], output: ['z'] }])).toThrow(/unknown token 'z' at position 0; vocabulary: /);
  });

  it('splits a batch into environments by length', () => {
    const ex = trainExamples(spec(), 0, 3, 64);
    const envs = splitByLength(ex);
    expect(envs.reduce((n, e) => n + e.length, 0)).toBe(64);
    for (const env of envs) expect(new Set(env.map((e) => e.input.length)).size).toBe(1);
  });
});
