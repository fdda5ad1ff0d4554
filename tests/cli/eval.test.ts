import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cli, reverseBody, tempDir } from './harness.ts';
import { LIBRARY_DIR } from '../../cli/resolveProgram.ts';
import { loadProgram } from '../../src/rasp/load.ts';
import { evaluate } from '../../src/rasp/evaluate.ts';
import { traceProgram } from '../../src/rasp/trace.ts';
import { isSOp } from '../../src/rasp/ast.ts';
import { formatValue } from '../../src/rasp/values.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

// reverse.rasp's header: vocab a b c d e, max-len 5.
const input = ['a', 'b', 'c', 'c', 'e'];
const inputText = input.join(' ');
const reversed = [...input].reverse();

/** A user error: exit 2 and one line on stderr, no stack. */
function expectUserError(r: { code: number; err: string; out: string }, ...parts: (string | RegExp)[]): void {
  expect(r.code).toBe(2);
  expect(r.err.startsWith('rasplab: ')).toBe(true);
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.err).not.toMatch(/\n\s+at /);
  for (const p of parts) expect(r.err).toMatch(p);
}

describe('rasplab eval', () => {
  it('prints the reversed input for the library program `reverse`', async () => {
    const r = await cli('eval', 'reverse', '--input', inputText);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(reversed.join(' '));
  });

  it('a REPL command in the file is skipped, with a note on stderr naming its line', async () => {
    const file = tmp.file(
      'repl.rasp',
      '# vocab: a b\nset example "ab"\nfull seq display on\nflip = aggregate(select(indices, length - indices - 1, ==), tokens);\n',
    );
    const r = await cli('eval', file, '--input', 'a b b');
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe('b b a');
    expect(r.err.trimEnd().split('\n')).toEqual([
      `rasplab: note: ${file}:2:1: 'set' is a REPL command, not supported in files; skipped`,
      `rasplab: note: ${file}:3:1: 'full' is a REPL command, not supported in files; skipped`,
    ]);
    // compile (and train, through the same printNotes) say so too.
    const c = await cli('compile', file, '--max-len', '3', '-o', join(tmp.dir, 'repl.safetensors'));
    expect(c.code, c.err).toBe(0);
    expect(c.err).toContain(`rasplab: note: ${file}:2:1: 'set' is a REPL command, not supported in files; skipped\n`);
  });

  it('an s-op evaluated on an example at the top level is skipped with a note (the interpreter evaluates it silently in a file)', async () => {
    const file = tmp.file('example.rasp', 'a = indices + 4;\na("hello");\nb = a;\n');
    const r = await cli('eval', file, '--input', 'x y', '--vocab', 'x,y');
    expect(r.code).toBe(0);
    // the interpreter, loading this file: b("ab") = [4, 5]
    expect(r.out.trim()).toBe('4 5');
    expect(r.err).toBe(`rasplab: note: ${file}:2:1: 'a(…)' evaluates an s-op on an example, which changes nothing in a file; skipped\n`);
  });

  it('--json prints {output}', async () => {
    const r = await cli('eval', 'reverse', '--input', inputText, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ output: reversed });
  });

  it('--trace --json gives every traced node, as traceProgram computes it', async () => {
    const r = await cli('eval', 'reverse', '--input', inputText, '--trace', '--json');
    expect(r.code).toBe(0);
    const got = JSON.parse(r.out) as { output: unknown; trace: Record<string, unknown> };
    const rows = traceProgram(loadProgram(join(LIBRARY_DIR, 'reverse.rasp')), input);
    expect(Object.keys(got.trace).sort()).toEqual([...new Set(rows.map((x) => x.name))].sort());
    for (const row of rows) expect(got.trace[row.name]).toEqual(row.values);
    expect(got.output).toEqual(reversed);
  });

  it('--trace prints one table row per traced s-op with its values, then the output', async () => {
    const r = await cli('eval', 'reverse', '--input', inputText, '--trace');
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(reversed.join(' '));
    const rows = traceProgram(loadProgram(join(LIBRARY_DIR, 'reverse.rasp')), input);
    for (const row of rows.filter((x) => x.kind === 'sop')) {
      const line = lines.find((l) => l.split('│')[1]?.trim() === row.name);
      expect(line, `row ${row.name}`).toBeDefined();
      const cells = line!
        .split('│')
        .slice(2, -1)
        .map((c) => c.trim());
      expect(cells).toEqual((row.values as (string | number | boolean | null)[]).map(formatValue));
    }
  });

  it('--output picks another named s-op', async () => {
    const prog = loadProgram(join(LIBRARY_DIR, 'reverse.rasp'));
    const [name, node] = [...prog.named].find(([n, x]) => isSOp(x) && x !== prog.output && n !== 'tokens')!;
    if (!isSOp(node)) throw new Error('unreachable');
    const r = await cli('eval', 'reverse', '--input', inputText, '--output', name, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).output).toEqual(evaluate(node, input));
  });

  it('--output with an unknown name is a user error', async () => {
    expectUserError(await cli('eval', 'reverse', '--input', inputText, '--output', 'nosuch'), /no s-op named 'nosuch'/);
  });

  describe('header defaults and flags', () => {
    const file = tmp.file('rev3.rasp', `# vocab: a b c\n# max-len: 3\n${reverseBody()}`);

    it('a token outside the header vocabulary names the token and the vocabulary', async () => {
      expectUserError(await cli('eval', file, '--input', 'a b d'), /'d'/, /\{a, b, c\}/);
    });
    it('--vocab overrides the header', async () => {
      const r = await cli('eval', file, '--input', 'a b d', '--vocab', 'a,b,c,d', '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out).output).toEqual(['d', 'b', 'a']);
    });
    it('an input longer than the header max-len is refused', async () => {
      expectUserError(await cli('eval', file, '--input', 'a b c a'), /4 tokens/, /max-len is 3/);
    });
    it('--max-len overrides the header', async () => {
      const r = await cli('eval', file, '--input', 'a b c a', '--max-len', '5', '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out).output).toEqual(['a', 'c', 'b', 'a']);
    });
    it('a numeric vocabulary reads numbers, which tokens holds as strings and tokens_int as numbers (as the interpreter)', async () => {
      const nums = tmp.file('revnum.rasp', `# vocab: 1 2 3\n${reverseBody()}`);
      const r = await cli('eval', nums, '--input', '3 1 2', '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out).output).toEqual(['2', '1', '3']);
      const ints = tmp.file('revint.rasp', `# vocab: 1 2 3\n${reverseBody().replace(/\btokens\b/g, 'tokens_int')}`);
      expect(JSON.parse((await cli('eval', ints, '--input', '3 1 2', '--json')).out).output).toEqual([2, 1, 3]);
    });
  });

  describe('user errors', () => {
    it('an unknown program file', async () => {
      expectUserError(await cli('eval', join(tmp.dir, 'missing.rasp'), '--input', 'a'), /no such program file/, /missing\.rasp/);
    });
    it('an unknown library name suggests the closest one', async () => {
      expectUserError(await cli('eval', 'revers', '--input', 'a'), /did you mean 'reverse'/);
    });
    it('a syntax error names file:line:col', async () => {
      const bad = tmp.file('bad.rasp', 'x = select(indices, indices, ==);\ny = aggregate(x, ;\n');
      expectUserError(await cli('eval', bad, '--input', 'a'), /bad\.rasp:2:\d+: /);
    });
    it('a missing --input is a usage error', async () => {
      expectUserError(await cli('eval', 'reverse'), /--input/);
    });
    it('a mistyped flag is reported as unknown, with a suggestion, not as a missing --input', async () => {
      expectUserError(await cli('eval', 'reverse', '--inptu', 'a b'), /unknown option '--inptu'/, /Did you mean --input\?/);
      expectUserError(
        await cli('run', join(LIBRARY_DIR, '..', 'models', 'reverse.compiled.safetensors'), '--inptu', 'a b'),
        /unknown option '--inptu'/,
        /--input/,
      );
    });
    it('a model file is not a RASP program', async () => {
      const model = join(LIBRARY_DIR, '..', 'models', 'reverse.compiled.safetensors');
      expectUserError(await cli('eval', model, '--input', 'a b'), /reverse\.compiled\.safetensors: not a RASP program/, /safetensors model/);
    });
    it('an unknown flag is a usage error', async () => {
      expectUserError(await cli('eval', 'reverse', '--input', 'a', '--bogus'), /unknown option '--bogus'/);
    });
    it('a bad --max-len', async () => {
      expectUserError(await cli('eval', 'reverse', '--input', 'a', '--max-len', 'zero'), /--max-len must be a positive integer/);
    });
  });
});
