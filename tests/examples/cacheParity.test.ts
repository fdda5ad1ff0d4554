/**
 * Hook parity: `rasplab cache` writes the activations TransformerLens's run_with_cache gives for the
 * exported model — the same hook names, shapes and values (masked scores -inf, the layer norms'
 * hook_scale and hook_normalized before weight and bias, unembed.hook_in / hook_out) — checked
 * against the numpy stand-in for TransformerLens 3.5 (tests/support/tl_stand_in).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { saveModel } from '../../src/model/modelFile.ts';
import { cli, tempDir } from '../cli/harness.ts';
import { float32s, readSafetensorsSpec } from '../support/safetensorsSpec.ts';
import { randomModel, tinyConfig } from '../support/tinyModels.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** The stand-in's run_with_cache on the exported model: name → [shape, values]. */
function tlCache(tlFile: string, tokens: number[]): Map<string, [number[], number[]]> {
  const driver = [
    'import json, sys',
    'import numpy as np',
    'from safetensors.torch import load_file',
    'from transformer_lens import HookedTransformer, HookedTransformerConfig',
    'cfg = HookedTransformerConfig(**json.load(open(sys.argv[1][: -len(".safetensors")] + ".json")))',
    'model = HookedTransformer(cfg)',
    'model.load_state_dict(load_file(sys.argv[1]), strict=True)',
    '_, cache = model.run_with_cache(np.array([json.loads(sys.argv[2])]))',
    'out = {k: [list(v.shape), [None if np.isneginf(x) else float(x) for x in np.ravel(v)]] for k, v in cache.items()}',
    'print(json.dumps(out))',
  ].join('\n');
  const text = execFileSync('python3', ['-c', driver, tlFile, JSON.stringify(tokens)], {
    env: { ...process.env, PYTHONPATH: join(ROOT, 'tests/support/tl_stand_in'), PYTHONDONTWRITEBYTECODE: '1' },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const raw = JSON.parse(text) as Record<string, [number[], (number | null)[]]>;
  return new Map(Object.entries(raw).map(([k, [shape, values]]) => [k, [shape, values.map((x) => x ?? -Infinity)]]));
}

function expectSame(name: string, got: number[], want: number[]): void {
  expect(got.length, name).toBe(want.length);
  got.forEach((x, i) => {
    if (want[i] === -Infinity) expect(x, `${name}[${i}]`).toBe(-Infinity);
    else expect(Math.abs(x - want[i]), `${name}[${i}]: ${x} vs ${want[i]}`).toBeLessThan(1e-4 * (1 + Math.abs(want[i])));
  });
}

describe('rasplab cache matches TransformerLens’s run_with_cache', () => {
  it.each<[string, Parameters<typeof tinyConfig>[0]]>([
    ['LayerNorm, causal, gelu', { layers: [0, 1].map(() => ({ nHeads: 2, dHead: 3, dMlp: 5 })) }],
    [
      'no LayerNorm, bidirectional, relu',
      { normalization: 'none', causal: false, actFn: 'relu', layers: [0, 1].map(() => ({ nHeads: 2, dHead: 3, dMlp: 5 })) },
    ],
    // TransformerLens has no hook_resid_mid or hook_mlp_out in an attention-only model.
    ['attention-only, LayerNorm', { layers: [0, 1].map(() => ({ nHeads: 2, dHead: 3, dMlp: 0 })) }],
    // TransformerLens runs every layer at the common sizes: the padded heads and neurons are in its cache.
    [
      'layers of different sizes',
      {
        layers: [
          { nHeads: 1, dHead: 2, dMlp: 4 },
          { nHeads: 3, dHead: 3, dMlp: 0 },
          { nHeads: 0, dHead: 0, dMlp: 2 },
        ],
      },
    ],
  ])('on every hook point (%s)', async (name, over) => {
    const model = join(tmp.dir, `${name.split(',')[0].replace(/ /g, '_')}.safetensors`);
    saveModel(model, randomModel(tinyConfig(over), 5));
    const tl = join(tmp.dir, 'tl.safetensors');
    expect((await cli('export', model, '--tl', tl)).code).toBe(0);
    const cacheFile = join(tmp.dir, 'cache.safetensors');
    const r = await cli('cache', model, '--input', 'b a c', '-o', cacheFile);
    expect(r.code, r.err).toBe(0);
    const ours = readSafetensorsSpec(readFileSync(cacheFile)).tensors;
    const theirs = tlCache(tl, [0, 2, 1, 3]);
    expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [hook, [shape, values]] of theirs) {
      expect([...ours.get(hook)!.shape], hook).toEqual(shape);
      expectSame(hook, float32s(ours.get(hook)!), values);
    }
  });

  it('--true-sizes keeps each layer at its own sizes', async () => {
    const out = join(tmp.dir, 'z.safetensors');
    const fixture = join(ROOT, 'fixtures/models/reverse.compiled.safetensors');
    const shapes = async (hooks: string, ...flags: string[]) => {
      expect((await cli('cache', fixture, '--input', 'a b', '--hooks', hooks, ...flags, '-o', out)).code).toBe(0);
      return Object.fromEntries([...readSafetensorsSpec(readFileSync(out)).tensors].map(([k, t]) => [k, [...t.shape]]));
    };
    // Layer 0 has one head of width 2 and 118 neurons, layer 1 one head of width 11 and no MLP.
    expect(await shapes('blocks.*.attn.hook_z,blocks.1.mlp.hook_post')).toEqual({
      'blocks.0.attn.hook_z': [1, 3, 1, 11],
      'blocks.1.attn.hook_z': [1, 3, 1, 11],
      'blocks.1.mlp.hook_post': [1, 3, 118],
    });
    expect(await shapes('blocks.*.attn.hook_z', '--true-sizes')).toEqual({ 'blocks.0.attn.hook_z': [1, 3, 1, 2], 'blocks.1.attn.hook_z': [1, 3, 1, 11] });
  });

  it('--hooks keeps the hook points its globs name', async () => {
    const out = join(tmp.dir, 'patterns.safetensors');
    const fixture = join(ROOT, 'fixtures/models/reverse.learned.safetensors');
    expect((await cli('cache', fixture, '--input', 'a b', '--hooks', 'blocks.*.attn.hook_pattern,hook_embed', '-o', out)).code).toBe(0);
    const t = readSafetensorsSpec(readFileSync(out)).tensors;
    expect([...t.keys()]).toEqual(['hook_embed', 'blocks.0.attn.hook_pattern', 'blocks.1.attn.hook_pattern']);
    expect([...t.get('blocks.0.attn.hook_pattern')!.shape]).toEqual([1, 2, 3, 3]);
    const r = await cli('cache', fixture, '--input', 'a b', '--hooks', 'ln_final.hook_normalized', '-o', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--hooks: 'ln_final.hook_normalized' names no hook point of this model/);
  });
});
