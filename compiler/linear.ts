/**
 * Maps that cost no neurons. A map of a single categorical leaf is a relabelling: the indicator of
 * each output value is the sum of the input's indicators that map to it. A numerical map that is a
 * sum of per-input terms — any function of each categorical leaf, a linear function of each
 * numerical leaf — is the same sum of residual read-outs (`a·x + b·y + c` of two numerical s-ops,
 * `x == 'a'` as a number, `opens − closes`). Consumers read these combinations directly.
 */
import { isNumeric, valueKey, type MaybeValue } from '../src/rasp/values.ts';
import { combinations, comboCount } from './fuse.ts';
import { combine, lin, ONE, unit, type LinComb } from './linalg.ts';
import { INVALID, type CatEntry, type Expr, type Outcome } from './types.ts';

/** The categorical representation of an expression of at most one categorical leaf, or undefined. */
export function foldCategorical(e: Expr): CatEntry[] | undefined {
  if (e.leaves.length === 0) {
    const v = e.fn([]);
    return v === INVALID ? [] : [{ value: v, ind: unit(ONE) }];
  }
  if (e.leaves.length !== 1) return undefined;
  const leaf = e.leaves[0];
  if (leaf.kind !== 'cat') return undefined;
  const groups = new Map<string, { value: MaybeValue; parts: LinComb[] }>();
  for (const entry of leaf.entries) {
    const v = e.fn([entry.value]);
    if (v === INVALID) continue;
    const k = valueKey(v);
    const g = groups.get(k) ?? { value: v, parts: [] };
    g.parts.push(entry.ind);
    groups.set(k, g);
  }
  return [...groups.values()].map((g) => ({ value: g.value, ind: combine(g.parts.map((p) => [p, 1] as const)) }));
}

const TOL = 1e-9;
function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= TOL * Math.max(1, Math.abs(a), Math.abs(b));
}
function asNumber(v: Outcome): number | undefined {
  return v !== INVALID && isNumeric(v) ? Number(v) : undefined;
}

/**
 * The expression as a sum of per-leaf terms, written over residual directions, or undefined when it
 * is not one (or takes a non-numeric value). Combinations on which the program raises or that are
 * undefined constrain nothing.
 */
export function foldNumerical(e: Expr, limit = 20_000): LinComb | undefined {
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
  if (!base) return leaves.length === 0 ? undefined : lin();
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
  const terms: [LinComb, number][] = [];
  let constant = f0;
  for (let j = 0; j < leaves.length; j++) {
    const leaf = leaves[j];
    if (leaf.kind === 'cat') {
      leaf.entries.forEach((en, i) => {
        const d = g[j][i];
        if (d !== undefined && d !== 0) terms.push([en.ind, d]);
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
      terms.push([leaf.x, slope]);
      constant -= slope * x0;
    }
  }
  terms.push([unit(ONE), constant]);
  return combine(terms);
}
