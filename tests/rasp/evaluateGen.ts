/**
 * Random small RASP programs, built with the builder API, for property tests of the evaluator and
 * value-set inference. A program is a list of steps; each step adds one s-op built from earlier
 * ones, so every program is a DAG with shared sub-expressions.
 */
import { fc } from '@fast-check/vitest';
import type { Predicate, ScalarExpr, Selector, SOp } from '../../src/rasp/ast.ts';
import { aggregate, and, constant, indices, length, map, not, numerical, or, select, selectorWidth, tokens, zipmap } from '../../src/rasp/builder.ts';
import { x, y, k, bin, un } from '../support/exprShorthand.ts';

export const UNARY: readonly ScalarExpr[] = [
  bin('+', x, k(1)),
  bin('-', x, k(1)),
  bin('%', x, k(3)),
  un('round', bin('/', x, k(2))),
  bin('==', x, k(1)),
  un('indicator', bin('>', x, k(1))),
  un('abs', bin('-', x, k(2))),
  { op: 'cond', test: bin('!=', x, k(0)), then: bin('/', k(1), x), else: k(0) },
  bin('/', x, bin('-', x, k(1))), // raises at x == 1
  { op: 'in', item: x, list: [0, 2] },
];

export const BINARY: readonly ScalarExpr[] = [
  bin('+', x, y),
  bin('-', x, y),
  bin('==', x, y),
  bin('<', x, y),
  { op: 'cond', test: bin('>', x, y), then: x, else: y },
  bin('%', x, y), // raises where y == 0
  bin('and', bin('>', x, k(0)), bin('>', y, k(0))),
];

const PREDICATES: readonly Predicate[] = ['==', '!=', '<', '<=', '>', '>=', 'TRUE', 'FALSE'];

export type Step =
  | { t: 'map'; f: number; a: number }
  | { t: 'zip'; f: number; a: number; b: number }
  | { t: 'agg'; sel: SelSpec; a: number; dflt: number | null }
  | { t: 'num'; sel: SelSpec; a: number; indicator: boolean }
  | { t: 'width'; sel: SelSpec };

export type SelSpec = { k: number; q: number; p: number; combine: 0 | 1 | 2 | 3; k2: number; q2: number; p2: number };

const pick = fc.nat({ max: 1000 });
const selSpec: fc.Arbitrary<SelSpec> = fc.record({
  k: pick,
  q: pick,
  p: fc.nat({ max: PREDICATES.length - 1 }),
  combine: fc.constantFrom(0, 1, 2, 3) as fc.Arbitrary<0 | 1 | 2 | 3>,
  k2: pick,
  q2: pick,
  p2: fc.nat({ max: PREDICATES.length - 1 }),
});

export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ t: fc.constant('map' as const), f: fc.nat({ max: UNARY.length - 1 }), a: pick }),
  fc.record({ t: fc.constant('zip' as const), f: fc.nat({ max: BINARY.length - 1 }), a: pick, b: pick }),
  fc.record({ t: fc.constant('agg' as const), sel: selSpec, a: pick, dflt: fc.option(fc.nat({ max: 3 }), { nil: null }) }),
  fc.record({ t: fc.constant('num' as const), sel: selSpec, a: pick, indicator: fc.boolean() }),
  fc.record({ t: fc.constant('width' as const), sel: selSpec }),
);

export const stepsArb = (maxSteps = 6): fc.Arbitrary<Step[]> => fc.array(stepArb, { minLength: 1, maxLength: maxSteps });

/** Every s-op the steps build (the primitives first), the last one being the "output". */
export function buildProgram(steps: readonly Step[]): SOp[] {
  const pool: SOp[] = [tokens, indices, length, constant(1)];
  const at = (i: number) => pool[i % pool.length];
  const sel = (s: SelSpec): Selector => {
    const a = select(at(s.k), at(s.q), PREDICATES[s.p]);
    const b = select(at(s.k2), at(s.q2), PREDICATES[s.p2]);
    return s.combine === 0 ? a : s.combine === 1 ? and(a, b) : s.combine === 2 ? or(a, b) : not(a);
  };
  for (const s of steps) {
    switch (s.t) {
      case 'map':
        pool.push(map(UNARY[s.f], at(s.a)));
        break;
      case 'zip':
        pool.push(zipmap(BINARY[s.f], at(s.a), at(s.b)));
        break;
      case 'agg':
        pool.push(aggregate(sel(s.sel), at(s.a), s.dflt));
        break;
      case 'num':
        pool.push(s.indicator ? aggregate(sel(s.sel), map(bin('>', x, k(1)), at(s.a)), 0) : numerical(aggregate(sel(s.sel), at(s.a), 0)));
        break;
      case 'width':
        pool.push(selectorWidth(sel(s.sel)));
        break;
    }
  }
  return pool;
}

export const VOCAB = [0, 1, 2, 3] as const;
export const MAX_LEN = 4;
export const inputArb = fc.array(fc.constantFrom(...VOCAB), { minLength: 1, maxLength: MAX_LEN });
