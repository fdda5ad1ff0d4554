/**
 * printProgram: the text it writes is valid `.rasp` that reads back to the same graph (by the
 * canonical form in tests/support/arbitraryProgram.ts) with the same outputs, and printing what
 * was read back is a fixed point.
 */
import { fc, test } from '@fast-check/vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SelectNode, SelectorWidthNode, type SOp } from '../../src/rasp/ast.ts';
import { aggregate, categorical, constant, indices, length, map, numerical, select, tokens, zipmap } from '../../src/rasp/builder.ts';
import { RaspError } from '../../src/rasp/errors.ts';
import { evaluateProgram } from '../../src/rasp/evaluate.ts';
import { sampleInput } from '../../src/rasp/inputs.ts';
import { loadProgram, parseProgram } from '../../src/rasp/load.ts';
import { printProgram } from '../../src/rasp/printer.ts';
import type { Program } from '../../src/rasp/program.ts';
import { makeRng } from '../../src/rasp/random.ts';
import type { MaybeValue, Value } from '../../src/rasp/values.ts';
import { arbitraryProgram, canonicalForm } from '../support/arbitraryProgram.ts';

const LIBRARY = join(import.meta.dirname, '../../fixtures/programs');

function program(output: SOp, named: [string, SOp][] = []): Program {
  return { name: 'p', output, named: new Map(named) };
}

function reparse(p: Program): Program {
  return parseProgram(printProgram(p), { file: `${p.name}.rasp` });
}

/** The output, or the error's message: two programs agree when both give the same values or both fail. */
function run(p: Program, input: readonly Value[]): MaybeValue[] | string {
  try {
    return evaluateProgram(p, input);
  } catch (e) {
    if (e instanceof RaspError) return 'error';
    throw e;
  }
}

