/**
 * How the `rasplab` command starts: from the JavaScript `npm run build` writes to dist/ while it is
 * current, else from the TypeScript sources; either way `--help` loads none of the heavy packages
 * (tfjs, ink, react, d3), which are imported inside the actions that use them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtEntry } from '../../cli/entry.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'cli/bin.mjs');
const RECORDER = join(ROOT, 'tests/support/recordImports.mjs');
const MODEL = join(ROOT, 'fixtures/models/reverse.compiled.safetensors');
const HEAVY = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'ink', 'react', 'd3', 'yaml', 'fast-check'];

const scratch = mkdtempSync(join(tmpdir(), 'rasplab-startup-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function rasplab(args: readonly string[], from: 'built' | 'source', extraNodeArgs: readonly string[] = [], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(process.execPath, [...extraNodeArgs, BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env, RASPLAB_FROM_SOURCE: from === 'source' ? '1' : '0' },
  });
}

function packagesLoaded(args: readonly string[], from: 'built' | 'source'): string[] {
  const log = join(scratch, `imports-${from}.txt`);
  writeFileSync(log, '');
  rasplab(args, from, ['--import', RECORDER], { RASPLAB_IMPORT_LOG: log });
  return [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))];
}

describe('the built command', () => {
  beforeAll(() => {
    // `npm install` builds it (prepare); after an edit the build is stale and is made again here.
    if (!builtEntry(ROOT)) execFileSync(process.execPath, [join(ROOT, 'cli/build.mjs')], { stdio: 'ignore' });
  });

  it('is current after a build, and is what bin.mjs runs', () => {
    expect(builtEntry(ROOT)).toBe(join(ROOT, 'dist/main.mjs'));
  });

  it.each(['built', 'source'] as const)('from the %s code, --help loads no heavy package', (from) => {
    const loaded = packagesLoaded(['--help'], from);
    expect(loaded).toContain('commander');
    expect(loaded.filter((p) => HEAVY.some((h) => p === h || p.startsWith(`${h}/`)))).toEqual([]);
  });

  it('prints what the sources print', () => {
    for (const args of [
      ['--help'],
      ['run', '--help'],
      ['eval', 'reverse', '--input', 'a b c', '--trace'],
      ['run', MODEL, '--input', 'a b c d', '--backend', 'cpu', '--json'],
    ])
      expect(rasplab(args, 'built')).toBe(rasplab(args, 'source'));
  });

  it("starts gradient workers from either code (the build bundles the worker), and both write the same model's bytes", () => {
    const args = ['train', 'reverse', '--vocab', 'a,b,c', '--max-len', '4', '--layers', '1', '--heads', '1', '--d-model', '8'];
    args.push('--steps', '6', '--batch', '8', '--test-size', '16', '--threads', '2', '--backend', 'cpu');
    const bytes = (from: 'built' | 'source') => {
      const out = join(scratch, `threads-${from}.safetensors`);
      rasplab([...args, '-o', out], from);
      return readFileSync(out);
    };
    const built = bytes('built');
    expect(built.equals(bytes('source'))).toBe(true);
  });
});

describe('builtEntry', () => {
  function fakeRoot(builtAt: number, inputs: readonly string[]): string {
    const root = mkdtempSync(join(scratch, 'root-'));
    mkdirSync(join(root, 'dist'));
    mkdirSync(join(root, 'cli'));
    for (const f of ['cli/a.ts', 'cli/b.ts']) {
      writeFileSync(join(root, f), '');
      utimesSync(join(root, f), new Date(builtAt - 1000), new Date(builtAt - 1000));
    }
    writeFileSync(join(root, 'dist/build.json'), JSON.stringify({ builtAt, inputs }));
    return root;
  }
  const now = Date.now();

  it('names dist/main.mjs while every input is older than the build', () => {
    const root = fakeRoot(now, ['cli/a.ts', 'cli/b.ts']);
    expect(builtEntry(root, {})).toBe(join(root, 'dist/main.mjs'));
    expect(builtEntry(root, { RASPLAB_FROM_SOURCE: '1' })).toBeNull();
  });

  it('is null once a source is newer than the build, or gone, or when there is no manifest', () => {
    const edited = fakeRoot(now, ['cli/a.ts', 'cli/b.ts']);
    utimesSync(join(edited, 'cli/b.ts'), new Date(now + 1000), new Date(now + 1000));
    expect(builtEntry(edited, {})).toBeNull();
    expect(builtEntry(fakeRoot(now, ['cli/a.ts', 'cli/gone.ts']), {})).toBeNull();
    const bare = fakeRoot(now, []);
    rmSync(join(bare, 'dist/build.json'));
    expect(builtEntry(bare, {})).toBeNull();
    writeFileSync(join(bare, 'dist/build.json'), '{"builtAt": "yesterday"}');
    expect(builtEntry(bare, {})).toBeNull();
  });
});
