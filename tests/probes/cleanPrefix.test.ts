/**
 * Sweeps start each intervened run at the first layer it touches, from the unmodified run's
 * residual stream, and skip sublayers whose whole output is replaced: the numbers must be those
 * of running every intervention from the embedding, and no tensor may be left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ablationSweep, ABLATION_MODES } from '../../probes/ablation.ts';
import { makeCorruptions } from '../../probes/corruptions.ts';
import { replacementHooks } from '../../probes/intervene.ts';
import { patchSweep } from '../../probes/patching.ts';
import { makeProbeSet } from '../../probes/probeSet.ts';
import { attentionMask } from '../../src/model/attention.ts';
import { forward } from '../../src/model/forward.ts';
import { paramsFromModel, disposeParams } from '../../src/model/params.ts';
import { loaded } from '../support/loaded.ts';
import { randomModel, tinyConfig } from '../support/tinyModels.ts';
import { reverse } from '../compiler/programs.ts';

const prog = reverse();
const task = { vocab: ['a', 'b', 'c'], minLen: 1, maxLen: 5 };
const set = makeProbeSet(prog, { ...task, n: 60, seed: 3 });
// Three layers: heads and MLP, heads only, MLP only; LayerNorm, causal.
const model = randomModel(tinyConfig(), 4);

describe('sweeps from the clean stream', () => {
  it('ablation: every component, every mode and neuron, as from the embedding', async () => {
    const opts = { modes: ABLATION_MODES, neurons: true, batchSize: 16, seed: 2 };
    const m = loaded(model);
    const before = tf.memory().numTensors;
    const fast = await ablationSweep(m, set, opts);
    expect(tf.memory().numTensors).toBe(before);
    const slow = await ablationSweep(loaded(model), set, { ...opts, reuseCleanPrefix: false });
    expect(fast.components.length).toBeGreaterThan(30);
    expect(fast).toEqual(slow);
  });

  it.each(['token', 'length'] as const)('patching (%s corruptions, per position): as from the embedding', async (kind) => {
    const pairs = makeCorruptions(prog, set, kind, task, 1);
    const m = loaded(model);
    const before = tf.memory().numTensors;
    const fast = await patchSweep(m, pairs, { perPosition: true, batchSize: 16 });
    expect(tf.memory().numTensors).toBe(before);
    const slow = await patchSweep(loaded(model), pairs, { perPosition: true, batchSize: 16, reuseCleanPrefix: false });
    expect(fast).toEqual(slow);
  });
});

describe('forward from a layer', () => {
  const config = model.config;
  const params = paramsFromModel(model);
  const tokens = () => tf.tensor2d([[0, 1, 2, 3, 1, 2]], [1, 6], 'int32');

  it('refuses to start after an intervention it would skip', () => {
    tf.tidy(() => {
      const resid = tf.zeros([1, 6, config.dModel]);
      const hooks = replacementHooks([{ hook: 'blocks.0.hook_mlp_out' }], () => null);
      expect(() => forward(config, params, { tokens: tokens(), from: { layer: 1, resid } }, { hooks })).toThrow(/skip an intervention/);
      expect(() => forward(config, params, { tokens: tokens(), from: { layer: 4, resid } })).toThrow(/cannot start at layer 4/);
      const attn = replacementHooks([{ hook: 'blocks.0.attn.hook_z' }], () => null);
      expect(() => forward(config, params, { tokens: tokens(), from: { layer: 0, resid, mid: true } }, { hooks: attn })).toThrow(/resid_mid would skip/);
      expect(() => forward(config, params, { tokens: tokens(), from: { layer: 0, resid, mid: true }, visibleKeys: [new Float32Array(6).fill(1)] })).toThrow(
        /skip an intervention/,
      );
      expect(() => forward(config, params, { tokens: tokens(), from: { layer: 3, resid, mid: true } })).toThrow(/cannot start inside layer 3/);
      expect(() => forward(config, params, { tokens: tokens(), from: { layer: 1, resid: tf.zeros([1, 5, config.dModel]) } })).toThrow(/shape/);
    });
  });

  it("from a layer's resid_mid: the clean stream there gives the clean logits, and an MLP hook still fires", () => {
    tf.tidy(() => {
      const clean = forward(config, params, { tokens: tokens() }, { cache: (h) => h === 'blocks.0.hook_resid_mid' });
      const resid = clean.cache.get('blocks.0.hook_resid_mid')!;
      expect(forward(config, params, { tokens: tokens(), from: { layer: 0, resid, mid: true } }).logits.arraySync()).toEqual(clean.logits.arraySync());
      const hooks = replacementHooks([{ hook: 'blocks.0.mlp.hook_post', slice: { axis: 2, index: 1 } }], () => null);
      const zeroed = forward(config, params, { tokens: tokens() }, { hooks });
      expect(forward(config, params, { tokens: tokens(), from: { layer: 0, resid, mid: true } }, { hooks }).logits.arraySync()).toEqual(
        zeroed.logits.arraySync(),
      );
      expect(zeroed.logits.arraySync()).not.toEqual(clean.logits.arraySync());
    });
  });

  it("from a layer's hook_z: the clean z there gives the clean logits, a head's patch is that of the whole run, and earlier hooks are refused", () => {
    tf.tidy(() => {
      const names = new Set(['blocks.0.hook_resid_pre', 'blocks.0.attn.hook_z']);
      const clean = forward(config, params, { tokens: tokens() }, { cache: (h) => names.has(h) });
      const resid = clean.cache.get('blocks.0.hook_resid_pre')!;
      const z = clean.cache.get('blocks.0.attn.hook_z')!;
      const from = { layer: 0, resid, z };
      expect(forward(config, params, { tokens: tokens(), from }).logits.arraySync()).toEqual(clean.logits.arraySync());
      const head = replacementHooks([{ hook: 'blocks.0.attn.hook_z', slice: { axis: 2, index: 1 } }], () => null);
      const zeroed = forward(config, params, { tokens: tokens() }, { hooks: head });
      expect(forward(config, params, { tokens: tokens(), from }, { hooks: head }).logits.arraySync()).toEqual(zeroed.logits.arraySync());
      expect(zeroed.logits.arraySync()).not.toEqual(clean.logits.arraySync());
      const pattern = replacementHooks([{ hook: 'blocks.0.attn.hook_pattern' }], () => null);
      expect(() => forward(config, params, { tokens: tokens(), from }, { hooks: pattern })).toThrow(/hook_z would skip an intervention/);
      expect(() => forward(config, params, { tokens: tokens(), from: { ...from, mid: true } })).toThrow(/not both/);
      expect(() => forward(config, params, { tokens: tokens(), from: { ...from, z: resid } })).toThrow(/hook_z of shape/);
    });
  });

  it('a replaced sublayer is still computed when its insides are observed, and the result is the same', () => {
    tf.tidy(() => {
      const hooks = replacementHooks([{ hook: 'blocks.0.hook_attn_out' }], () => null);
      const skipped = forward(config, params, { tokens: tokens() }, { hooks });
      const observed = forward(config, params, { tokens: tokens() }, { hooks, cache: (h) => h === 'blocks.0.attn.hook_pattern' });
      expect(observed.cache.has('blocks.0.attn.hook_pattern')).toBe(true);
      expect(skipped.logits.arraySync()).toEqual(observed.logits.arraySync());
    });
  });

  it('masks made beforehand are used as given, and the ones of the lengths give the same logits', () => {
    tf.tidy(() => {
      const lengths = [4];
      const made = forward(config, params, { tokens: tokens(), lengths });
      const full = config.layers.map((L) => (L.nHeads ? attentionMask(6, lengths, config.causal) : null));
      const given = forward(config, params, { tokens: tokens(), lengths, masks: full });
      expect(given.logits.arraySync()).toEqual(made.logits.arraySync());
      // Given masks win over lengths: seeing every key is not what the lengths say.
      const open = forward(config, params, { tokens: tokens(), lengths, masks: config.layers.map(() => null) });
      expect(open.logits.arraySync()).not.toEqual(made.logits.arraySync());
    });
  });

  it.sequential('cleanup', () => disposeParams(params));
});
