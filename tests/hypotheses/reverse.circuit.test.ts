/**
 * An example of keeping circuit hypotheses in a test suite: claims about the saved reverse models,
 * checked as fast-check properties with @fast-check/vitest. The model is loaded once (its weights
 * stay tensors until disposed) and every prepared claim runs on it; `assert` checks one input and throws with what the model did
 * and what the claim expected, so a failing `test.prop` shows a shrunk counterexample.
 */
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { checkClaim, inputsOf, prepareClaim } from '../../probes/hypotheses/index.ts';
import { selectBackend } from '../../src/model/backend.ts';
import { LoadedModel } from '../../src/model/loadedModel.ts';
import { loadModel } from '../../src/model/modelFile.ts';
import { COMPILED_REVERSE, LEARNED_REVERSE, library } from './support.ts';

await selectBackend('auto');
const program = library('reverse');
const vocab = ['a', 'b', 'c', 'd', 'e'];
// A fixed seed keeps the suite deterministic; a failure prints the seed and path that replay it.
const params = { numRuns: 200, seed: 42 };

describe('compiled reverse', async () => {
  const model = LoadedModel.from(loadModel(COMPILED_REVERSE));
  const flip = await prepareClaim(model, program, { head: '1.0', implements: 'select(indices, opp_index, ==)', match: 'argmax' });
  const firstPosition = await prepareClaim(model, program, { neuron: 'mlp0.n0', tracks: 'indices == 0' });
  const relabel = await prepareClaim(model, program, { invariant: 'relabel', outputs: 'follow', maxLen: 6 });
  afterAll(() => [flip, firstPosition, relabel, model].forEach((c) => c.dispose()));

  test.prop([inputsOf(program, { vocab, maxLen: 6 })], params)('head 1.0 attends the flipped position', (input) => flip.assert(input));
  test.prop([inputsOf(program, { vocab, maxLen: 6 })], params)('neuron mlp0.n0 fires at position 0 only', (input) => firstPosition.assert(input));
  // A claim whose cases need more than the input (here a renaming of the tokens) generates them itself.
  test.prop([relabel.cases()], params)('renaming the tokens renames the output', ([input, renaming]) => relabel.assert(input, renaming));
});

describe('learned reverse', async () => {
  const model = LoadedModel.from(loadModel(LEARNED_REVERSE));
  const shortFlip = await prepareClaim(model, program, { head: '1.0', implements: 'flip', match: 'argmax', maxLen: 3 });
  const notFlip = await prepareClaim(model, program, { head: '1.1', implements: 'flip', match: 'argmax' });
  afterAll(() => [shortFlip, notFlip, model].forEach((c) => c.dispose()));

  test.prop([inputsOf(program, { vocab, maxLen: 3 })], params)('head 1.0 flips inputs of up to 3 tokens', (input) => shortFlip.assert(input));

  it('head 1.1 is no flip head: fast-check finds an input where it looks elsewhere', () => {
    const d = fc.check(notFlip.property(), params);
    expect(d.failed).toBe(true);
    const [[input]] = d.counterexample!;
    expect(() => notFlip.assert(input)).toThrow(/^claim "head 1\.1 implements flip \(argmax\)" fails on .*: query \d+:\S+ attends BOS/);
  });

  it('on longer inputs head 1.0 sometimes looks elsewhere too (up to 3 tokens it does not, above)', async () => {
    const r = await checkClaim(model, program, { head: '1.0', implements: 'flip', match: 'argmax' }, { numRuns: 1000, seed: 0 });
    expect(r.passed).toBe(false);
    expect(r.counterexample!.length).toBeGreaterThanOrEqual(4);
  });
});
