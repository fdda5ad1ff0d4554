/**
 * One learned numerical model, scored on one set of inputs, gets one exact match from every
 * command: train's summary, verify, compare, ablate (nothing ablated), the TUI engine and the
 * report's data all judge a numerical output right within the same tolerance (src/model/scoring.ts),
 * and --tolerance moves all of them together.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../cli/tui/engine.ts';
import { prepareSession } from '../../cli/tui/session.ts';
import { LoadedModel } from '../../src/model/loadedModel.ts';
import { NUMERIC_TOLERANCE } from '../../src/model/scoring.ts';
import { cli, tempDir } from './harness.ts';

const tmp = tempDir();
const model = join(tmp.dir, 'frac_prevs.safetensors');
// frac_prevs over {a, b, x} up to length 3: 39 inputs, so every command scores all of them.
const TRAIN = ['frac_prevs', '--max-len', '3', '--layers', '1', '--heads', '1', '--d-model', '16', '--steps', '50', '--seed', '2', '--backend', 'cpu'];

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => tmp.cleanup());

/** The exact match every command reports for the model at `tolerance`. */
async function everyScore(tolerance: number): Promise<Record<string, number>> {
  const tol = ['--tolerance', String(tolerance), '--backend', 'cpu'];
  const trained = await cli('train', ...TRAIN, ...tol, '-o', model);
  expect(trained.code).toBe(0);
  const summary = /exact match: train [\d.]+%, test ([\d.]+)%/.exec(trained.out)![1];
  const log = readFileSync(join(tmp.dir, 'frac_prevs.train.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const end = log.find((r) => r.type === 'end');

  const json = async (...argv: string[]) => {
    const r = await cli(...argv, ...tol, '--json');
    expect([0, 1]).toContain(r.code); // verify exits 1 when the model disagrees
    return JSON.parse(r.out);
  };
  const verify = await json('verify', model);
  const compare = await json('compare', model, model);
  const ablate = await json('ablate', model, '--head', '0.0');
  const report = await json('report', model);

  const session = await prepareSession(model, { samples: 300, seed: 0 });
  const engine = createEngine([LoadedModel.from(session.models[0].data)], session.set, { seed: 0, tolerance });
  const tui = await engine.accuracy(0, { ablated: [], mode: 'zero' });
  engine.dispose();

  expect(verify.checked).toBe(39);
  expect(compare.outputs.inRange.inputs).toBe(39);
  expect(report.settings.inputs).toBe(39);
  // The summary prints one decimal; the log keeps the number.
  expect(summary).toBe((100 * end.testAcc).toFixed(1));
  return {
    train: end.testAcc,
    verify: verify.agreement,
    compare: compare.outputs.inRange.aExact,
    ablate: ablate.baseline.exactMatch,
    tui: tui.baseline.exactMatch,
    report: report.models[0].exactMatch,
  };
}

describe('one learned numerical model, one exact match', () => {
  it('at the default tolerance and at --tolerance 0.2, every command agrees', async () => {
    const byDefault = await everyScore(NUMERIC_TOLERANCE);
    const loose = await everyScore(0.2);
    for (const scores of [byDefault, loose]) {
      const values = Object.values(scores);
      expect(
        values.every((v) => v === values[0]),
        JSON.stringify(scores),
      ).toBe(true);
    }
    // Neither trivial nor the same: the tolerance is what decides.
    expect(byDefault.verify).toBeGreaterThan(0);
    expect(loose.verify).toBeGreaterThan(byDefault.verify);
    expect(loose.verify).toBeLessThan(1);
  }, 180_000);

  // Uses the model the test above trained last.
  it('patch and check take --tolerance too', async () => {
    const patched = async (tolerance: string) => {
      const r = await cli('patch', model, '--component', '0.0', '--backend', 'cpu', '--json', '--tolerance', tolerance);
      expect(r.code).toBe(0);
      return JSON.parse(r.out).results[0].exactMatch;
    };
    expect((await patched('1000')).clean).toBe(1);
    expect((await patched(String(NUMERIC_TOLERANCE))).clean).toBeLessThan(1);

    const hyp = join(tmp.dir, 'frac_prevs.yaml');
    writeFileSync(hyp, 'program: frac_prevs\nclaims:\n  - ablate: ["0.0"]\n    output: unchanged\n');
    const checked = async (...tol: string[]) => (await cli('check', model, hyp, '--runs', '30', '--backend', 'cpu', ...tol)).code;
    // Without its only head the model's fractions move by more than 0.05, but not by 1000.
    expect(await checked()).toBe(1);
    expect(await checked('--tolerance', '1000')).toBe(0);
  }, 60_000);
});
