/**
 * What `load` may read: a regular file of at most the program-size ceiling, relative to the file
 * that loads it and inside the main program's folder, whatever the current directory. Nothing
 * else is opened for reading (no device, FIFO or folder), so no program can hang rasplab or make it
 * read another file.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { evaluateProgram } from '../../src/rasp/evaluate.ts';
import { parseSOpExpression } from '../../src/rasp/expression.ts';
import { loadProgram } from '../../src/rasp/load.ts';
import { userError } from '../support/userError.ts';

const dir = mkdtempSync(join(tmpdir(), 'rasp-load-'));
const outside = mkdtempSync(join(tmpdir(), 'rasp-outside-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});
afterEach(() => {
  delete process.env.RASPLAB_MAX_PROGRAM_BYTES;
});

/** Writes `name` (under the test folder) with `text` and returns its path. */
function file(name: string, text: string): string {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
}

/** A main program in its own folder under the test folder that loads `path`. */
function mainLoading(path: string, folder: string): string {
  return file(join(folder, 'main.rasp'), `load "${path}";\nout = tokens;\n`);
}

describe('load reads files in the program folder only', () => {
  it("resolves relative to the program's folder, not the current directory", () => {
    file('rel/lib/inc.rasp', 'def inc(x) { return x + 1; }\n');
    const main = file('rel/main.rasp', 'load "lib/inc.rasp";\nout = inc(tokens_int);\n');
    const cwd = process.cwd();
    process.chdir(outside);
    try {
      expect(evaluateProgram(loadProgram(main), [1, 2])).toEqual([2, 3]);
    } finally {
      process.chdir(cwd);
    }
  });

  it('a loaded file may load a sibling with .. while staying inside the folder', () => {
    file('up/a/one.rasp', 'load "../b/two.rasp";\n');
    file('up/b/two.rasp', 'two = 2;\n');
    const main = file('up/main.rasp', 'load "a/one.rasp";\nout = tokens_int + two;\n');
    expect(evaluateProgram(loadProgram(main), [1])).toEqual([3]);
  });

  it('refuses an absolute path, even to a file that exists', () => {
    const lib = file('abs/lib.rasp', 'x = 1;\n');
    expect(userError(() => loadProgram(mainLoading(lib, 'abs')))).toMatch(/main\.rasp:1:1: cannot load ".*lib\.rasp": an absolute path/);
    expect(userError(() => loadProgram(mainLoading('/dev/zero', 'abs')))).toMatch(/cannot load "\/dev\/zero": an absolute path/);
  });

  it("refuses a path that leaves the program's folder", () => {
    writeFileSync(join(outside, 'secret.rasp'), 'x = 1;\n');
    const main = mainLoading(`../../${outside.split('/').at(-1)}/secret.rasp`, 'esc');
    expect(userError(() => loadProgram(main))).toMatch(/main\.rasp:1:1: cannot load ".*secret\.rasp": it leaves the program's folder/);
  });

  it('refuses a link that leads out of the folder', () => {
    writeFileSync(join(outside, 'target.rasp'), 'x = 1;\n');
    mkdirSync(join(dir, 'link'), { recursive: true });
    symlinkSync(join(outside, 'target.rasp'), join(dir, 'link', 'lib.rasp'));
    symlinkSync('/dev/zero', join(dir, 'link', 'zero.rasp'));
    expect(userError(() => loadProgram(mainLoading('lib.rasp', 'link')))).toMatch(
      /cannot load "lib\.rasp": it is a link to .*target\.rasp, outside the program's folder/,
    );
    expect(userError(() => loadProgram(mainLoading('zero.rasp', 'link')))).toMatch(/cannot load "zero\.rasp": it is a link to \/dev\/zero, outside/);
  });

  it('refuses a folder and a named pipe without blocking', () => {
    mkdirSync(join(dir, 'kinds', 'sub'), { recursive: true });
    execFileSync('mkfifo', [join(dir, 'kinds', 'pipe.rasp')]);
    expect(userError(() => loadProgram(mainLoading('sub', 'kinds')))).toMatch(/cannot load "sub": it is a directory/);
    expect(userError(() => loadProgram(mainLoading('pipe.rasp', 'kinds')))).toMatch(/cannot load "pipe\.rasp": it is a named pipe, not a regular file/);
    expect(userError(() => loadProgram(join(dir, 'kinds', 'pipe.rasp')))).toMatch(/cannot read program file '.*pipe\.rasp': it is a named pipe/);
  });

  it('refuses a binary file', () => {
    file('bin/lib.rasp', 'x = 1;\u0000\n');
    expect(userError(() => loadProgram(mainLoading('lib.rasp', 'bin')))).toMatch(
      /cannot load "lib\.rasp": not a RASP program \(it is a binary file, not text\)/,
    );
  });

  it('refuses a file above the size ceiling, and reads it once the ceiling is raised', () => {
    file('big/lib.rasp', `x = 1;\n${'#'.repeat(200)}\n`);
    const main = mainLoading('lib.rasp', 'big');
    process.env.RASPLAB_MAX_PROGRAM_BYTES = '100';
    expect(userError(() => loadProgram(main))).toMatch(
      /cannot load "lib\.rasp": its size of 208 bytes is above the ceiling of 100; raise it with RASPLAB_MAX_PROGRAM_BYTES if you mean it/,
    );
    const own = file('big/alone.rasp', `out = tokens;\n${'#'.repeat(200)}\n`);
    expect(userError(() => loadProgram(own))).toMatch(/cannot read program file '.*alone\.rasp': its size of 215 bytes is above the ceiling of 100/);
    process.env.RASPLAB_MAX_PROGRAM_BYTES = '1000';
    expect(loadProgram(main).output.kind).toBe('tokens');
  });

  it('an expression read in a program scope loads it as the program did', () => {
    file('expr/lib/inc.rasp', 'def inc(x) { return x + 1; }\n');
    const program = loadProgram(file('expr/main.rasp', 'load "lib/inc.rasp";\nout = inc(tokens_int);\n'));
    expect(evaluateProgram({ ...program, output: parseSOpExpression(program, 'inc(out)', { file: 'q' }) }, [1])).toEqual([3]);
  });
});
