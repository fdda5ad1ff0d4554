import { beforeAll, describe, expect, it } from 'vitest';
import { checkClaim, checkClaims, type Claim } from '../../probes/hypotheses/index.ts';
import { COMPILED_REVERSE, compiledLibrary, fastBackend, fixture, library, LEARNED_REVERSE } from './support.ts';
import { loaded } from '../support/loaded.ts';

const RUNS = 100;
beforeAll(fastBackend);

const reverse = library('reverse');
const compiled = fixture(COMPILED_REVERSE);
const learned = fixture(LEARNED_REVERSE);

describe('neuron claims', () => {
  it("compiled reverse's first MLP has neurons for position 0 and for length 1", async () => {
    const claims: Claim[] = [
      { neuron: 'mlp0.n0', tracks: 'indices == 0' },
      { neuron: 'mlp0.n17', tracks: 'length == 1' },
    ];
    for (const r of await checkClaims(loaded(compiled), reverse, claims, { numRuns: RUNS, seed: 1 })) expect(r.passed, `${r.claim}: ${r.observed}`).toBe(true);
  });

  it('the learned model has a last-position neuron (above 0.67)', async () => {
    const r = await checkClaim(loaded(learned), reverse, { neuron: 'mlp0.n3', tracks: 'indices == 7', above: 0.67 }, { numRuns: RUNS, seed: 2 });
    expect(r.passed, r.observed).toBe(true);
  });

  it('a wrong predicate fails on the shortest input that shows it', async () => {
    const r = await checkClaim(loaded(compiled), reverse, { neuron: 'mlp0.n0', tracks: 'indices == 1' }, { numRuns: RUNS, seed: 3 });
    expect(r.passed).toBe(false);
    expect(r.counterexample).toEqual(['a']);
    expect(r.observed).toMatch(/^at 0:a the activation is [\d.]+ \(active\)$/);
    expect(r.expected).toBe('inactive (> 0), as indices == 1 is False there');
  });

  it('names a neuron the model lacks, and needs a neuron', async () => {
    await expect(checkClaim(loaded(compiled), reverse, { neuron: 'mlp1.n0', tracks: 'indices == 0' }, { numRuns: 1 })).rejects.toThrow(
      /'neuron': component mlp1\.n0: layer 1 has no MLP/,
    );
    await expect(checkClaim(loaded(compiled), reverse, { neuron: '1.0', tracks: 'indices == 0' }, { numRuns: 1 })).rejects.toThrow(
      /is a head; this claim needs a neuron/,
    );
  });
});

describe('residual read-out claims', () => {
  it('a compiled model holds opp_index in its own directions after layer 0, and not before', async () => {
    const [after, before] = await checkClaims(
      loaded(compiled),
      reverse,
      [
        { encodes: 'opp_index', at: 1 },
        { encodes: 'opp_index', at: 0 },
      ],
      { numRuns: RUNS, seed: 4 },
    );
    expect(after.passed, after.observed).toBe(true);
    expect(before.passed).toBe(false);
    expect(before.observed).toMatch(/read-out of blocks\.0\.hook_resid_pre directions 17–26 gives/);
  });

  it('a numerical variable, an expression and an explicit subspace', async () => {
    const fp = compiledLibrary('frac_prevs');
    const dirs = fp.model.labels.residual.filter((d) => d.sop === 'frac_prevs').map((d) => d.index);
    const claims: Claim[] = [
      { encodes: 'frac_prevs', at: 'blocks.0.hook_resid_post' },
      { encodes: 'frac_prevs', at: 1, directions: dirs },
      { encodes: 'indices + 1', at: 0 },
    ];
    for (const r of await checkClaims(loaded(fp.model), fp.program, claims, { numRuns: RUNS, seed: 5 }))
      expect(r.passed, `${r.claim}: ${r.observed}`).toBe(true);
  });

  it('a learned model: tokens from the embedding, positions after layer 0, opp_index not linearly', async () => {
    const claims: Claim[] = [
      { encodes: 'tokens', at: 0 },
      { encodes: 'indices', at: 1 },
      { encodes: 'opp_index', at: 1 },
    ];
    const [tokens, positions, opp] = await checkClaims(loaded(learned), reverse, claims, { numRuns: RUNS, seed: 6 });
    expect(tokens.passed && positions.passed, `${tokens.observed} / ${positions.observed}`).toBe(true);
    expect(opp.passed).toBe(false);
    expect(opp.expected).toMatch(/^opp_index = \d+ \(read-out fitted on 512 inputs, [\d.]+% right there\)$/);
    // Not linearly everywhere, but a converged fit reads nearly every fitting sample (an unconverged one read 98%).
    expect(Number(/([\d.]+)% right there/.exec(opp.expected ?? '')?.[1])).toBeGreaterThanOrEqual(99.5);
  });

  it('names read points and directions the model lacks', async () => {
    const run = (c: Claim) => checkClaim(loaded(compiled), reverse, c, { numRuns: 1 });
    await expect(run({ encodes: 'opp_index', at: 5 })).rejects.toThrow(/'at': read point 5 does not exist: 0\.\.2/);
    await expect(run({ encodes: 'opp_index', at: 'blocks.0.attn.hook_z' })).rejects.toThrow(/'at': 'blocks\.0\.attn\.hook_z' is not a residual hook/);
    await expect(run({ encodes: 'opp_index', at: 1, directions: [40] })).rejects.toThrow(
      /'directions': direction 40 does not exist: the residual stream has 33/,
    );
    await expect(run({ encodes: 'flip', at: 1 })).rejects.toThrow(/'encodes': column 1: 'flip' is a selector/);
  });
});
