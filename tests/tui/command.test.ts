import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../cli/harness.ts';
import { COMPILED, LEARNED } from './session.ts';

const tmp = tempDir();
const rev3 = join(tmp.dir, 'rev3.safetensors');
const hist = join(tmp.dir, 'hist.safetensors');
const wasTty = process.stdout.isTTY;
const setTty = (v: boolean | undefined) => Object.defineProperty(process.stdout, 'isTTY', { value: v, configurable: true, writable: true });

beforeAll(async () => {
  expect((await cli('compile', 'reverse', '--vocab', 'a,b,c', '--max-len', '4', '-o', rev3)).code).toBe(0);
  expect((await cli('compile', 'hist', '--vocab', 'a,b,c,d,e', '--max-len', '4', '-o', hist)).code).toBe(0);
});
afterAll(() => tmp.cleanup());
afterEach(() => setTty(wasTty));

describe('rasplab tui: mistakes are one-line errors before the UI starts', () => {
  it('a missing model file', async () => {
    const r = await cli('tui', join(tmp.dir, 'nope.safetensors'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^rasplab: no such model file: .*nope\.safetensors\n$/);
  });

  it('two models with different vocabularies are not refused: they are compared on the shared one', async () => {
    setTty(false);
    const r = await cli('tui', COMPILED, '--vs', rev3, '--samples', '10');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^rasplab: the terminal UI needs an interactive terminal/);
  });

  it('two models of different programs, and a program that does not fit the model', async () => {
    const r = await cli('tui', COMPILED, '--vs', hist);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/program mismatch: .* records program 'reverse', .* records 'hist'; name the one .* --program/);
    const p = await cli('tui', COMPILED, '--program', 'hist');
    expect(p.code).toBe(2);
    expect(p.err).toMatch(/^rasplab: program 'hist' does not fit .*: output value \d is not among the model's output classes \[a, b, c, d, e\]\n$/);
  });

  it('says so, rather than hang, when stdout is not a terminal', async () => {
    setTty(false);
    const r = await cli('tui', COMPILED, '--vs', LEARNED, '--samples', '10');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^rasplab: the terminal UI needs an interactive terminal, but stdout is not a TTY/);
    expect(r.err.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('--help names every option and an example', async () => {
    const r = await cli('tui', '--help');
    expect(r.code).toBe(0);
    for (const o of ['--vs', '--program', '--samples', '--seed', '--backend', 'rasplab tui fixtures/models/reverse.compiled.safetensors'])
      expect(r.out).toContain(o);
  });
});
