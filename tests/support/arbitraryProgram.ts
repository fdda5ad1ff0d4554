/**
 * A fast-check arbitrary of random well-typed RASP programs built from the AST, for printer and
 * parser properties: maps with ScalarExpr functions of one or two inputs, selects with every
 * predicate (TRUE and FALSE included) and their and / or / not, categorical aggregates whose
 * selectors pick at most one key (`select(indices, f(x), ==)`), numerical aggregates of indicator
 * maps, selector widths, constants as s-ops, stated encodings, and names that are printable,
 * unprintable (reserved words, spaces), repeated or missing. Vocabularies are 2–4 small integers.
 *
 * Also `canonicalForm`: the structure of a graph as the printer promises to keep it (see there).
 */
import fc from 'fast-check';
import {
  AggregateNode,
  ConstNode,
  MapNode,
  SelectNode,
  SelectorAndNode,
  SelectorNotNode,
  SelectorOrNode,
  SelectorWidthNode,
  children,
  type Encoding,
  type Predicate,
  type RaspNode,
  type ScalarExpr,
  type Selector,
  type SOp,
} from '../../src/rasp/ast.ts';
import { indices, length, tokens } from '../../src/rasp/builder.ts';
import type { Program } from '../../src/rasp/program.ts';
import { applyScalarFn, truthy } from '../../src/rasp/scalar.ts';
import type { Value } from '../../src/rasp/values.ts';

const P = (index: number): ScalarExpr => ({ op: 'param', index });
const C = (value: Value): ScalarExpr => ({ op: 'const', value });
const B = (fn: Extract<ScalarExpr, { op: 'binary' }>['fn'], left: ScalarExpr, right: ScalarExpr): ScalarExpr => ({
  op: 'binary',
  fn,
  left,
  right,
});
const U = (fn: Extract<ScalarExpr, { op: 'unary' }>['fn'], arg: ScalarExpr): ScalarExpr => ({ op: 'unary', fn, arg });

/** One-input functions; `c` is a small constant. All are total on numbers and booleans. */
const UNARY: readonly ((c: number) => ScalarExpr)[] = [
  (c) => B('+', P(0), C(c)),
  (c) => B('-', C(c), P(0)),
  () => U('neg', P(0)),
  () => B('%', P(0), C(2)),
  (c) => B('==', P(0), C(c)),
  (c) => B('<=', P(0), C(c)),
  () => U('not', B('>', P(0), C(1))),
  () => U('round', B('/', P(0), C(2))),
  (c) => U('abs', B('-', P(0), C(c))),
  (c) => ({ op: 'cond', test: B('>', P(0), C(c)), then: C(c), else: P(0) }),
  () => ({ op: 'in', item: P(0), list: [0, 2, -1] }),
  (c) => B('^', P(0), C(c % 2 === 0 ? 2 : 1)),
  (c) => B('*', B('+', P(0), C(1)), C(c - 1)),
  (c) => B('and', B('>', P(0), C(c)), B('<', P(0), C(3))),
];
/** Two-input functions, including ones that read their parameters out of order. */
const BINARY: readonly ScalarExpr[] = [
  B('+', P(0), P(1)),
  B('-', P(1), P(0)),
  B('*', P(0), P(1)),
  B('==', P(0), P(1)),
  B('<', P(0), P(1)),
  { op: 'cond', test: B('>', P(0), P(1)), then: P(0), else: P(1) },
  { op: 'cond', test: B('!=', P(1), C(0)), then: U('neg', P(0)), else: C(2) },
  B('or', B('==', P(0), C(1)), B('>=', P(1), P(0))),
  B('-', B('-', P(0), P(1)), C(1)),
  B('-', P(0), B('-', P(1), C(2))),
  B('==', B('<', P(0), P(1)), C(true)),
  B('*', U('neg', P(1)), B('%', P(0), C(3))),
];
const PREDICATES: readonly Predicate[] = ['==', '!=', '<', '<=', '>', '>=', 'TRUE', 'FALSE'];
/** Names a program may give: printable, reserved or unprintable, and repeated across nodes. */
const NAMES: readonly (string | undefined)[] = [undefined, undefined, 'a', 'b', 'x_1', 'select', 'v1', 'two words', 'out', 'if'];

