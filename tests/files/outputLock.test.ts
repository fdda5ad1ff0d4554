import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockOutput, lockPathFor } from '../../src/files/outputLock.ts';
import { userError } from '../support/userError.ts';

const out = () => join(mkdtempSync(join(tmpdir(), 'rasplab-lock-')), 'm.safetensors');

describe('lockOutput', () => {
  it('holds the PID while taken, refuses a second taker, and lets go once', () => {
    const file = out();
    const lock = lockOutput(file);
    expect(readFileSync(lockPathFor(file), 'utf8')).toBe(`${process.pid}\n`);
    expect(userError(() => lockOutput(file))).toMatch(`(pid ${process.pid})`);
    lock.release();
    lock.release();
    expect(existsSync(lockPathFor(file))).toBe(false);
    lockOutput(file).release();
  });

  it('a lock file without a PID is being created when young, abandoned when old', () => {
    const file = out();
    writeFileSync(lockPathFor(file), '');
    expect(userError(() => lockOutput(file))).toMatch('(pid unknown)');
    utimesSync(lockPathFor(file), new Date(0), new Date(0));
    lockOutput(file).release();
  });

  it('is released when the process ends by process.exit, which skips finally blocks (a second Ctrl-C)', () => {
    const file = out();
    const module = resolve(__dirname, '../../src/files/outputLock.ts');
    const script = `const { lockOutput } = await import(${JSON.stringify(module)}); lockOutput(process.argv[1]); process.exit(130);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, file], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(130);
    expect(existsSync(lockPathFor(file))).toBe(false);
  });
});
