/**
 * The differential property test of issue 18: fast-check builds random RASP programs from the
 * grammar (typed, so no sequence mixes strings and numbers, which the interpreter refuses to build),
 * prints them with RASP.g4's precedence, and checks rasplab's evaluator on the printed text against
 * tests/support/raspReference.ts, a statement of the interpreter's semantics written from its source.
 * An input the interpreter refuses (a Python exception) must be refused by rasplab too. The same
 * programs are run again with each statement computed by a def of its own (its parameter bound to
 * an input), against the same reference values.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { isUserError, RaspError } from '../../src/rasp/errors.ts';
import { evaluateProgram } from '../../src/rasp/evaluate.ts';
import { parseProgram } from '../../src/rasp/load.ts';
import type { MaybeValue } from '../../src/rasp/values.ts';
import {
  isSOpExpr,
  printExpr,
  printStatements,
  PyError,
  pyEq,
  runReference,
  type BinOp,
  type PyValue,
  type RExpr,
  type RSel,
  type RStatement,
  type SelOp,
} from '../support/raspReference.ts';

type Arb<T> = fc.Arbitrary<T>;

const SEL_OPS: SelOp[] = ['==', '!=', '<', '>', '<=', '>='];
const CMP: BinOp[] = ['==', '<', '>', '<=', '>='];

/** Typed expressions: numbers, booleans, strings and selectors, each built from the others. */
const { num, bool, str } = fc.letrec<{ num: RExpr; bool: RExpr; str: RExpr; sel: RSel }>((tie) => {
  const N = tie('num') as Arb<RExpr>;
  const B = tie('bool') as Arb<RExpr>;
  const S = tie('str') as Arb<RExpr>;
  const L = tie('sel') as Arb<RSel>;
  const small = fc.integer({ min: 0, max: 3 });
  const numLeaf: Arb<RExpr> = fc.oneof(
    fc.constantFrom<RExpr>(
      { k: 'input', name: 'tokens_int' },
      { k: 'input', name: 'tokens_float' },
      { k: 'input', name: 'tokens_asis' },
      { k: 'input', name: 'indices' },
      { k: 'input', name: 'length' },
    ),
    small.map((v): RExpr => ({ k: 'num', v })),
  );
  const strLeaf: Arb<RExpr> = fc.oneof(
    fc.constantFrom<RExpr>({ k: 'input', name: 'tokens' }, { k: 'input', name: 'tokens_str' }),
    fc.constantFrom('0', '1', 'x').map((v): RExpr => ({ k: 'str', v })),
  );
  const numSel = fc.record({ keys: N, queries: N, op: fc.constantFrom(...SEL_OPS) }).map((s): RSel => ({ k: 'select', ...s }));
  const strSel = fc.record({ keys: S, queries: S, op: fc.constantFrom(...SEL_OPS) }).map((s): RSel => ({ k: 'select', ...s }));
  return {
    num: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      numLeaf,
      fc.record({ op: fc.constantFrom<BinOp>('+', '-', '*'), l: N, r: N }).map((b): RExpr => ({ k: 'bin', ...b })),
      // Divisors and exponents are positive constants: no division by zero, no 0 to a negative power.
      fc
        .record({ op: fc.constantFrom<BinOp>('%', '/'), l: N, r: fc.integer({ min: 1, max: 4 }) })
        .map((b): RExpr => ({ k: 'bin', op: b.op, l: b.l, r: { k: 'num', v: b.r } })),
      fc.record({ l: N, r: fc.integer({ min: 0, max: 2 }) }).map((b): RExpr => ({ k: 'bin', op: '^', l: b.l, r: { k: 'num', v: b.r } })),
      N.map((x): RExpr => ({ k: 'neg', x })),
      N.map((x): RExpr => ({ k: 'round', x })),
      B.map((x): RExpr => ({ k: 'indicator', x })),
      fc.record({ a: N, c: B, b: N }).map((e): RExpr => ({ k: 'cond', ...e })),
      L.map((s): RExpr => ({ k: 'width', s })),
      fc
        .record({ x: N, list: fc.array(small, { minLength: 1, maxLength: 4 }) })
        .filter((e) => isSOpExpr(e.x))
        .map((e): RExpr => ({ k: 'index', ...e })),
      fc.record({ s: L, x: N, dflt: fc.option(small, { nil: undefined }) }).map((e): RExpr => ({ k: 'agg', ...e })),
    ),
    bool: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant<RExpr>({ k: 'input', name: 'tokens_bool' }),
      fc.record({ op: fc.constantFrom(...CMP), l: N, r: N }).map((b): RExpr => ({ k: 'bin', ...b })),
      fc.record({ l: S, r: S }).map((b): RExpr => ({ k: 'bin', op: '==', ...b })),
      fc.oneof(B, N).map((x): RExpr => ({ k: 'not', x })),
      fc.record({ op: fc.constantFrom<BinOp>('and', 'or'), l: fc.oneof(B, N), r: fc.oneof(B, N) }).map((b): RExpr => ({ k: 'bin', ...b })),
      fc.record({ x: N, list: fc.array(small, { maxLength: 3 }) }).map((e): RExpr => ({ k: 'in', ...e })),
      fc.record({ x: S, list: fc.array(fc.constantFrom('0', '2', 'x'), { maxLength: 2 }) }).map((e): RExpr => ({ k: 'in', ...e })),
      fc.record({ a: B, c: B, b: B }).map((e): RExpr => ({ k: 'cond', ...e })),
      // A boolean aggregate: one key gives its value, none the default 0 (an int, which Python's bools sit beside), several an error.
      fc.record({ s: L, x: B }).map((e): RExpr => ({ k: 'agg', ...e })),
    ),
    str: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      strLeaf,
      // Indexed by an s-op only: a constant index out of range fails its statement, which the interpreter skips and rasplab refuses (a listed difference).
      fc
        .record({ x: N, list: fc.array(fc.constantFrom('a', 'b', '0'), { minLength: 1, maxLength: 4 }) })
        .filter((e) => isSOpExpr(e.x))
        .map((e): RExpr => ({ k: 'index', ...e })),
      fc
        .record({
          x: N,
          entries: fc.uniqueArray(fc.tuple(fc.integer({ min: -1, max: 3 }), fc.constantFrom('a', 'b')), { minLength: 1, maxLength: 3, selector: ([k]) => k }),
        })
        .filter((e) => isSOpExpr(e.x))
        .map((e): RExpr => ({ k: 'lookup', ...e })),
      fc.record({ a: S, c: B, b: S }).map((e): RExpr => ({ k: 'cond', ...e })),
      fc.record({ s: L, x: S, dflt: fc.constantFrom('-', '0') }).map((e): RExpr => ({ k: 'agg', ...e })),
    ),
    sel: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      numSel,
      strSel,
      fc.record({ k: fc.constantFrom<'sand' | 'sor'>('sand', 'sor'), l: L, r: L }),
      L.map((x): RSel => ({ k: 'snot', x })),
    ),
  };
});

