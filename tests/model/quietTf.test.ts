/** TensorFlow.js's "looks like you are running TensorFlow.js in Node.js" banner is never printed: not by the CLI, not in a test file. */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { paramsFromModel } from '../../src/model/params.ts';

const BANNER = /looks like you are running TensorFlow\.js in Node\.js/;
const BIN = fileURLToPath(new URL('../../cli/bin.mjs', import.meta.url));
const MODEL = fileURLToPath(new URL('../../fixtures/models/reverse.compiled.safetensors', import.meta.url));

describe('the tfjs Node banner', () => {
  it("is not printed when a test file first uses the CPU backend, through rasplab's modules or tfjs's own", async () => {
    const warn = vi.spyOn(console, 'warn');
    await tf.setBackend('cpu');
    const params = paramsFromModel({ weights: new Map([['w', { shape: [2], data: new Float32Array([1, 2]) }]]) });
    tf.tidy(() => tf.add(params.get('w')!, tf.tensor([1, 2])).dataSync());
    params.get('w')!.dispose();
    expect(warn.mock.calls.map((c) => c.join(' ')).join('\n')).not.toMatch(BANNER);
    warn.mockRestore();
  });

  it('is not printed by a CLI run on the CPU backend', () => {
    // stderr is merged into the captured output, where the banner would go.
    const out = execFileSync('sh', ['-c', `"${process.execPath}" "${BIN}" run "${MODEL}" --input "a b" --backend cpu 2>&1`], { encoding: 'utf8' });
    expect(out).toContain('backend: cpu');
    expect(out).not.toMatch(BANNER);
  });
});
