/**
 * Maps that cost no neurons. A map of a single categorical leaf is a relabelling: the indicator of
 * each output value is the sum of the input's indicators that map to it. A numerical map that is a
 * sum of per-input terms — any function of each categorical leaf, a linear function of each
 * numerical leaf — is the same sum of residual read-outs (`a·x + b·y + c` of two numerical s-ops,
 * `x == 'a'` as a number, `opens − closes`). Consumers read these combinations directly.
 *
 * Whether a map folds, and with which coefficients, depends on values alone, so the plan decides it
 * (categoricalFold, numericalFold); emission reads the fold out over the leaves' directions
 * (readCategorical, readNumerical).
 */
import { isNumeric, valueKey, type MaybeValue } from '../src/rasp/values.ts';
import { combinations, comboCount } from './fuse.ts';
import { combine, ONE, unit, type LinComb } from './linalg.ts';
import { INVALID, type CatEntry, type Expr, type Leaf, type Outcome } from './types.ts';

/**
 * A relabelling: each output value with the entries of the one categorical leaf that map to it, or
 * `one` for an expression that reads no leaf (a constant).
 */
export type CategoricalFold = readonly { readonly value: MaybeValue; readonly from: readonly number[] | 'one' }[];

/** A sum of read-outs: a leaf's indicator (`entry`), a numerical leaf's line (no `entry`), or `one`. */
export type NumericalFold = readonly { readonly read: 'one' | { readonly leaf: number; readonly entry?: number }; readonly coef: number }[];

/** How an expression of at most one categorical leaf is a relabelling, or undefined. */
export function categoricalFold(e: Expr): CategoricalFold | undefined {
  if (e.leaves.length === 0) {
    const v = e.fn([]);
    return v === INVALID ? [] : [{ value: v, from: 'one' }];
  }
  if (e.leaves.length !== 1) return undefined;
  const leaf = e.leaves[0];
  if (leaf.kind !== 'cat') return undefined;
  const groups = new Map<string, { value: MaybeValue; from: number[] }>();
  leaf.entries.forEach((entry, k) => {
    const v = e.fn([entry.value]);
    if (v === INVALID) return;
    const key = valueKey(v);
    const g = groups.get(key) ?? { value: v, from: [] };
    g.from.push(k);
    groups.set(key, g);
  });
  return [...groups.values()];
}

/** The indicators of a relabelling of `leaves` (the one its fold was made from, or none). */
export function readCategorical(fold: CategoricalFold, leaves: readonly Leaf[]): CatEntry[] {
  return fold.map((g) => ({ value: g.value, ind: foldedIndicator(g.from, leaves) }));
}

/**
 * The sum of the leaf's indicators that a value is folded from (a top-level function: under tsx a
 * closure per call costs a defineProperty, types.ts's leafId).
 */
function foldedIndicator(from: readonly number[] | 'one', leaves: readonly Leaf[]): LinComb {
  if (from === 'one') return unit(ONE);
  const leaf = leaves[0] as Extract<Leaf, { kind: 'cat' }>;
  return combine(from.map((k) => [leaf.entries[k].ind, 1] as const));
}

/** The categorical representation of an expression of at most one categorical leaf, or undefined. */
export function foldCategorical(e: Expr<Leaf>): CatEntry[] | undefined {
  const fold = categoricalFold(e);
  return fold && readCategorical(fold, e.leaves);
}

/** The residual read-out of a sum of read-outs of `leaves`. */
export function readNumerical(fold: NumericalFold, leaves: readonly Leaf[]): LinComb {
  return combine(
    fold.map(({ read, coef }) => {
      if (read === 'one') return [unit(ONE), coef] as const;
      const leaf = leaves[read.leaf];
      if (read.entry !== undefined) return [(leaf as Extract<Leaf, { kind: 'cat' }>).entries[read.entry].ind, coef] as const;
      return [(leaf as Extract<Leaf, { kind: 'num' }>).x, coef] as const;
    }),
  );
}

/** The expression as a sum of per-leaf read-outs over residual directions, or undefined (numericalFold). */
export function foldNumerical(e: Expr<Leaf>, limit?: number): LinComb | undefined {
  const fold = numericalFold(e, limit);
  return fold && readNumerical(fold, e.leaves);
}

const TOL = 1e-9;
function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= TOL * Math.max(1, Math.abs(a), Math.abs(b));
}
function asNumber(v: Outcome): number | undefined {
  return v !== INVALID && isNumeric(v) ? Number(v) : undefined;
}

/**
 * The expression as a sum of per-leaf terms, or undefined when it is not one (or takes a
 * non-numeric value). Combinations on which the program raises or that are undefined constrain
 * nothing.
 */
export function numericalFold(e: Expr, limit = 20_000): NumericalFold | undefined {
  const { leaves } = e;
  if (comboCount(leaves) > limit) return undefined;
  let base: number[] | undefined;
  let f0 = 0;
  for (const c of combinations(leaves)) {
    const v = e.fn(c.map((i, j) => leaves[j].entries[i].value));
    if (v === INVALID || v === null) continue;
    const n = asNumber(v);
    if (n === undefined) return undefined;
    if (!base) {
      base = c;
      f0 = n;
    }
  }
  if (!base) return leaves.length === 0 ? undefined : [];
  const b = base;
  // g[j][i]: the change from moving leaf j alone to its entry i (undefined where that is not defined).
  const g = leaves.map((leaf, j) =>
    leaf.entries.map((_, i) => {
      const c = [...b];
      c[j] = i;
      const n = asNumber(e.fn(c.map((k, jj) => leaves[jj].entries[k].value)));
      return n === undefined ? undefined : n - f0;
    }),
  );
  for (const c of combinations(leaves)) {
    const v = e.fn(c.map((i, j) => leaves[j].entries[i].value));
    if (v === INVALID || v === null) continue;
    const n = asNumber(v);
    if (n === undefined) return undefined;
    let s = f0;
    for (let j = 0; j < leaves.length; j++) {
      const d = g[j][c[j]];
      if (d === undefined) return undefined;
      s += d;
    }
    if (!close(s, n)) return undefined;
  }
  const terms: { read: 'one' | { leaf: number; entry?: number }; coef: number }[] = [];
  let constant = f0;
  for (let j = 0; j < leaves.length; j++) {
    const leaf = leaves[j];
    if (leaf.kind === 'cat') {
      leaf.entries.forEach((_, i) => {
        const d = g[j][i];
        if (d !== undefined && d !== 0) terms.push({ read: { leaf: j, entry: i }, coef: d });
      });
      continue;
    }
    // Numerical leaf: the changes must lie on one line through the base point.
    const x0 = leaf.entries[b[j]].x;
    let slope: number | undefined;
    for (let i = 0; i < leaf.entries.length; i++) {
      const d = g[j][i];
      const dx = leaf.entries[i].x - x0;
      if (d === undefined || dx === 0) continue;
      slope ??= d / dx;
    }
    slope ??= 0;
    for (let i = 0; i < leaf.entries.length; i++) {
      const d = g[j][i];
      if (d !== undefined && !close(d, slope * (leaf.entries[i].x - x0))) return undefined;
    }
    if (slope !== 0) {
      terms.push({ read: { leaf: j }, coef: slope });
      constant -= slope * x0;
    }
  }
  terms.push({ read: 'one', coef: constant });
  return terms;
}
