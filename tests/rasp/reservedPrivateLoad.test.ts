/**
 * Names as RASP's interpreter treats them (each checked against it): reserved names cannot be
 * assigned, `_` names are private (no trace row, not among the program's names), and `load` finds a
 * file as the interpreter's load does (`.rasp` added to a bare name).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RaspError, RaspErrors } from '../../src/rasp/errors.ts';
import { loadProgram, parseProgram } from '../../src/rasp/load.ts';
import { traceProgram } from '../../src/rasp/trace.ts';
import { tempDir } from '../cli/harness.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const parse = (text: string) => parseProgram(text, { file: 'p.rasp' });

describe('reserved names', () => {
  // Interpreter: "Error: Cannot set reserved name: length" (and indices, zip, tokens_str, range).
  it.each(['length = 6;', 'indices = 2;', 'zip = 1;', 'tokens_str = tokens;', 'range = 3;', 'def len(x) { return x; }'])('%s is refused', (line) => {
    expect(() => parse(`${line}\ny = tokens;\n`)).toThrow(/p\.rasp:1:1: cannot assign the reserved name '\w+'/);
  });
  it('a local length inside a def is allowed, as there (f() gives 3)', () => {
    const p = parse('def f(a) { length = 3; return a + length; }\ny = f(indices);\n');
    expect(traceProgram(p, ['a', 'b']).at(-1)!.values).toEqual([3, 4]);
  });
  it('tokens may be assigned (tokens = tokens_int is allowed there)', () => {
    expect(() => parse('tokens = tokens_str;\ny = tokens;\n')).not.toThrow();
  });
});

describe('names starting with _ are private', () => {
  it('no trace row and not among the names, but usable in the file', () => {
    const p = parse('_hidden = indices;\nshown = _hidden + 1;\n');
    expect([...p.named.keys()]).toEqual(['shown']);
    expect(traceProgram(p, ['a', 'b']).map((r) => r.name)).toEqual(['shown']);
  });
  it('the default output is the last public s-op', () => {
    expect(parse('y = indices + 1;\n_z = y + 1;\n').output.name).toBe('y');
  });
});

describe('load finds files as the interpreter does', () => {
  it('a bare name means the file with .rasp', () => {
    mkdirSync(join(tmp.dir, 'a', 'sub'), { recursive: true });
    writeFileSync(join(tmp.dir, 'a', 'sub', 'libb.rasp'), 'b = 7;\n');
    writeFileSync(join(tmp.dir, 'a', 'main.rasp'), 'load "sub/libb";\nout2 = indices + b;\n');
    const p = loadProgram(join(tmp.dir, 'a', 'main.rasp'));
    expect(traceProgram(p, ['a', 'b']).at(-1)!.values).toEqual([7, 8]);
  });
  it('a path not beside the loading file is looked for from the working folder, inside the program folder', () => {
    // The interpreter's tests/rasps/loadA.rasp loads "tests/rasps/loadB": relative to where it runs.
    const root = join(tmp.dir, 'b');
    mkdirSync(join(root, 'tests', 'rasps'), { recursive: true });
    writeFileSync(join(root, 'tests', 'rasps', 'loadB.rasp'), 'b = 7;\n');
    writeFileSync(join(root, 'tests', 'rasps', 'loadA.rasp'), 'load "tests/rasps/loadB";\nc = indices + b;\n');
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const p = loadProgram('tests/rasps/loadA.rasp');
      expect(traceProgram(p, ['a']).at(-1)!.values).toEqual([7]);
    } finally {
      process.chdir(cwd);
    }
  });
  it("a loaded file runs in a scope of its own: it cannot read the loader's names, and its _ names stay its own", () => {
    // The interpreter, on a loader 'a = 3; load "lib"; c = b; d = _b;' and a lib 'b = 7; _b = 8; _c = a;':
    // "Undefined variable: a" (lib, line 3) and "Undefined variable: _b" (loader, line 4); c = 7.
    mkdirSync(join(tmp.dir, 'c'), { recursive: true });
    writeFileSync(join(tmp.dir, 'c', 'lib.rasp'), 'b = indices + 7;\n_b = indices + 8;\n_c = a;\n');
    writeFileSync(join(tmp.dir, 'c', 'main.rasp'), 'a = indices + 3;\nload "lib";\nc = b;\nd = _b;\n');
    const errors = (() => {
      try {
        loadProgram(join(tmp.dir, 'c', 'main.rasp'));
      } catch (e) {
        return (e instanceof RaspErrors ? e.errors : [e as RaspError]).map((x) => `${x.loc?.file?.split('/').at(-1)}:${x.loc?.line}: ${x.detail}`);
      }
      return [];
    })();
    expect(errors).toEqual(["lib.rasp:3: unknown name 'a' (did you mean 'b'?)", "main.rasp:4: unknown name '_b' (did you mean 'b'?)"]);
    writeFileSync(join(tmp.dir, 'c', 'lib.rasp'), 'b = indices + 7;\n_b = indices + 8;\n');
    writeFileSync(join(tmp.dir, 'c', 'main.rasp'), 'load "lib";\nc = b;\n');
    expect(traceProgram(loadProgram(join(tmp.dir, 'c', 'main.rasp')), ['x']).at(-1)!.values).toEqual([7]);
  });
});
