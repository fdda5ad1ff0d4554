/**
 * Whether a selector selects at least one key at every query position of every input up to a
 * maximum length. Where it does, an aggregate over it never reads its default, so neither its value
 * set nor a compiled model needs a place for it (reverse's `select(indices, length - indices - 1, ==)`
 * and sort's `select(target_pos, indices, ==)` keep tracr's sizes although RASP's implicit default is 0).
 *
 * The answer may be "no" where the truth is "yes", never the reverse. A select covers when, at each
 * length n in 1..N, every value its queries can take finds a key value that is present in every input
 * of length n:
 *   - keys that do not depend on tokens are a function of the length alone (tracr's length,
 *     `selector_width(select(tokens, tokens, True))`, is one): evaluated exactly;
 *   - `selector_width(select(x, x, <))` (or `>`) is 0 at the least (greatest) position of x, and
 *     takes every value 0..n-1 when no two positions of x can hold equal values (`distinctAtPositions`);
 *   - other keys promise nothing.
 * Queries that do not depend on tokens are evaluated exactly; others may take any value of their set
 * (an undefined one finds no key). Indices compared with indices by `==`, `<=` or `>=` cover without
 * evaluating a length: each query selects at least its own position (frac_prevs' and pair_balance's
 * `select(indices, indices, <=)`). TRUE covers, FALSE does not; `a or b` covers if either does;
 * `and` and `not` are taken not to. Beyond `MAX_EXACT_LENGTH` positions nothing is claimed.
 */
import { topoSort, type Comparison, type Selector, type SOp } from './ast.ts';
import { isUserError, RaspError } from './errors.ts';
import { Evaluator } from './evaluate.ts';
import { countInputs, enumerateInputs } from './inputs.ts';
import { canonicalNumber, compareOp, everyApplication } from './scalar.ts';
import type { ValueSet } from './valueSets.ts';
import { isNumeric, type MaybeValue, type Value } from './values.ts';

const MAX_EXACT_LENGTH = 256;

/** The comparisons that hold between a value and itself. */
const REFLEXIVE: ReadonlySet<Comparison> = new Set(['==', '<=', '>=']);

/** Whether `sel` selects some key at every query position of every input of length 1..maxLen. */
export function selectsEveryQuery(sel: Selector, maxLen: number, sets: ReadonlyMap<number, ValueSet>): boolean {
  if (maxLen > MAX_EXACT_LENGTH) return false;
  switch (sel.kind) {
    case 'selectOr':
      return selectsEveryQuery(sel.left, maxLen, sets) || selectsEveryQuery(sel.right, maxLen, sets);
    case 'selectAnd':
    case 'selectNot':
      return false;
    case 'select':
      break;
  }
  if (sel.predicate === 'TRUE') return true;
  if (sel.predicate === 'FALSE') return false;
  const pred = sel.predicate;
  if (sel.keys.kind === 'indices' && sel.queries.kind === 'indices' && REFLEXIVE.has(pred)) return true;
  const exactQueries = lengthOnly(sel.queries);
  const querySet = sets.get(sel.queries.id);
  if (!exactQueries && (!querySet || querySet.mayBeNull)) return false;
  let distinct: boolean | undefined; // the same at every length: found once
  const keysDistinct = (x: SOp) => (distinct ??= distinctAtPositions(x, sets));
  const exactKeys = lengthOnly(sel.keys); // the same at every length: found once
  try {
    for (let n = 1; n <= maxLen; n++) {
      const ev = new Evaluator(new Array(n).fill(0));
      const keys = keysPresent(sel.keys, exactKeys, n, ev, keysDistinct);
      if (keys === null) return false;
      const queries: readonly MaybeValue[] = exactQueries ? ev.sop(sel.queries) : querySet!.values;
      for (const q of queries) if (q === null || !keys.some((k) => k !== null && compareOp(pred, k, q))) return false;
    }
  } catch (e) {
    if (e instanceof RaspError) return false;
    throw e;
  }
  return true;
}