type Step =
  | { kind: 'map1'; a: number; f: number; c: number }
  | { kind: 'map2'; a: number; b: number; f: number }
  | { kind: 'select'; k: number; q: number; pred: number; constQuery: boolean; c: number }
  | { kind: 'combine'; l: number; r: number; how: number }
  | { kind: 'catAgg'; q: number; f: number; c: number; v: number; dflt: boolean }
  | { kind: 'numAgg'; s: number; v: number; c: number; stated: boolean }
  | { kind: 'width'; s: number }
  | { kind: 'constAgg'; s: number };

const idx = fc.nat(1000);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('map1' as const), a: idx, f: fc.nat(UNARY.length - 1), c: fc.nat(3) }),
  fc.record({ kind: fc.constant('map2' as const), a: idx, b: idx, f: fc.nat(BINARY.length - 1) }),
  fc.record({ kind: fc.constant('select' as const), k: idx, q: idx, pred: fc.nat(PREDICATES.length - 1), constQuery: fc.boolean(), c: fc.nat(3) }),
  fc.record({ kind: fc.constant('combine' as const), l: idx, r: idx, how: fc.nat(2) }),
  fc.record({ kind: fc.constant('catAgg' as const), q: idx, f: fc.nat(UNARY.length - 1), c: fc.nat(3), v: idx, dflt: fc.boolean() }),
  fc.record({ kind: fc.constant('numAgg' as const), s: idx, v: idx, c: fc.nat(3), stated: fc.boolean() }),
  fc.record({ kind: fc.constant('width' as const), s: idx }),
  fc.record({ kind: fc.constant('constAgg' as const), s: idx }),
);

function pick<T>(xs: readonly T[], i: number): T {
  return xs[i % xs.length];
}

const map = (body: ScalarExpr, inputs: SOp[]): MapNode => new MapNode({ kind: 'expr', arity: inputs.length, body }, inputs);

/** Builds the program a list of steps (and a name per step) describes. */
export function buildProgram(steps: readonly Step[], nameChoices: readonly number[]): Program {
  const sops: SOp[] = [tokens, indices, length];
  const sels: Selector[] = [new SelectNode(indices, indices, '<=')];
  const named = new Map<string, RaspNode>();
  let last: SOp = tokens;
  const name = <T extends RaspNode>(n: T, i: number): T => {
    const chosen = pick(NAMES, nameChoices[i % Math.max(1, nameChoices.length)] ?? 0);
    if (chosen === undefined) return n;
    const m = n.named(chosen) as T;
    named.set(chosen, m);
    return m;
  };
  steps.forEach((s, i) => {
    switch (s.kind) {
      case 'map1':
        sops.push((last = name(map(pick(UNARY, s.f)(s.c), [pick(sops, s.a)]), i)));
        break;
      case 'map2':
        sops.push((last = name(map(pick(BINARY, s.f), [pick(sops, s.a), pick(sops, s.b)]), i)));
        break;
      case 'select': {
        const q = s.constQuery ? new ConstNode(s.c) : pick(sops, s.q);
        sels.push(name(new SelectNode(pick(sops, s.k), q, pick(PREDICATES, s.pred)), i));
        break;
      }
      case 'combine': {
        const l = pick(sels, s.l);
        const r = pick(sels, s.r);
        const sel = s.how === 0 ? new SelectorAndNode(l, r) : s.how === 1 ? new SelectorOrNode(l, r) : new SelectorNotNode(l);
        sels.push(name(sel, i));
        break;
      }
      case 'catAgg': {
        // Keys are indices compared with ==: at most one key per query.
        const target = map(pick(UNARY, s.f)(s.c), [pick(sops, s.q)]);
        const agg = new AggregateNode(new SelectNode(indices, target, '=='), pick(sops, s.v), s.dflt ? s.c : null);
        sops.push((last = name(agg.withEncoding('categorical'), i)));
        break;
      }
      case 'numAgg': {
        const ind = map(U('indicator', B('==', P(0), C(s.c))), [pick(sops, s.v)]);
        const agg = new AggregateNode(pick(sels, s.s), s.stated ? ind.withEncoding('numerical') : ind, 0);
        sops.push((last = name(agg, i)));
        break;
      }
      case 'width':
        sops.push((last = name(new SelectorWidthNode(pick(sels, s.s)), i)));
        break;
      case 'constAgg':
        sops.push((last = name(new AggregateNode(pick(sels, s.s), new ConstNode(1), 0), i)));
        break;
    }
  });
  return { name: 'random', output: last, named };
}