/** One to three statements, each of any type; later ones may read earlier ones by name. */
const statements: Arb<RStatement[]> = fc
  .array(fc.oneof(num, bool, str), { minLength: 1, maxLength: 3 })
  .chain((exprs) =>
    fc
      .tuple(...exprs.map((e, i) => (i === 0 ? fc.constant(e) : fc.boolean().map((use) => (use ? withVar(e, `v${i - 1}`) : e)))))
      .map((es) => es.map((expr, i) => ({ name: i === es.length - 1 ? 'out' : `v${i}`, expr }))),
  )
  .filter((st) => st.every((s) => isSOpExpr(s.expr))); // a statement that is a plain value has no value per position

/** `e` with an earlier statement added to it where the types allow: a comparison of the two. */
function withVar(e: RExpr, name: string): RExpr {
  return { k: 'bin', op: 'and', l: e, r: { k: 'bin', op: '==', l: { k: 'var', name }, r: { k: 'var', name } } };
}

/** `e` with every use of the input `name` read from the def parameter `param` instead. */
function withParam(e: RExpr, name: string, param: string): RExpr {
  const x = (y: RExpr) => withParam(y, name, param);
  const sel = (s: RSel): RSel =>
    s.k === 'select' ? { ...s, keys: x(s.keys), queries: x(s.queries) } : s.k === 'snot' ? { k: 'snot', x: sel(s.x) } : { k: s.k, l: sel(s.l), r: sel(s.r) };
  switch (e.k) {
    case 'input':
      return e.name === name ? { k: 'var', name: param } : e;
    case 'var':
    case 'num':
    case 'str':
      return e;
    case 'bin':
      return { ...e, l: x(e.l), r: x(e.r) };
    case 'neg':
    case 'not':
    case 'round':
    case 'indicator':
    case 'in':
    case 'index':
    case 'lookup':
      return { ...e, x: x(e.x) };
    case 'cond':
      return { ...e, a: x(e.a), c: x(e.c), b: x(e.b) };
    case 'width':
      return { ...e, s: sel(e.s) };
    case 'agg':
      return { ...e, s: sel(e.s), x: x(e.x) };
  }
}

/** The first input a statement reads, if any (walked in print order). */
function firstInput(e: RExpr): string | undefined {
  return /\b(tokens_int|tokens_float|tokens_asis|tokens_bool|tokens_str|tokens|indices|length)\b/.exec(printExpr(e))?.[1];
}

/**
 * The same program with each statement's value computed by a def of its own: its first input passed
 * as the parameter (`def f0(p) { return …p…; } v0 = f0(tokens_int);`), so a def's binding and
 * return are checked against the same reference values as the program written out.
 */
