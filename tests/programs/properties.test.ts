/**
 * Every library program against a plain JavaScript statement of what it computes: on random inputs
 * over the header's vocabulary with lengths 1..max-len (fast-check), and on every such input where
 * there are few enough to try them all.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadProgram } from '../../src/rasp/load.ts';
import { evaluateProgram } from '../../src/rasp/evaluate.ts';
import { countInputs, enumerateInputs } from '../../src/rasp/inputs.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { MaybeValue, Value } from '../../src/rasp/values.ts';
import { libraryNames, libraryPath, readHeader } from '../support/libraryExamples.ts';

type Reference = (xs: readonly Value[]) => MaybeValue[];

/** Inputs tried exhaustively when the vocabulary and max-len allow at most this many. */
const EXHAUSTIVE_LIMIT = 5000;

function counts(xs: readonly Value[]): Map<Value, number> {
  const m = new Map<Value, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

function fill<T>(xs: readonly unknown[], v: T): T[] {
  return xs.map(() => v);
}

/** Fraction of the prefix up to each position for which `pred` holds. */
function prefixFraction(xs: readonly Value[], pred: (x: Value) => boolean): number[] {
  let n = 0;
  return xs.map((x, i) => (n += pred(x) ? 1 : 0) / (i + 1));
}

/** Whether each kind of bracket, on its own, never closes more than it opened and ends at zero. */
function shuffleBalanced(xs: readonly Value[], pairs: readonly [string, string][]): boolean {
  return pairs.every(([open, close]) => {
    let depth = 0;
    for (const x of xs) {
      depth += x === open ? 1 : x === close ? -1 : 0;
      if (depth < 0) return false;
    }
    return depth === 0;
  });
}

/** Dyck prefix classification with a stack: T balanced, P a viable prefix, F broken for good. */
function dyckPtf(xs: readonly Value[], pairs: readonly [string, string][]): string[] {
  const stack: Value[] = [];
  let broken = false;
  return xs.map((x) => {
    const opening = pairs.find(([o]) => o === x);
    const closing = pairs.find(([, c]) => c === x);
    if (opening) stack.push(x);
    else if (closing && (stack.length === 0 || stack.pop() !== closing[0])) broken = true;
    return broken ? 'F' : stack.length === 0 ? 'T' : 'P';
  });
}

function stableSortBy(xs: readonly Value[], key: (x: Value) => number): Value[] {
  return xs
    .map((x, i) => ({ x, i, k: key(x) }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((e) => e.x);
}

const REFERENCES: Record<string, Reference> = {
  length: (xs) => fill(xs, xs.length),
  reverse: (xs) => [...xs].reverse(),
  hist: (xs) => {
    const c = counts(xs);
    return xs.map((x) => c.get(x)!);
  },
  double_hist: (xs) => {
    const c = counts(xs);
    return xs.map((x) => [...c.values()].filter((n) => n === c.get(x)).length);
  },
  sort: (xs) => [...xs].sort((a, b) => Number(a) - Number(b)),
  // Each token goes to the position numbered by how many tokens are smaller; empty positions are undefined.
  sort_unique: (xs) =>
    xs.map((_, q) => {
      const k = xs.findIndex((x) => xs.filter((y) => Number(y) < Number(x)).length === q);
      return k < 0 ? 0 : xs[k];
    }),
  sort_by_frequency: (xs) => {
    const c = counts(xs);
    return stableSortBy(xs, (x) => -c.get(x)!);
  },
  most_frequent: (xs) => {
    const c = counts(xs);
    const top = Math.max(...c.values());
    return fill(
      xs,
      xs.find((x) => c.get(x) === top)!,
    );
  },
  frac_prevs: (xs) => prefixFraction(xs, (x) => x === 'x'),
  pair_balance: (xs) => {
    const opens = prefixFraction(xs, (x) => x === '(');
    const closes = prefixFraction(xs, (x) => x === ')');
    return opens.map((o, i) => o - closes[i]);
  },
  shuffle_dyck: (xs) => fill(xs, shuffleBalanced(xs, [['(', ')']]) ? 1 : 0),
  shuffle_dyck2: (xs) =>
    fill(
      xs,
      shuffleBalanced(xs, [
        ['(', ')'],
        ['{', '}'],
      ])
        ? 1
        : 0,
    ),
  dyck1: (xs) => dyckPtf(xs, [['(', ')']]),
  dyck2: (xs) =>
    dyckPtf(xs, [
      ['(', ')'],
      ['{', '}'],
    ]),
  count_less_freq: (xs) => {
    const c = counts(xs);
    return fill(xs, xs.filter((x) => c.get(x)! <= 2).length);
  },
  shift_by: (xs) => ['_', ...xs.slice(0, -1)],
  detect_pattern: (xs) => xs.map((x, i) => (i >= 2 && xs[i - 2] === 'a' && xs[i - 1] === 'b' && x === 'c' ? 1 : 0)),
  count: (xs) => fill(xs, xs.filter((x) => x === 'a').length),
  max: (xs) => fill(xs, Math.max(...xs.map(Number))),
  min: (xs) => fill(xs, Math.min(...xs.map(Number))),
  last_occurrence: (xs) => xs.map((x) => xs.lastIndexOf(x)),
  // The digits before the first '+' plus those after it (a later '+' reads as 0), right-aligned.
  long_addition: (xs) => {
    const text = xs.join('');
    const cut = text.includes('+') ? text.indexOf('+') : text.length;
    const b = text.slice(cut + 1).replace(/\+/g, '0');
    return [...(BigInt(text.slice(0, cut) || '0') + BigInt(b || '0')).toString().padStart(xs.length, '0')];
  },
};

/** Equal position by position; numbers to 1e-9 (the evaluator keeps 12 significant digits). */
function sameOutputs(got: readonly MaybeValue[], want: readonly MaybeValue[]): boolean {
  if (got.length !== want.length) return false;
  return got.every((g, i) => {
    const w = want[i];
    if (typeof g === 'number' && typeof w === 'number') return Math.abs(g - w) <= 1e-9;
    return g === w;
  });
}

describe.each(Object.keys(REFERENCES).sort())('%s agrees with its JavaScript reference', (name) => {
  const header = readHeader(name);
  const reference = REFERENCES[name];
  let loaded: Program | undefined;
  const program = (): Program => (loaded ??= loadProgram(libraryPath(name)));
  const check = (input: Value[]): void => {
    const got = evaluateProgram(program(), input);
    const want = reference(input);
    if (!sameOutputs(got, want)) expect({ input, got }).toEqual({ input, got: want });
  };

  it('on random inputs over the vocabulary, lengths 1..max-len', () => {
    const arb = fc.array(fc.constantFrom(...header.vocab), { minLength: 1, maxLength: header.maxLen });
    fc.assert(
      fc.property(arb, (input) => {
        check(input);
      }),
      { numRuns: 150, seed: 20211 },
    );
  });

  const total = countInputs(header.vocab.length, 1, header.maxLen);
  it.runIf(total <= EXHAUSTIVE_LIMIT)(`on every input up to max-len (${total})`, () => {
    let n = 0;
    for (const input of enumerateInputs(header.vocab, 1, header.maxLen)) {
      check(input);
      n++;
    }
    expect(n).toBe(total);
  });

  it('on the longest input of each token repeated', () => {
    for (const v of header.vocab) check(new Array<Value>(header.maxLen).fill(v));
  });
});

describe('references', () => {
  it('cover every library program', () => {
    expect(Object.keys(REFERENCES).sort()).toEqual(libraryNames());
  });
});
