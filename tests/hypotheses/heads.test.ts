import { beforeAll, describe, expect, it } from 'vitest';
import { judgeRow } from '../../probes/hypotheses/checkHead.ts';
import { checkClaim, checkClaims, prepareClaim, type Claim } from '../../probes/hypotheses/index.ts';
import { enumerateInputs } from '../../src/rasp/inputs.ts';
import { labelInput } from '../../src/rasp/examples.ts';
import type { ModelData } from '../../src/model/types.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { Value } from '../../src/rasp/values.ts';
import { compiledLibrary, fastBackend, fixture, LEARNED_REVERSE, library } from './support.ts';
import { loaded } from '../support/loaded.ts';

const RUNS = 150;
beforeAll(fastBackend);

/** Every valid input shorter than `n` satisfies the claim: no shorter counterexample exists. */
async function noShorterFailure(model: ModelData, program: Program, claim: Claim, n: number): Promise<void> {
  const c = await prepareClaim(loaded(model), program, claim);
  try {
    for (const x of enumerateInputs(c.domain.vocab, c.domain.minLen, n - 1)) if (labelInput(program, x)) expect(c.check(x).ok, x.join(' ')).toBe(true);
  } finally {
    c.dispose();
  }
}

describe('judging one attention row', () => {
  it('mass on the selected keys, BOS when the query selects nothing; for argmax BOS may tie', () => {
    expect(judgeRow([0, 0.1, 0.9], 3, [false, true], 'mass', 0.5).ok).toBe(true);
    expect(judgeRow([0, 0.6, 0.4], 3, [false, true], 'mass', 0.5).ok).toBe(false);
    expect(judgeRow([0.9, 0.05, 0.05], 3, [false, false], 'mass', 0.5)).toMatchObject({ ok: true, wanted: [0] });
    expect(judgeRow([0.1, 0.9, 0], 3, [false, false], 'mass', 0.5).ok).toBe(false);
    // A selector-width head spreads evenly over BOS and the selected keys.
    expect(judgeRow([1 / 3, 1 / 3, 1 / 3], 3, [true, true], 'argmax', 0.5).ok).toBe(true);
    expect(judgeRow([0.5, 0.5, 0], 3, [true, false], 'mass', 0.5).ok).toBe(true);
    expect(judgeRow([0.6, 0.4, 0], 3, [true, false], 'argmax', 0.5).ok).toBe(false); // BOS may tie, not lead alone
    expect(judgeRow([0.2, 0.4, 0.4], 3, [true, false], 'argmax', 0.5).ok).toBe(false); // an unselected key ties
    expect(judgeRow([1 / 3, 1 / 3, 1 / 3], 3, [true, false], 'argmax', 0.5).ok).toBe(false); // even attention selects nothing narrower
    expect(judgeRow([0.6, 0.4, 0], 3, [false, false], 'argmax', 0.5).ok).toBe(true);
    expect(judgeRow([0.4, 0.6, 0], 3, [false, false], 'argmax', 0.5).ok).toBe(false);
  });
});

