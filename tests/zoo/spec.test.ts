/** Sweep specs: strict keys located by file:line:col, empty products refused, the product expanded into jobs with stable keys. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveProgram } from '../../cli/resolveProgram.ts';
import { expandJobs, jobKey, stableJson } from '../../src/zoo/jobs.ts';
import { parseSweepSpec } from '../../src/zoo/spec.ts';

const TINY = readFileSync(new URL('../../fixtures/zoo/tiny.yaml', import.meta.url), 'utf8');

async function jobsOf(text: string) {
  const spec = parseSweepSpec(text, 'spec.yaml');
  const programs = await Promise.all(spec.programs.map(async (entry) => ({ entry, program: await resolveProgram(entry.program, { output: entry.output }) })));
  return expandJobs(spec, programs);
}

describe('sweep spec', () => {
  it('names an unknown key with its file, line and column', () => {
    expect(() => parseSweepSpec('programs: [reverse]\nsizes:\n  - { layers: 1, heads: 1, dModel: 8, dmodel: 4 }\n', 'spec.yaml')).toThrow(
      /^spec\.yaml:3:39: unknown key 'dmodel' in a sizes entry/,
    );
    expect(() => parseSweepSpec('programs: [reverse]\nsizes: [{ layers: 1, heads: 1, dModel: 8 }]\ntraining:\n  learningRate: 0.1\n', 'spec.yaml')).toThrow(
      /^spec\.yaml:4:3: unknown key 'learningRate' in training/,
    );
  });

  it('refuses an empty product in one line', () => {
    expect(() => parseSweepSpec('programs: [reverse]\nsizes: [{ layers: 1, heads: 1, dModel: 8 }]\nseeds: []\n', 'spec.yaml')).toThrow(
      /^spec\.yaml:3:8: 'seeds' is an empty list: the sweep would have no jobs$/,
    );
    expect(() => parseSweepSpec('programs: [reverse]\nsizes: [{ layers: 1, heads: 1, dModel: 8 }]\ntraining: { steps: [] }\n', 'spec.yaml')).toThrow(
      /'steps' is an empty list/,
    );
  });

  it('refuses a value of the wrong kind where it is', () => {
    expect(() => parseSweepSpec('programs: [reverse]\nsizes: [{ layers: one, heads: 1, dModel: 8 }]\n', 'spec.yaml')).toThrow(
      /^spec\.yaml:2:19: 'layers' must be a number/,
    );
  });

  it('expands programs × sizes × training options × seeds into jobs, keyed by their settings', async () => {
    const jobs = await jobsOf(TINY);
    expect(jobs).toHaveLength(8);
    expect(new Set(jobs.map((j) => j.key)).size).toBe(8);
    for (const j of jobs) expect(j.key).toBe(jobKey(j.settings));
    // verify's one length beyond training becomes a test length (the model's context covers it)
    expect(jobs[0].settings.flags.testLengths).toEqual([4]);
    expect(jobs.map((j) => [j.settings.flags.arch?.heads, j.settings.flags.steps, j.settings.flags.seed])).toEqual([
      [1, 10, 0],
      [1, 10, 1],
      [1, 20, 0],
      [1, 20, 1],
      [2, 10, 0],
      [2, 10, 1],
      [2, 20, 0],
      [2, 20, 1],
    ]);
    // the same settings in another order: the same keys
    const again = await jobsOf(TINY.replace('dModel: 8, attnOnly: true', 'attnOnly: true, dModel: 8'));
    expect(again.map((j) => j.key)).toEqual(jobs.map((j) => j.key));
    expect(stableJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
  });

  it('names the job a bad training value belongs to', async () => {
    await expect(jobsOf('programs: [reverse]\nsizes: [{ layers: 1, heads: 3, dModel: 8 }]\ntraining: { steps: 5 }\n')).rejects.toThrow(
      /^spec\.yaml: reverse with .*heads 3 does not divide dModel 8/,
    );
  });
});
