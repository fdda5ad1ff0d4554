/**
 * Value-set inference: every value each s-op can take over a vocabulary and a maximum length
 * (tracr's basis inference). The compiler sizes one-hot spaces from these sets and learned models
 * take their output classes from them, so a set must contain every value the evaluator can produce.
 * Sets may over-approximate (they assume inputs of a map vary independently).
 *
 *   tokens → the vocabulary; indices → 0..N-1; length → 1..N; constant c → {c};
 *   selector_width → 0..N;
 *   map → f over every combination of its inputs' values (a combination on which f raises is
 *     skipped: the evaluator raises there too, so no output holds it); undefined if any input may be;
 *   categorical aggregate → its s-op's values, plus the default: a written one always, the implicit
 *     0 only where some query can select nothing (coverage.ts). Where one averages several different
 *     numbers (the evaluator does, as RASP does), the set misses the mean: the compiler, when it
 *     finds an input that does it, infers the sets again with it in `averaged` (below), or refuses
 *     it (compiler/copies.ts);
 *   numerical aggregate → its s-op's values (one key selected: the value as it is), and, when they
 *     hold a number, every mean of a bag of 1..N of them (booleans as 0/1); plus the default as above;
 *     means computed as the sums reachable by each bag size, never bag by bag; of the integers lo..hi
 *     (booleans, indicators) as every fraction in [lo, hi] with denominator up to N, in order, kept per (lo, hi, N). An aggregate averaging
 *     as tracr does (evaluate.ts `averagesAsTracr`) holds the means alone, booleans as 0/1.
 *   The aggregates of `averaged` (categorical by syntax, of numbers, that the compiler holds as
 *     numerical where it finds one averaging, compiler/copies.ts) get the numerical aggregate's set.
 * Numbers are canonical (scalar.ts `canonicalNumber`), so 1/3 + 1/3 and 2/3 are one value.
 * A set — or the combinations a map must try — larger than `limit` is a RaspError naming the node,
 * raised before the set is built wherever its size is known beforehand (the ranges of indices,
 * length and selector_width, the product of a map's input sets).
 */
import type { AggregateNode, MapNode, RaspNode, SOp } from './ast.ts';
import { averagesAsTracr, IMPLICIT_DEFAULT, isSOp, topoSort } from './ast.ts';
import { selectsEveryQuery } from './coverage.ts';
import { encodingOf } from './encoding.ts';
import { RaspError } from './errors.ts';
import { ceilingOf, raiseHint } from './limits.ts';
import { nodeInMessage } from './describe.ts';
import { canonicalNumber, everyApplication, ZERO_BELOW } from './scalar.ts';
import { castToken } from './tokenCasts.ts';
import { formatValue, sortedUnique, valueKey, type Value } from './values.ts';

export interface ValueSet {
  /** Sorted (values.ts `compareValues`), no duplicates. */
  values: Value[];
  /** Whether the s-op can be undefined (null) somewhere. */
  mayBeNull: boolean;
  /** Aggregates only: whether some query position can select no key, and so read the default. */
  selectsNothing?: boolean;
}

export interface ValueSetTask {
  readonly vocab: readonly Value[];
  readonly maxLen: number;
  /** Largest set (and largest input product of a map) allowed; default the `valueSet` ceiling (limits.ts). */
  readonly limit?: number;
  /** Aggregates (node ids) whose set holds every mean, as a numerical aggregate's does, whatever their encoding. */
  readonly averaged?: ReadonlySet<number>;
}

/** The value set of every s-op reachable from `roots`, by node id (selectors get none). */
export function inferValueSets(roots: readonly RaspNode[], task: ValueSetTask): Map<number, ValueSet> {
  const limit = task.limit ?? ceilingOf('valueSet');
  const N = task.maxLen;
  if (!Number.isInteger(N) || N < 1) throw new RaspError(`maximum length must be a positive integer, got ${N}`);
  const out = new Map<number, ValueSet>();
  const ctx: Ctx = { vocab: task.vocab, maxLen: N, limit, sets: out, averaged: task.averaged ?? new Set() };
  for (const n of topoSort(roots)) {
    if (!isSOp(n)) continue;
    const known = sizeBeforehand(n, ctx);
    if (known !== null) checkSize(n, known, ctx);
    const set = infer(n, ctx);
    checkSize(n, set.values.length, ctx);
    out.set(n.id, set);
  }
  return out;
}

