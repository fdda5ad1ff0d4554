/**
 * `verify` that compares no input has verified nothing: it is the user's mistake (the model's
 * vocabulary or lengths do not fit the program), said in one line with exit code 2, and no
 * agreement over zero inputs is reported as 100%.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyModel } from '../../probes/verify.ts';
import { map, numerical, tokens } from '../../src/rasp/builder.ts';
import type { Program } from '../../src/rasp/program.ts';
import { loaded } from '../support/loaded.ts';
import { valueModel } from '../support/tinyModels.ts';
import { cli } from './harness.ts';

const compiled = join(import.meta.dirname, '..', '..', 'fixtures', 'models', 'reverse.compiled.safetensors');

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('verify with nothing to compare', () => {
  it('reverse.compiled against sort (numeric tokens): exit 2, says why, no 100%', async () => {
    const r = await cli('verify', compiled, 'sort', '--samples', '50', '--backend', 'cpu');
    expect(r.code).toBe(2);
    expect(r.out).not.toMatch(/100\.00%|OK/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/checked no input.*sort.*refuses all 50 inputs.*vocabulary \{a, b, c, d, e\}.*lengths 1–10/);
    const j = await cli('verify', compiled, 'sort', '--samples', '50', '--backend', 'cpu', '--json');
    expect(j.code).toBe(2);
    expect(j.out).toBe('');
  });

  it('verifyModel gives no agreement (null, not 1) over zero compared inputs, and the first refusal', () => {
    const inv: Program = { name: 'inv', output: numerical(map((x) => 1 / (Number(x) - 1), tokens)), named: new Map() };
    const r = verifyModel(loaded(valueModel([1])), inv, { vocab: [1], maxLen: 2 });
    expect(r.checked).toBe(0);
    expect(r.rejected).toBe(2);
    expect(r.agreement).toBeNull();
    expect(r.firstRejection?.input).toEqual([1]);
  });
});
