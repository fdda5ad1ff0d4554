/**
 * The TypeScript builder API, in the style of tracr's `rasp` module:
 *
 *   const oppIndex = map(x => x - 1, zipmap((l, i) => l - i, length, indices));
 *   const flip = select(indices, oppIndex, '==').named('flip');
 *   const reverse = aggregate(flip, tokens).named('reverse');
 *
 * Functions may be JS closures (for programmatic use) or `ScalarExpr` data (printable as `.rasp`).
 */
import {
  AggregateNode,
  ConstNode,
  IndicesNode,
  LengthNode,
  MapNode,
  SelectNode,
  SelectorAndNode,
  SelectorNotNode,
  SelectorOrNode,
  SelectorWidthNode,
  TokensNode,
  type Predicate,
  type ScalarExpr,
  type ScalarFn,
  type Selector,
  type SOp,
} from './ast.ts';
import type { Value } from './values.ts';

export const tokens = new TokensNode().named('tokens');
export const indices = new IndicesNode().named('indices');
export const length = new LengthNode().named('length');

export function constant(value: Value): ConstNode {
  return new ConstNode(value);
}

type Fn1 = (x: Value) => Value;
type FnN = (...xs: Value[]) => Value;

function toScalarFn(fn: FnN | ScalarExpr, arity: number): ScalarFn {
  if (typeof fn === 'function') return { kind: 'native', arity, fn, text: fn.toString() };
  return { kind: 'expr', arity, body: fn };
}

/** Element-wise map of one s-op. */
export function map(fn: Fn1 | ScalarExpr, sop: SOp | Value): MapNode {
  return new MapNode(toScalarFn(fn as FnN | ScalarExpr, 1), [asSOp(sop)]);
}

/** Element-wise map of two (or more) s-ops (tracr's SequenceMap). */
export function zipmap(fn: FnN | ScalarExpr, ...sops: (SOp | Value)[]): MapNode {
  return new MapNode(toScalarFn(fn, sops.length), sops.map(asSOp));
}
export const sequenceMap = zipmap;

export function select(keys: SOp | Value, queries: SOp | Value, predicate: Predicate): SelectNode {
  return new SelectNode(asSOp(keys), asSOp(queries), predicate);
}

export function aggregate(selector: Selector, sop: SOp | Value, defaultValue: Value | null = null): AggregateNode {
  return new AggregateNode(selector, asSOp(sop), defaultValue);
}

export function selectorWidth(selector: Selector): SelectorWidthNode {
  return new SelectorWidthNode(selector);
}

export function and(a: Selector, b: Selector): SelectorAndNode {
  return new SelectorAndNode(a, b);
}
export function or(a: Selector, b: Selector): SelectorOrNode {
  return new SelectorOrNode(a, b);
}
export function not(a: Selector): SelectorNotNode {
  return new SelectorNotNode(a);
}

export function numerical<T extends SOp>(sop: T): T {
  return sop.withEncoding('numerical') as T;
}
export function categorical<T extends SOp>(sop: T): T {
  return sop.withEncoding('categorical') as T;
}

function asSOp(x: SOp | Value): SOp {
  return typeof x === 'object' ? x : new ConstNode(x);
}

// Small helpers for writing ScalarExpr data by hand (tests, generated programs).
export const expr = {
  param: (index: number): ScalarExpr => ({ op: 'param', index }),
  const: (value: Value): ScalarExpr => ({ op: 'const', value }),
  binary: (fn: Extract<ScalarExpr, { op: 'binary' }>['fn'], left: ScalarExpr, right: ScalarExpr): ScalarExpr => ({
    op: 'binary',
    fn,
    left,
    right,
  }),
  unary: (fn: Extract<ScalarExpr, { op: 'unary' }>['fn'], arg: ScalarExpr): ScalarExpr => ({ op: 'unary', fn, arg }),
};

/**
 * The selector whose width is `length`, as tracr defines it: every key for every query. A compiled
 * length head attends with it, so its label prints this selector.
 */
export const lengthSelector = select(tokens, tokens, 'TRUE');
