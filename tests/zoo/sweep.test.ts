/**
 * A local sweep end to end: 8 tiny jobs give the same index (every figure) with 1 worker and with
 * 2; a rerun runs nothing; an interrupted sweep (some jobs in the zoo already) runs only the rest;
 * the zoo command reads it back; bad input is one line with exit code 2.
 */
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Zoo } from '../../src/zoo/store.ts';
import { indexFigures } from './indexFigures.ts';
import { cli, tempDir } from '../cli/harness.ts';

const SPEC = 'fixtures/zoo/tiny.yaml';

describe('rasplab sweep (local workers)', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const one = join(tmp.dir, 'one');
  const two = join(tmp.dir, 'two');

  it('gives the same index with 1 worker and with 2', async () => {
    const a = await cli('sweep', SPEC, '-o', one, '--workers', '1', '--json');
    expect(a.code, a.err).toBe(0);
    expect(JSON.parse(a.out)).toMatchObject({ jobs: 8, skipped: 0, done: 8, failed: [] });
    expect(a.err).toMatch(/sweep: 8\/8 done, 0 running, 0 failed/);
    const b = await cli('sweep', SPEC, '-o', two, '--workers', '2', '--json');
    expect(b.code, b.err).toBe(0);
    const rows = indexFigures(one);
    expect(rows).toHaveLength(8);
    expect(indexFigures(two)).toEqual(rows);
    expect(readdirSync(join(one, 'models')).sort()).toEqual(rows.map((r) => `${String(r.key)}.safetensors`).sort());
    // figures are there: every model verified beyond its training lengths and compared with the compiled model
    for (const r of rows) expect([r.verify_beyond, r.compare_in, r.heads_compiled, r.test_loss].every((v) => typeof v === 'number')).toBe(true);
  });

  it('skips finished jobs on a rerun, and resumes an interrupted sweep', async () => {
    const again = await cli('sweep', SPEC, '-o', one, '--json');
    expect(JSON.parse(again.out)).toMatchObject({ jobs: 8, skipped: 8, done: 0 });
    // an interrupted sweep: the zoo holds 3 of the 8
    const part = join(tmp.dir, 'part');
    cpSync(one, part, { recursive: true });
    const db = new Database(join(part, 'index.sqlite'));
    db.prepare('DELETE FROM models WHERE key NOT IN (SELECT key FROM models ORDER BY key LIMIT 3)').run();
    db.close();
    const resumed = await cli('sweep', SPEC, '-o', part, '--workers', '2', '--json');
    expect(JSON.parse(resumed.out)).toMatchObject({ jobs: 8, skipped: 3, done: 5 });
    expect(indexFigures(part)).toEqual(indexFigures(one));
  });

  it('lists, filters and exports the zoo', async () => {
    const table = await cli('zoo', one);
    expect(table.code, table.err).toBe(0);
    expect(table.out).toMatch(/8 model\(s\)/);
    const csv = await cli('zoo', one, '--query', 'heads = 2 AND steps = 20', '--csv');
    expect(csv.out.trim().split('\n')).toHaveLength(3);
    const json = JSON.parse((await cli('zoo', one, '--json')).out) as { figures: { training: { testAcc: number } }; test_acc: number }[];
    expect(json.map((r) => r.figures.training.testAcc)).toEqual(json.map((r) => r.test_acc));
    const bad = await cli('zoo', one, '--query', 'no_such_column > 1');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^rasplab: --query 'no_such_column > 1': no such column: no_such_column/);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
  });

  it('answers the emergence and Rashomon questions over the population', async () => {
    const e = JSON.parse((await cli('zoo', one, '--emergence', '--json')).out) as { seeds: number }[];
    expect(e.map((p) => p.seeds)).toEqual([2, 2, 2, 2]);
    const r = JSON.parse((await cli('zoo', one, '--rashomon', '1', '--json')).out) as {
      models: unknown[];
      mechanisms: { models: string[] }[];
      multiplicity: { ambiguity: number; discrepancy: number };
      basins: { pairs: { a: string; b: string }[]; groups: string[][] };
    }[];
    expect(r).toHaveLength(1);
    expect(r[0].models).toHaveLength(8); // ε = 1: every model
    expect(r[0].mechanisms.reduce((n, m) => n + m.models.length, 0)).toBe(8);
    // past the training lengths (length 4, all 81 inputs) the 8 models do not all agree
    expect(r[0].multiplicity).toMatchObject({ minLen: 4, maxLen: 4, inputs: 81, models: 8 });
    expect(r[0].multiplicity.ambiguity).toBeGreaterThan(0);
    expect(r[0].multiplicity.discrepancy).toBeLessThanOrEqual(r[0].multiplicity.ambiguity);
    // basins by the barrier between every pair: two sizes of 4 models each, so 2 × 6 same-shape pairs, every model in one basin
    expect(r[0].basins.pairs).toHaveLength(12);
    expect(r[0].basins.groups.flat().sort()).toEqual(r[0].models.map((m) => (m as { key: string }).key).sort());
    const page = join(tmp.dir, 'zoo.html');
    const html = await cli('zoo', one, '--rashomon', '1', '--html', page);
    expect(html.code, html.err).toBe(0);
    expect(readFileSync(page, 'utf8')).toContain('data-figure="rashomon-reverse"');
  });

  it('refuses bad input in one line with exit code 2', async () => {
    const unknown = tmp.file('unknown.yaml', 'programs: [reverse]\nsizes:\n  - { layers: 1, heads: 1, dmodel: 8 }\n');
    const empty = tmp.file('empty.yaml', 'programs: [reverse]\nsizes: [{ layers: 1, heads: 1, dModel: 8 }]\nseeds: []\n');
    const old = join(tmp.dir, 'old');
    await cli('sweep', empty, '-o', old); // refused before it makes anything
    expect(existsSync(old)).toBe(false);
    const future = join(tmp.dir, 'future');
    Zoo.open(future, { create: true }).close();
    const db = new Database(join(future, 'index.sqlite'));
    db.prepare("UPDATE meta SET value = '99' WHERE name = 'schema_version'").run();
    db.close();
    const notZoo = join(tmp.dir, 'notzoo');
    const cases: [string[], RegExp][] = [
      [['sweep', unknown, '-o', old], /unknown\.yaml:3:28: unknown key 'dmodel' in a sizes entry/],
      [['sweep', empty, '-o', old], /empty\.yaml:3:8: 'seeds' is an empty list/],
      [['sweep', SPEC, '-o', future], /index\.sqlite: zoo index of schema version 99; this rasplab reads version 2/],
      [['zoo', future], /index\.sqlite: zoo index of schema version 99/],
      [['zoo', notZoo], /not a model zoo \(no index\.sqlite\)/],
      [['zoo', one, '--rashomon', '2'], /--rashomon expects ε in \[0, 1\]/],
    ];
    for (const [argv, re] of cases) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(re);
      expect(r.err.trim().split('\n'), r.err).toHaveLength(1);
    }
  });
});
