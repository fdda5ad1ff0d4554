import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { makeCorruptions } from '../../probes/corruptions.ts';
import { patch, patchSweep } from '../../probes/patching.ts';
import { makeProbeSet } from '../../probes/probeSet.ts';
import { layerHook, type HookName } from '../../src/model/hooks.ts';
import { reverse } from '../compiler/programs.ts';
import { compiled } from './fixtures.ts';
import { loaded } from '../support/loaded.ts';

const vocab = ['a', 'b', 'c'];
const prog = reverse();
const model = compiled(prog, vocab, 4);
const task = { vocab, minLen: 1, maxLen: 4 };
const clean = makeProbeSet(prog, { ...task, n: 80, seed: 5 });

describe('corruptions', () => {
  it('each kind changes what it says and the output', () => {
    const tok = makeCorruptions(prog, clean, 'token', task, 1);
    tok.clean.inputs.forEach((x, i) => {
      const y = tok.corrupt.inputs[i];
      expect(y.length).toBe(x.length);
      expect(x.filter((t, p) => t !== y[p])).toHaveLength(1);
    });
    const len = makeCorruptions(prog, clean, 'length', task, 1);
    len.clean.inputs.forEach((x, i) => expect(Math.abs(len.corrupt.inputs[i].length - x.length)).toBe(1));
    expect(len.clean.inputs.length + len.skipped).toBe(clean.inputs.length);
    expect(() => makeCorruptions(prog, clean, 'variable:nope', task)).toThrow(/no variable 'nope'/);
  });
});

describe('activation patching on compiled reverse', () => {
  const pairs = makeCorruptions(prog, clean, 'token', task, 2);

  it('patching the clean residual back restores the output exactly', async () => {
    const r = await patch(loaded(model), pairs, [{ hook: 'blocks.0.hook_resid_pre' }]);
    expect(r.logitDiff.clean).toBeGreaterThan(r.logitDiff.corrupt);
    expect(r.recovery).toBeCloseTo(1, 6);
    expect(r.exactMatch.patched).toBe(1);
    expect(r.exactRecovery).toBeCloseTo(1, 6);
  });

  it('the flip head carries the answer; the length head does not matter for a token change', async () => {
    const before = tf.memory().numTensors;
    const sweep = await patchSweep(loaded(model), pairs);
    expect(tf.memory().numTensors).toBe(before);
    const at = (s: string) => sweep.find((r) => r.site === s)!;
    expect(at('1.0').recovery).toBeCloseTo(1, 4);
    expect(at('0.0').recovery).toBeCloseTo(0, 4);
    expect(at('blocks.1.hook_resid_pre').recovery).toBeCloseTo(1, 4);
  });

  it('per position: only positions holding the changed token recover', async () => {
    const one = {
      clean: { ...pairs.clean, inputs: [['a', 'b', 'c']], expected: [['c', 'b', 'a']] },
      corrupt: { ...pairs.corrupt, inputs: [['a', 'b', 'b']], expected: [['b', 'b', 'a']] },
      skipped: 0,
    };
    const sweep = await patchSweep(loaded(model), one, { perPosition: true, components: [] });
    const rec = (p: number) => sweep.find((r) => r.site === `blocks.0.hook_resid_pre@${p}`)!.recovery;
    expect(rec(3)).toBeCloseTo(1, 4);
    expect(rec(1)).toBeCloseTo(0, 4);
  });
});

describe('patching the whole residual stream recovers the clean output', () => {
  const hooks = (layers: number): HookName[] => [
    ...Array.from({ length: layers }, (_, l) => (['hook_resid_pre', 'hook_resid_mid', 'hook_resid_post'] as const).map((p) => layerHook(l, p))).flat(),
    'unembed.hook_in',
  ];

  it.each(['token', 'length', 'variable:opp_idx-1'] as const)('for the %s corruption, at every layer', async (kind) => {
    const pairs = makeCorruptions(prog, clean, kind, task, 3);
    expect(pairs.clean.inputs.length).toBeGreaterThan(10);
    for (const hook of hooks(model.config.layers.length)) {
      const r = await patch(loaded(model), pairs, [{ hook }]);
      expect(r.exactMatch.corrupt, hook).toBeLessThan(1);
      expect(r.exactMatch.patched, hook).toBe(1);
      expect(r.recovery, hook).toBeCloseTo(1, 4);
    }
  });
});

describe('across lengths, a residual patch carries its positions', () => {
  const pairs = makeCorruptions(prog, clean, 'length', task, 3);
  const nPos = 1 + Math.max(...[...pairs.clean.inputs, ...pairs.corrupt.inputs].map((x) => x.length));

  it('every position patched on its own, together, is the whole residual stream', async () => {
    const sites = Array.from({ length: nPos }, (_, position) => ({ hook: 'blocks.1.hook_resid_pre' as HookName, position }));
    const r = await patch(loaded(model), pairs, sites);
    expect(r.exactMatch.patched).toBe(1);
    expect(r.recovery).toBeCloseTo(1, 4);
  });

  it('what the embeddings write is not the positions: the length head still counts the corrupted ones', async () => {
    const r = await patch(loaded(model), pairs, [{ hook: 'hook_embed' }, { hook: 'hook_pos_embed' }]);
    expect(r.exactMatch.patched).toBeLessThan(0.5);
  });
});
