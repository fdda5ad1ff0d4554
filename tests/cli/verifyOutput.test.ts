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
    // Several strings are not averaged, even equal ones (as in the RASP interpreter): every input of length 2.
    const file = tmp.file('mixed.rasp', ['# vocab: a b', '# max-len: 2', 'm = aggregate(select(indices, indices, <=), tokens);', ''].join('\n'));
    const model = join(tmp.dir, 'id.safetensors');
    expect((await cli('compile', tmp.file('id.rasp', ['# vocab: a b', '# max-len: 2', 'm = tokens;', ''].join('\n')), '-o', model)).code).toBe(0);
    const j = JSON.parse((await cli('verify', model, file, '--backend', 'cpu', '--json')).out);
    expect(j).toMatchObject({ checked: 2, skipped: 4 });
    expect(j.firstSkipped.input).toEqual(['a', 'a']);
  });
});
