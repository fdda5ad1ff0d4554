/**
 * fast-check arbitraries for random well-typed RASP programs built from what the compiler supports:
 * chains and graphs of maps and sequence maps, selects with any predicate (and their and / or / not
 * over one pair of s-ops, and across pairs), categorical aggregates whose selectors pick at most
 * one key (keys are indices compared with ==) or keys that all hold the same value (the aggregated
 * s-op is the key, compared with ==), numerical aggregates of indicators (default 0), selector
 * widths, and maps of numerical s-ops. Vocabulary of 2–3 numbers, maximum length 3–4.
 *
 * Element-wise functions are ScalarExpr data, so a failing program prints as RASP.
 */
import fc from 'fast-check';
import type { Predicate, ScalarExpr, Selector, SOp } from '../../src/rasp/ast.ts';
import { MapNode } from '../../src/rasp/ast.ts';
import { aggregate, and, categorical, indices, length, not, numerical, or, select, selectorWidth, tokens } from '../../src/rasp/builder.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { Value } from '../../src/rasp/values.ts';

const P = (i: number): ScalarExpr => ({ op: 'param', index: i });
const C = (v: Value): ScalarExpr => ({ op: 'const', value: v });
const B = (fn: Extract<ScalarExpr, { op: 'binary' }>['fn'], l: ScalarExpr, r: ScalarExpr): ScalarExpr => ({ op: 'binary', fn, left: l, right: r });

/** Unary functions on small integers / booleans that keep value sets small. */
const UNARY: readonly ((c: number) => ScalarExpr)[] = [
  () => B('+', P(0), C(1)),
  () => B('-', P(0), C(1)),
  () => B('%', P(0), C(2)),
  () => B('-', C(3), P(0)),
  (c) => B('==', P(0), C(c)),
  (c) => B('<', P(0), C(c)),
  (c) => ({ op: 'cond', test: B('>', P(0), C(c)), then: C(c), else: P(0) }),
];
const BINARY: readonly ScalarExpr[] = [
  B('+', P(0), P(1)),
  B('-', P(0), P(1)),
  B('==', P(0), P(1)),
  B('<', P(0), P(1)),
  B('%', B('+', P(0), P(1)), C(3)),
  { op: 'cond', test: B('>', P(0), P(1)), then: P(0), else: P(1) },
];
/** Maps of numerical s-ops: thresholds (categorical) and linear maps (numerical). */
const NUM_TO_CAT: readonly ((c: number) => ScalarExpr)[] = [(c) => B('>', P(0), C(c / 4)), (c) => B('<=', P(0), C(c / 4))];
const NUM_TO_NUM: readonly ScalarExpr[] = [B('*', P(0), C(2)), B('-', C(1), P(0)), B('+', P(0), C(0.5))];
const PREDICATES: readonly Predicate[] = ['==', '!=', '<', '<=', '>', '>=', 'TRUE', 'FALSE'];

interface Pooled {
  readonly sop: SOp;
  readonly numerical: boolean;
  /** Whether the s-op can be undefined somewhere (kept out of numerical aggregates). */
  readonly mayBeNull: boolean;
}

/** One construction step; each reads earlier pool entries by (wrapped) index. */
type Step =
  | { kind: 'map1'; a: number; f: number; c: number }
  | { kind: 'map2'; a: number; b: number; f: number }
  | { kind: 'catAggIndex'; q: number; v: number; dflt: boolean }
  | { kind: 'catAggSame'; k: number; q: number }
  | { kind: 'numAgg'; k: number; q: number; pred: number; v: number; c: number }
  | { kind: 'width'; k: number; q: number; pred: number; combo: number; k2: number; q2: number; pred2: number }
  | { kind: 'numMap'; a: number; f: number; c: number; b: number };

const idx = fc.nat(1000);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('map1' as const), a: idx, f: fc.nat(UNARY.length - 1), c: fc.nat(2) }),
  fc.record({ kind: fc.constant('map2' as const), a: idx, b: idx, f: fc.nat(BINARY.length - 1) }),
  fc.record({ kind: fc.constant('catAggIndex' as const), q: idx, v: idx, dflt: fc.boolean() }),
  fc.record({ kind: fc.constant('catAggSame' as const), k: idx, q: idx }),
  fc.record({ kind: fc.constant('numAgg' as const), k: idx, q: idx, pred: fc.nat(PREDICATES.length - 1), v: idx, c: fc.nat(2) }),
  fc.record({
    kind: fc.constant('width' as const),
    k: idx,
    q: idx,
    pred: fc.nat(PREDICATES.length - 1),
    combo: fc.nat(4),
    k2: idx,
    q2: idx,
    pred2: fc.nat(PREDICATES.length - 1),
  }),
  fc.record({ kind: fc.constant('numMap' as const), a: idx, f: fc.nat(3), c: fc.nat(3), b: idx }),
);

export interface CompilableCase {
  readonly program: Program;
  readonly vocab: readonly number[];
  readonly maxLen: number;
  readonly steps: readonly Step[];
}

function pick<T>(xs: readonly T[], i: number): T {
  return xs[i % xs.length];
}

