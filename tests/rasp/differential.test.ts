/**
 * The differential property test of issue 18: fast-check builds random RASP programs from the
 * grammar (typed, so no sequence mixes strings and numbers, which the interpreter refuses to build),
 * prints them with RASP.g4's precedence, and checks rasplab's evaluator on the printed text against
 * tests/support/raspReference.ts, a statement of the interpreter's semantics written from its source.
 * An input the interpreter refuses (a Python exception) must be refused by rasplab too. The same
 * programs are run again with each statement computed by a def of its own (its parameter bound to
 * an input), against the same reference values.
 *
 * Containers and loops are generated too: list comprehensions (`[body for x in iter][at]`, by an
 * s-op or a constant index, with tuple names over `zip`), dict comprehensions (`{x: body for x in
 * iter}[k]`), and `for` loops that reassign their statement (`acc = acc + x`), at the top level and
 * inside defs; iterables are lists, `range(…)`, a dictionary's keys, `zip(…)` and `A if c else B`.
 * They are built to give values: iterables are non-empty, zipped lists of one length, an index is a
 * constant in range or an int s-op taken `% n` (no `/`, float token or mean: a float index is the
 * interpreter's TypeError), a dictionary is read at one of its keys, a boolean or string aggregate
 * mostly selects one key. Their refusals are generated too, each in about one draw of 40 where its
 * choice is made: a number as the iterable, a zero range step, an empty iterable indexed, zipped lists
 * of different lengths, three names for a pair, a dictionary key that is an s-op, an index or key out
 * of range, an aggregate of strings or booleans over several keys. Of the 200 programs the test
 * draws (seed 18), 157 hold a comprehension or loop, and of those 77% give values on all 4 inputs,
 * 6% on some (80% of all 200 give values on all 4).
 * The interpreter's comprehensions have no `if` filter (rasplab's extension), so none is generated.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { isUserError, RaspError } from '../../src/rasp/errors.ts';
import { Evaluator } from '../../src/rasp/evaluate.ts';
import { parseProgram } from '../../src/rasp/load.ts';
import type { MaybeValue } from '../../src/rasp/values.ts';
import {
  isSOpExpr,
  printExpr,
  printStatements,
  iterate,
  PyError,
  pyEq,
  PyFloat,
  pyRepr,
  runReference,
  type BinOp,
  type PyValue,
  printStatement,
  type RExpr,
  type RIter,
  type RSel,
  type RStatement,
  type SelOp,
} from '../support/raspReference.ts';

type Arb<T> = fc.Arbitrary<T>;

const SEL_OPS: SelOp[] = ['==', '!=', '<', '>', '<=', '>='];
const CMP: BinOp[] = ['==', '<', '>', '<=', '>='];

const lx: RExpr = { k: 'lv', name: 'x' };
const ls: RExpr = { k: 'lv', name: 's' };
/**
 * One generated case in `1 + odds` is a refusal on purpose, the rest are meant to give values: a program holds a few
 * comprehensions and loops, each with several such choices, and most programs should still give values.
 */
