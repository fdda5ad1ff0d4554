import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../cli/harness.ts';

// Tiny settings (documented in `rasplab demo --help`): a rough model, but every step runs.
const QUICK = ['--max-len', '3', '--steps', '40', '--samples', '30'];

describe('rasplab demo', () => {
  const t = tempDir();
  const cache = join(t.dir, 'cache');
  const out = join(t.dir, 'out');
  afterAll(() => t.cleanup());
  const demo = (...extra: string[]) => cli('demo', '--out', out, '--cache', cache, ...QUICK, ...extra);
  // The summary without its first two lines (which say whether each model came from the cache).
  const body = (text: string) => text.split('\n').slice(2).join('\n');
  let first: Awaited<ReturnType<typeof cli>>;

  it('compiles, trains, compares and writes the report, then says what to try next', async () => {
    first = await demo();
    expect(first.code).toBe(0);
    expect(first.err).toContain('learned model: training');
    expect(first.out).toMatch(/^compiled reverse: .*reverse\.compiled\.safetensors {2}\[compiled now\]$/m);
    expect(first.out).toMatch(/^learned reverse: {2}.*reverse\.learned\.safetensors {2}\[trained now\]$/m);
    expect(first.out).toMatch(/outputs: the two agree on [\d.]+% of \d+ inputs of lengths 1–3/);
    expect(first.out).toMatch(/on longer inputs \(length 4, \d+ inputs\): agree on [\d.]+%; exact match: compiled 100\.0%, learned [\d.]+%/);
    expect(first.out).toMatch(/compiled 1\.0 aggregate\(flip, tokens\)/);
    expect(first.out).toMatch(/npx rasplab tui \S+reverse\.compiled\.safetensors --vs \S+reverse\.learned\.safetensors/);
    expect(first.out).toMatch(/npx rasplab compare \S+ \S+/);
    expect(first.out).toMatch(/npx rasplab check --from-labels \S+reverse\.compiled\.safetensors \S+reverse\.learned\.safetensors/);
    const report = join(out, 'rasplab-report.html');
    expect(first.out).toContain(`report → ${report}`);
    const html = readFileSync(report, 'utf8');
    for (const id of ['attention-1', 'ablation', 'pruning', 'probes', 'training']) expect(html).toContain(`data-figure="${id}"`);
    const entry = readdirSync(cache);
    expect(entry).toHaveLength(1);
    expect(readdirSync(join(cache, entry[0])).sort()).toEqual(['reverse.compiled.safetensors', 'reverse.learned.safetensors', 'reverse.learned.train.jsonl']);
  });

  it('every "next, try" line does what it says: the report line writes the same report again, with its figures', async () => {
    const hints = first.out
      .split('\n')
      .filter((l) => l.startsWith('  npx rasplab '))
      .map((l) => l.slice('  npx rasplab '.length).split(' '));
    expect(hints.map((h) => h[0])).toEqual(['tui', 'compare', 'check', 'report']);
    const run = (name: string) => cli(...hints.find((h) => h[0] === name)!);
    // (tui is interactive; its two files are the ones compare reads.)
    const compare = await run('compare');
    expect(compare.code).toBe(0);
    // check exits 1 when some claim fails, which for a rough learned model is the finding.
    const check = await run('check');
    expect([0, 1]).toContain(check.code);
    expect(check.out).toMatch(/select\(indices, opp_index, ==\)/);
    const report = join(out, 'rasplab-report.html');
    const before = readFileSync(report, 'utf8');
    rmSync(report);
    const again = await run('report');
    expect(again.code).toBe(0);
    expect(readFileSync(report, 'utf8')).toBe(before);
    expect(readdirSync(join(out, 'figures')).filter((f) => f.endsWith('.svg')).length).toBeGreaterThan(0);
  });

  it('a second run takes both models from the cache, says so, and prints the same findings', async () => {
    const again = await demo();
    expect(again.code).toBe(0);
    expect(again.err).toContain('learned model: from the cache, no training needed');
    expect(again.err).not.toContain('learned model: training');
    expect(again.out).toContain('[from the cache (--fresh rebuilds)]');
    expect(body(again.out)).toBe(body(first.out));
  });

  it('--fresh trains again, to the same model: the seed fixes it', async () => {
    const fresh = await demo('--fresh');
    expect(fresh.code).toBe(0);
    expect(fresh.err).toContain('learned model: training');
    expect(fresh.out).toContain('[trained now]');
    expect(body(fresh.out)).toBe(body(first.out));
    expect(readdirSync(cache)).toHaveLength(1);
  });

  it('names a folder it cannot make, before any training', async () => {
    const file = t.file('a-file', 'x');
    const r = await cli('demo', '--out', join(file, 'sub'), '--cache', cache, ...QUICK);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`rasplab: --out ${join(file, 'sub')}: cannot make the folder (ENOTDIR)\n`);
  });
});
