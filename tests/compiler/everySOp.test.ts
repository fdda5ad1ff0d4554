/**
 * Issue 18, item 10: every s-op of the library (fixtures/rasplib.rasp, applied to the inputs) and of
 * the fixture programs that has a finite value set compiles, and the model agrees with the evaluator
 * on every input up to the length checked (3: every input of a 3- or 4-token vocabulary).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSelector } from '../../src/rasp/ast.ts';
import { loadProgram, parseProgram } from '../../src/rasp/load.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { Value } from '../../src/rasp/values.ts';
import { firstDisagreement } from '../support/differential.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
const MAX_LEN = 3;

interface Case {
  readonly label: string;
  readonly program: Program;
  readonly vocab: readonly Value[];
  readonly maxLen: number;
}

/** The library's functions, applied as its users apply them: over strings (tokens) and numbers (tokens_int). */
const LIBRARY: readonly [string, readonly Value[]][] = [
  ['selector_width(select(tokens, tokens, ==))', ['a', 'b', 'c']],
  ['has_focus(select(tokens, "a", ==))', ['a', 'b', 'c']],
  ['count(tokens, "a")', ['a', 'b', 'c']],
  ['contains(tokens, "a")', ['a', 'b', 'c']],
  ['max(tokens_int, indices)', [0, 1, 2, 3]],
  ['min(tokens_int, indices)', [0, 1, 2, 3]],
  ['average(tokens_int)', [0, 1, 2, 3]],
  ['load_from_location(tokens, 0)', ['a', 'b', 'c']],
  ['load_from_location(tokens, length - 1)', ['a', 'b', 'c']],
  ['shift(tokens, 1, "-")', ['a', 'b', 'c']],
  ['shift(tokens_int, 2, 0)', [0, 1, 2, 3]],
  ['mark_last_instance(tokens, "a")', ['a', 'b', 'c']],
  ['mark_first_instance(tokens, "a")', ['a', 'b', 'c']],
  ['aggregate(select_from_last(tokens, "a"), indices)', ['a', 'b', 'c']],
  ['aggregate(select_from_first(tokens, "a"), indices)', ['a', 'b', 'c']],
  ['sort(tokens, tokens)', ['a', 'b', 'c']],
  ['sort(tokens_int, -tokens_int)', [0, 1, 2, 3]],
  ['selector_width(select_next_identical(tokens))', ['a', 'b', 'c']],
];

function libraryCases(): Case[] {
  return LIBRARY.map(([expr, vocab]) => ({
    label: `rasplib: ${expr}`,
    program: parseProgram(`load "rasplib.rasp";\nout = ${expr};\n`, { file: join(FIXTURES, 'main.rasp') }),
    vocab,
    maxLen: MAX_LEN,
  }));
}

/** Every public, non-selector s-op each fixture program names, over its `# vocab:` and at most MAX_LEN. */
function fixtureCases(): Case[] {
  const dir = join(FIXTURES, 'programs');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.rasp'))
    .sort()
    .flatMap((f) => {
      const program = loadProgram(join(dir, f));
      return [...program.named]
        .filter(([, node]) => !isSelector(node))
        .map(([name, node]) => ({
          label: `${f}: ${name}`,
          program: { ...program, output: node as Program['output'], name },
          vocab: program.vocab ?? ['a', 'b', 'c'],
          maxLen: Math.min(program.maxLen ?? MAX_LEN, MAX_LEN),
        }));
    });
}

describe('every s-op of the library and the fixtures compiles and verifies (issue 18, item 10)', () => {
  const cases = [...libraryCases(), ...fixtureCases()];
  it.each(cases.map((c) => [c.label, c] as const))('%s', (label, c) => {
    let outcome: string;
    try {
      const { mismatch, checked } = firstDisagreement(c);
      outcome = mismatch ? `disagrees on ${JSON.stringify(mismatch.input)}` : checked > 0 ? 'ok' : 'no input checked';
    } catch (e) {
      outcome = `refused: ${(e as Error).message.split('\n')[0]}`;
    }
    expect(outcome, label).toBe('ok');
  });
});