describe('heads of compiled library models implement their selectors', () => {
  const rev = compiledLibrary('reverse', { vocab: ['a', 'b', 'c'] });

  it('reverse: the length head and the flip head, by name or written out, by mass and argmax', async () => {
    const claims: Claim[] = [
      { head: '0.0', implements: 'select(tokens, tokens, True)' },
      { head: '0.0', implements: 'select(tokens, tokens, True)', match: 'argmax' },
      { head: '1.0', implements: 'flip' },
      { head: 'L1H0', implements: 'select(indices, opp_index, ==)', match: 'argmax', threshold: 0.99 },
    ];
    const rs = await checkClaims(loaded(rev.model), rev.program, claims, { numRuns: RUNS, seed: 1 });
    for (const r of rs) expect(r, r.claim).toMatchObject({ passed: true, runs: RUNS, counterexample: null });
  });

  for (const [name, claims] of [
    ['hist', [{ head: '0.0', implements: 'same_token', match: 'argmax' }]],
    [
      'sort',
      [
        { head: '1.0', implements: 'smaller' },
        { head: '2.0', implements: 'sel_new', match: 'argmax' },
      ],
    ],
    ['frac_prevs', [{ head: '0.0', implements: 'prevs' }]],
    ['count', [{ head: '0.0', implements: 'is_a_key' }]],
  ] as const)
    it(`${name}: every labelled head implements its selector`, async () => {
      const { model, program } = compiledLibrary(name);
      // The claims agree with the compiler's own labels.
      for (const c of claims) expect(model.labels.heads.some((h) => `${h.layer}.${h.head}` === c.head)).toBe(true);
      const rs = await checkClaims(loaded(model), program, claims as readonly Claim[], { numRuns: RUNS, seed: 2 });
      for (const r of rs) expect(r.passed, `${r.claim}: ${r.observed}`).toBe(true);
    });

  it('a wrong selector fails on a shortest input, [a a]: no input of length 1 fails', async () => {
    const claim: Claim = { head: '1.0', implements: 'select(indices, indices, ==)' };
    const r = await checkClaim(loaded(rev.model), rev.program, claim, { numRuns: RUNS, seed: 3 });
    expect(r.passed).toBe(false);
    expect(r).toMatchObject({ counterexample: ['a', 'a'], minimal: true });
    expect(r.observed).toMatch(/^query 0:a attends BOS 0\.00, 0:a 0\.00, 1:a 1\.00$/);
    expect(r.expected).toBe('mass ≥ 0.5 on 0:a');
    await noShorterFailure(rev.model, rev.program, claim, 2);
  });

  it('a wrong head fails too: the length head does not flip', async () => {
    const claim: Claim = { head: '0.0', implements: 'flip', match: 'argmax' };
    const r = await checkClaim(loaded(rev.model), rev.program, claim, { numRuns: RUNS, seed: 4 });
    expect(r.passed).toBe(false);
    await noShorterFailure(rev.model, rev.program, claim, r.counterexample!.length);
  });

  it('the learned flip head looks elsewhere first at 4 tokens: the counterexample is that short, and none is shorter', async () => {
    const learned = fixture(LEARNED_REVERSE);
    const program = library('reverse');
    const claim: Claim = { head: '1.0', implements: 'flip', match: 'argmax' };
    const r = await checkClaim(loaded(learned), program, claim, { numRuns: 1000, seed: 0 });
    expect(r).toMatchObject({ passed: false, minimal: true });
    expect(r.counterexample).toHaveLength(4);
    await noShorterFailure(learned, program, claim, 4);
  });

  it('a selector that selects nothing demands attention on BOS', async () => {
    const never = await checkClaim(loaded(rev.model), rev.program, { head: '1.0', implements: 'select(indices, indices, False)' }, { numRuns: RUNS, seed: 5 });
    expect(never.passed).toBe(false);
    expect(never.expected).toMatch(/on BOS \(it selects nothing\)/);
  });

  it('the same seed gives the same counterexample, and the printed path replays it', async () => {
    const claim: Claim = { head: '1.0', implements: 'select(indices, 0, ==)', match: 'argmax' };
    const a = await checkClaim(loaded(rev.model), rev.program, claim, { numRuns: RUNS, seed: 11 });
    const b = await checkClaim(loaded(rev.model), rev.program, claim, { numRuns: RUNS, seed: 11 });
    expect(a.passed).toBe(false);
    expect(b).toEqual(a);
    const replay = await checkClaim(loaded(rev.model), rev.program, claim, { numRuns: RUNS, seed: 11, path: a.path! });
    expect(replay.counterexample).toEqual(a.counterexample);
    expect(replay.runs).toBe(1);
  });

  it('only inputs of the claimed lengths are generated', async () => {
    const claim: Claim = { head: '1.0', implements: 'select(indices, indices, ==)', maxLen: 1 };
    expect((await checkClaim(loaded(rev.model), rev.program, claim, { numRuns: 50, seed: 6 })).passed).toBe(true);
    const longer = await checkClaim(loaded(rev.model), rev.program, { ...claim, maxLen: 4, minLen: 3 }, { numRuns: 50, seed: 6 });
    expect(longer.counterexample!.length).toBe(3);
  });

  it('names a head the model lacks, with its shape, and RASP mistakes with their column', async () => {
    const run = (c: Claim) => checkClaim(loaded(rev.model), rev.program, c, { numRuns: 1 });
    const shape = String.raw`the model has 2 layers \(layer 0: 1 head, a \d+-neuron MLP; layer 1: 1 head, no MLP\)`;
    await expect(run({ head: '2.0', implements: 'flip' })).rejects.toThrow(new RegExp(String.raw`^claim 1: 'head': component 2\.0: ${shape}$`));
    await expect(run({ head: '1.3', implements: 'flip' })).rejects.toThrow(
      new RegExp(String.raw`^claim 1: 'head': component 1\.3: layer 1 has 1 head \(0\.\.0\); ${shape}$`),
    );
    await expect(run({ head: 'mlp0', implements: 'flip' })).rejects.toThrow(/'head': mlp0 is a mlp; this claim needs a head/);
    await expect(run({ head: '1.0', implements: 'select(indices, opp_idx, ==)' })).rejects.toThrow(
      "claim 1: 'implements': column 17: unknown name 'opp_idx' (did you mean 'opp_index'?)",
    );
    await expect(run({ head: '1.0', implements: 'opp_index' })).rejects.toThrow(/'implements': column 1: 'opp_index' is an s-op, not a selector/);
    await expect(run({ head: '1.0', implements: 'flip', threshold: 0 })).rejects.toThrow(/'threshold': must be in \(0, 1\]/);
    await expect(run({ head: '1.0', implements: 'flip', maxLen: 9 })).rejects.toThrow(/'maxLen': 9 is longer than the model's context allows \(4 tokens\)/);
  });
});

// (Value is used by the helper's enumerated inputs.)
export type { Value };
