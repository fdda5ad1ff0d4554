/** Metadata a model file carries is checked when it is read, so a hand-edited or hostile file gives one line naming the field. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from '../../src/model/safetensors.ts';
import { cli, tempDir } from './harness.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const fixtures = join(import.meta.dirname, '../../fixtures/models');

/** A copy of a fixture with one metadata entry's JSON edited. */
function withMetadata(fixture: string, key: string, edit: (value: Record<string, unknown>) => void, name: string): string {
  const { tensors, metadata } = decodeSafetensors(readFileSync(join(fixtures, fixture)), fixture);
  const value = JSON.parse(metadata[key]);
  edit(value);
  const file = join(tmp.dir, name);
  writeFileSync(file, encodeSafetensors(tensors, { ...metadata, [key]: JSON.stringify(value) }));
  return file;
}

async function expectOneLine(argv: string[], pattern: RegExp): Promise<void> {
  const r = await cli(...argv);
  expect(r.out).toBe('');
  expect(r.err.trimEnd().split('\n'), r.err).toHaveLength(1);
  expect(r.err).toMatch(pattern);
  expect(r.code).toBe(2);
}

describe('training metadata', () => {
  it.each([
    ['maxLen 0', (t: Record<string, unknown>) => (t.maxLen = 0), /'rasplab\.training': maxLen 0 is not a positive integer/],
    ['minLen -1', (t: Record<string, unknown>) => (t.minLen = -1), /'rasplab\.training': minLen -1 is not a positive integer/],
    ['maxLen 2.5', (t: Record<string, unknown>) => (t.maxLen = 2.5), /'rasplab\.training': maxLen 2\.5 is not a positive integer/],
    ['minLen above maxLen', (t: Record<string, unknown>) => ((t.minLen = 5), (t.maxLen = 3)), /'rasplab\.training': minLen 5 is above maxLen 3/],
    ['maxLen past the context', (t: Record<string, unknown>) => (t.maxLen = 50), /'rasplab\.training': maxLen 50 is beyond the model's context \(n_ctx 11/],
  ])('%s: verify refuses the file, naming the field', async (name, edit, pattern) => {
    const file = withMetadata('reverse.learned.safetensors', 'rasplab.training', edit, `${name.replace(/\W/g, '_')}.safetensors`);
    await expectOneLine(['verify', file, '--backend', 'cpu'], pattern);
  });
});

describe('the recorded program', () => {
  it('a number as the source is refused when the file is read', async () => {
    const file = withMetadata('reverse.compiled.safetensors', 'rasplab.labels', (l) => ((l.program as Record<string, unknown>).source = 3), 'num.safetensors');
    await expectOneLine(['verify', file, '--backend', 'cpu'], /^rasplab: .*num\.safetensors: metadata 'rasplab\.labels': program\.source 3 is not text\n$/);
  });

  it('source nested 5,000 parentheses deep is one line naming where it came from, not a stack trace', async () => {
    const deep = `# vocab: a b\n# max-len: 3\nout = ${'('.repeat(5000)}tokens${')'.repeat(5000)};\n`;
    const file = withMetadata(
      'reverse.compiled.safetensors',
      'rasplab.labels',
      (l) => ((l.program as Record<string, unknown>).source = deep),
      'deep.safetensors',
    );
    await expectOneLine(
      ['verify', file, '--backend', 'cpu'],
      /^rasplab: .*deep\.safetensors: the program recorded in metadata 'rasplab\.labels' \(program\.source\) /,
    );
  });

  it('source that does not parse names the model file and the line', async () => {
    const file = withMetadata(
      'reverse.compiled.safetensors',
      'rasplab.labels',
      (l) => ((l.program as Record<string, unknown>).source = 'out = ;\n'),
      'bad.safetensors',
    );
    await expectOneLine(['verify', file, '--backend', 'cpu'], /^rasplab: .*bad\.safetensors: the program recorded .* cannot be read: reverse\.rasp:1:7: /);
  });
});
