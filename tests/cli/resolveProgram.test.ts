/**
 * A model file's recorded program may not make rasplab read a file: a `load` in it is refused in
 * one line before anything is read, whatever the path names (a device, a file of the current
 * directory). A program the user names still loads what it loads.
 */
import { writeFileSync } from 'node:fs';
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
      expect(r.err).toBe(`rasplab: ${model}: the program recorded in this model uses load "${path}"; programs from model files may not read files\n`);
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
});
