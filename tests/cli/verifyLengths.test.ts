/**
 * `verify` checks a learned model on the lengths it was trained on unless told otherwise, and
 * --min-len/--max-len reach lengths it never saw (up to its context).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './harness.ts';

const learned = join(import.meta.dirname, '..', '..', 'fixtures', 'models', 'reverse.learned.safetensors');

describe('verify on a learned model', () => {
  it('defaults to the training lengths 1–8', async () => {
    const r = await cli('verify', learned, '--samples', '300', '--backend', 'cpu');
    expect(r.out).toMatch(/300 inputs, lengths 1–8, sampled/);
    expect(r.out).toMatch(/agreement\s+(9\d|100)\.\d\d% exact match/);
  });
  it('--min-len 9 --max-len 10 checks lengths beyond training, where this model fails', async () => {
    const r = await cli('verify', learned, '--min-len', '9', '--max-len', '10', '--samples', '200', '--backend', 'cpu', '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.checked).toBe(200);
    expect(j.agreement).toBeLessThan(0.5);
    expect(j.firstMismatch.input.length).toBeGreaterThanOrEqual(9);
  });
  it('refuses lengths past the context and an empty range', async () => {
    const long = await cli('verify', learned, '--max-len', '11');
    expect(long.code).toBe(2);
    expect(long.err).toMatch(/--max-len 11 .*context allows \(10 tokens\)/);
    const empty = await cli('verify', learned, '--min-len', '9', '--max-len', '8');
    expect(empty.code).toBe(2);
    expect(empty.err).toMatch(/--min-len 9/);
  });
});
