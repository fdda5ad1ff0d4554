/**
 * The sweep spec's training options that name data and starting points: `dataFraction` (train on a
 * fixed share of the inputs) and `initFrom` (a model file relative to the spec), both in the job key,
 * both reaching the trained model and the index.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveProgram } from '../../cli/resolveProgram.ts';
import { deserializeModel, loadModel } from '../../src/model/modelFile.ts';
import { expandJobs, jobModelBytes, type SpecModel } from '../../src/zoo/jobs.ts';
import { parseSweepSpec } from '../../src/zoo/spec.ts';
import { cli, tempDir } from '../cli/harness.ts';

const COMPILED = 'fixtures/models/reverse.compiled.safetensors';
const specModel = (file: string): SpecModel => {
  const bytes = readFileSync(file);
  return { bytes, model: deserializeModel(bytes, file) };
};

async function jobsOf(text: string, models = new Map<string, SpecModel>()) {
  const spec = parseSweepSpec(text, 'spec.yaml');
  const programs = await Promise.all(spec.programs.map(async (entry) => ({ entry, program: await resolveProgram(entry.program) })));
  return expandJobs(spec, programs, models);
}

const SIZED = (fraction: string) =>
  `programs: [reverse]\nsizes: [{ layers: 1, heads: 1, dModel: 8 }]\ntraining: { vocab: [a, b], maxLen: 3, steps: 2, dataFraction: ${fraction} }\n`;
const FROM = (file: string) => `programs: [reverse]\ntraining: { initFrom: ${file}, vocab: [a, b, c], maxLen: 4, steps: 2 }\n`;

describe('sweep spec: dataFraction and initFrom', () => {
  it('dataFraction is in the job key; fraction 1 is the job without it', async () => {
    const [half, quarter] = await jobsOf(SIZED('[0.5, 0.25]'));
    expect(half.settings.flags.dataFraction).toBe(0.5);
    expect(half.key).not.toBe(quarter.key);
    const [one] = await jobsOf(SIZED('1'));
    const [none] = await jobsOf(SIZED('1').replace(', dataFraction: 1', ''));
    expect(one.key).toBe(none.key);
    await expect(jobsOf(SIZED('1.5'))).rejects.toThrow(/^spec\.yaml: reverse with .*: dataFraction must be in \(0, 1\], got 1\.5$/);
  });

  it('initFrom takes the model’s architecture, carries its bytes and keys the job by them', async () => {
    const models = new Map([['m.safetensors', specModel(COMPILED)]]);
    const [job] = await jobsOf(FROM('m.safetensors'), models);
    expect(job.settings.flags.arch).toBeUndefined();
    expect(job.settings.initFrom?.file).toBe('m.safetensors');
    expect(Buffer.from(jobModelBytes(job, job.settings.initFrom!))).toEqual(readFileSync(COMPILED));
    // other bytes under the same name: another job
    const [other] = await jobsOf(FROM('m.safetensors'), new Map([['m.safetensors', specModel('fixtures/models/reverse.learned.safetensors')]]));
    expect(other.key).not.toBe(job.key);
  });

  it('refuses sizes beside initFrom, and a spec with neither, naming the place', () => {
    expect(() => parseSweepSpec(`${FROM('m.safetensors')}sizes: [{ layers: 1, heads: 1, dModel: 8 }]\n`, 'spec.yaml')).toThrow(
      /^spec\.yaml:3:1: 'sizes' and training\.initFrom exclude each other/,
    );
    expect(() => parseSweepSpec('programs: [reverse]\n', 'spec.yaml')).toThrow(/^spec\.yaml:1:1: the sweep spec has no 'sizes' \(nor training\.initFrom\)$/);
  });
});

describe('rasplab sweep with dataFraction and initFrom', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('fine-tunes from the model beside the spec on a share of the inputs, and indexes both', async () => {
    copyFileSync(COMPILED, join(tmp.dir, 'compiled.safetensors'));
    const spec = join(tmp.dir, 'spec.yaml');
    writeFileSync(spec, `${FROM('compiled.safetensors').replace('steps: 2', 'steps: 2, batch: 8, lr: 0.0001, testSize: 32, dataFraction: 0.5')}seeds: [0]\n`);
    const zoo = join(tmp.dir, 'zoo');
    const r = await cli('sweep', spec, '-o', zoo, '--workers', '1', '--json');
    expect(r.code, r.err).toBe(0);
    const q = await cli('zoo', zoo, '--query', 'init_from IS NOT NULL', '--json');
    expect(q.code, q.err).toBe(0);
    const [row] = JSON.parse(q.out) as Record<string, unknown>[];
    expect(row).toMatchObject({ init_from: 'compiled.safetensors', data_fraction: 0.5, layers: 2, heads: 1, d_model: 33 });
    const model = loadModel(join(zoo, 'models', `${String(row.key)}.safetensors`));
    // 3 + 9 + 27 + 81 inputs of lengths 1..4 over a, b, c; half of each length
    expect(model.training).toMatchObject({ dataFraction: 0.5, trainInputs: 2 + 5 + 14 + 41, initFrom: 'compiled.safetensors' });
    // the inherited labels name the initial model as the spec does, whatever folder the worker ran in
    expect(model.labels.inherited?.file).toBe('compiled.safetensors');
    // a missing model file: one line naming it
    writeFileSync(spec, FROM('absent.safetensors'));
    const bad = await cli('sweep', spec, '-o', zoo);
    expect(bad.code).toBe(2);
    expect(bad.err.trim()).toMatch(/^rasplab: .*spec\.yaml: cannot read model absent\.safetensors \(.*\): ENOENT$/);
  });
});