const mostly = <T>(ok: Arb<T>, refused: Arb<T>, odds = 40): Arb<T> => fc.oneof({ arbitrary: ok, weight: odds }, { arbitrary: refused, weight: 1 });
const numItems = fc.array(fc.integer({ min: -1, max: 3 }), { minLength: 1, maxLength: 4 });
const strList = fc.array(fc.constantFrom('a', 'b', '0'), { minLength: 1, maxLength: 4 });
/** Arguments of a non-empty `range(…)`: a stop, a start and stop, or a start, stop and step of either sign. */
const rangeArgs: Arb<number[]> = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 4 })),
  fc.tuple(fc.integer({ min: -1, max: 2 }), fc.integer({ min: 1, max: 3 })).map(([a, d]) => [a, a + d]),
  fc.tuple(fc.integer({ min: -1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom(-1, 1, 2)).map(([a, d, c]) => [a, c < 0 ? a - d : a + d, c]),
);
/** Non-empty iterables of numbers: lists, ranges, a dictionary's keys, `A if c else B`. */
const numIterItems: Arb<RIter> = fc.oneof(
  { arbitrary: numItems.map((items): RIter => ({ k: 'list', items })), weight: 4 },
  { arbitrary: rangeArgs.map((args): RIter => ({ k: 'range', args })), weight: 4 },
  {
    arbitrary: fc
      .uniqueArray(fc.tuple(fc.integer({ min: -1, max: 3 }), fc.constantFrom('a', 'b')), { minLength: 1, maxLength: 3, selector: ([k]) => k })
      .map((entries): RIter => ({ k: 'keys', entries })),
    weight: 3,
  },
  {
    arbitrary: fc
      .record({ a: numItems, c: fc.integer({ min: 0, max: 1 }), b: fc.integer({ min: 1, max: 3 }) })
      .map((p): RIter => ({ k: 'pick', a: { k: 'list', items: p.a }, c: p.c, b: { k: 'range', args: [p.b] } })),
    weight: 2,
  },
);
/** Empty iterables (a loop over one keeps its initial value; an index into its comprehension is out of range). */
const emptyNumIter = fc.constantFrom<RIter>({ k: 'list', items: [] }, { k: 'range', args: [0] }, { k: 'range', args: [2, 1] }, { k: 'keys', entries: [] });
/** Refused iterables: a number, a range of step 0. */
const refusedNumIter = fc.constantFrom<RIter>({ k: 'atom', v: 3 }, { k: 'range', args: [0, 2, 0] });
const numIter: Arb<RIter> = mostly(numIterItems, fc.oneof(emptyNumIter, refusedNumIter));
/** The items of an iterable known to the generator (none where it is refused). */
const itemsOf = (it: RIter): unknown[] => {
  try {
    return iterate(it);
  } catch {
    return [];
  }
};
/** A constant index into `n` items: mostly in range (negative ones too), rarely just out of it. */
const constIndexInto = (n: number): Arb<RExpr> =>
  mostly(n > 0 ? fc.integer({ min: -n, max: n - 1 }) : fc.constant(0), fc.constantFrom(n, -n - 1)).map((v): RExpr => ({ k: 'num', v }));
/** Whether an s-op's values are Python ints: no `/`, no float token, no average (an index must be an int). */
const isIntSOp = (e: RExpr) => isSOpExpr(e) && !/\/|tokens_float|aggregate\(/.test(printExpr(e));
/** An s-op index into `n` items, mostly kept in range (`(e) % n`), rarely not. */
const indexInto = (N: Arb<RExpr>, n: number): Arb<RExpr> => {
  const e = N.filter(isIntSOp);
  return n > 0
    ? mostly(
        e.map((x): RExpr => ({ k: 'bin', op: '%', l: x, r: { k: 'num', v: n } })),
        e,
      )
    : e;
};
/** zip of a number list and a string list, of one length (or, rarely, not: refused). */
const zipIter: Arb<RIter> = mostly(
  numItems.chain((a) =>
    fc.array(fc.constantFrom('a', 'b', '0'), { minLength: a.length, maxLength: a.length }).map((b): RIter => ({ k: 'zip', lists: [a, b] })),
  ),
  fc
    .tuple(numItems, strList)
    .filter(([a, b]) => a.length !== b.length)
    .map((lists): RIter => ({ k: 'zip', lists })),
);
/** Names for zip's pairs: two, or (rarely, refused) three. */
const pairNames = mostly(fc.constant<readonly string[]>(['x', 's']), fc.constant(['x', 's', 't']));
/** A comprehension's or loop's body over the number name `x`: it, or an expression with it. */
const numBody = (N: Arb<RExpr>): Arb<RExpr> =>
  fc.oneof(
    fc.constant(lx),
    N.map((e): RExpr => ({ k: 'bin', op: '+', l: lx, r: e })),
    N.map((e): RExpr => ({ k: 'bin', op: '*', l: e, r: lx })),
    N.map((e): RExpr => ({ k: 'cond', a: lx, c: { k: 'bin', op: '<', l: e, r: lx }, b: e })),
  );
/** A body over the string name `s` (and `x`). */
const strBody = (S: Arb<RExpr>): Arb<RExpr> =>
  fc.oneof(
    fc.constant(ls),
    S.map((e): RExpr => ({ k: 'bin', op: '+', l: e, r: ls })),
    S.map((e): RExpr => ({ k: 'cond', a: ls, c: { k: 'bin', op: '<', l: { k: 'num', v: 0 }, r: lx }, b: e })),
  );

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
    // A float literal (`2.0`): a Python float, even whole.
    small.map((v): RExpr => ({ k: 'num', v, float: true })),
  );
  const strLeaf: Arb<RExpr> = fc.oneof(
    fc.constantFrom<RExpr>({ k: 'input', name: 'tokens' }, { k: 'input', name: 'tokens_str' }),
    fc.constantFrom('0', '1', 'x').map((v): RExpr => ({ k: 'str', v })),
  );
  /**
   * The selector of a boolean or string aggregate, which several selected keys make an error: mostly one that selects at
   * most one key per query (`select(indices, e, ==)`, alone or and-ed with any), sometimes any selector.
   */
  const oneKeySel: Arb<RSel> = fc.oneof(
    {
      arbitrary: fc
        .record({ l: L, q: N })
        .map(({ l, q }): RSel => ({ k: 'sand', l, r: { k: 'select', keys: { k: 'input', name: 'indices' }, queries: q, op: '==' } })),
      weight: 6,
    },
    { arbitrary: N.map((q): RSel => ({ k: 'select', keys: { k: 'input', name: 'indices' }, queries: q, op: '==' })), weight: 3 },
    { arbitrary: L, weight: 1 },
  );
  /** A comprehension in one draw of two, a leaf in the other: a program holds a few, not a dozen. */
  const fewer = (comp: Arb<RExpr>, leaf: Arb<RExpr>): Arb<RExpr> => fc.oneof(comp, leaf);
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
      fc.array(small, { minLength: 1, maxLength: 4 }).chain((list) => indexInto(N, list.length).map((x): RExpr => ({ k: 'index', x, list }))),
      fc.record({ s: L, x: N, dflt: fc.option(small, { nil: undefined }) }).map((e): RExpr => ({ k: 'agg', ...e })),
      // One entry for the comprehensions, so they stay a few per program.
      fewer(
        fc.oneof(
          // `[body for x in iter][at]`: by an s-op (the items constants) or by a constant (the item may be an s-op).
          fc.record({ body: numBody(N), iter: numIter }).chain((e) =>
            (isSOpExpr(e.body) ? constIndexInto(itemsOf(e.iter).length) : indexInto(N, itemsOf(e.iter).length)).map((at): RExpr => ({
              k: 'comp',
              vars: ['x'],
              body: e.body,
              iter: e.iter,
              at,
            })),
          ),
          // `{x: body for x in iter}[[keys…][at]]`, or (refused) a key that is an s-op; `{s: x for x, s in zip(…)}[[strings…][at]]`.
          fc
            .record({
              key: mostly(fc.constant(lx), N.filter(isSOpExpr)),
              val: numBody(N).filter((b) => !isSOpExpr(b)),
              iter: numIter,
            })
            .chain((e) => {
              const keys = itemsOf(e.iter) as number[];
              const at = keys.length ? indexInto(N, keys.length).map((i): RExpr => ({ k: 'index', x: i, list: keys })) : N.filter(isSOpExpr);
              return at.map((a): RExpr => ({ k: 'dcomp', vars: ['x'], ...e, at: a }));
            }),
          zipIter.chain((iter) => {
            const strings = iter.k === 'zip' ? iter.lists[1] : [];
            return mostly(
              indexInto(N, strings.length).map((x): RExpr => ({ k: 'index', x, list: strings })),
              S.filter(isSOpExpr),
            ).map((at): RExpr => ({ k: 'dcomp', key: ls, val: lx, vars: ['x', 's'], iter, at }));
          }),
        ),
        numLeaf,
      ),
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
      fc.record({ s: oneKeySel, x: B }).map((e): RExpr => ({ k: 'agg', ...e })),
    ),
    str: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      strLeaf,
      // Indexed by an s-op only: a constant index out of range fails its statement, which the interpreter skips and rasplab refuses (a listed difference).
      strList.chain((list) => indexInto(N, list.length).map((x): RExpr => ({ k: 'index', x, list }))),
      // A constant dictionary read at an s-op: mostly at one of its keys (`{…}[[keys…][e % n]]`), rarely elsewhere (a KeyError).
      fc
        .uniqueArray(fc.tuple(fc.integer({ min: -1, max: 3 }), fc.constantFrom('a', 'b')), { minLength: 1, maxLength: 3, selector: ([k]) => k })
        .chain((entries) =>
          mostly(
            indexInto(N, entries.length).map((i): RExpr => ({ k: 'index', x: i, list: entries.map(([key]) => key) })),
            N.filter(isSOpExpr),
          ).map((x): RExpr => ({ k: 'lookup', x, entries })),
        ),
      fc.record({ a: S, c: B, b: S }).map((e): RExpr => ({ k: 'cond', ...e })),
      fc.record({ s: oneKeySel, x: S, dflt: fc.constantFrom('-', '0') }).map((e): RExpr => ({ k: 'agg', ...e })),
      // `[body for x, s in zip(…)][at]`, two names unpacking each pair (three cannot).
      fewer(
        fc
          .record({
            body: strBody(S).filter((b) => !isSOpExpr(b)),
            iter: zipIter,
            vars: pairNames,
          })
          .chain((e) => indexInto(N, itemsOf(e.iter).length).map((at): RExpr => ({ k: 'comp', ...e, at }))),
        strLeaf,
      ),
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

