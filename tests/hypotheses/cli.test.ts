/** `rasplab check` end to end, in-process: text, JSON, exit codes, replay, usage errors. */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LIBRARY_DIR } from '../../cli/resolveProgram.ts';
import { cli, tempDir } from '../cli/harness.ts';
import { COMPILED_REVERSE, FIXTURES, LEARNED_REVERSE } from './support.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const runs = ['--runs', '40'];
const falseClaims = tmp.file(
  'false.yaml',
  `claims:
  - { name: flip, head: "1.0", implements: flip }
  - { name: identity, head: "1.0", implements: "select(indices, indices, ==)" }
`,
);

/** The value printed after `key` in a claim block. */
const field = (out: string, key: string) => out.match(new RegExp(`^  ${key}\\s+(.*)$`, 'm'))?.[1];

describe('rasplab check', () => {
  it('passes every claim of the example file for the compiled model (exit code 0)', async () => {
    const r = await cli('check', COMPILED_REVERSE, join(FIXTURES, 'hypotheses/reverse.yaml'), ...runs);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^claim 1 \(length head\): passed {2}head 0\.0 implements select\(tokens, tokens, True\) \(mass ≥ 0\.5\)\n {2}40 runs\n/);
    expect(r.out).toContain('7 claims: 7 passed, 0 failed');
    expect(r.err).toMatch(/^backend: \w+; program reverse; 40 runs per claim, seed 0\n$/);
  });

  it('the learned example files: every claim of one holds, every claim of the other fails', async () => {
    const hyp = (f: string) => join(FIXTURES, 'hypotheses', f);
    const good = await cli('check', LEARNED_REVERSE, hyp('reverse.learned.yaml'), '--runs', '100');
    expect(good.code, good.out).toBe(0);
    const bad = await cli('check', LEARNED_REVERSE, hyp('reverse.learned.false.yaml'), '--json');
    expect(bad.code).toBe(1);
    const claims = JSON.parse(bad.out).claims as { passed: boolean; counterexample: string[]; minimal: boolean }[];
    expect(claims.map((c) => c.passed)).toEqual([false, false, false]);
    expect(claims[0]).toMatchObject({ minimal: true });
    expect(claims[0].counterexample).toHaveLength(4);
  });

  it('prints a failure with its shrunk counterexample, what happened, and a replay command that reproduces it', async () => {
    const r = await cli('check', COMPILED_REVERSE, falseClaims, ...runs, '--seed', '5');
    expect(r.code).toBe(1);
    expect(r.out).toContain('claim 2 (identity): FAILED  head 1.0 implements select(indices, indices, ==)');
    expect(field(r.out, 'counterexample')).toMatch(/^a a {3}\(length 2, minimal; found after \d+ runs?, \d+ shrinks?\)$/);
    expect(field(r.out, 'observed')).toBe('query 0:a attends BOS 0.00, 0:a 0.00, 1:a 1.00');
    expect(field(r.out, 'expected')).toBe('mass ≥ 0.5 on 0:a');
    const replay = field(r.out, 'replay')!;
    expect(replay).toMatch(new RegExp(`^npx rasplab check \\S+ \\S+false\\.yaml --runs 40 --seed 5 --claim 2 --path [\\d:]+$`));
    expect(r.out).toContain('2 claims: 1 passed, 1 failed');
    const again = await cli(...replay.split(' ').slice(2));
    expect(again.code).toBe(1);
    expect(field(again.out, 'counterexample')!.split('   ')[0]).toBe('a a');
    expect(again.out).not.toContain('claim 1');
  });

  it('--json prints one object, claims numbered from 1, failures with their replay', async () => {
    const r = await cli('check', COMPILED_REVERSE, falseClaims, ...runs, '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ program: 'reverse', seed: 0, runs: 40 });
    expect(j.claims.map((c: { number: number; passed: boolean }) => [c.number, c.passed])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(j.claims[1]).toMatchObject({ kind: 'head', name: 'identity', counterexample: ['a', 'a'], seed: 0 });
    expect(j.claims[1].replay).toMatch(/--claim 2 --path/);
    expect(j.claims[0].replay).toBeUndefined();
  });

  it("reads the file's program, relative to the file", async () => {
    copyFileSync(join(LIBRARY_DIR, 'reverse.rasp'), join(tmp.dir, 'mine.rasp'));
    const f = tmp.file('own.yaml', 'program: mine.rasp\nclaims:\n  - { head: "1.0", implements: flip }\n');
    const r = await cli('check', COMPILED_REVERSE, f, ...runs);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('program mine;');
  });

  it('--from-labels claims each compiled head of every head, and says which hold', async () => {
    const r = await cli('check', '--from-labels', COMPILED_REVERSE, COMPILED_REVERSE, ...runs, '--json');
    expect(r.code, r.err).toBe(0);
    const rows = JSON.parse(r.out).proposals.map((p: { from: string; head: string; passed: boolean }) => `${p.from}→${p.head}:${p.passed}`);
    expect(rows).toEqual(['0.0→0.0:true', '0.0→1.0:true', '1.0→0.0:false', '1.0→1.0:true']);
    const text = await cli('check', '--from-labels', COMPILED_REVERSE, COMPILED_REVERSE, ...runs, '--match', 'argmax');
    expect(text.out).toMatch(/│ 1\.0 +│ select\(indices, opp_index, ==\) │ 1\.0 +│ yes \(40 runs\) │/);
  });

  it('usage mistakes are one line with exit code 2', async () => {
    const bad = tmp.file('bad.yaml', 'claims:\n  - { head: "1.0", implements: flip\n');
    const shape = tmp.file('shape.yaml', '- { head: "3.1", implements: flip }\n');
    const other = tmp.file('other.yaml', '- { agrees: missing.safetensors }\n');
    const bomb = tmp.file(
      'bomb.yaml',
      ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`)].join(
        '\n',
      ),
    );
    const proto = tmp.file('proto.yaml', '- { invariant: reverse, __proto__: { name: x } }\n');
    const cases: [string[], RegExp][] = [
      [['check', COMPILED_REVERSE], /name a HYPOTHESES file .* or give --from-labels COMPILED/],
      [['check', COMPILED_REVERSE, falseClaims, '--from-labels', COMPILED_REVERSE], /not both/],
      [['check', COMPILED_REVERSE, falseClaims, '--path', '1:2'], /--path replays one claim: give --claim N/],
      [['check', COMPILED_REVERSE, falseClaims, '--claim', '3'], /--claim 3: .*false\.yaml has 2 claims/],
      [['check', COMPILED_REVERSE, falseClaims, '--threshold', '0.3'], /--match and --threshold go with --from-labels/],
      [['check', COMPILED_REVERSE, bad], /bad\.yaml:\d+:\d+: /],
      [['check', COMPILED_REVERSE, shape], /shape\.yaml: claim 1: 'head': component 3\.1: the model has 2 layers/],
      [['check', 'nope.safetensors', falseClaims], /no such model file: nope\.safetensors/],
      [['check', COMPILED_REVERSE, other], /other\.yaml: claim 1: 'agrees': \S+missing\.safetensors: cannot read model file/],
      [['check', COMPILED_REVERSE, 'nope.yaml'], /cannot read hypothesis file 'nope\.yaml': no such file/],
      [['check', COMPILED_REVERSE, bomb], /bomb\.yaml:\d+:\d+: aliases expand to more than 10000 values/],
      [['check', COMPILED_REVERSE, proto], /proto\.yaml: claim 1: unknown key '__proto__' in this 'invariant' claim/],
    ];
    for (const [argv, msg] of cases) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(new RegExp(`^rasplab: .*${msg.source}`));
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });
});
