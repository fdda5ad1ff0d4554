/**
 * Every count a flag sets is checked against its ceiling before any work: an extreme value is one
 * line naming the flag, the value, the ceiling and the variable that raises it, exit code 2, at
 * once (before, `--max-len 100000000` was refused only after 15 s and 1.5 GB).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, tempDir } from './harness.ts';

const model = join(import.meta.dirname, '..', '..', 'fixtures', 'models', 'reverse.compiled.safetensors');
const hypotheses = join(import.meta.dirname, '..', '..', 'fixtures', 'hypotheses', 'reverse.yaml');
const tmp = tempDir();
const out = join(tmp.dir, 'out.safetensors');
const small = ['--max-len', '4', '--layers', '1', '--heads', '1', '--d-model', '8', '-o', out];
const vocab10k = Array.from({ length: 10_000 }, (_, i) => i + 1).join(',');

afterEach(() => {
  delete process.env.RASPLAB_MAX_PARAMS;
  delete process.env.RASPLAB_MAX_LEN;
});

/**
 * Runs the CLI and checks it refused in one line, exit 2; returns the line. Each case past its
 * ceiling would allocate or loop for hours, which the per-test timeout stops: no clock here.
 */
async function refused(...argv: string[]): Promise<string> {
  const r = await cli(...argv);
  expect(r.code, r.err).toBe(2);
  expect(r.out).toBe('');
  expect(r.err.trim().split('\n')).toHaveLength(1);
  return r.err.trim();
}

const ceiling = (subject: string, value: number, env: string) => `rasplab: ${subject} is above the ceiling of ${value}; raise it with ${env} if you mean it`;

describe('flags above their ceilings are refused at once', () => {
  it.each([
    [['compile', 'reverse', '--max-len', '100000000', '-o', out], ceiling('--max-len 100000000', 1024, 'RASPLAB_MAX_LEN')],
    [['compile', 'reverse', '--max-len', '1000000000', '-o', out], ceiling('--max-len 1000000000', 1024, 'RASPLAB_MAX_LEN')],
    [['eval', 'reverse', '--input', 'a', '--max-len', '100000000'], ceiling('--max-len 100000000', 1024, 'RASPLAB_MAX_LEN')],
    [['verify', model, '--max-len', '100000000'], ceiling('--max-len 100000000', 1024, 'RASPLAB_MAX_LEN')],
    [['verify', model, '--min-len', '100000000'], ceiling('--min-len 100000000', 1024, 'RASPLAB_MAX_LEN')],
    [['verify', model, '--samples', '1000000000'], ceiling('--samples 1000000000', 100000, 'RASPLAB_MAX_SAMPLES')],
    [['probe', model, '--samples', '1000000000'], ceiling('--samples 1000000000', 100000, 'RASPLAB_MAX_SAMPLES')],
    [['check', model, hypotheses, '--runs', '1000000000'], ceiling('--runs 1000000000', 100000, 'RASPLAB_MAX_RUNS')],
    [['compile', 'sort', '--vocab', vocab10k, '--max-len', '4', '-o', out], ceiling('--vocab of 10000 tokens', 1000, 'RASPLAB_MAX_VOCAB')],
    [['eval', 'reverse', '--input', Array(5000).fill('a').join(' ')], ceiling('--input of 5000 tokens', 1024, 'RASPLAB_MAX_LEN')],
    [['run', model, '--input', Array(5000).fill('a').join(' ')], ceiling('--input of 5000 tokens', 1024, 'RASPLAB_MAX_LEN')],
    [['train', 'reverse', ...small, '--max-len', '100000000'], ceiling('--max-len 100000000', 1024, 'RASPLAB_MAX_LEN')],
    [['train', 'reverse', ...small, '--test-lengths', '5,100000000'], ceiling('--test-lengths entries 100000000', 1024, 'RASPLAB_MAX_LEN')],
    [['train', 'reverse', ...small, '--batch', '100000000'], ceiling('--batch 100000000', 4096, 'RASPLAB_MAX_BATCH')],
    [['train', 'reverse', ...small, '--test-size', '100000000'], ceiling('--test-size 100000000', 100000, 'RASPLAB_MAX_TEST_SIZE')],
    [['train', 'reverse', ...small, '--layers', '100000'], ceiling('--layers 100000', 64, 'RASPLAB_MAX_LAYERS')],
    [['train', 'reverse', ...small, '--heads', '100000'], ceiling('--heads 100000', 64, 'RASPLAB_MAX_HEADS')],
    [['train', 'reverse', ...small, '--d-model', '100000000'], ceiling('--d-model 100000000', 4096, 'RASPLAB_MAX_D_MODEL')],
    [['train', 'reverse', ...small, '--d-head', '100000000'], ceiling('--d-head 100000000', 4096, 'RASPLAB_MAX_D_HEAD')],
    [['train', 'reverse', ...small, '--d-mlp', '100000000'], ceiling('--d-mlp 100000000', 16384, 'RASPLAB_MAX_D_MLP')],
  ])('%j', async (argv, message) => {
    expect(await refused(...argv)).toBe(message);
  });

  it('a learned model whose weights are above the ceiling, though each flag is within its own', async () => {
    const line = await refused('train', 'reverse', ...small, '--layers', '64', '--heads', '64', '--d-model', '4096');
    expect(line).toMatch(/^rasplab: the learned model of \d+ parameters is above the ceiling of 100000000; raise it with RASPLAB_MAX_PARAMS if you mean it$/);
  });

  it('a compiled model whose weights are above the ceiling is refused before they are allocated', async () => {
    process.env.RASPLAB_MAX_PARAMS = '1000';
    expect(await refused('compile', 'reverse', '--max-len', '4', '-o', out)).toMatch(
      /^rasplab: the compiled model of \d+ parameters is above the ceiling of 1000; raise it with RASPLAB_MAX_PARAMS if you mean it$/,
    );
  });

  it('a raised ceiling lets the value through to the checks after it', async () => {
    process.env.RASPLAB_MAX_LEN = '2000';
    const r = await cli('eval', 'reverse', '--input', 'a b', '--max-len', '1500');
    expect(r.code, r.err).toBe(0);
    expect(r.out.trim()).toBe('b a');
  });
});