/** A loop statement's parts, its body reading the statement's own name (`acc`, renamed when it is placed). */
type LoopSpec = { init: RExpr; loop: { vars: readonly string[]; iter: RIter; body: RExpr } };
const ACC: RExpr = { k: 'var', name: '@acc' };
const loopSpec: Arb<LoopSpec> = fc.oneof(
  // Numbers: `acc = acc + body` over a number iterable (x).
  fc
    .record({ init: num, iter: numIter, body: numBody(num) })
    .map((p) => ({ init: p.init, loop: { vars: ['x'], iter: p.iter, body: { k: 'bin', op: '+', l: ACC, r: p.body } as RExpr } })),
  // Strings over zip, with tuple names: `acc = body if test == s else acc` (three names cannot unpack a pair). The test
  // is an s-op: a constant one can leave `acc` a constant, which is no s-op (rasplab's output is its last s-op).
  fc
    .record({
      init: str,
      iter: zipIter,
      test: str.filter(isSOpExpr),
      body: strBody(str),
      vars: pairNames,
    })
    .map((p) => ({
      init: p.init,
      loop: { vars: p.vars, iter: p.iter, body: { k: 'cond', a: p.body, c: { k: 'bin', op: '==', l: p.test, r: ls }, b: ACC } as RExpr },
    })),
);

