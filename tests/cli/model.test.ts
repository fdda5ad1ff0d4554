/** compile → run → inspect → verify on the library's `reverse`, through the CLI, in a temp dir. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, reverseBody, tempDir } from './harness.ts';
import { LIBRARY_DIR } from '../../cli/resolveProgram.ts';
import { loadProgram } from '../../src/rasp/load.ts';
import { compile } from '../../compiler/index.ts';
import { EXHAUSTIVE_LIMIT } from '../../probes/verify.ts';
import { EXHAUSTIVE_LIMIT_SHOWN } from '../../cli/commands/verify.ts';

const tmp = tempDir();
const model = join(tmp.dir, 'rev.safetensors');
const vocab = ['a', 'b', 'c', 'd'];
const maxLen = 4;
afterAll(() => tmp.cleanup());

function expectUserError(r: { code: number; err: string }, ...parts: RegExp[]): void {
  expect(r.code).toBe(2);
  expect(r.err.startsWith('rasplab: ')).toBe(true);
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  for (const p of parts) expect(r.err).toMatch(p);
}

describe('rasplab compile', () => {
  let summary: Record<string, unknown>;
  beforeAll(async () => {
    const r = await cli('compile', 'reverse', '--vocab', vocab.join(','), '--max-len', String(maxLen), '-o', model, '--json');
    expect(r.err).toContain(`wrote ${model}`);
    expect(r.code).toBe(0);
    summary = JSON.parse(r.out);
  });

  it('--json prints the compiler stats, what each MLP enumerated and the compile time', async () => {
    expect(Object.keys(summary).sort()).toEqual(['compileMs', 'heads', 'layers', 'mlpHidden', 'mlps', 'params', 'products', 'residualWidth']);
    const { stats, mlps, products } = await compile(loadProgram(join(LIBRARY_DIR, 'reverse.rasp')), { vocab, maxLen });
    const { compileMs, ...rest } = summary;
    expect(rest).toEqual({ ...stats, mlps, products });
    expect(mlps.length).toBeGreaterThan(0);
    for (const m of mlps) expect(Object.keys(m).sort()).toEqual(['combinations', 'layer', 'neurons', 'writes']);
    expect(typeof compileMs).toBe('number');
    expect(existsSync(model)).toBe(true);
  });

  it('writes <program>.safetensors in the current directory by default and prints a summary', async () => {
    const cwd = process.cwd();
    process.chdir(tmp.dir);
    try {
      const r = await cli('compile', 'reverse', '--vocab', vocab.join(','), '--max-len', String(maxLen));
      expect(r.code).toBe(0);
      expect(existsSync(join(tmp.dir, 'reverse.safetensors'))).toBe(true);
      expect(r.out).toMatch(new RegExp(`layers\\s+${summary.layers}\\n`));
      expect(r.out).toMatch(new RegExp(`params\\s+${summary.params}\\n`));
    } finally {
      process.chdir(cwd);
    }
  });

  it('without --vocab and no header vocabulary it asks for one', async () => {
    const bare = tmp.file('bare.rasp', reverseBody());
    expectUserError(await cli('compile', bare, '--max-len', '4', '-o', join(tmp.dir, 'x.safetensors')), /needs a vocabulary/);
  });

  describe('rasplab run', () => {
    it('decodes the reversed input; --json has output and backend', async () => {
      const r = await cli('run', model, '--input', 'a b c d', '--json', '--backend', 'cpu');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toEqual({ output: ['d', 'c', 'b', 'a'], backend: 'cpu' });
    });
    it('prints the sequence on stdout and the backend on stderr', async () => {
      const r = await cli('run', model, '--input', 'b a c', '--backend', 'cpu');
      expect(r.code).toBe(0);
      expect(r.out.trim()).toBe('c a b');
      expect(r.err).toMatch(/backend: cpu/);
    });
    it('refuses tokens outside the model vocabulary and inputs that are too long', async () => {
      expectUserError(await cli('run', model, '--input', 'a z'), /'z'/, /\{a, b, c, d\}/);
      expectUserError(await cli('run', model, '--input', 'a b c d a'), /5 tokens/);
    });
    it('a missing or truncated model file is a user error naming the file', async () => {
      expectUserError(await cli('run', join(tmp.dir, 'none.safetensors'), '--input', 'a'), /no such model file/);
      const bytes = readFileSync(model);
      const cut = join(tmp.dir, 'cut.safetensors');
      writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
      expectUserError(await cli('run', cut, '--input', 'a'), /cut\.safetensors/);
    });
    it('a text file, or a .rasp program, is not a safetensors model file', async () => {
      const program = join(LIBRARY_DIR, 'reverse.rasp');
      expectUserError(await cli('run', program, '--input', 'a'), /reverse\.rasp: not a safetensors model file/, /compile it/);
      const text = tmp.file('notes.txt', 'these are notes, not weights\n');
      expectUserError(await cli('run', text, '--input', 'a'), /notes\.txt: not a safetensors model file/);
    });
  });

  describe('rasplab inspect', () => {
    it('lists every head, the MLPs, embeddings and residual groups', async () => {
      const r = await cli('inspect', model);
      expect(r.code).toBe(0);
      expect((r.out.match(/│ head \d+\.\d+/g) ?? []).length).toBe(summary.heads);
      for (const c of ['embed', 'pos_embed', 'unembed', 'tokens', 'indices']) expect(r.out).toContain(c);
      expect(r.out).toContain(`residual stream: ${summary.residualWidth} directions`);
    });
    it('--json has components and residual groups covering the residual width', async () => {
      const r = await cli('inspect', model, '--json');
      expect(r.code).toBe(0);
      const j = JSON.parse(r.out) as { components: { component: string }[]; residual: { start: number; end: number }[] };
      expect(j.components.filter((c) => c.component.startsWith('head ')).length).toBe(summary.heads);
      expect(j.residual.reduce((s, g) => s + g.end - g.start, 0)).toBe(summary.residualWidth);
    });
  });

  describe('rasplab verify', () => {
    it('agrees exhaustively with the program recorded in the model', async () => {
      const r = await cli('verify', model, '--json', '--backend', 'cpu');
      expect(r.code).toBe(0);
      const j = JSON.parse(r.out);
      const all = Array.from({ length: maxLen }, (_, i) => vocab.length ** (i + 1)).reduce((a, b) => a + b); // lengths 1..maxLen
      expect(j).toMatchObject({ checked: all, exhaustive: true, agreement: 1, firstMismatch: null });
    });
    it('samples --samples inputs when the input space is larger than the exhaustive limit', async () => {
      const big = join(tmp.dir, 'rev9.safetensors');
      expect((await cli('compile', 'reverse', '--vocab', vocab.join(','), '--max-len', '9', '-o', big)).code).toBe(0);
      const space = Array.from({ length: 9 }, (_, i) => vocab.length ** (i + 1)).reduce((a, b) => a + b);
      expect(space).toBeGreaterThan(EXHAUSTIVE_LIMIT);
      const r = await cli('verify', big, 'reverse', '--samples', '50', '--seed', '3', '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toMatchObject({ checked: 50, exhaustive: false, agreement: 1 });
    });
    it('--help states the exhaustive limit verifyModel uses', () => {
      expect(EXHAUSTIVE_LIMIT_SHOWN).toBe(EXHAUSTIVE_LIMIT);
    });
    it('exits 1 and shows the first mismatch against a different program', async () => {
      const other = tmp.file('identity.rasp', 'out = aggregate(select(indices, indices, ==), tokens);\n');
      const r = await cli('verify', model, other);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/first mismatch\s+input "/);
      expect(r.out).toContain('FAIL');
    });
  });
});
