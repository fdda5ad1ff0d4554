/**
 * A model file is read only when it is a regular file no larger than the largest model allowed:
 * a path in a hypothesis file (`agrees: /dev/zero`) or on the command line can name a device that
 * never ends, a pipe that blocks or a folder, and each is refused in one line before a byte is read.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/model/modelFile.ts';
import { userError } from '../support/userError.ts';

const dir = mkdtempSync(join(tmpdir(), 'rasplab-modelsource-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.RASPLAB_MAX_PARAMS;
});

describe('reading a model file', () => {
  it('refuses a device, a folder and a named pipe, naming the path and what it is', () => {
    expect(userError(() => loadModel('/dev/zero'))).toBe('/dev/zero: cannot read model file (it is a device, not a regular file)');
    expect(userError(() => loadModel(dir))).toBe(`${dir}: cannot read model file (it is a directory)`);
    const fifo = join(dir, 'pipe.safetensors');
    execFileSync('mkfifo', [fifo]);
    expect(userError(() => loadModel(fifo))).toBe(`${fifo}: cannot read model file (it is a named pipe, not a regular file)`);
    expect(userError(() => loadModel(join(dir, 'none.safetensors')))).toBe(`${join(dir, 'none.safetensors')}: cannot read model file (no such file)`);
  });

  it('refuses a file larger than a model of the most weights, before reading it', () => {
    process.env.RASPLAB_MAX_PARAMS = '1';
    const big = join(dir, 'big.safetensors');
    writeFileSync(big, Buffer.alloc(1024));
    // 8 + 100,000,000 header bytes + 4 bytes of weights: a sparse file just past it.
    execFileSync('truncate', ['-s', String(8 + 100_000_000 + 4 + 1), big]);
    expect(userError(() => loadModel(big))).toBe(
      `${big}: cannot read model file (its size of 100000013 bytes is more than a model at the ceiling of 1 weights takes (100000012 bytes); ` +
        'raise it with RASPLAB_MAX_PARAMS if you mean it)',
    );
  });
});
