/**
 * examples/load_in_transformerlens.py stays correct: it runs, on models `rasplab export --tl` wrote,
 * against a numpy stand-in for TransformerLens 3.5 (tests/support/tl_stand_in: its config fields,
 * its state dict with buffers, strict loading and its forward pass), and its logits are rasplab's.
 * The models cover both fixtures, a numerical causal program, and a random model with LayerNorm,
 * gelu, causal attention, an attention scale and layers of different sizes (padded on export).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeInputs } from '../../src/model/batch.ts';
import { loadModel, saveModel } from '../../src/model/modelFile.ts';
import { formatValue, type Value } from '../../src/rasp/values.ts';
import { cli, tempDir } from '../cli/harness.ts';
import { loaded } from '../support/loaded.ts';
import { randomModel, tinyConfig } from '../support/tinyModels.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = join(ROOT, 'examples/load_in_transformerlens.py');
const STAND_IN = join(ROOT, 'tests/support/tl_stand_in');
const tmp = tempDir();

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => tmp.cleanup());

function python(args: string[]): string {
  return execFileSync('python3', args, { env: { ...process.env, PYTHONPATH: STAND_IN, PYTHONDONTWRITEBYTECODE: '1' }, encoding: 'utf8' });
}

/** The example's load → run, for each input, as JSON logits [pos][d_vocab_out]. */
function exampleLogits(tlFile: string, inputs: readonly string[], process = false): number[][][] {
  const driver = [
    'import json, sys',
    `sys.path.insert(0, ${JSON.stringify(join(ROOT, 'examples'))})`,
    'import load_in_transformerlens as ex',
    `model, meta = ex.load(sys.argv[1], process=${process ? 'True' : 'False'})`,
    'print(json.dumps([ex.run(model, meta, t)[0].tolist() for t in sys.argv[2:]]))',
  ].join('\n');
  return JSON.parse(python(['-c', driver, tlFile, ...inputs])) as number[][][];
}

async function exportTL(modelFile: string, name: string): Promise<string> {
  const out = join(tmp.dir, `${name}.tl.safetensors`);
  const r = await cli('export', modelFile, '--tl', out);
  expect(r.code, r.err).toBe(0);
  return out;
}

async function rasplabLogits(modelFile: string, input: readonly Value[]): Promise<number[][]> {
  const m = loaded(loadModel(modelFile));
  const flat = await m.logits(encodeInputs(m.config, [input]));
  const width = flat.length / (input.length + 1);
  return Array.from({ length: input.length + 1 }, (_, p) => Array.from(flat.subarray(p * width, (p + 1) * width)));
}

function expectClose(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, p) =>
    row.forEach((x, o) => expect(Math.abs(x - expected[p][o]), `position ${p}, logit ${o}`).toBeLessThan(1e-4 * (1 + Math.abs(expected[p][o])))),
  );
}

const fixture = (name: string) => join(ROOT, 'fixtures/models', name);

async function compiled(program: string, ...flags: string[]): Promise<string> {
  const out = join(tmp.dir, `${program}.safetensors`);
  const r = await cli('compile', program, ...flags, '-o', out);
  expect(r.code, r.err).toBe(0);
  return out;
}

function random(name: string, over: Parameters<typeof tinyConfig>[0] = {}): () => string {
  return () => {
    const out = join(tmp.dir, `${name}.safetensors`);
    saveModel(out, randomModel(tinyConfig(over), 3)); // default: LN, gelu, causal, attnScale 1.7; layers 2×3+5, 1×4, 0+6
    return out;
  };
}

const CASES: [string, () => Promise<string> | string, string[]][] = [
  ['reverse.compiled', () => fixture('reverse.compiled.safetensors'), ['a b c d', 'e', 'a a b c d e e a b c']],
  ['reverse.learned', () => fixture('reverse.learned.safetensors'), ['a b c d', 'e d', 'c c a b e']],
  ['frac_prevs, causal and numerical', () => compiled('frac_prevs', '--causal'), ['a x a x', 'x', 'b b x a x']],
  ['a random model with LayerNorm, gelu and padded layers', random('random'), ['a b c', 'c', 'b b a c a']],
  [
    'a random bidirectional relu model, unscaled attention, no LayerNorm',
    random('plain', { normalization: 'none', causal: false, actFn: 'relu', attnScale: 1 }),
    ['a b c', 'c', 'b b a c a'],
  ],
];

describe('examples/load_in_transformerlens.py', () => {
  it.each(CASES)('gives rasplab’s logits (%s)', async (name, make, inputs) => {
    const modelFile = await make();
    const tlFile = await exportTL(modelFile, name.split(/[ ,]/)[0]);
    const m = loadModel(modelFile);
    const values = (text: string) => text.split(' ').map((t) => m.config.vocab.find((v) => formatValue(v) === t)!);
    const got = exampleLogits(tlFile, inputs);
    for (let i = 0; i < inputs.length; i++) expectClose(got[i], await rasplabLogits(modelFile, values(inputs[i])));
    // TransformerLens's weight processing with the example's flags changes nothing.
    const processed = exampleLogits(tlFile, inputs, true);
    for (let i = 0; i < inputs.length; i++) expectClose(processed[i], got[i]);
  });

  it('prints what `rasplab run` prints', async () => {
    const tlFile = await exportTL(fixture('reverse.compiled.safetensors'), 'printed');
    expect(python([EXAMPLE, tlFile, 'a b c d', 'e a'])).toBe('a b c d -> d c b a\ne a -> a e\n');
    const run = await cli('run', fixture('reverse.compiled.safetensors'), '--input', 'a b c d');
    expect(run.out.trim()).toBe('d c b a');
  });

  it('center_unembed, TransformerLens’s default, zeroes a numerical output (why the example turns it off)', async () => {
    const tlFile = await exportTL(await compiled('frac_prevs'), 'centred');
    const driver = [
      'import json, sys',
      'from safetensors.torch import load_file',
      'from transformer_lens import HookedTransformer, HookedTransformerConfig',
      'cfg = HookedTransformerConfig(**json.load(open(sys.argv[1][: -len(".safetensors")] + ".json")))',
      'model = HookedTransformer(cfg)',
      'model.load_and_process_state_dict(load_file(sys.argv[1]), fold_ln=False, center_writing_weights=False)',
      'print(json.dumps(model([[0, 1, 3, 1, 3]]).tolist()))',
    ].join('\n');
    const logits = JSON.parse(python(['-c', driver, tlFile])) as number[][][];
    expect(logits[0].every(([x]) => x === 0)).toBe(true);
  });
});
