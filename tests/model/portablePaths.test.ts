/**
 * Model files do not depend on where they were made: a compiled model records its program's name
 * and source, and its file only relative to the model file, when near it; the fixtures hold no path
 * of the machine that made them.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.ts';
import { loadModel, nearPath, saveModel } from '../../src/model/modelFile.ts';
import { loadProgram } from '../../src/rasp/load.ts';
import { libraryPath } from '../support/libraryExamples.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/models/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rasplab-paths-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('paths a model file records', () => {
  it('are relative to the model file when near it, else absent', () => {
    expect(nearPath('/a/b/prog.rasp', '/a/b/m.safetensors')).toBe('prog.rasp');
    expect(nearPath('/a/b/src/prog.rasp', '/a/b/m.safetensors')).toBe('src/prog.rasp');
    expect(nearPath('/a/programs/prog.rasp', '/a/models/m.safetensors')).toBe('../programs/prog.rasp');
    expect(nearPath('/x/prog.rasp', '/a/b/c/m.safetensors')).toBeUndefined();
    expect(nearPath('prog.rasp', '/a/b/m.safetensors')).toBeUndefined();
  });

  it('a compiled model keeps its program by name and source wherever it is saved', () => {
    const program = loadProgram(libraryPath('reverse'));
    const { model } = compile(program, { vocab: ['a', 'b'], maxLen: 3, causal: false });
    expect(model.labels.program?.file).toBe(libraryPath('reverse'));
    const far = join(dir, 'deep', 'er');
    mkdirSync(far, { recursive: true });
    saveModel(join(far, 'm.safetensors'), model);
    const saved = loadModel(join(far, 'm.safetensors')).labels.program!;
    expect(saved).toEqual({ name: 'reverse', source: program.source, output: 'reverse' });
  });

  it('the fixtures hold no absolute path', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.safetensors'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) {
      expect(readFileSync(join(FIXTURES, f)).toString('latin1')).not.toMatch(/"\/(work|home|tmp|Users)\//);
      const program = loadModel(join(FIXTURES, f)).labels.program;
      expect(program?.file, f).toBe(`../programs/${program?.name}.rasp`);
    }
  });
});
