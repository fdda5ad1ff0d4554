/** DAS finds where the learned reverse keeps its tokens; the illusion check's read space; `rasplab align` refuses bad input in one line. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { align } from '../../../probes/abstraction/align.ts';
import { readSpace, restrictToReadSpace } from '../../../probes/abstraction/illusion.ts';
import { directionBasis } from '../../../probes/abstraction/sites.ts';
import { modelTask } from '../../../probes/probeSet.ts';
import { cli, expectRefusal } from '../../cli/harness.ts';
import { COMPILED_REVERSE, fastBackend, fixture, LEARNED_REVERSE, library } from '../../hypotheses/support.ts';
import { loaded } from '../../support/loaded.ts';

beforeAll(fastBackend);

describe('distributed alignment search', () => {
  it('finds the tokens of the learned reverse in a rank-5 subspace of its embedding stream, and frees its tensors', async () => {
    const model = loaded(fixture(LEARNED_REVERSE));
    const before = tf.memory().numTensors;
    const r = await align(model, library('reverse'), 'tokens', {
      rank: 5,
      steps: 40,
      pairs: 96,
      seed: 0,
      task: modelTask(model),
      hooks: ['blocks.0.hook_resid_pre'],
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.best.hook).toBe('blocks.0.hook_resid_pre');
    expect(r.best.iia).toBeGreaterThan(0.85);
    // A rank-1 subspace cannot swap one of five tokens for another.
    expect(r.ranks[0]).toMatchObject({ rank: 1 });
    expect(r.ranks[0].iia).toBeLessThan(0.7);
    expect(r.sites[0].das.changed).toBeGreaterThan(50);
  });
});

describe('given directions', () => {
  it("a compiled model's own labelled directions score 100% where the variable is written, and not after it is last read", async () => {
    const data = fixture(COMPILED_REVERSE);
    const model = loaded(data);
    const r = await align(model, library('reverse'), 'tokens', {
      rank: 1,
      steps: 3,
      pairs: 32,
      seed: 0,
      task: modelTask(model),
      directions: data,
      hooks: ['blocks.0.hook_resid_pre', 'blocks.1.hook_resid_post'],
    });
    expect(r.givenNote).toBeUndefined();
    expect(r.sites.map((s) => s.given!.iia)).toEqual([1, expect.any(Number)]);
    expect(r.sites[1].given!.iia).toBeLessThan(0.5);
  });

  it('say why they do not apply to a model of another width', async () => {
    const model = loaded(fixture(LEARNED_REVERSE));
    const r = await align(model, library('reverse'), 'tokens', {
      rank: 1,
      steps: 1,
      pairs: 8,
      seed: 0,
      task: modelTask(model),
      directions: fixture(COMPILED_REVERSE),
      hooks: ['blocks.0.hook_resid_pre'],
    });
    expect(r.givenNote).toMatch(/the given model's residual stream is 33 wide, this one's 32: its directions do not apply/);
    expect(r.sites[0].given).toBeNull();
  });
});

describe('the illusion check', () => {
  const compiled = fixture(COMPILED_REVERSE);
  const index = (sop: string, value: string) => compiled.labels.residual.find((d) => d.sop === sop && d.value === value)!.index;

  it("after the last layer only the unembedding reads: the compiled reverse's five output directions", () => {
    expect(readSpace(compiled, 'blocks.1.hook_resid_post')).toHaveLength(5);
    expect(readSpace(compiled, 'blocks.0.hook_resid_pre').length).toBeGreaterThan(5);
  });

  it('restricting keeps what is read and drops what is dormant', () => {
    const read = readSpace(compiled, 'blocks.1.hook_resid_post');
    const D = compiled.config.dModel;
    // tokens = a is read by nothing after the last layer: the restriction is empty.
    expect(restrictToReadSpace(directionBasis(D, [index('tokens', 'a')]), read).shape).toEqual([D, 0]);
    // A direction half read, half dormant keeps only its read half.
    const mixed = new Float32Array(D);
    mixed[index('tokens', 'a')] = Math.SQRT1_2;
    mixed[index('reverse', 'b')] = Math.SQRT1_2;
    const kept = restrictToReadSpace({ shape: [D, 1], data: mixed }, read);
    expect(kept.shape).toEqual([D, 1]);
    expect(Math.abs(kept.data[index('reverse', 'b')])).toBeCloseTo(1, 5);
  });
});

describe('rasplab align: bad input', () => {
  it.each([
    [[], /name the program variable to look for: --variable NAME/],
    [['--variable', 'opp_idx'], /program 'reverse' has no variable 'opp_idx'/],
    [['--variable', 'tokens', '--rank', '40'], /--rank 40 is larger than the residual stream it is a subspace of \(d_model 32\)/],
    [['--variable', 'tokens', '--hook', 'blocks.2.hook_resid_pre'], /--hook blocks.2.hook_resid_pre: not a residual-stream read point of this model/],
  ])('%j: one line, exit 2', async (args, message) => {
    expectRefusal(await cli('align', LEARNED_REVERSE, ...args), message);
  });
});