/** `e` with the accumulator placeholder read as `name`. */
function withAcc(e: RExpr, name: string): RExpr {
  if (e.k === 'var' && e.name === '@acc') return { k: 'var', name };
  if (e.k === 'bin') return { ...e, l: withAcc(e.l, name), r: withAcc(e.r, name) };
  if (e.k === 'cond') return { ...e, a: withAcc(e.a, name), c: withAcc(e.c, name), b: withAcc(e.b, name) };
  return e;
}

/** One to three statements, each of any type or a loop; later ones may read earlier ones by name. */
const statements: Arb<RStatement[]> = fc
  .array(fc.oneof(num, bool, str, loopSpec), { minLength: 1, maxLength: 3 })
  .chain((exprs) =>
    fc
      .tuple(
        ...exprs.map((e, i) => {
          const init = 'k' in e ? e : e.init;
          return (i === 0 ? fc.constant(init) : fc.boolean().map((use) => (use ? withVar(init, `v${i - 1}`, 'k' in e) : init))).map((expr) => ({
            expr,
            spec: e,
          }));
        }),
      )
      .map((es) =>
        es.map(({ expr, spec }, i): RStatement => {
          const name = i === es.length - 1 ? 'out' : `v${i}`;
          return 'k' in spec ? { name, expr } : { name, expr, loop: { ...spec.loop, init: expr, body: withAcc(spec.loop.body, name) } };
        }),
      ),
  )
  .filter((st) => st.every((s) => isSOpExpr(s.expr))); // a statement that is a plain value has no value per position

/**
 * `e` reading an earlier statement: `e and v == v` (a boolean), or where its type must stay (a loop's initial
 * value, which its body's values join) `e if v == v else e`.
 */
