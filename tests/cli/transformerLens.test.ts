/**
 * `rasplab export --tl` and `rasplab import --tl` on the command line: a TransformerLens model with
 * no rasplab metadata imported with --program is scored by verify; what rasplab's forward pass does
 * not compute, a state dict that is not the config's, and a file that is not safetensors are each
 * refused in one line with exit code 2.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from '../../src/model/safetensors.ts';
import { cli, tempDir } from './harness.ts';

const FIXTURE = fileURLToPath(new URL('../../fixtures/models/reverse.compiled.safetensors', import.meta.url));
const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** reverse.compiled exported, then saved again as a TransformerLens user would: the state dict alone, no rasplab metadata. */
async function plainTL(name: string): Promise<{ state: string; config: string; cfg: Record<string, unknown> }> {
  const exported = join(tmp.dir, `${name}.exported.safetensors`);
  const r = await cli('export', FIXTURE, '--tl', exported);
  expect(r.code, r.err).toBe(0);
  const { tensors, dtypes } = decodeSafetensors(readFileSync(exported), exported, { dtypes: ['BOOL'] });
  const state = join(tmp.dir, `${name}.safetensors`);
  writeFileSync(state, encodeSafetensors(tensors, {}, new Map([...dtypes].filter(([, d]) => d === 'BOOL') as [string, 'BOOL'][])));
  const cfg = JSON.parse(readFileSync(exported.replace(/\.safetensors$/, '.json'), 'utf8')) as Record<string, unknown>;
  const config = join(tmp.dir, `${name}.json`);
  writeFileSync(config, JSON.stringify(cfg));
  return { state, config, cfg };
}

async function refused(...argv: string[]): Promise<string> {
  const r = await cli(...argv);
  expect(r.code, r.out).toBe(2);
  expect(r.err.trim().split('\n')).toHaveLength(1);
  return r.err.trim();
}

