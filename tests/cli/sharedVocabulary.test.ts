/**
 * Two models with different vocabularies or lengths are compared on what both take, and every
 * comparison (compare, tui --vs, report) says so; models that share no token are refused in one line.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareSession } from '../../cli/tui/session.ts';
import { mount } from '../tui/ui.ts';
import { cli, tempDir } from './harness.ts';

const FIVE = join(import.meta.dirname, '..', '..', 'fixtures', 'models', 'reverse.compiled.safetensors'); // a–e, lengths 1–10
const tmp = tempDir();
const three = join(tmp.dir, 'rev3.safetensors'); // a–c, lengths 1–4
const other = join(tmp.dir, 'revxy.safetensors'); // x, y

beforeAll(async () => {
  expect((await cli('compile', 'reverse', '--vocab', 'a,b,c', '--max-len', '4', '-o', three)).code).toBe(0);
  expect((await cli('compile', 'reverse', '--vocab', 'x,y', '--max-len', '4', '-o', other)).code).toBe(0);
});
afterAll(() => tmp.cleanup());

const NOTE = /probe inputs are what both models take: vocabulary \{a, b, c\}, lengths 1–4 \(reverse\.compiled\.safetensors also takes d, e and lengths 5–10\)/;

describe('models with different vocabularies', () => {
  it('compare runs on the shared vocabulary and lengths, either way round, and says so', async () => {
    for (const [a, b] of [
      [FIVE, three],
      [three, FIVE],
    ]) {
      const j = await cli('compare', a, b, '--samples', '15', '--backend', 'cpu', '--json');
      expect(j.code, j.err).toBe(0);
      const r = JSON.parse(j.out);
      expect(r.note).toMatch(NOTE);
      expect(r.outputs.inRange.maxLen).toBe(4);
    }
    const text = await cli('compare', FIVE, three, '--samples', '15', '--backend', 'cpu');
    expect(text.out.split('\n')[0]).toMatch(NOTE);
    const same = await cli('compare', three, three, '--samples', '15', '--backend', 'cpu', '--json');
    expect(JSON.parse(same.out).note).toBeNull();
  });

  it('tui --vs takes the shared vocabulary instead of refusing, and notes it', async () => {
    const s = await prepareSession(FIVE, { vs: three, samples: 40, seed: 0 });
    expect(s.note).toMatch(NOTE);
    expect(s.task.vocab).toEqual(['a', 'b', 'c']);
    expect(s.set.inputs.every((x) => x.every((t) => ['a', 'b', 'c'].includes(t as string)))).toBe(true);
    const ui = await mount({ vs: three, columns: 160 });
    try {
      expect(ui.frame()).toMatch(NOTE);
    } finally {
      ui.close();
    }
  });

  it('report compares on the shared vocabulary and records the note', async () => {
    const r = await cli('report', FIVE, three, '--samples', '30', '--backend', 'cpu', '--json');
    expect(r.code, r.err).toBe(0);
    const d = JSON.parse(r.out);
    expect(d.settings.vocab).toEqual(['a', 'b', 'c']);
    expect(d.settings.note).toMatch(NOTE);
  });

  it('models that share no token are refused, in one line', async () => {
    for (const argv of [
      ['compare', FIVE, other],
      ['report', FIVE, other],
      ['tui', FIVE, '--vs', other],
    ]) {
      const r = await cli(...argv, '--backend', 'cpu');
      expect(r.code).toBe(2);
      const lines = r.err
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('backend:'));
      expect(lines).toEqual(['rasplab: reverse.compiled.safetensors and revxy.safetensors share no input token ({a, b, c, d, e} and {x, y})']);
    }
  });
});