function withVar(e: RExpr, name: string, retype: boolean): RExpr {
  const test: RExpr = { k: 'bin', op: '==', l: { k: 'var', name }, r: { k: 'var', name } };
  return retype ? { k: 'bin', op: 'and', l: e, r: test } : { k: 'cond', a: e, c: test, b: e };
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
    case 'lv':
    case 'num':
    case 'str':
      return e;
    case 'bin':
      return { ...e, l: x(e.l), r: x(e.r) };
    case 'comp':
      return { ...e, body: x(e.body), at: x(e.at) };
    case 'dcomp':
      return { ...e, key: x(e.key), val: x(e.val), at: x(e.at) };
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
      const p = (e: RExpr) => (input === undefined ? e : withParam(e, input, 'p'));
      const [params, args] = input === undefined ? ['', ''] : ['p', input];
      // A loop runs inside the def, on a local of the statement's name, which the def returns.
      if (st.loop) {
        const local = printStatement({ name: st.name, expr: p(st.expr), loop: { ...st.loop, init: p(st.expr), body: p(st.loop.body) } }, '\t');
        return `def f${i}(${params}) {\n${local}\n\treturn ${st.name};\n}\n${st.name} = f${i}(${args});`;
      }
      return `def f${i}(${params}) { return ${printExpr(p(st.expr))}; }\n${st.name} = f${i}(${args});`;
    })
    .join('\n')
    .concat('\n');
}

const inputs = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 5 });

/** Values, and (rasplab's) which positions hold a Python float; the reference's floats are PyFloats. */
type Outcome = { readonly values: readonly (MaybeValue | PyValue)[]; readonly floats?: readonly boolean[] | null } | { readonly refused: string };

/** rasplab's values on each input, or its refusal (of the program, or of one input). */
function rasplab(text: string, ins: number[][]): Outcome[] {
  const refused = (e: unknown) => {
    if (e instanceof RaspError || isUserError(e)) return { refused: e.message };
    throw e;
  };
  let program: ReturnType<typeof parseProgram>;
  try {
    program = parseProgram(text, { file: 'gen.rasp', output: 'out' });
  } catch (e) {
    return ins.map(() => refused(e));
  }
  return ins.map((input) => {
    try {
      const run = new Evaluator(input);
      return { values: run.sop(program.output), floats: run.floats(program.output) };
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
  a !== null && (pyEq(a, b) || (typeof a === 'number' && typeof Number(b) === 'number' && Math.abs(a - Number(b)) <= 1e-9 * Math.max(1, Math.abs(Number(b)))));

/** Equal values, and a whole number a float on one side only where it is one on the other (Python's 2 and 2.0 print apart). */
function agree(got: Outcome, want: Outcome): boolean {
  if ('refused' in want || 'refused' in got) return 'refused' in want && 'refused' in got;
  const floatAlike = (i: number) => {
    const v = got.values[i];
    return typeof v !== 'number' || !Number.isInteger(v) || (got.floats?.[i] ?? false) === want.values[i] instanceof PyFloat;
  };
  return got.values.length === want.values.length && want.values.every((w, i) => close(got.values[i] as MaybeValue, w as PyValue) && floatAlike(i));
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
    const run = (expr: RExpr) => runReference([{ name: 'out', expr }], [0, 1, 2, 3, 5]).map(pyRepr);
    expect(run({ k: 'round', x: { k: 'bin', op: '/', l: t, r: { k: 'num', v: 2 } } })).toEqual(['0', '0', '1', '2', '2']);
    expect(run({ k: 'bin', op: '%', l: { k: 'bin', op: '-', l: t, r: { k: 'num', v: 3 } }, r: { k: 'num', v: 4 } })).toEqual(['1', '2', '3', '0', '2']);
    expect(run({ k: 'not', x: t })).toEqual(['True', 'False', 'False', 'False', 'False']);
    expect(run({ k: 'bin', op: 'and', l: t, r: { k: 'num', v: 2 } })).toEqual(['False', 'True', 'True', 'True', 'True']);
    expect(run({ k: 'width', s: { k: 'select', keys: t, queries: i, op: '<' } })).toEqual(['0', '1', '2', '3', '4']);
    expect(run({ k: 'agg', s: { k: 'select', keys: i, queries: i, op: '<' }, x: t })).toEqual(['0', '0', '0.5', '1.0', '1.5']);
    expect(() => run({ k: 'agg', s: { k: 'select', keys: i, queries: i, op: '<' }, x: { k: 'bin', op: '==', l: t, r: { k: 'num', v: 1 } } })).toThrow(PyError);
  });
});
