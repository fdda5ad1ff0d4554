import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { appendChecked, writeFileAtomic } from '../../src/files/atomicWrite.ts';
import { userError } from '../support/userError.ts';
import { emptyDisk, fillDisk, slowDisk } from './failingDisk.ts';

vi.mock('node:fs', async (importOriginal) => (await import('./failingDisk.ts')).failingFs(importOriginal));
afterEach(emptyDisk);

const tmp = () => mkdtempSync(join(tmpdir(), 'rasplab-write-'));
const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7) % 256);

describe('writeFileAtomic', () => {
  it('keeps writing after short writes until every byte is on disk', () => {
    const file = join(tmp(), 'f.bin');
    slowDisk(3);
    writeFileAtomic(file, bytes(1000));
    appendChecked(file, 'tail');
    expect(readFileSync(file).equals(Buffer.concat([bytes(1000), Buffer.from('tail')]))).toBe(true);
  });

  it('when the disk fills up part-way, names the file and the reason and keeps the old file', () => {
    const dir = tmp();
    const file = join(dir, 'f.bin');
    writeFileSync(file, 'old');
    fillDisk(10);
    expect(userError(() => writeFileAtomic(file, bytes(100)))).toBe(`cannot write ${file}: no space left on device (ENOSPC)`);
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['f.bin']);
  });

  it('a target that cannot be replaced (a folder) fails the same way and leaves no temporary', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'sub'));
    expect(userError(() => writeFileAtomic(join(dir, 'sub'), 'x'))).toMatch(/^cannot write .*sub: /);
    expect(readdirSync(dir)).toEqual(['sub']);
  });

  it('a folder that cannot be made is the same kind of error', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'plain'), '');
    const file = join(dir, 'plain', 'x', 'f.bin');
    expect(userError(() => writeFileAtomic(file, 'x', { makeFolder: true }))).toBe(`cannot write ${file}: a part of the path is not a folder (ENOTDIR)`);
  });
});