/** Builds the program a list of steps describes (pure: the same steps give the same program shape). */
export function buildProgram(steps: readonly Step[]): Program {
  const cats: Pooled[] = [
    { sop: tokens, numerical: false, mayBeNull: false },
    { sop: indices, numerical: false, mayBeNull: false },
    { sop: length, numerical: false, mayBeNull: false },
  ];
  const nums: Pooled[] = [];
  const safe = () => cats.filter((c) => !c.mayBeNull);
  let last: Pooled = cats[0];
  const push = (p: Pooled) => {
    (p.numerical ? nums : cats).push(p);
    last = p;
  };
  for (const s of steps) {
    switch (s.kind) {
      case 'map1': {
        const a = pick(cats, s.a);
        push({ sop: new MapNode({ kind: 'expr', arity: 1, body: pick(UNARY, s.f)(s.c) }, [a.sop]), numerical: false, mayBeNull: a.mayBeNull });
        break;
      }
      case 'map2': {
        const a = pick(cats, s.a);
        const b = pick(cats, s.b);
        push({
          sop: new MapNode({ kind: 'expr', arity: 2, body: pick(BINARY, s.f) }, [a.sop, b.sop]),
          numerical: false,
          mayBeNull: a.mayBeNull || b.mayBeNull,
        });
        break;
      }
      case 'catAggIndex': {
        // Keys are indices compared with ==: at most one key per query.
        const q = pick(cats, s.q);
        const v = pick(cats, s.v);
        const sop = aggregate(select(indices, q.sop, '=='), v.sop, s.dflt ? 0 : null);
        push({ sop: categorical(sop), numerical: false, mayBeNull: !s.dflt || v.mayBeNull });
        break;
      }
      case 'catAggSame': {
        // The aggregated s-op is the key, compared with ==: every selected key holds the query's value.
        const k = pick(cats, s.k);
        const q = pick(cats, s.q);
        push({ sop: categorical(aggregate(select(k.sop, q.sop, '=='), k.sop)), numerical: false, mayBeNull: true });
        break;
      }
      case 'numAgg': {
        const pool = safe();
        const k = pick(pool, s.k);
        const q = pick(pool, s.q);
        const v = pick(pool, s.v);
        const ind = numerical(new MapNode({ kind: 'expr', arity: 1, body: B('==', P(0), C(s.c)) }, [v.sop]));
        push({ sop: numerical(aggregate(select(k.sop, q.sop, pick(PREDICATES, s.pred)), ind, 0)), numerical: true, mayBeNull: false });
        break;
      }
      case 'width': {
        const k = pick(cats, s.k);
        const q = pick(cats, s.q);
        let sel: Selector = select(k.sop, q.sop, pick(PREDICATES, s.pred));
        const other = select(k.sop, q.sop, pick(PREDICATES, s.pred2));
        if (s.combo === 1) sel = and(sel, other);
        else if (s.combo === 2) sel = or(sel, other);
        else if (s.combo === 3) sel = not(sel);
        else if (s.combo === 4) sel = and(sel, select(pick(cats, s.k2).sop, pick(cats, s.q2).sop, pick(PREDICATES, s.pred2)));
        push({ sop: selectorWidth(sel), numerical: false, mayBeNull: false });
        break;
      }
      case 'numMap': {
        if (nums.length === 0) break;
        const a = pick(nums, s.a);
        if (s.f === 0)
          push({ sop: categorical(new MapNode({ kind: 'expr', arity: 1, body: pick(NUM_TO_CAT, s.c)(s.c) }, [a.sop])), numerical: false, mayBeNull: false });
        else if (s.f === 1)
          push({ sop: numerical(new MapNode({ kind: 'expr', arity: 1, body: pick(NUM_TO_NUM, s.c) }, [a.sop])), numerical: true, mayBeNull: false });
        else if (s.f === 2)
          push({
            sop: numerical(new MapNode({ kind: 'expr', arity: 2, body: B('-', P(0), P(1)) }, [a.sop, pick(nums, s.b).sop])),
            numerical: true,
            mayBeNull: false,
          });
        else
          push({
            sop: categorical(new MapNode({ kind: 'expr', arity: 2, body: B('<', P(0), P(1)) }, [a.sop, pick(nums, s.b).sop])),
            numerical: false,
            mayBeNull: false,
          });
        break;
      }
    }
  }
  const out = last.sop.named('out');
  return { name: 'random', output: out, named: new Map([['out', out]]) };
}

export const arbitraryCompilable: fc.Arbitrary<CompilableCase> = fc
  .record({
    steps: fc.array(stepArb, { minLength: 1, maxLength: 6 }),
    vocabSize: fc.integer({ min: 2, max: 3 }),
    maxLen: fc.integer({ min: 3, max: 4 }),
  })
  .map(({ steps, vocabSize, maxLen }) => {
    const vocab = Array.from({ length: vocabSize }, (_, i) => i);
    // Counterexamples print as their construction steps, not as AST objects.
    const text = `{vocab: [${vocab}], maxLen: ${maxLen}, steps: ${JSON.stringify(steps)}}`;
    return { program: buildProgram(steps), vocab, maxLen, steps, [fc.toStringMethod]: () => text };
  });
