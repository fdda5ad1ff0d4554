/**
 * From the command line, a program nested or chained past a limit is one located line on stderr
 * with exit code 2; a long chain of assignments compiles.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_EXPRESSION_DEPTH } from '../../src/rasp/elementwise.ts';
import { MAX_NESTING } from '../../src/rasp/parser.ts';
import { cli, tempDir } from './harness.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const HEADER = '# vocab: 1 2\n# max-len: 3\n';

async function compileText(name: string, body: string) {
  const file = tmp.file(`${name}.rasp`, `${HEADER}${body}\n`);
  return { file, ...(await cli('compile', file, '-o', join(tmp.dir, `${name}.safetensors`))) };
}

describe('rasplab compile on deep programs', () => {
  it.each([
    ['parens', `x = ${'('.repeat(1515)}tokens${')'.repeat(1515)};`, `3:${'x = '.length + MAX_NESTING + 1}: nested too deeply`],
    ['calls', `x = ${'numerical('.repeat(493)}tokens${')'.repeat(493)};`, `3:${'x = '.length + 'numerical('.length * (MAX_NESTING + 1)}: nested too deeply`],
    ['sum', `x = tokens${' + tokens'.repeat(MAX_EXPRESSION_DEPTH + 1)};`, '3:5: expression too long'],
  ])('%s: one line, exit 2', async (name, body, where) => {
    const r = await compileText(name, body);
    expect(r.code).toBe(2);
    expect(r.err.startsWith(`rasplab: ${r.file}:${where}`), r.err).toBe(true);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  });

  it('1,245 chained assignments compile', async () => {
    const lines = ['x1 = tokens_int;', ...Array.from({ length: 1244 }, (_, i) => `x${i + 2} = x${i + 1} + 1;`)];
    const r = await compileText('chain', lines.join('\n'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});