interface Ctx {
  readonly vocab: readonly Value[];
  readonly maxLen: number;
  readonly limit: number;
  readonly sets: Map<number, ValueSet>;
  readonly averaged: ReadonlySet<number>;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

function infer(n: SOp, ctx: Ctx): ValueSet {
  switch (n.kind) {
    case 'tokens':
      // A token the cast refuses makes its input refused: no value.
      return {
        values: sortedUnique(
          ctx.vocab.flatMap((t) => {
            const r = castToken(n.cast, t);
            return 'value' in r ? [r.value] : [];
          }),
        ),
        mayBeNull: false,
      };
    case 'indices':
      return { values: range(0, ctx.maxLen - 1), mayBeNull: false };
    case 'length':
      return { values: range(1, ctx.maxLen), mayBeNull: false };
    case 'const':
      return { values: [n.value], mayBeNull: false };
    case 'selectorWidth':
      return { values: range(0, ctx.maxLen), mayBeNull: false };
    case 'map':
      return mapSet(n, ctx);
    case 'aggregate':
      return encodingOf(n) === 'numerical' || ctx.averaged.has(n.id) ? numericalAggregateSet(n, ctx) : categoricalAggregateSet(n, ctx);
  }
}

/** The size of a set that is a range (or the vocabulary), known without building it; null otherwise. */
function sizeBeforehand(n: SOp, ctx: Ctx): number | null {
  if (n.kind === 'tokens') return ctx.vocab.length;
  if (n.kind === 'indices' || n.kind === 'length') return ctx.maxLen;
  if (n.kind === 'selectorWidth') return ctx.maxLen + 1;
  return null;
}

function tooLarge(n: RaspNode, what: string, ctx: Ctx): RaspError {
  return new RaspError(
    `${what} of ${nodeInMessage(n)} exceeds the limit of ${ctx.limit} values ` +
      `(vocabulary of ${ctx.vocab.length} tokens, maximum length ${ctx.maxLen}); ` +
      `use a smaller vocabulary or maximum length, or ${raiseHint('valueSet')}`,
    n.loc,
  );
}

function checkSize(n: RaspNode, size: number, ctx: Ctx): void {
  if (size > ctx.limit) throw tooLarge(n, `the value set (${size} values)`, ctx);
}

function mapSet(n: MapNode, ctx: Ctx): ValueSet {
  const ins = n.inputs.map((i) => ctx.sets.get(i.id)!);
  const product = ins.reduce((p, s) => p * s.values.length, 1);
  if (product > ctx.limit) throw tooLarge(n, `the ${product} input combinations`, ctx);
  const seen = new Map<string, Value>();
  everyApplication(
    n.fn,
    ins.map((s) => s.values),
    (_, v) => void seen.set(valueKey(v), v),
  );
  return { values: sortedUnique(seen.values()), mayBeNull: ins.some((s) => s.mayBeNull) };
}

/** Whether some query of aggregate n can select nothing, and the default its set must hold (null: none). */
function defaultInSet(n: AggregateNode, ctx: Ctx): { selectsNothing: boolean; value: Value | null } {
  const selectsNothing = !selectsEveryQuery(n.selector, ctx.maxLen, ctx.sets);
  // A written default is always in the set; the implicit one only where some query can read it.
  return { selectsNothing, value: n.defaultValue ?? (selectsNothing ? IMPLICIT_DEFAULT : null) };
}

function categoricalAggregateSet(n: AggregateNode, ctx: Ctx): ValueSet {
  const inner = ctx.sets.get(n.sop.id)!;
  const { selectsNothing, value } = defaultInSet(n, ctx);
  const values = value === null ? inner.values : sortedUnique([...inner.values, value]);
  return { values, mayBeNull: inner.mayBeNull, selectsNothing };
}

function numericalAggregateSet(n: AggregateNode, ctx: Ctx): ValueSet {
  const inner = ctx.sets.get(n.sop.id)!;
  // Strings are skipped: averaging one raises in the evaluator, so no output holds the result.
  const base = new Map<string, number>();
  for (const v of inner.values) {
    if (typeof v === 'string') continue;
    const x = canonicalNumber(Number(v));
    base.set(valueKey(x), x);
  }
  const { selectsNothing, value } = defaultInSet(n, ctx);
  const tracr = averagesAsTracr(n);
  // What the set holds besides the means: the default, and (RASP's averaging) the s-op's values that are not numbers.
  const extras: Value[] = value === null ? [] : [value];
  if (!tracr) for (const v of inner.values) if (typeof v !== 'number') extras.push(v);
  const vals = [...base.values()];
  const averages = vals.length > 0 && (tracr || inner.values.some((v) => typeof v === 'number'));
  const span = averages ? contiguousIntegers(vals) : null;
  if (span) {
    // Every fraction in [lo, hi] with denominator up to N, in order: no candidate to de-duplicate.
    const fractions = fractionsBetween(span.lo, span.hi, ctx.maxLen, ctx.limit);
    const missing = fractions && extras.filter((v) => typeof v !== 'number' || !hasSorted(fractions, v));
    if (!fractions || !missing || fractions.length + missing.length > ctx.limit) throw tooLarge(n, `the value set (more than ${ctx.limit} means)`, ctx);
    return { values: missing.length ? sortedUnique([...fractions, ...missing]) : fractions.slice(), mayBeNull: inner.mayBeNull, selectsNothing };
  }
  // Numbers are their own keys (no string per candidate mean); a default of another type gets its valueKey.
  const means = new Map<number | string, Value>();
  const add = (v: Value) => {
    means.set(typeof v === 'number' ? v : valueKey(v), v);
    if (means.size > ctx.limit) throw tooLarge(n, `the value set (more than ${ctx.limit} means)`, ctx);
  };
  for (const v of extras) add(v);
  if (averages) {
    if (vals.every(Number.isInteger)) integerMeans(vals, ctx.maxLen, add);
    else generalMeans(n, vals, ctx, add);
  }
  return { values: sortedUnique(means.values()), mayBeNull: inner.mayBeNull, selectsNothing };
}

/** lo and hi where `vals` are exactly the integers lo..hi (booleans' 0/1, indicators' -1/0/1), else null. */
function contiguousIntegers(vals: readonly number[]): { lo: number; hi: number } | null {
  if (!vals.every(Number.isInteger)) return null;
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  return hi - lo + 1 === vals.length ? { lo, hi } : null;
}

function hasSorted(xs: readonly number[], x: number): boolean {
  let a = 0;
  let b = xs.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (xs[m] < x) a = m + 1;
    else b = m;
  }
  return a < xs.length && xs[a] === x;
}

