/** A disk that fills up mid-write: every command that writes fails in one line and keeps the old file. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { emptyDisk, fillDisk } from '../files/failingDisk.ts';
import { cli, tempDir } from './harness.ts';

vi.mock('node:fs', async (importOriginal) => (await import('../files/failingDisk.ts')).failingFs(importOriginal));

const tmp = tempDir();
afterEach(emptyDisk);
afterAll(() => tmp.cleanup());

describe('a full disk', () => {
  it('compile over an existing model exits 2 with one line and leaves the old model byte for byte', async () => {
    const out = join(tmp.dir, 'rev.safetensors');
    expect((await cli('compile', 'reverse', '--vocab', 'a,b', '--max-len', '2', '-o', out)).code).toBe(0);
    const before = readFileSync(out);
    fillDisk(100);
    const r = await cli('compile', 'reverse', '--vocab', 'a,b,c', '--max-len', '3', '-o', out);
    emptyDisk();
    expect(r.err).toBe(`rasplab: cannot write ${out}: no space left on device (ENOSPC)\n`);
    expect(r.code).toBe(2);
    expect(readFileSync(out).equals(before)).toBe(true);
    expect(readdirSync(tmp.dir)).toEqual(['rev.safetensors']);
  });
});
