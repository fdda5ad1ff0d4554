/**
 * The program library (fixtures/programs/*.rasp): every file parses, its header says what it
 * computes over which vocabulary and length, and its `# example:` lines, plus the hand-checked
 * edge cases below (length 1, all tokens equal, maximum length), are what the evaluator gives.
 */
import { describe, expect, it } from 'vitest';
import { loadProgram } from '../../src/rasp/load.ts';
import { evaluateProgram } from '../../src/rasp/evaluate.ts';
import type { Program } from '../../src/rasp/program.ts';
import { formatOutput, libraryNames, libraryPath, parseExample, parseTokens, readHeader } from '../support/libraryExamples.ts';

const PROGRAMS = [
  'count',
  'count_less_freq',
  'detect_pattern',
  'double_hist',
  'dyck1',
  'dyck2',
  'frac_prevs',
  'hist',
  'last_occurrence',
  'length',
  'long_addition',
  'max',
  'min',
  'most_frequent',
  'pair_balance',
  'reverse',
  'shift_by',
  'shuffle_dyck',
  'shuffle_dyck2',
  'sort',
  'sort_by_frequency',
  'sort_unique',
];

/**
 * Vocabulary and maximum length where tracr's own figures were measured (shared/anchors/tracr.md),
 * which these files take as their defaults; reverse defaults to letters instead (as in the issue's
 * `eval … --input "a b c d"`), and the size tests compile it over tracr's vocabulary.
 */
const TRACR_TASKS: Record<string, { vocab: string; maxLen: number }> = {
  length: { vocab: '1 2 3', maxLen: 5 },
  hist: { vocab: '1 2 3', maxLen: 5 },
  sort_unique: { vocab: '1 2 3', maxLen: 5 },
  sort: { vocab: '1 2 3', maxLen: 5 },
  sort_by_frequency: { vocab: '1 2 3', maxLen: 5 },
  frac_prevs: { vocab: 'a b x', maxLen: 5 },
  pair_balance: { vocab: '( ) a', maxLen: 5 },
  shuffle_dyck: { vocab: '( ) a', maxLen: 5 },
  shuffle_dyck2: { vocab: '( ) a { }', maxLen: 5 },
  count_less_freq: { vocab: 'a b c', maxLen: 5 },
};

/**
 * Edge cases worked out by hand, beyond the files' own examples: a single token, every token the
 * same, the longest input the header allows, and cases that pin down each program's tie-breaking.
 */
const EXTRA_CASES: Record<string, string[]> = {
  length: ['1 -> 1', '2 2 2 2 2 -> 5 5 5 5 5', '3 1 -> 2 2', '1 2 3 1 -> 4 4 4 4'],
  reverse: ['c -> c', 'b b b b b -> b b b b b', 'a a b c c -> c c b a a', 'a b -> b a', 'e d c b a -> a b c d e'],
  hist: ['1 -> 1', '2 2 -> 2 2', '1 2 3 2 1 -> 2 2 1 2 2', '3 1 1 1 3 -> 2 3 3 3 2'],
  double_hist: [
    'a -> 1',
    'b b b b b b b b -> 1 1 1 1 1 1 1 1',
    'a b c d a b c d -> 4 4 4 4 4 4 4 4',
    'a a b c d d d d -> 1 1 2 2 1 1 1 1',
    'a b c d -> 4 4 4 4',
  ],
  sort: ['2 -> 2', '1 1 1 1 1 -> 1 1 1 1 1', '3 2 1 3 2 -> 1 2 2 3 3', '1 2 3 -> 1 2 3', '3 2 1 -> 1 2 3'],
  sort_unique: ['1 -> 1', '3 2 1 -> 1 2 3', '1 3 -> 1 3', '2 2 -> 2 0', '3 3 3 3 3 -> 3 0 0 0 0', '3 1 3 1 2 -> 1 0 2 3 0'],
  sort_by_frequency: ['2 -> 2', '3 3 3 3 3 -> 3 3 3 3 3', '1 2 2 3 3 -> 2 2 3 3 1', '3 1 3 1 2 -> 3 1 3 1 2', '1 2 3 3 3 -> 3 3 3 1 2'],
  most_frequent: ['c -> c', 'b b b b b b -> b b b b b b', 'a b c c b a -> a a a a a a', 'a b c c c b -> c c c c c c', 'b a -> b b'],
  frac_prevs: ['x -> 1', 'a -> 0', 'a a a a a -> 0 0 0 0 0', 'a x a x a -> 0 0.5 0.333333 0.5 0.4'],
  pair_balance: ['( -> 1', ') -> -1', 'a -> 0', '( ( ( ( ( -> 1 1 1 1 1', ') ) ( ( a -> -1 -1 -0.333333 0 0'],
  shuffle_dyck: ['( -> 0', ') -> 0', 'a a a a a -> 1 1 1 1 1', '( ( ) ) a -> 1 1 1 1 1', '( ) ) ( -> 0 0 0 0', '( ) ) ( ( -> 0 0 0 0 0'],
  shuffle_dyck2: ['{ -> 0', 'a -> 1', '{ ( } ) a -> 1 1 1 1 1', '( ( ( ( ( -> 0 0 0 0 0', '{ } ) ( a -> 0 0 0 0 0', '( { ) } ( -> 0 0 0 0 0'],
  dyck1: ['( -> P', ') ) -> F F', '( ( ( ( ( ( ( ( -> P P P P P P P P', '( ) ( ) ( ) ( ) -> P T P T P T P T', '( ) ) ( ( ) ( ) -> P T F F F F F F'],
  dyck2: [
    '( -> P',
    '{ } -> P T',
    '( } -> P F',
    '( ( } ) -> P P F F',
    '{ { { { } } } } -> P P P P P P P T',
    '( ) ) ( ( ) { } -> P T F F F F F F',
    '{ ( } ) ( ) { } -> P P F F F F F F',
    '( { } { ( ) } ) -> P P P P P P P T',
  ],
  count_less_freq: ['a -> 1', 'b b b b b -> 0 0 0 0 0', 'a b -> 2 2', 'a a b b b -> 2 2 2 2 2', 'c c -> 2 2'],
  shift_by: ['a -> _', 'b b b b b b -> _ b b b b b', 'a b -> _ a'],
  detect_pattern: ['a -> 0', 'c c c c c c -> 0 0 0 0 0 0', 'a b c c b a -> 0 0 1 0 0 0', 'a a b c b c -> 0 0 0 1 0 0'],
  count: ['a -> 1', 'c -> 0', 'a a a a a a -> 6 6 6 6 6 6', 'b c b c b c -> 0 0 0 0 0 0', 'b a -> 1 1'],
  max: ['5 -> 5', '3 3 3 3 3 3 -> 3 3 3 3 3 3', '1 2 3 4 5 1 -> 5 5 5 5 5 5', '5 4 3 2 1 -> 5 5 5 5 5'],
  min: ['2 -> 2', '4 4 4 4 4 4 -> 4 4 4 4 4 4', '5 4 3 2 1 2 -> 1 1 1 1 1 1', '2 3 -> 2 2'],
  // The RASP interpreter's values (tech-srl/RASP, this file loaded there).
  long_addition: ['+ -> 0', '9 + 9 -> 0 1 8', '1 + 9 9 9 -> 0 1 0 0 0', '9 9 9 + 9 9 9 -> 0 0 0 1 9 9 8', '8 0 + 1 0 -> 0 0 0 9 0'],
  last_occurrence: ['a -> 0', 'c c c c c c -> 5 5 5 5 5 5', 'a b c a b c -> 3 4 5 3 4 5', 'a b c -> 0 1 2', 'b a a -> 0 2 2'],
};