export interface ProgramCase {
  readonly program: Program;
  readonly vocab: readonly number[];
  readonly maxLen: number;
}

export const arbitraryProgram: fc.Arbitrary<ProgramCase> = fc
  .record({
    steps: fc.array(stepArb, { minLength: 1, maxLength: 8 }),
    names: fc.array(fc.nat(NAMES.length - 1), { minLength: 1, maxLength: 8 }),
    vocabSize: fc.integer({ min: 2, max: 4 }),
    maxLen: fc.integer({ min: 3, max: 5 }),
  })
  .map(({ steps, names, vocabSize, maxLen }) => {
    const vocab = Array.from({ length: vocabSize }, (_, i) => i);
    const program = { ...buildProgram(steps, names), vocab, maxLen };
    const text = `{vocab: [${vocab}], maxLen: ${maxLen}, steps: ${JSON.stringify(steps)}, names: ${JSON.stringify(names)}}`;
    return Object.assign({ program, vocab, maxLen }, { toString: () => text, [fc.toStringMethod]: () => text });
  });

// ---------------------------------------------------------------------------------------------
// Canonical form
// ---------------------------------------------------------------------------------------------

interface Canon {
  readonly struct: string;
  readonly enc?: Encoding;
}

/**
 * The structure of the graph under `root` as printing and parsing keep it, ignoring ids, names
 * and locations. Printing writes each map as an expression over its inputs' names, and reading it
 * back folds constant sub-expressions, inlines constant inputs, merges repeated inputs, orders
 * inputs by first appearance and drops a map that only passes its input through. So a map's form
 * is its body, constant-folded as the elaborator folds, with each parameter replaced by its input's
 * form.
 */
export function canonicalForm(root: RaspNode): string {
  const memo = new Map<number, Canon>();
  const show = (c: Canon) => (c.enc ? `${c.struct}@${c.enc}` : c.struct);
  const canon = (n: RaspNode): Canon => {
    const hit = memo.get(n.id);
    if (hit) return hit;
    const result = compute(n);
    memo.set(n.id, result);
    return result;
  };
  const withEnc = (struct: string, n: RaspNode): Canon => ({ struct, enc: n.encoding });
  const compute = (n: RaspNode): Canon => {
    for (const c of children(n)) if (!memo.has(c.id)) canon(c);
    switch (n.kind) {
      case 'tokens':
      case 'indices':
      case 'length':
        return withEnc(n.kind, n);
      case 'const':
        return withEnc(`const(${JSON.stringify(n.value)})`, n);
      case 'map': {
        if (n.fn.kind !== 'expr') return withEnc(`native(${n.fn.text})`, n);
        const args = n.inputs.map((i): ScalarExpr | string => (i.kind === 'const' && !i.encoding ? C(i.value) : show(canon(i))));
        const body = fold(substitute(n.fn.body, args));
        if (typeof body === 'string') {
          const input = n.inputs.find((i) => show(canon(i)) === body)!;
          const c = canon(input);
          return { struct: c.struct, enc: n.encoding ?? c.enc };
        }
        return withEnc(`map(${exprForm(body)})`, n);
      }
      case 'aggregate':
        return withEnc(`aggregate(${show(canon(n.selector))}, ${show(canon(n.sop))}, ${JSON.stringify(n.defaultValue)})`, n);
      case 'selectorWidth':
        return withEnc(`selector_width(${show(canon(n.selector))})`, n);
      case 'select':
        return withEnc(`select(${show(canon(n.keys))}, ${show(canon(n.queries))}, ${n.predicate})`, n);
      case 'selectAnd':
        return withEnc(`and(${show(canon(n.left))}, ${show(canon(n.right))})`, n);
      case 'selectOr':
        return withEnc(`or(${show(canon(n.left))}, ${show(canon(n.right))})`, n);
      case 'selectNot':
        return withEnc(`not(${show(canon(n.inner))})`, n);
    }
  };
  return show(canon(root));
}

