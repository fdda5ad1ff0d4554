/** A model file whose weights are not numbers is refused by every command, and no command prints answers computed from NaN. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from '../../src/model/safetensors.ts';
import { cli, tempDir } from './harness.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const fixture = readFileSync(join(import.meta.dirname, '../../fixtures/models/reverse.compiled.safetensors'));

function nanModel(): string {
  const { tensors, metadata } = decodeSafetensors(fixture, 'fixture');
  const w = tensors.get('embed.W_E')!;
  const data = w.data.slice().fill(Number.NaN);
  tensors.set('embed.W_E', { shape: w.shape, data });
  const file = join(tmp.dir, 'nan.safetensors');
  writeFileSync(file, encodeSafetensors(tensors, metadata));
  return file;
}

function expectOneLine(r: { code: number; out: string; err: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.err).toMatch(pattern);
}

describe('non-finite weights at the command line', () => {
  const file = nanModel();

  it('run and verify refuse the file, naming the weight', async () => {
    for (const argv of [
      ['run', file, '--input', 'a b', '--backend', 'cpu'],
      ['verify', file, '--backend', 'cpu'],
    ])
      expectOneLine(await cli(...argv), /^rasplab: .*nan\.safetensors: weight 'embed\.W_E' holds NaN at \[0, 0\]; .*--allow-nonfinite/);
  });

  it('with --allow-nonfinite, inspect reads it, and run still prints no answer computed from NaN', async () => {
    const inspected = await cli('inspect', file, '--allow-nonfinite');
    expect(inspected.code).toBe(0);
    expectOneLine(
      await cli('run', file, '--input', 'a b', '--backend', 'cpu', '--allow-nonfinite'),
      /^rasplab: the model's output is NaN at position 0 of input 1/,
    );
  });
});
