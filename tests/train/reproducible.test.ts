/** Two identical training runs write identical model files; timings go to the log, not the weights file. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';

const TINY = [
  'reverse',
  '--vocab',
  'a,b',
  '--max-len',
  '2',
  '--layers',
  '1',
  '--heads',
  '1',
  '--d-model',
  '4',
  '--steps',
  '3',
  '--batch',
  '2',
  '--test-size',
  '2',
];

async function trainOnce(): Promise<{ model: Buffer; log: Record<string, unknown>[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'rasplab-repro-'));
  const out = join(dir, 'm.safetensors');
  const code = await main(['train', ...TINY, '--seed', '5', '--backend', 'cpu', '-o', out], { out: () => {}, err: () => {} });
  expect(code).toBe(0);
  const log = readFileSync(join(dir, 'm.train.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { model: readFileSync(out), log };
}

describe('reproducible model files', () => {
  it('the same run twice gives the same bytes; its wall time and speed are in the log', async () => {
    const a = await trainOnce();
    const b = await trainOnce();
    expect(a.model.equals(b.model)).toBe(true);
    expect(a.log.at(-1)).toMatchObject({ type: 'end', wallTimeS: expect.any(Number), tokensPerSec: expect.any(Number) });
  });
});