const loaded = new Map<string, Program>();
function program(name: string): Program {
  const hit = loaded.get(name);
  if (hit) return hit;
  const p = loadProgram(libraryPath(name));
  loaded.set(name, p);
  return p;
}

function run(name: string, words: readonly string[]): string[] {
  const header = readHeader(name);
  return formatOutput(evaluateProgram(program(name), parseTokens(words, header.vocabWords)));
}

describe('the program library', () => {
  it('holds exactly the expected programs', () => {
    expect(libraryNames()).toEqual([...PROGRAMS].sort());
  });

  it('has hand-checked extra cases for every program', () => {
    expect(Object.keys(EXTRA_CASES).sort()).toEqual([...PROGRAMS].sort());
  });
});

describe.each(PROGRAMS)('%s', (name) => {
  const header = readHeader(name);

  it('has a header: what it computes, a vocabulary, a max-len and at least two examples', () => {
    expect(header.description.length).toBeGreaterThan(20);
    expect(header.vocabWords.length).toBeGreaterThan(0);
    expect(new Set(header.vocabWords).size).toBe(header.vocabWords.length);
    expect(header.maxLen).toBeGreaterThanOrEqual(3);
    expect(header.examples.length).toBeGreaterThanOrEqual(2);
  });

  it('its examples and extra cases stay within the vocabulary and max-len', () => {
    const cases = [...header.examples, ...EXTRA_CASES[name].map(parseExample)];
    for (const c of cases) {
      expect(c.input.length).toBeGreaterThanOrEqual(1);
      expect(c.input.length).toBeLessThanOrEqual(header.maxLen);
      expect(c.output).toHaveLength(c.input.length);
      for (const w of c.input) expect(header.vocabWords).toContain(w);
    }
    // Every program is checked on an input of the maximum length and on a single token.
    expect(cases.some((c) => c.input.length === header.maxLen)).toBe(true);
    expect(cases.some((c) => c.input.length === 1)).toBe(true);
  });

  it('parses, and loadProgram reads the vocabulary and max-len from the header', () => {
    const p = program(name);
    expect(p.name).toBe(name);
    expect(p.vocab).toEqual(header.vocab);
    expect(p.maxLen).toBe(header.maxLen);
  });

  if (TRACR_TASKS[name]) {
    it("runs over tracr's vocabulary and max-len, so compiled sizes compare with tracr's", () => {
      expect([...header.vocabWords].sort()).toEqual(TRACR_TASKS[name].vocab.split(' ').sort());
      expect(header.maxLen).toBe(TRACR_TASKS[name].maxLen);
    });
  }

  it.each(header.examples.map((e) => [`line ${e.line}: ${e.input.join(' ')}`, e] as const))('example %s', (_, e) => {
    expect(run(name, e.input)).toEqual(e.output);
  });

  it.each(EXTRA_CASES[name].map((text) => [text, parseExample(text)] as const))('extra case %s', (_, c) => {
    expect(run(name, c.input)).toEqual(c.output);
  });
});