/** fractionsBetween's answers, by lo, hi and N: one program's aggregates (and each compile of it) ask the same. */
const fractionCache = new Map<string, readonly number[] | null>();
const FRACTION_CACHE_SIZE = 64;

/**
 * The canonical numbers of every fraction in [lo, hi] (integers) with denominator 1..N, sorted, each
 * once — the means of every bag of 1..N integers from lo..hi — or null past `limit` of them. The
 * fractions of [0, 1] come in order from the Farey sequence's next-term rule, each in lowest terms,
 * so none repeats; lo + i + p/q is computed as one division of integers, correctly rounded, so it is
 * the number the bag's sum divided by its size gives.
 */
function fractionsBetween(lo: number, hi: number, N: number, limit: number): readonly number[] | null {
  const key = `${lo},${hi},${N},${limit}`;
  const hit = fractionCache.get(key);
  if (hit !== undefined) return hit;
  if (fractionCache.size >= FRACTION_CACHE_SIZE) fractionCache.clear();
  const out: number[] = [];
  let ok = true;
  const push = (x: number) => {
    const c = canonicalNumber(x);
    if (out.length === 0 || out[out.length - 1] !== c) out.push(c);
  };
  for (let i = lo; i < hi && ok; i++) {
    // Farey sequence F_N from 0/1 up to (not including) 1/1.
    let [a, b, c, d] = [0, 1, 1, N];
    while (a < b) {
      push((i * b + a) / b);
      if (out.length > limit) {
        ok = false;
        break;
      }
      const k = Math.floor((N + b) / d);
      [a, b, c, d] = [c, d, k * c - a, k * d - b];
    }
  }
  push(hi);
  const result = ok && out.length <= limit ? out : null;
  fractionCache.set(key, result);
  return result;
}