function printThroughDefs(program: readonly RStatement[]): string {
  return program
    .map((st, i) => {
      const input = firstInput(st.expr);
      if (input === undefined) return `def f${i}() { return ${printExpr(st.expr)}; }\n${st.name} = f${i}();`;
      return `def f${i}(p) { return ${printExpr(withParam(st.expr, input, 'p'))}; }\n${st.name} = f${i}(${input});`;
    })
    .join('\n')
    .concat('\n');
}

const inputs = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 5 });

type Outcome = { readonly values: readonly MaybeValue[] } | { readonly refused: string };

/** rasplab's values on each input, or its refusal (of the program, or of one input). */
function rasplab(text: string, ins: number[][]): Outcome[] {
  const refused = (e: unknown) => {
    if (e instanceof RaspError || isUserError(e)) return { refused: e.message };
    throw e;
  };
  let program: ReturnType<typeof parseProgram>;
  try {
    program = parseProgram(text, { file: 'gen.rasp' });
  } catch (e) {
    return ins.map(() => refused(e));
  }
  return ins.map((input) => {
    try {
      return { values: evaluateProgram(program, input) };
    } catch (e) {
      return refused(e);
    }
  });
}

function reference(program: RStatement[], input: number[]): Outcome {
  try {
    return { values: runReference(program, input) };
  } catch (e) {
    if (e instanceof PyError) return { refused: e.message };
    throw e;
  }
}

const close = (a: MaybeValue, b: PyValue) =>
  a !== null && (pyEq(a, b) || (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b))));

function agree(got: Outcome, want: Outcome): boolean {
  if ('refused' in want || 'refused' in got) return 'refused' in want && 'refused' in got;
  return got.values.length === want.values.length && want.values.every((w, i) => close(got.values[i], w as PyValue));
}

describe('rasplab evaluates RASP as the interpreter does (differential, against tests/support/raspReference.ts)', () => {
  test.prop([statements, fc.array(inputs, { minLength: 4, maxLength: 4 })], { numRuns: 200, seed: 18 })('random programs from the grammar', (program, ins) => {
    const text = printStatements(program);
    const outcomes = rasplab(text, ins);
    for (const [k, input] of ins.entries()) {
      const got = outcomes[k];
      const want = reference(program, input);
      expect(agree(got, want), `${text}on [${input.join(', ')}]: rasplab ${JSON.stringify(got)}, interpreter ${JSON.stringify(want)}`).toBe(true);
    }
  });

  test.prop([statements, fc.array(inputs, { minLength: 4, maxLength: 4 })], { numRuns: 100, seed: 19 })(
    'the same programs, each statement through a def',
    (program, ins) => {
      const text = printThroughDefs(program);
      const outcomes = rasplab(text, ins);
      for (const [k, input] of ins.entries()) {
        const got = outcomes[k];
        const want = reference(program, input);
        expect(agree(got, want), `${text}on [${input.join(', ')}]: rasplab ${JSON.stringify(got)}, interpreter ${JSON.stringify(want)}`).toBe(true);
      }
    },
  );

  it('the reference states what the interpreter printed for these lines (its own values)', () => {
    // Interpreter, `set example [0, 1, 2, 3, 5]`: round(tokens_int / 2) = [0, 0, 1, 2, 2]; (tokens_int - 3) % 4 = [1, 2, 3, 0, 2];
    // not tokens_int = [T, F, F, F, F]; tokens_int and 2 = [F, T, T, T, T]; selector_width(select(tokens_int, indices, <)) = [0, 1, 2, 3, 4];
    // aggregate(select(indices, indices, <), tokens_int) = [0, 0, 0.5, 1.0, 1.5].
    const t: RExpr = { k: 'input', name: 'tokens_int' };
    const i: RExpr = { k: 'input', name: 'indices' };
    const run = (expr: RExpr) => runReference([{ name: 'out', expr }], [0, 1, 2, 3, 5]);
    expect(run({ k: 'round', x: { k: 'bin', op: '/', l: t, r: { k: 'num', v: 2 } } })).toEqual([0, 0, 1, 2, 2]);
    expect(run({ k: 'bin', op: '%', l: { k: 'bin', op: '-', l: t, r: { k: 'num', v: 3 } }, r: { k: 'num', v: 4 } })).toEqual([1, 2, 3, 0, 2]);
    expect(run({ k: 'not', x: t })).toEqual([true, false, false, false, false]);
    expect(run({ k: 'bin', op: 'and', l: t, r: { k: 'num', v: 2 } })).toEqual([false, true, true, true, true]);
    expect(run({ k: 'width', s: { k: 'select', keys: t, queries: i, op: '<' } })).toEqual([0, 1, 2, 3, 4]);
    expect(run({ k: 'agg', s: { k: 'select', keys: i, queries: i, op: '<' }, x: t })).toEqual([0, 0, 0.5, 1, 1.5]);
    expect(() => run({ k: 'agg', s: { k: 'select', keys: i, queries: i, op: '<' }, x: { k: 'bin', op: '==', l: t, r: { k: 'num', v: 1 } } })).toThrow(PyError);
  });
});