/** An expression whose leaves are constants or references to input forms (strings). */
type Open = ScalarExpr | string;
type OpenExpr =
  | string
  | { op: 'const'; value: Value }
  | { op: 'unary'; fn: string; arg: OpenExpr }
  | { op: 'binary'; fn: string; left: OpenExpr; right: OpenExpr }
  | { op: 'cond'; test: OpenExpr; then: OpenExpr; else: OpenExpr }
  | { op: 'in'; item: OpenExpr; list: readonly Value[] }
  | { op: 'index'; list: readonly Value[]; index: OpenExpr }
  | { op: 'lookup'; keys: readonly Value[]; values: readonly Value[]; key: OpenExpr };

function substitute(e: ScalarExpr, args: readonly Open[]): OpenExpr {
  switch (e.op) {
    case 'param': {
      const a = args[e.index];
      return typeof a === 'string' ? a : (a as OpenExpr);
    }
    case 'const':
      return e;
    case 'unary':
      return { op: 'unary', fn: e.fn, arg: substitute(e.arg, args) };
    case 'binary':
      return { op: 'binary', fn: e.fn, left: substitute(e.left, args), right: substitute(e.right, args) };
    case 'cond':
      return { op: 'cond', test: substitute(e.test, args), then: substitute(e.then, args), else: substitute(e.else, args) };
    case 'in':
      return { op: 'in', item: substitute(e.item, args), list: e.list };
    case 'index':
      return { op: 'index', list: e.list, index: substitute(e.index, args) };
    case 'lookup':
      return { op: 'lookup', keys: e.keys, values: e.values, key: substitute(e.key, args) };
  }
}

const isConst = (e: OpenExpr): e is { op: 'const'; value: Value } => typeof e !== 'string' && e.op === 'const';

/** Folds constant sub-expressions the way the elaborator does (short-circuiting and/or and conditionals on constants). */
function fold(e: OpenExpr): OpenExpr {
  if (typeof e === 'string' || e.op === 'const') return e;
  const evalConst = (x: unknown): OpenExpr => C(applyScalarFn({ kind: 'expr', arity: 0, body: x as ScalarExpr }, [])) as OpenExpr;
  switch (e.op) {
    case 'unary': {
      const arg = fold(e.arg);
      return isConst(arg) ? evalConst({ op: 'unary', fn: e.fn as never, arg }) : { ...e, arg };
    }
    case 'binary': {
      const left = fold(e.left);
      if ((e.fn === 'and' || e.fn === 'or') && isConst(left)) {
        const takeLeft = e.fn === 'and' ? !truthy(left.value) : truthy(left.value);
        return takeLeft ? left : fold(e.right);
      }
      const right = fold(e.right);
      return isConst(left) && isConst(right) ? evalConst({ op: 'binary', fn: e.fn as never, left, right }) : { ...e, left, right };
    }
    case 'cond': {
      const test = fold(e.test);
      if (isConst(test)) return fold(truthy(test.value) ? e.then : e.else);
      return { ...e, test, then: fold(e.then), else: fold(e.else) };
    }
    case 'in': {
      const item = fold(e.item);
      return isConst(item) ? evalConst({ op: 'in', item, list: e.list }) : { ...e, item };
    }
    case 'index': {
      const index = fold(e.index);
      return isConst(index) ? evalConst({ op: 'index', list: e.list, index }) : { ...e, index };
    }
    case 'lookup': {
      const key = fold(e.key);
      return isConst(key) ? evalConst({ op: 'lookup', keys: e.keys, values: e.values, key }) : { ...e, key };
    }
  }
}

function exprForm(e: OpenExpr): string {
  if (typeof e === 'string') return `{${e}}`;
  switch (e.op) {
    case 'const':
      return JSON.stringify(e.value);
    case 'unary':
      return `${e.fn}(${exprForm(e.arg)})`;
    case 'binary':
      return `(${exprForm(e.left)} ${e.fn} ${exprForm(e.right)})`;
    case 'cond':
      return `(${exprForm(e.then)} if ${exprForm(e.test)} else ${exprForm(e.else)})`;
    case 'in':
      return `(${exprForm(e.item)} in ${JSON.stringify(e.list)})`;
    case 'index':
      return `${JSON.stringify(e.list)}[${exprForm(e.index)}]`;
    case 'lookup':
      return `${JSON.stringify(e.keys)}->${JSON.stringify(e.values)}[${exprForm(e.key)}]`;
  }
}
