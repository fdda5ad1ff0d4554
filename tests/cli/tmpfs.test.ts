/**
 * A real full disk: a 16 KiB tmpfs. Needs the right to mount (root, outside CI); skipped elsewhere,
 * where tests/cli/fullDisk.test.ts injects the same failure.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'rasplab-tmpfs-'));
const mounted = !process.env.CI && process.getuid?.() === 0 && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', dir]).status === 0;
afterAll(() => {
  if (mounted) spawnSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!mounted)('compile onto a disk too small for the model', () => {
  it('exits 2 with one line, keeps the old model and leaves no temporary', async () => {
    const out = join(dir, 'rev.safetensors');
    expect((await cli('compile', 'reverse', '--vocab', 'a,b', '--max-len', '2', '-o', out)).code).toBe(0);
    const before = readFileSync(out);
    // About 26 KB: more than the tmpfs holds.
    const r = await cli('compile', 'reverse', '--vocab', 'a,b', '--max-len', '8', '-o', out);
    expect(r.err).toBe(`rasplab: cannot write ${out}: no space left on device (ENOSPC)\n`);
    expect(r.code).toBe(2);
    expect(readFileSync(out).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['rev.safetensors']);
  });
});