/**
 * Integer inputs: the sums reachable by a bag of m values are a set of integers, kept as a bitmap
 * over [m·min, m·max] and grown one value at a time — for 0/1 inputs this is just {0..m}.
 */
function integerMeans(vals: number[], maxLen: number, add: (v: Value) => void): void {
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  const span = hi - lo;
  // Shift every value by -lo so sums start at 0; a bag of m values then sums to shifted + m·lo.
  const shifted = vals.map((v) => v - lo);
  if (span * maxLen > 50_000_000) return generalIntegerMeans(vals, maxLen, add);
  let reach = new Uint8Array(1);
  reach[0] = 1; // the empty bag
  const seen = new Set<number>();
  for (let m = 1; m <= maxLen; m++) {
    const next = new Uint8Array(span * m + 1);
    for (let s = 0; s < reach.length; s++) {
      if (!reach[s]) continue;
      for (const d of shifted) next[s + d] = 1;
    }
    reach = next;
    for (let s = 0; s < reach.length; s++) {
      if (!reach[s]) continue;
      // Division rounds correctly, so every fraction equal to one seen before gives the same number.
      const q = (s + m * lo) / m;
      if (seen.has(q)) continue;
      seen.add(q);
      add(canonicalNumber(q));
    }
  }
}

/** Integer inputs spread too widely for a bitmap: sets of sums instead. */
function generalIntegerMeans(vals: number[], maxLen: number, add: (v: Value) => void): void {
  let sums = new Set<number>([0]);
  for (let m = 1; m <= maxLen; m++) {
    const next = new Set<number>();
    for (const s of sums) for (const v of vals) next.add(s + v);
    sums = next;
    for (const s of sums) add(canonicalNumber(s / m));
  }
}

/**
 * Any numbers: sums reachable per bag size, de-duplicated at 14 significant digits. Not at the
 * 12 of canonical numbers: the evaluator rounds only the mean, so two sums that round alike at 12
 * digits (1.666666666663 and 1.66666666666) can still give means that do not (0.833333333332 and
 * 0.83333333333); at 14 digits only the last bits a different order of addition leaves are merged.
 */
function generalMeans(n: AggregateNode, vals: number[], ctx: Ctx, add: (v: Value) => void): void {
  let sums = new Map<string, number>([['0', 0]]);
  for (let m = 1; m <= ctx.maxLen; m++) {
    const next = new Map<string, number>();
    for (const s of sums.values())
      for (const v of vals) {
        const x = s + v;
        const key = sumKey(x);
        if (!next.has(key)) next.set(key, x);
      }
    sums = next;
    if (sums.size > ctx.limit) throw tooLarge(n, `the value set (more than ${ctx.limit} means)`, ctx);
    for (const s of sums.values()) add(canonicalNumber(s / m));
  }
}

const sumKey = (x: number): string => (Math.abs(x) < ZERO_BELOW ? '0' : x.toPrecision(14));

/** One line listing a set, for messages and the CLI. */
export function formatValueSet(s: ValueSet): string {
  const parts = s.values.map(formatValue);
  if (s.mayBeNull) parts.push('-');
  return `{${parts.join(', ')}}`;
}