/**
 * Values `keys` holds somewhere in every input of length n (`ev` evaluates at that length; `exact`: `lengthOnly(keys)`), or null when unknown;
 * `distinct` is `distinctAtPositions` of the s-op a width's select compares.
 */
function keysPresent(keys: SOp, exact: boolean, n: number, ev: Evaluator, distinct: (x: SOp) => boolean): readonly MaybeValue[] | null {
  if (exact) return ev.sop(keys);
  if (keys.kind !== 'selectorWidth') return null;
  const s = keys.selector;
  if (s.kind !== 'select' || s.keys.id !== s.queries.id || (s.predicate !== '<' && s.predicate !== '>')) return null;
  return distinct(s.keys) ? Array.from({ length: n }, (_, i) => i) : [0];
}

/**
 * Whether no two positions of an input can hold equal values of `x` (ordered as comparisons order
 * them): true of indices, and of a map one of whose inputs is, when no two combinations of its
 * inputs' values that differ in that input give equal results (the other inputs range over their
 * whole value sets, so this is checked once for all inputs).
 */
function distinctAtPositions(x: SOp, sets: ReadonlyMap<number, ValueSet>): boolean {
  if (x.kind === 'indices') return true;
  if (x.kind !== 'map') return false;
  const j = x.inputs.findIndex((i) => distinctAtPositions(i, sets));
  const ins = x.inputs.map((i) => sets.get(i.id));
  if (j < 0 || ins.some((s) => !s || s.mayBeNull)) return false;
  const product = ins.reduce((p, s) => p * s!.values.length, 1);
  if (product > MAX_COMBINATIONS) return false;
  // Each result's order key → the key of input j's value that gave it (a combination the evaluator refuses holds at no position).
  const from = new Map<string, string>();
  return everyApplication(
    x.fn,
    ins.map((s) => s!.values),
    (args, v) => {
      const k = orderKey(v);
      const mine = orderKey(args[j]);
      const seen = from.get(k);
      if (seen !== undefined && seen !== mine) return false;
      from.set(k, mine);
      return true;
    },
  );
}

const MAX_COMBINATIONS = 1_000_000;

/** Equal for values that comparisons take as equal (True and 1, 1 and 1.0). */
function orderKey(v: Value): string {
  return isNumeric(v) ? `n:${canonicalNumber(Number(v))}` : `s:${v}`;
}

/** Whether an s-op's values depend on the input's length alone: no tokens reachable except through TRUE/FALSE selects, which read no values. */
function lengthOnly(s: SOp): boolean {
  return !topoSort([s], (n) => n.kind === 'select' && (n.predicate === 'TRUE' || n.predicate === 'FALSE')).some((n) => n.kind === 'tokens');
}

/** The most inputs `selectsEveryQueryOnTask` evaluates; a larger task gets no answer. */
export const EXHAUSTIVE_INPUTS = 5_000;

/**
 * Whether `sel` selects some key at every query position of every input the program accepts
 * (`output` evaluates without error) over `vocab` at lengths 1..maxLen, found by evaluating every
 * such input; null when there are more than `limit` of them. Exact where `selectsEveryQuery` is
 * only sure: last_occurrence's `same_token and select(n_later_copies, 0, ==)` always keeps the last
 * copy of the query's own token, which no rule about single selects can see.
 */
export function selectsEveryQueryOnTask(sel: Selector, output: SOp, vocab: readonly Value[], maxLen: number, limit = EXHAUSTIVE_INPUTS): boolean | null {
  if (countInputs(vocab.length, 1, maxLen) > limit) return null;
  for (const input of enumerateInputs(vocab, 1, maxLen)) {
    const ev = new Evaluator(input);
    try {
      ev.sop(output);
    } catch (e) {
      if (e instanceof RaspError || isUserError(e)) continue;
      throw e;
    }
    if (ev.selector(sel).some((row) => !row.some(Boolean))) return false;
  }
  return true;
}
