/**
 * `verify MODEL FILE` checks the s-op the model was built for, not the file's last assignment, and
 * `--json` says how many inputs the evaluator refused.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from './harness.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const PROGRAM = ['# vocab: a b c', '# max-len: 3', 'isa = tokens == "a";', 'later = tokens;', ''].join('\n');

describe('verify MODEL FILE', () => {
  it('checks the s-op the model was compiled for, and --output another', async () => {
    const file = tmp.file('two.rasp', PROGRAM);
    const model = join(tmp.dir, 'isa.safetensors');
    expect((await cli('compile', file, '--output', 'isa', '-o', model)).code).toBe(0);
    const r = await cli('verify', model, file, '--backend', 'cpu');
    expect(r.out).toMatch(/program +two \(output isa\)/);
    expect(r.code).toBe(0);
    const other = await cli('verify', model, file, '--output', 'later', '--backend', 'cpu', '--json');
    expect(other.code).toBe(1);
    expect(JSON.parse(other.out).agreement).toBe(0);
  });

  it('a program without the model’s s-op is checked at its own output', async () => {
    const file = tmp.file('one.rasp', ['# vocab: a b c', '# max-len: 3', 'y = tokens == "a";', ''].join('\n'));
    const model = join(tmp.dir, 'isa2.safetensors');
    expect((await cli('compile', tmp.file('two2.rasp', PROGRAM), '--output', 'isa', '-o', model)).code).toBe(0);
    const r = await cli('verify', model, file, '--backend', 'cpu');
    expect(r.out).toMatch(/program +one \(output y\)/);
    expect(r.code).toBe(0);
  });

  it('--json counts the inputs the evaluator refuses', async () => {
    // A categorical mean over several different values is refused: every input with a repeated token
    // (the file's example, "a b", has none, so the program itself is accepted).
    const file = tmp.file(
      'mixed.rasp',
      ['# vocab: a b', '# max-len: 2', 'm = aggregate(select(tokens, tokens, ==), "p" if indices == 0 else "q");', ''].join('\n'),
    );
    const model = join(tmp.dir, 'id.safetensors');
    expect((await cli('compile', tmp.file('id.rasp', ['# vocab: a b', '# max-len: 2', 'm = tokens;', ''].join('\n')), '-o', model)).code).toBe(0);
    const j = JSON.parse((await cli('verify', model, file, '--backend', 'cpu', '--json')).out);
    expect(j).toMatchObject({ checked: 4, skipped: 2 });
    expect(j.firstSkipped.input).toEqual(['a', 'a']);
  });
});
