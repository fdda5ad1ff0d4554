import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Checker } from '../../probes/hypotheses/checker.ts';
import { checkClaims, DEFAULT_RUNS, type Claim } from '../../probes/hypotheses/index.ts';
import { runChecker } from '../../probes/hypotheses/runner.ts';
import { DEFAULT_RUNS_SHOWN } from '../../cli/commands/check.ts';
import type { Value } from '../../src/rasp/values.ts';
import { withUnrelatedHead } from '../probes/fixtures.ts';
import { compiledLibrary, fastBackend, library } from './support.ts';
import { loaded } from '../support/loaded.ts';

beforeAll(fastBackend);

const rev = compiledLibrary('reverse', { vocab: ['a', 'b', 'c'] });
const model = withUnrelatedHead(rev.model, 'reverse', 'indices');
/** One claim of every kind, some true and some false, in every ablation mode. */
const everyKind: Claim[] = [
  { head: '1.0', implements: 'flip', match: 'argmax' },
  { head: '1.0', implements: 'select(indices, indices, ==)' },
  { ablate: '1.1', output: 'unchanged', mode: 'mean' },
  { ablate: '1.0', output: 'unchanged', mode: 'resample' },
  { neuron: 'mlp0.n0', tracks: 'indices == 0' },
  { encodes: 'opp_index', at: 1 },
  { encodes: 'opp_index', at: 0, fit: 64 },
  { invariant: 'permute', outputs: 'same' },
  { invariant: 'relabel', outputs: 'follow' },
  { agrees: rev.model, ablate: '1.0' },
];

/** A checker with no model, failing and skipping where told. */
const fake = (fails: (x: readonly Value[]) => boolean, skip: (x: readonly Value[]) => boolean = () => false): Checker => ({
  domain: { vocab: ['a', 'b'], minLen: 1, maxLen: 6 },
  check: (x) => ({ ok: !fails(x), skip: skip(x), observed: `saw ${x.length}`, expected: 'short' }),
  dispose() {},
});

describe('the runner', () => {
  it('frees every tensor it makes: numTensors does not grow over a check of every kind', async () => {
    await checkClaims(loaded(model), rev.program, everyKind, { numRuns: 5, seed: 0 }); // warm up kernels
    const before = tf.memory().numTensors;
    await checkClaims(loaded(model), rev.program, everyKind, { numRuns: 30, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is reproducible: the same seed gives the same reports, another seed other runs', async () => {
    const a = await checkClaims(loaded(model), rev.program, everyKind, { numRuns: 40, seed: 7 });
    const b = await checkClaims(loaded(model), rev.program, everyKind, { numRuns: 40, seed: 7 });
    expect(b).toEqual(a);
    expect(a.map((r) => r.passed)).toEqual([true, false, true, false, true, true, false, false, true, false]);
    for (const r of a) expect(r.seed).toBe(7);
    for (const r of a.filter((x) => x.passed)) expect(r.runs).toBe(40);
  });

  it('counts skipped cases and minimises the counterexample it reports', () => {
    const k = fake(
      (x) => x.length >= 4 && x[0] === 'b' && x[1] === 'b',
      (x) => x.length % 2 === 1,
    );
    const r = runChecker(library('reverse'), k, { numRuns: 1000, seed: 3 });
    expect(r.passed).toBe(false);
    expect(r.skipped).toBeGreaterThan(0);
    // Skipped (odd) lengths are never taken for counterexamples.
    expect(r.counterexample).toEqual(['b', 'b', 'a', 'a']);
    expect(r.observed).toBe('saw 4');
  });

  it('a checker that throws is a bug and surfaces as one', () => {
    const k: Checker = {
      ...fake(() => false),
      check: () => {
        throw new Error('boom');
      },
    };
    expect(() => runChecker(library('reverse'), k, { numRuns: 5 })).toThrow('boom');
  });

  it('validates every claim before running any', async () => {
    const bad: Claim[] = [
      { head: '1.0', implements: 'flip' },
      { head: '1.0', implements: 'nope' },
    ];
    let ran = 0;
    await expect(checkClaims(loaded(model), rev.program, bad, { numRuns: 5, where: 'h.yaml', onReport: () => ran++ })).rejects.toThrow(
      /^h\.yaml: claim 2: 'implements': column 1: unknown name 'nope'/,
    );
    expect(ran).toBe(0);
  });

  it('the CLI shows the default number of runs the runner uses', () => {
    expect(DEFAULT_RUNS_SHOWN).toBe(DEFAULT_RUNS);
  });
});