describe('printProgram', () => {
  it('writes one assignment per non-leaf node, children first, the output last', () => {
    const opp = zipmap(
      {
        op: 'binary',
        fn: '-',
        left: { op: 'binary', fn: '-', left: { op: 'param', index: 0 }, right: { op: 'param', index: 1 } },
        right: { op: 'const', value: 1 },
      },
      length,
      indices,
    ).named('opp_index');
    const flip = select(indices, opp, '==').named('flip');
    const rev = aggregate(flip, tokens).named('reverse');
    const text = printProgram(program(rev));
    const body = text.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(body).toEqual(['opp_index = length - indices - 1;', 'flip = select(indices, opp_index, ==);', 'reverse = aggregate(flip, tokens_asis);']);
  });

  it('gives fresh names to unnamed nodes and to names that are reserved, unprintable or taken', () => {
    const a = map({ op: 'binary', fn: '+', left: { op: 'param', index: 0 }, right: { op: 'const', value: 1 } }, tokens);
    const b = map({ op: 'binary', fn: '*', left: { op: 'param', index: 0 }, right: { op: 'const', value: 2 } }, a).named('select');
    const c = zipmap({ op: 'binary', fn: '-', left: { op: 'param', index: 0 }, right: { op: 'param', index: 1 } }, a, b).named('two words');
    const d = map({ op: 'unary', fn: 'neg', arg: { op: 'param', index: 0 } }, c).named('v1');
    const e = map({ op: 'unary', fn: 'abs', arg: { op: 'param', index: 0 } }, d).named('v1');
    const text = printProgram(program(e));
    const names = text
      .split('\n')
      .filter((l) => l.includes(' = '))
      .map((l) => l.split(' = ')[0]);
    expect(new Set(names).size).toBe(names.length);
    expect(names).not.toContain('select');
    expect(names).toContain('v1');
    expect(names.every((n) => /^[A-Za-z_]\w*$/.test(n))).toBe(true);
    const back = parseProgram(text, { file: 'p.rasp' });
    expect(canonicalForm(back.output)).toBe(canonicalForm(e));
  });

  it('writes TRUE/FALSE selectors with True/False, constants as literals and stated encodings', () => {
    const all = new SelectNode(tokens, tokens, 'TRUE');
    const none = new SelectNode(indices, constant(-2), 'FALSE');
    const frac = numerical(
      aggregate(all, numerical(map({ op: 'binary', fn: '==', left: { op: 'param', index: 0 }, right: { op: 'const', value: 'a' } }, tokens)), 0),
    );
    const w = categorical(new SelectorWidthNode(none));
    const out = zipmap({ op: 'binary', fn: '+', left: { op: 'param', index: 0 }, right: { op: 'param', index: 1 } }, frac, w).named('out');
    const text = printProgram(program(out));
    expect(text).toMatch(/select\(tokens_asis, tokens_asis, True\)/);
    expect(text).toMatch(/select\(indices, -2, False\)/);
    expect(text).toMatch(/= numerical\(tokens_asis == "a"\);/);
    expect(text).toMatch(/= numerical\(aggregate\(\w+, \w+, 0\)\);/);
    expect(text).toMatch(/= categorical\(selector_width\(\w+\)\);/);
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^out = /);
    const back = parseProgram(text, { file: 'p.rasp' });
    expect(canonicalForm(back.output)).toBe(canonicalForm(out));
    expect(evaluateProgram(back, ['a', 'b', 'a'])).toEqual(evaluateProgram(program(out), ['a', 'b', 'a']));
  });

  it('parenthesises only where precedence needs it', () => {
    const P = (index: number) => ({ op: 'param', index }) as const;
    const body = {
      op: 'binary',
      fn: '*',
      left: { op: 'binary', fn: '-', left: P(0), right: { op: 'binary', fn: '-', left: P(1), right: P(0) } },
      right: { op: 'binary', fn: '^', left: { op: 'unary', fn: 'neg', arg: P(1) }, right: { op: 'binary', fn: '^', left: P(0), right: P(1) } },
    } as const;
    const m = zipmap(body, tokens, indices).named('m');
    const text = printProgram(program(m));
    // `^` is left-associative and prefix minus binds tighter than it (RASP.g4).
    expect(text).toContain('m = (tokens_asis - (indices - tokens_asis)) * -indices ^ (tokens_asis ^ indices);');
    const back = parseProgram(text, { file: 'p.rasp' });
    const input = [2, 1, 3];
    expect(evaluateProgram(back, input)).toEqual(evaluateProgram(program(m), input));
  });

  it('assigns a built-in or constant output so the printed program still outputs it', () => {
    for (const out of [tokens, length, constant(3)]) {
      const back = reparse(program(out));
      expect(evaluateProgram(back, [1, 2])).toEqual(evaluateProgram(program(out), [1, 2]));
    }
  });

  it('writes the vocabulary and maximum length as header comments', () => {
    const p = { ...program(tokens), vocab: [1, 2, 3], maxLen: 7 };
    const back = reparse(p);
    expect(back.vocab).toEqual([1, 2, 3]);
    expect(back.maxLen).toBe(7);
    const words = reparse({ ...program(tokens), vocab: ['a', 'b'] });
    expect(words.vocab).toEqual(['a', 'b']);
  });

  it('refuses a map given as a JavaScript function', () => {
    const m = map((x) => x, tokens).named('m');
    expect(() => printProgram(program(m))).toThrow(RaspError);
    expect(() => printProgram(program(m))).toThrow(/cannot print a map given as a JavaScript function/);
  });

  it('round-trips every program of the library: same structure, same outputs, same text', () => {
    const rng = makeRng(7);
    for (const f of readdirSync(LIBRARY).filter((x) => x.endsWith('.rasp'))) {
      const p = loadProgram(join(LIBRARY, f));
      const text = printProgram(p);
      const q = parseProgram(text, { file: join(LIBRARY, f) });
      expect(canonicalForm(q.output), f).toBe(canonicalForm(p.output));
      expect(printProgram(q), f).toBe(text);
      for (let i = 0; i < 20; i++) {
        const input = sampleInput(rng, p.vocab!, 1, p.maxLen!);
        expect(run(q, input), `${f} on ${input.join(' ')}`).toEqual(run(p, input));
      }
    }
  });
});

describe('printProgram on random programs', () => {
  test.prop([arbitraryProgram, fc.integer()], { numRuns: 150 })(
    'prints text that reads back to the same structure and outputs',
    ({ program: p, vocab, maxLen }, seed) => {
      const text = printProgram(p);
      const q = parseProgram(text, { file: 'random.rasp' });
      expect(canonicalForm(q.output)).toBe(canonicalForm(p.output));
      const rng = makeRng(seed);
      for (let i = 0; i < 8; i++) {
        const input = sampleInput(rng, vocab, 1, maxLen);
        expect(run(q, input)).toEqual(run(p, input));
      }
    },
  );

  test.prop([arbitraryProgram], { numRuns: 150 })('parse → print → parse is a fixed point', ({ program: p }) => {
    const q = parseProgram(printProgram(p), { file: 'random.rasp' });
    const text = printProgram(q);
    const r = parseProgram(text, { file: 'random.rasp' });
    expect(printProgram(r)).toBe(text);
    expect(canonicalForm(r.output)).toBe(canonicalForm(q.output));
    expect([...r.named.keys()]).toEqual([...q.named.keys()]);
  });
});
