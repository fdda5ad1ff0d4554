/** `rasplab intervene`: IIA on the compiled reverse, a wrong site scored as wrong, bad input refused in one line. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { interchangeAccuracy } from '../../../probes/abstraction/interchange.ts';
import { interchangePairs } from '../../../probes/abstraction/pairs.ts';
import { parseSiteText } from '../../../probes/abstraction/siteText.ts';
import { programVariable } from '../../../src/rasp/counterfactual.ts';
import { cli, expectRefusal } from '../../cli/harness.ts';
import { COMPILED_REVERSE, fixture, LEARNED_REVERSE, library } from '../../hypotheses/support.ts';
import { loaded } from '../../support/loaded.ts';

const iia = (out: string) =>
  Object.fromEntries(JSON.parse(out).results.map((r: { variable: string; site: string; iia: number }) => [`${r.variable} ${r.site}`, r.iia]));

describe('rasplab intervene', () => {
  it('on the compiled reverse: every held variable at its own directions is 100%; tokens patched after the flip head is not', async () => {
    const r = await cli('intervene', COMPILED_REVERSE, '--pairs', '20', '--json');
    expect(r.code, r.err).toBe(0);
    expect(iia(r.out)).toEqual({
      'tokens blocks.0.hook_resid_pre[tokens]': 1,
      'indices blocks.0.hook_resid_pre[indices]': 1,
      'length blocks.0.hook_resid_mid[length]': 1,
      'opp_index blocks.0.hook_resid_post[opp_index]': 1,
      'reverse blocks.1.hook_resid_mid[reverse]': 1,
    });
    const late = await cli('intervene', COMPILED_REVERSE, '--variable', 'tokens', '--site', 'blocks.1.hook_resid_post[tokens]', '--pairs', '20', '--json');
    expect(iia(late.out)['tokens blocks.1.hook_resid_post[tokens]']).toBeLessThan(0.2);
  });

  it('at one position, pairs of different lengths make length and opp_index matter; the compiled model follows them exactly', async () => {
    const r = await cli(
      'intervene',
      COMPILED_REVERSE,
      '--variable',
      'length',
      '--site',
      'blocks.0.hook_resid_mid[length]@2',
      '--variable',
      'opp_index',
      '--site',
      'blocks.0.hook_resid_post[opp_index]@2',
      '--site',
      'blocks.1.hook_resid_mid[length]@2',
      '--pairs',
      '30',
      '--json',
    );
    expect(r.code, r.err).toBe(0);
    const rs = JSON.parse(r.out).results as { variable: string; site: string; iia: number; changed: number }[];
    const at = (v: string, site: string) => rs.find((x) => x.variable === v && x.site === site)!;
    const own = [at('length', 'blocks.0.hook_resid_mid[length]@2'), at('opp_index', 'blocks.0.hook_resid_post[opp_index]@2')];
    expect(own.map((x) => x.iia)).toEqual([1, 1]);
    for (const x of own) expect(x.changed).toBeGreaterThan(10);
    // Once opp_index is written, length's direction is read by nothing: patching it there changes nothing.
    expect(at('length', 'blocks.1.hook_resid_mid[length]@2').iia).toBeLessThan(0.7);
  });

  it('the whole residual stream of a learned model carries every variable; one head alone does not carry reverse', async () => {
    const r = await cli('intervene', LEARNED_REVERSE, '--variable', 'reverse', '--site', 'blocks.1.hook_resid_pre', '--site', '1.0', '--pairs', '30', '--json');
    expect(r.code, r.err).toBe(0);
    const got = iia(r.out);
    expect(got['reverse blocks.1.hook_resid_pre']).toBe(1);
    expect(got['reverse 1.0']).toBeLessThan(0.5);
  });

  it('frees every tensor it makes', async () => {
    const model = loaded(fixture(COMPILED_REVERSE));
    const program = library('reverse');
    const pairs = interchangePairs(program, programVariable(program, 'tokens'), { vocab: ['a', 'b', 'c'], minLen: 1, maxLen: 5 }, 10, 0);
    await interchangeAccuracy(model, pairs, parseSiteText('labels', model, 'tokens'));
    const before = tf.memory().numTensors;
    await interchangeAccuracy(model, pairs, parseSiteText('labels', model, 'tokens'));
    await interchangeAccuracy(model, pairs, parseSiteText('1.0', model, 'tokens'));
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([
    [['--variable', 'opp_idx'], /program 'reverse' has no variable 'opp_idx'/],
    [
      ['--variable', 'tokens', '--site', 'blocks.5.hook_resid_pre'],
      /site 'blocks.5.hook_resid_pre': the model has no hook point blocks.5.hook_resid_pre \(2 layers\)/,
    ],
    [['--variable', 'tokens', '--site', '3.0'], /component 3.0: the model has 2 layers/],
    [['--variable', 'tokens', '--site', 'blocks.0.hook_resid_pre[nope]'], /no residual direction of the model is labelled 'nope'/],
    [['--variable', 'tokens', '--site', 'blocks.0.hook_resid_pre[40]'], /direction 40 is past the model's d_model of 33/],
  ])('refuses %j in one line, exit 2', async (args, message) => {
    expectRefusal(await cli('intervene', COMPILED_REVERSE, ...args), message);
  });

  it('a learned model needs a site', async () => {
    const r = await cli('intervene', LEARNED_REVERSE, '--variable', 'tokens');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/a learned model has no labelled directions: name a --site/);
  });
});