describe('import --tl', () => {
  it('makes a TransformerLens model with the program it was trained for a model verify scores', async () => {
    const { state, config } = await plainTL('plain');
    const out = join(tmp.dir, 'imported.safetensors');
    const r = await cli('import', '--tl', state, '--config', config, '--program', 'reverse', '--vocab', 'a,b,c,d,e', '-o', out);
    expect(r.code, r.err).toBe(0);
    const v = await cli('verify', out, '--max-len', '4');
    expect(v.code, v.err + v.out).toBe(0);
    expect((await cli('run', out, '--input', 'a b c')).out.trim()).toBe('c b a');
  });

  it('without a program, numbers the tokens and outputs', async () => {
    const { state, config } = await plainTL('numbered');
    const out = join(tmp.dir, 'numbered.out.safetensors');
    expect((await cli('import', '--tl', state, '--config', config, '-o', out)).code).toBe(0);
    // Token ids 1… stand for a…; class 0 is a.
    expect((await cli('run', out, '--input', '1 2 3')).out.trim()).toBe('2 1 0');
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['rotary positions', { positional_embedding_type: 'rotary' }, /positional_embedding_type "rotary" is not implemented/],
    ['a gated MLP', { gated_mlp: true }, /gated_mlp true: gated MLPs are not implemented/],
    ['grouped-query attention', { n_key_value_heads: 1 }, /n_key_value_heads 1: grouped-query attention is not implemented/],
    ['a per-layer attention scale', { scale_attn_by_inverse_layer_idx: true }, /a per-layer attention scale is not implemented/],
    ['RMS norm', { normalization_type: 'RMS' }, /normalization_type "RMS" is not implemented/],
    ['an approximate gelu', { act_fn: 'gelu_new' }, /act_fn "gelu_new" is not implemented/],
    ['a key HookedTransformerConfig does not have', { rasplab_vocab: ['a'] }, /'rasplab_vocab' is not a HookedTransformerConfig field/],
  ])('refuses a config with %s, naming the field', async (_, change, message) => {
    const { state, config, cfg } = await plainTL('unsupported');
    writeFileSync(config, JSON.stringify({ ...cfg, ...change }));
    const err = await refused('import', '--tl', state, '--config', config, '-o', join(tmp.dir, 'x.safetensors'));
    expect(err).toMatch(message);
    expect(err).toContain(config);
  });

  it('refuses a state dict missing a key, naming it and the shape the config needs', async () => {
    const { state, config } = await plainTL('missing');
    const { tensors, dtypes } = decodeSafetensors(readFileSync(state), state, { dtypes: ['BOOL'] });
    tensors.delete('blocks.1.attn.W_V');
    writeFileSync(state, encodeSafetensors(tensors, {}, new Map([...dtypes].filter(([, d]) => d === 'BOOL') as [string, 'BOOL'][])));
    expect(await refused('import', '--tl', state, '--config', config, '-o', join(tmp.dir, 'x.safetensors'))).toBe(
      `rasplab: ${state}: missing key 'blocks.1.attn.W_V' (${config} needs shape [1, 33, 11])`,
    );
  });

  it('refuses a weight of the wrong shape, naming both shapes', async () => {
    const { state, config, cfg } = await plainTL('shape');
    writeFileSync(config, JSON.stringify({ ...cfg, d_mlp: 100 }));
    expect(await refused('import', '--tl', state, '--config', config, '-o', join(tmp.dir, 'x.safetensors'))).toBe(
      `rasplab: ${state}: 'blocks.0.mlp.W_in' has shape [33, 118], ${config} needs [33, 100]`,
    );
  });

  it('refuses a file that is not safetensors', async () => {
    const { config } = await plainTL('text');
    const state = tmp.file('notes.safetensors', 'these are my notes, not weights\n');
    expect(await refused('import', '--tl', state, '--config', config, '-o', join(tmp.dir, 'x.safetensors'))).toMatch(
      /^rasplab: .*notes\.safetensors: not a safetensors model file .*it is text/,
    );
  });

  it('refuses a torch.save file without unpickling it', async () => {
    const { config } = await plainTL('pickle');
    const state = join(tmp.dir, 'model.pt');
    writeFileSync(state, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 0, 0, 0, 0]));
    expect(await refused('import', '--tl', state, '--config', config, '-o', join(tmp.dir, 'x.safetensors'))).toBe(
      `rasplab: ${state}: a torch.save pickle, not safetensors; save it with safetensors.torch.save_file(model.state_dict(), PATH)`,
    );
  });

  it('refuses a config that is not JSON', async () => {
    const { state } = await plainTL('badjson');
    const config = tmp.file('bad.json', '{"d_model": 33,');
    expect(await refused('import', '--tl', state, '--config', config, '-o', join(tmp.dir, 'x.safetensors'))).toMatch(/bad\.json: not valid JSON/);
  });

  it('refuses a program whose vocabulary does not fit the embedding', async () => {
    const { state, config } = await plainTL('vocab');
    expect(await refused('import', '--tl', state, '--config', config, '--program', 'reverse', '--vocab', 'a,b', '-o', join(tmp.dir, 'x.safetensors'))).toMatch(
      /d_vocab is 6, but BOS and the program's 2 tokens make 3/,
    );
  });
});

describe('export --tl', () => {
  it('writes a file other commands do not mistake for a rasplab model', async () => {
    const tl = join(tmp.dir, 'run.tl.safetensors');
    expect((await cli('export', FIXTURE, '--tl', tl)).code).toBe(0);
    expect(await refused('run', tl, '--input', 'a b')).toBe(
      `rasplab: ${tl}: a TransformerLens state dict (written by export --tl), not a rasplab model; ` +
        `make one with: rasplab import --tl ${tl} -o MODEL.safetensors`,
    );
  });

  it('refuses a destination that is not .safetensors', async () => {
    expect(await refused('export', FIXTURE, '--tl', join(tmp.dir, 'out.pt'))).toMatch(/must end in \.safetensors/);
  });
});
