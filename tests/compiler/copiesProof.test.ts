/**
 * The copies check's structural proof (compiler/copies.ts) is sound: on random programs, wherever it
 * proves that the keys a categorical aggregate selects hold one value, no input up to the maximum
 * length makes the aggregate average (the evaluator's averagedAt finds none), so skipping the
 * inputs keeps every refusal the check would make.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copiesOneValue } from '../../compiler/copies.ts';
import { buildGraph } from '../../compiler/graph.ts';
import { inferSpaces } from '../../compiler/spaces.ts';
import { MapNode, type Predicate, type ScalarExpr, type SOp } from '../../src/rasp/ast.ts';
import { aggregate, and, categorical, indices, length, select, selectorWidth, tokens } from '../../src/rasp/builder.ts';
import { RaspError } from '../../src/rasp/errors.ts';
import { Evaluator } from '../../src/rasp/evaluate.ts';
import { enumerateInputs } from '../../src/rasp/inputs.ts';

const P = (i: number): ScalarExpr => ({ op: 'param', index: i });
const C = (v: number): ScalarExpr => ({ op: 'const', value: v });
const B = (fn: Extract<ScalarExpr, { op: 'binary' }>['fn'], l: ScalarExpr, r: ScalarExpr): ScalarExpr => ({ op: 'binary', fn, left: l, right: r });
const UNARY: readonly ScalarExpr[] = [B('+', P(0), C(1)), B('%', P(0), C(2)), B('==', P(0), C(1)), B('*', P(0), C(2)), B('/', P(0), B('+', P(0), C(1)))];
const BINARY: readonly ScalarExpr[] = [B('+', P(0), P(1)), B('-', P(0), P(1)), B('<', P(0), P(1)), B('+', P(0), B('/', P(1), B('+', P(1), C(1))))];
const ORDERS: readonly Predicate[] = ['<', '<=', '>', '>=', '==', '!='];

const step = fc.oneof(
  fc.record({ kind: fc.constant('map1' as const), a: fc.nat(99), f: fc.nat(UNARY.length - 1) }),
  fc.record({ kind: fc.constant('map2' as const), a: fc.nat(99), b: fc.nat(99), f: fc.nat(BINARY.length - 1) }),
  {
    arbitrary: fc.record({ kind: fc.constant('width' as const), y: fc.nat(99), a: fc.nat(99), pred: fc.nat(ORDERS.length - 1), classed: fc.boolean() }),
    weight: 2,
  },
);
const final = fc.record({
  k: fc.nat(99),
  q: fc.nat(99),
  sameQuery: fc.boolean(),
  v: fc.nat(99),
  a: fc.nat(99),
  b: fc.nat(99),
  pred: fc.nat(ORDERS.length - 1),
  also: fc.boolean(),
});

type Of<A> = A extends fc.Arbitrary<infer T> ? T : never;

function build(steps: Of<typeof step>[], f: Of<typeof final>) {
  const pool: SOp[] = [tokens, indices, length];
  const at = (i: number) => pool[i % pool.length];
  for (const s of steps) {
    if (s.kind === 'map1') pool.push(new MapNode({ kind: 'expr', arity: 1, body: UNARY[s.f] }, [at(s.a)]));
    else if (s.kind === 'map2') pool.push(new MapNode({ kind: 'expr', arity: 2, body: BINARY[s.f] }, [at(s.a), at(s.b)]));
    else {
      const y = at(s.y);
      const order = select(y, y, ORDERS[s.pred]);
      pool.push(selectorWidth(s.classed ? and(select(at(s.a), at(s.a), '=='), order) : order));
    }
  }
  // Keys from the last two s-ops built, so that the rules are what decides.
  const k = pool[pool.length - 1 - (f.k % 2)];
  const eq = select(k, f.sameQuery ? k : at(f.q), '==');
  return categorical(aggregate(f.also ? and(eq, select(at(f.a), at(f.b), ORDERS[f.pred])) : eq, at(f.v)));
}

describe('the structural proof that a categorical aggregate copies one value', () => {
  it('holds on every input wherever it proves one value', () => {
    const vocab = [1, 2, 3];
    const maxLen = 3;
    let proven = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 4 }), final, (steps, f) => {
        const agg = build(steps, f);
        const graph = buildGraph({ name: 'random', output: agg, named: new Map([['out', agg]]) });
        let spaces;
        try {
          spaces = inferSpaces(graph, { vocab, maxLen });
        } catch (e) {
          if (e instanceof RaspError) return; // a program the compiler refuses anyway
          throw e;
        }
        if (!copiesOneValue(graph, spaces, agg)) return;
        proven++;
        for (const input of enumerateInputs(vocab, 1, maxLen)) {
          let at = null;
          try {
            at = new Evaluator(input).averagedAt(agg);
          } catch (e) {
            if (!(e instanceof RaspError)) throw e;
          }
          expect(at, `input ${input.join(' ')}`).toBeNull();
        }
      }),
      { numRuns: 500, seed: 19 },
    );
    // The proof is exercised, not only its refusals.
    expect(proven).toBeGreaterThan(30);
  });
});
