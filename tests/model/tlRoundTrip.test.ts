/**
 * TransformerLens export and import: for every compiled library program and both saved fixtures,
 * the exported file is a valid safetensors file (read by a reader written for the test) holding
 * exactly the state dict TransformerLens 3.5's HookedTransformer has for the exported config, and
 * importing it back gives a model with the same config, labels and training record whose outputs
 * on every input up to length 5 are the original's.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.ts';
import { selectBackend } from '../../src/model/backend.ts';
import { encodeTransformerLens } from '../../src/model/exportTL.ts';
import { importTransformerLens } from '../../src/model/importTL.ts';
import { loadModel } from '../../src/model/modelFile.ts';
import { decodeSafetensors } from '../../src/model/safetensors.ts';
import { TL_CONFIG_FIELDS } from '../../src/model/tlFormat.ts';
import type { ModelData } from '../../src/model/types.ts';
import { enumerateInputs } from '../../src/rasp/inputs.ts';
import { loadProgram } from '../../src/rasp/load.ts';
import { BOS } from '../../src/model/types.ts';
import { libraryNames, libraryPath, readHeader } from '../support/libraryExamples.ts';
import { LoadedModel } from '../../src/model/loadedModel.ts';
import { float32s, readSafetensorsSpec } from '../support/safetensorsSpec.ts';

beforeAll(async () => {
  // Thousands of inputs per model: the wasm backend runs them several times faster than cpu.
  await selectBackend('wasm');
});

const FIXTURES = fileURLToPath(new URL('../../fixtures/models/', import.meta.url));

/**
 * The state dict of TransformerLens 3.5's HookedTransformer for a config: name, shape, dtype, in
 * the order its modules register them (embed, pos_embed, then per block ln1, ln2, attn — W_Q, W_O,
 * b_Q, b_O from AbstractAttention, W_K, W_V, b_K, b_V from Attention, then the mask / IGNORE
 * buffers — and mlp; then ln_final and unembed).
 */
function hookedTransformerStateDict(cfg: Record<string, unknown>): [string, number[], string][] {
  const d = cfg.d_model as number;
  const H = cfg.n_heads as number;
  const E = cfg.d_head as number;
  const M = cfg.d_mlp as number;
  const attnOnly = cfg.attn_only === true;
  const ln = cfg.normalization_type === 'LN';
  const out: [string, number[], string][] = [
    ['embed.W_E', [cfg.d_vocab as number, d], 'F32'],
    ['pos_embed.W_pos', [cfg.n_ctx as number, d], 'F32'],
  ];
  for (let l = 0; l < (cfg.n_layers as number); l++) {
    const p = `blocks.${l}.`;
    if (ln) out.push([`${p}ln1.w`, [d], 'F32'], [`${p}ln1.b`, [d], 'F32']);
    if (ln && !attnOnly) out.push([`${p}ln2.w`, [d], 'F32'], [`${p}ln2.b`, [d], 'F32']);
    out.push(
      [`${p}attn.W_Q`, [H, d, E], 'F32'],
      [`${p}attn.W_O`, [H, E, d], 'F32'],
      [`${p}attn.b_Q`, [H, E], 'F32'],
      [`${p}attn.b_O`, [d], 'F32'],
      [`${p}attn.W_K`, [H, d, E], 'F32'],
      [`${p}attn.W_V`, [H, d, E], 'F32'],
      [`${p}attn.b_K`, [H, E], 'F32'],
      [`${p}attn.b_V`, [H, E], 'F32'],
      [`${p}attn.mask`, [0, 0], 'BOOL'],
      [`${p}attn.IGNORE`, [], 'F32'],
    );
    if (!attnOnly) out.push([`${p}mlp.W_in`, [d, M], 'F32'], [`${p}mlp.b_in`, [M], 'F32'], [`${p}mlp.W_out`, [M, d], 'F32'], [`${p}mlp.b_out`, [d], 'F32']);
  }
  if (ln) out.push(['ln_final.w', [d], 'F32'], ['ln_final.b', [d], 'F32']);
  out.push(['unembed.W_U', [d, cfg.d_vocab_out as number], 'F32'], ['unembed.b_U', [cfg.d_vocab_out as number], 'F32']);
  return out;
}

/** Exports, checks the file as TransformerLens would load it, imports it back. */
function roundTrip(m: ModelData): ModelData {
  const files = encodeTransformerLens(m);
  const config = JSON.parse(files.config) as Record<string, unknown>;
  for (const key of Object.keys(config)) expect(TL_CONFIG_FIELDS, `config field ${key}`).toContain(key);
  const spec = readSafetensorsSpec(files.safetensors);
  const expected = hookedTransformerStateDict(config);
  const byName = (a: [string, number[], string], b: [string, number[], string]) => a[0].localeCompare(b[0]);
  expect([...spec.tensors].map(([k, t]): [string, number[], string] => [k, [...t.shape], t.dtype]).sort(byName)).toEqual(expected.sort(byName));
  for (const [k, t] of spec.tensors) if (k.endsWith('.attn.IGNORE')) expect(float32s(t)).toEqual([-Infinity]);
  expect(float32s(spec.tensors.get('embed.W_E')!)).toEqual(Array.from(m.weights.get('embed.W_E')!.data));
  const stateDict = decodeSafetensors(files.safetensors, 'tl.safetensors', { dtypes: ['BOOL'] });
  return importTransformerLens({ stateDict, stateName: 'tl.safetensors', config, configName: 'tl.json' });
}

function expectSameModel(back: ModelData, m: ModelData, maxLen: number): void {
  expect(back.config).toEqual(m.config);
  expect(back.labels).toEqual(m.labels);
  expect(back.training).toEqual(m.training);
  const vocab = m.config.vocab.filter((v) => v !== BOS);
  const inputs = [...enumerateInputs(vocab, 1, Math.min(5, maxLen))];
  const a = LoadedModel.from(m);
  const b = LoadedModel.from(back);
  try {
    expect(b.outputs(inputs)).toEqual(a.outputs(inputs));
  } finally {
    a.dispose();
    b.dispose();
  }
}

describe('export --tl, then import --tl', () => {
  it.each(libraryNames())('gives back the compiled %s', (name) => {
    const h = readHeader(name);
    // Compiled for inputs up to length 5 (the header's length when shorter): the lengths checked.
    const maxLen = Math.min(5, h.maxLen);
    const m = compile(loadProgram(libraryPath(name)), { vocab: h.vocab, maxLen, causal: false }).model;
    expectSameModel(roundTrip(m), m, maxLen);
  });

  it.each(['reverse.compiled.safetensors', 'reverse.learned.safetensors', 'reverse.learned.seed1.safetensors'])('gives back the fixture %s', (file) => {
    const m = loadModel(join(FIXTURES, file));
    expectSameModel(roundTrip(m), m, m.config.nCtx - 1);
  });
});
