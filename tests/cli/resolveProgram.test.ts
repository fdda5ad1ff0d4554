/**
 * A model file's recorded program may not make rasplab read a file: a `load` in it is refused in
 * one line before anything is read, whatever the path names (a device, a file of the current
 * directory), unless the file recorded the text that load read when the model was made. A program
 * the user names still loads what it loads.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, saveModel } from '../../src/model/modelFile.ts';
import { cli, tempDir } from './harness.ts';

const fixture = join(import.meta.dirname, '..', '..', 'fixtures', 'models', 'reverse.compiled.safetensors');
const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** The fixture model with `prefix` put before its recorded program's source. */
function modelWithProgramPrefix(name: string, prefix: string): string {
  const m = loadModel(fixture);
  const program = m.labels.program!;
  const out = join(tmp.dir, name);
  saveModel(out, { ...m, labels: { ...m.labels, program: { ...program, source: `${prefix}${program.source}` } } });
  return out;
}

describe("a model file's program", () => {
  it.each([
    ['zero.safetensors', '/dev/zero'],
    ['cwd.safetensors', 'lib.rasp'],
  ])('%s: load "%s" is refused in one line, exit 2', async (name, path) => {
    writeFileSync(join(tmp.dir, 'lib.rasp'), 'x = 1;\n');
    const model = modelWithProgramPrefix(name, `load "${path}";\n`);
    const cwd = process.cwd();
    process.chdir(tmp.dir);
    try {
      const r = await cli('verify', model, '--samples', '5', '--backend', 'cpu');
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toBe(
        `rasplab: ${model}: the program recorded in this model uses load "${path}" and records no text for it; ` +
          `programs from model files may not read files; name the program: npx rasplab verify ${model} PROGRAM\n`,
      );
    } finally {
      process.chdir(cwd);
    }
  });

  it('a program named on the command line may load beside itself', async () => {
    const model = modelWithProgramPrefix('named.safetensors', '');
    writeFileSync(join(tmp.dir, 'flip.rasp'), 'opp_index = length - indices - 1;\nflip = select(indices, opp_index, ==);\n');
    const program = join(tmp.dir, 'reverse2.rasp');
    writeFileSync(program, 'load "flip.rasp";\nreverse = aggregate(flip, tokens);\n');
    const r = await cli('verify', model, program, '--max-len', '3', '--backend', 'cpu');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/OK: the model agrees with the program/);
  });

  /** Runs `body` in `dir` as the working folder. */
  async function inFolder<T>(dir: string, body: () => Promise<T>): Promise<T> {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      return await body();
    } finally {
      process.chdir(cwd);
    }
  }

  it('a compiled model of a program that loads verifies on its own, after the loaded files are gone', async () => {
    const dir = join(tmp.dir, 'loads');
    mkdirSync(join(dir, 'parts'), { recursive: true });
    // main loads parts/flip, which loads its neighbour opp (relative to itself, as the interpreter's load).
    writeFileSync(join(dir, 'parts', 'opp.rasp'), 'opp_index = length - indices - 1;\n');
    writeFileSync(join(dir, 'parts', 'flip.rasp'), 'load "opp";\nflip = select(indices, opp_index, ==);\n');
    const main = join(dir, 'main.rasp');
    writeFileSync(main, '# vocab: a b c\n# max-len: 3\nload "parts/flip";\nreverse = aggregate(flip, tokens);\n');
    const model = join(tmp.dir, 'loads.safetensors');
    expect((await cli('compile', main, '-o', model)).code).toBe(0);
    rmSync(dir, { recursive: true });
    const r = await inFolder(tmp.dir, () => cli('verify', model, '--backend', 'cpu'));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/program +main \(output reverse\)/);
    expect(r.out).toMatch(/checked +39 inputs, lengths 1–3, exhaustive/);
    expect(r.out).toMatch(/OK: the model agrees with the program/);
  });

  it('a load found from the working folder (as the interpreter runs its own tests) is recorded so too', async () => {
    const repo = join(tmp.dir, 'repo');
    mkdirSync(join(repo, 'tests', 'rasps'), { recursive: true });
    writeFileSync(join(repo, 'tests', 'rasps', 'loadB.rasp'), 'flip = select(indices, length - indices - 1, ==);\n');
    writeFileSync(join(repo, 'tests', 'rasps', 'loadA.rasp'), '# vocab: a b\n# max-len: 3\nload "tests/rasps/loadB";\nreverse = aggregate(flip, tokens);\n');
    const model = join(tmp.dir, 'loadA.safetensors');
    expect((await inFolder(repo, () => cli('compile', 'tests/rasps/loadA.rasp', '-o', model))).code).toBe(0);
    rmSync(repo, { recursive: true });
    const r = await cli('verify', model, '--backend', 'cpu');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/OK: the model agrees with the program/);
  });
});
