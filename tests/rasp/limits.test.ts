/**
 * Counts a program or its task can set stop at their ceilings before the work they would cost:
 * header values, value sets too large to build, def expansion and loops that multiply, long
 * ranges. Each refusal names the construct, where it is, the ceiling and how to raise it, and
 * comes at once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RaspError } from '../../src/rasp/errors.ts';
import { ceilingOf, LIMITS } from '../../src/rasp/limits.ts';
import { parseProgram } from '../../src/rasp/load.ts';
import { inferValueSets } from '../../src/rasp/valueSets.ts';
import { indices, select, selectorWidth, tokens } from '../../src/rasp/builder.ts';

afterEach(() => {
  for (const { env } of Object.values(LIMITS)) delete process.env[env];
});

/**
 * The RaspError `f` throws. "At once" is not timed: past its ceiling each case would build 10^9
 * values or run 10^10 iterations, which the per-test timeout stops long before it would end.
 */
function refusal(f: () => unknown): { error: RaspError } {
  try {
    f();
  } catch (e) {
    if (!(e instanceof RaspError)) throw e;
    return { error: e };
  }
  return expect.fail('expected a RaspError');
}

const parse = (text: string) => parseProgram(text, { file: 'p.rasp' });

describe('the ceilings', () => {
  it('each has a value, an environment variable of its own and a reason', () => {
    const envs = Object.values(LIMITS).map((l) => l.env);
    expect(new Set(envs).size).toBe(envs.length);
    for (const l of Object.values(LIMITS)) {
      expect(Number.isSafeInteger(l.value) && l.value > 0).toBe(true);
      expect(l.env).toMatch(/^RASPLAB_MAX_[A-Z_]+$/);
      expect(l.why.length).toBeGreaterThan(10);
    }
  });

  it('the environment variable raises a ceiling; a bad value is refused by name', () => {
    expect(ceilingOf('maxLen')).toBe(LIMITS.maxLen.value);
    process.env.RASPLAB_MAX_LEN = '5000';
    expect(ceilingOf('maxLen')).toBe(5000);
    process.env.RASPLAB_MAX_LEN = 'lots';
    expect(refusal(() => ceilingOf('maxLen')).error.message).toBe("RASPLAB_MAX_LEN must be a positive integer, got 'lots'");
  });
});

describe('program headers', () => {
  it('# max-len: above the ceiling is refused where it is written', () => {
    const { error } = refusal(() => parse('# max-len: 100000000\nout = tokens;'));
    expect(error.message).toBe("p.rasp:1:3: '# max-len:' 100000000 is above the ceiling of 1024; raise it with RASPLAB_MAX_LEN if you mean it");
    process.env.RASPLAB_MAX_LEN = '100000000';
    expect(parse('# max-len: 100000000\nout = tokens;').maxLen).toBe(100000000);
  });

  it('# vocab: of more tokens than the ceiling is refused', () => {
    const words = Array.from({ length: 10_000 }, (_, i) => `t${i}`).join(' ');
    expect(refusal(() => parse(`# vocab: ${words}\nout = tokens;`)).error.message).toBe(
      "p.rasp:1:3: '# vocab:' of 10000 tokens is above the ceiling of 1000; raise it with RASPLAB_MAX_VOCAB if you mean it",
    );
  });
});

describe('value sets are sized before they are built', () => {
  it.each([
    ['indices', () => indices],
    ['selector_width', () => selectorWidth(select(tokens, tokens, '=='))],
  ])('%s over a maximum length of 10^9 is refused at once', (_, node) => {
    const { error } = refusal(() => inferValueSets([node()], { vocab: ['a'], maxLen: 1e9 }));
    expect(error.message).toMatch(/the value set \(100000000\d values\) of .* exceeds the limit of 10000 values/);
    expect(error.message).toMatch(/raise it with RASPLAB_MAX_VALUE_SET if you mean it$/);
  });

  it('the vocabulary as the value set of tokens', () => {
    const vocab = Array.from({ length: 20_000 }, (_, i) => i);
    expect(refusal(() => inferValueSets([tokens], { vocab, maxLen: 2 })).error.message).toMatch(/the value set \(20000 values\) of 'tokens' exceeds the limit/);
  });
});

describe('elaboration stops at its ceiling, naming the construct', () => {
  it('exponential def expansion', () => {
    const defs = ['def f0(x) { return x + 1; }', ...Array.from({ length: 30 }, (_, i) => `def f${i + 1}(x) { return f${i}(x) + f${i}(x); }`)];
    const { error } = refusal(() => parse(`${defs.join('\n')}\nout = f30(tokens);`));
    expect(error.message).toMatch(/^p\.rasp:\d+:\d+: the call of 'f\d+' takes the program past the ceiling of 50000 def calls and loop iterations; /);
    expect(error.message).toMatch(/; raise it with RASPLAB_MAX_ELABORATION_STEPS if you mean it$/);
  });

  it('nested for loops over long ranges', () => {
    const { error } = refusal(() => parse('n = 0;\nfor i in range(100000) {\n  for j in range(100000) {\n    n = j;\n  }\n}\nout = tokens;'));
    expect(error.message).toMatch(/^p\.rasp:3:3: this 'for' loop takes the program past the ceiling of 50000 def calls and loop iterations/);
  });

  it('a list comprehension', () => {
    const { error } = refusal(() => parse('xs = [i * 2 for i in range(100000)];\nout = tokens;'));
    expect(error.message).toMatch(/^p\.rasp:1:6: this list comprehension takes the program past the ceiling/);
  });

  it('a range is counted before it is built', () => {
    const { error } = refusal(() => parse('xs = range(0, 1000000000000, 1);\nout = tokens;'));
    expect(error.message).toBe('p.rasp:1:6: range of 1000000000000 items is above the ceiling of 100000; raise it with RASPLAB_MAX_LIST_ITEMS if you mean it');
  });

  it('a range below the ceiling is built as before', () => {
    const p = parse('xs = range(10, 0, -3);\nout = tokens + len(xs);');
    expect(p.output.kind).toBe('map');
  });
});

describe("the README's Limits table", () => {
  it('lists every ceiling with its environment variable', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Limits'), readme.indexOf('\n## ', readme.indexOf('## Limits') + 1));
    for (const { env } of Object.values(LIMITS)) expect(section).toContain(`| \`${env}\` |`);
  });
});
