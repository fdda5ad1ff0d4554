/**
 * `rasplab train --siit`: a few steps of strict IIT on a tiny reverse run end to end (the saved
 * model's labels carry the alignment, tensors are freed); alignment maps are checked in one line.
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAlignment, parseAlignYaml, resolveAlignment } from '../../../probes/abstraction/alignmentMap.ts';
import { nonCircuitNodes } from '../../../probes/abstraction/inertNodes.ts';
import { trainSiit } from '../../../probes/abstraction/siit.ts';
import { formatComponent } from '../../../src/model/components.ts';
import { loadModel } from '../../../src/model/modelFile.ts';
import { cli, tempDir } from '../../cli/harness.ts';
import { fastBackend } from '../../hypotheses/support.ts';
import { compiled, config, program } from './tinyReverse.ts';
import { userError } from '../../support/userError.ts';

beforeAll(fastBackend);
const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('the alignment map', () => {
  it("by default, one compiled node per component: the length head, opp_index's MLP, the flip head", () => {
    const map = defaultAlignment(compiled);
    expect(Object.fromEntries([...map].map(([v, cs]) => [v, cs.map(formatComponent)]))).toEqual({ length: ['0.0'], reverse: ['1.0'], opp_index: ['mlp0'] });
    expect(nonCircuitNodes(config, map).map(formatComponent)).toEqual(['0.1', '1.1', 'mlp1']);
  });

  it('refuses a variable the program lacks, a component the model lacks, and a node named twice', () => {
    expect(userError(() => resolveAlignment(new Map([['opp_idx', ['mlp0']]]), program, config))).toMatch(/program 'reverse' has no variable 'opp_idx'/);
    expect(userError(() => resolveAlignment(new Map([['reverse', ['2.0']]]), program, config))).toMatch(/component 2.0: the model has 2 layers/);
    expect(
      userError(() =>
        resolveAlignment(
          new Map([
            ['reverse', ['1.0']],
            ['length', ['1.0']],
          ]),
          program,
          config,
        ),
      ),
    ).toMatch(/the alignment names 1.0 twice \(for 'reverse' and 'length'\)/);
    expect(userError(() => parseAlignYaml('reverse: [1.0\n', 'map.yaml'))).toMatch(/^map.yaml: not YAML/);
    expect(parseAlignYaml('reverse: "1.0"\nlength: [0.0, mlp0]\n', 'map.yaml')).toEqual(
      new Map([
        ['reverse', ['1.0']],
        ['length', ['0.0', 'mlp0']],
      ]),
    );
  });
});

describe('strict IIT', () => {
  it('trains, labels the aligned components with what they implement, and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const r = await trainSiit({
      config,
      program,
      compiled,
      alignment: defaultAlignment(compiled),
      task: { vocab: ['a', 'b'], minLen: 1, maxLen: 3 },
      steps: 6,
      batch: 16,
      lr: 3e-3,
      seed: 0,
      weights: { task: 1, iit: 1, strict: 1 },
      backend: tf.getBackend(),
      evalPairs: 20,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.model.labels.heads.map((h) => `${h.layer}.${h.head} ${h.writes}`)).toEqual(['0.0 length', '1.0 reverse']);
    expect(r.model.labels.mlps.map((m) => `mlp${m.layer} ${m.writes}`)).toEqual(['mlp0 opp_index']);
    expect(r.scores.iia.map((x) => x.variable)).toEqual(['length', 'reverse', 'opp_index']);
    // IIA at every position, per input length, over the same pairs as the overall figure.
    for (const x of r.scores.iia) {
      expect(x.byLength.map((l) => l.length)).toEqual([1, 2, 3]);
      expect(x.byLength.reduce((s, l) => s + l.pairs * l.iia, 0) / 20).toBeCloseTo(x.iia, 12);
    }
    expect(r.scores.inert.map((x) => x.node)).toEqual(['0.1', '1.1', 'mlp1']);
  });

  it('rasplab train --siit writes a model whose training record holds the alignment; bad maps are one line, exit 2', async () => {
    const c = join(tmp.dir, 'rev.safetensors');
    expect((await cli('compile', 'reverse', '--vocab', 'a,b', '--max-len', '3', '-o', c)).code).toBe(0);
    const out = join(tmp.dir, 'rev.siit.safetensors');
    const r = await cli('train', '--siit', c, '--d-model', '16', '--steps', '3', '--batch', '8', '-o', out, '--json');
    expect(r.code, r.err).toBe(0);
    const saved = loadModel(out);
    expect(saved.training?.siit).toMatchObject({ alignment: { length: ['0.0'], reverse: ['1.0'], opp_index: ['mlp0'] } });
    const shaped = join(tmp.dir, 'rev.siit.ln.safetensors');
    const ln = await cli(
      'train',
      '--siit',
      c,
      '--d-model',
      '16',
      '--layernorm',
      '--causal',
      '--act',
      'gelu',
      '--steps',
      '2',
      '--batch',
      '8',
      '-o',
      shaped,
      '--json',
    );
    expect(ln.code, ln.err).toBe(0);
    expect(loadModel(shaped).config).toMatchObject({ normalization: 'LN', causal: true, actFn: 'gelu', dModel: 16, origin: 'learned' });
    expect(loadModel(out).config).toMatchObject({ normalization: 'none', causal: false, actFn: 'relu' });
    const none = await cli('train', '-o', out);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/name the program to train on/);
    const map = tmp.file('twice.yaml', 'reverse: "1.0"\nlength: "1.0"\n');
    for (const [args, message] of [
      [['--align-map', map], /the alignment names 1.0 twice/],
      [['--align', 'nope=1.0'], /program 'reverse' has no variable 'nope'/],
      [['--align', 'reverse=5.0'], /component 5.0: the model has 2 layers/],
      [['--align', 'reverse'], /--align 'reverse': write VARIABLE=COMPONENT/],
    ] as const) {
      const bad = await cli('train', '--siit', c, '--d-model', '16', '--steps', '1', '-o', out, ...args);
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(message);
      expect(bad.err.trim().split('\n')).toHaveLength(1);
    }
  });
});
