/**
 * Sparse linear algebra over residual directions: a vector is a map from direction key to
 * coefficient, a matrix a map from row direction to such a vector. Blocks are built in these terms
 * so every weight has a meaning; assembly turns them into dense arrays at the very end.
 */

/** A residual direction's key: `one`, `bos`, or one derived from what the direction is (spaces.ts's dirKey). */
export type Dir = string;
/** A linear combination of residual directions (a sparse vector). */
export type LinComb = ReadonlyMap<Dir, number>;
/** A sparse matrix, rows and columns indexed by direction keys. */
export type SparseMat = ReadonlyMap<Dir, LinComb>;

export const ONE: Dir = 'one';
export const BOS_DIR: Dir = 'bos';

export function lin(entries: Iterable<readonly [Dir, number]> = []): Map<Dir, number> {
  const out = new Map<Dir, number>();
  for (const [d, c] of entries) addTo(out, d, c);
  return out;
}

export function unit(d: Dir, c = 1): Map<Dir, number> {
  return lin([[d, c]]);
}

function addTo(m: Map<Dir, number>, d: Dir, c: number): void {
  if (c === 0) return;
  const v = (m.get(d) ?? 0) + c;
  if (v === 0) m.delete(d);
  else m.set(d, v);
}

/** Σ coef_i · v_i. */
export function combine(terms: Iterable<readonly [LinComb, number]>): Map<Dir, number> {
  const out = new Map<Dir, number>();
  for (const [v, k] of terms) if (k !== 0) for (const [d, c] of v) addTo(out, d, c * k);
  return out;
}

export function add(...vs: LinComb[]): Map<Dir, number> {
  return combine(vs.map((v) => [v, 1] as const));
}

export function scale(v: LinComb, k: number): Map<Dir, number> {
  return combine([[v, k]]);
}

export function isZero(v: LinComb): boolean {
  return v.size === 0;
}

export function linEqual(a: LinComb, b: LinComb): boolean {
  if (a.size !== b.size) return false;
  for (const [d, c] of a) if (b.get(d) !== c) return false;
  return true;
}

export function dot(v: LinComb, x: ReadonlyMap<Dir, number>): number {
  let s = 0;
  for (const [d, c] of v) s += c * (x.get(d) ?? 0);
  return s;
}

/** Adds k · outer(row, col) into a mutable sparse matrix. */
export function addOuter(m: Map<Dir, Map<Dir, number>>, row: LinComb, col: LinComb, k = 1): void {
  if (k === 0) return;
  for (const [r, a] of row) {
    let line = m.get(r);
    if (!line) m.set(r, (line = new Map()));
    for (const [c, b] of col) addTo(line, c, a * b * k);
    if (line.size === 0) m.delete(r);
  }
}

/** Row vector x times matrix m: Σ_r x[r] · m[r]. */
export function applyMat(m: SparseMat, x: ReadonlyMap<Dir, number>): Map<Dir, number> {
  return combine([...x].filter(([r]) => m.has(r)).map(([r, c]) => [m.get(r)!, c] as const));
}

export function matRows(m: SparseMat): Set<Dir> {
  const out = new Set<Dir>();
  for (const [r, v] of m) if (v.size > 0) out.add(r);
  return out;
}

export function matCols(m: SparseMat): Set<Dir> {
  const out = new Set<Dir>();
  for (const v of m.values()) for (const d of v.keys()) out.add(d);
  return out;
}

/** The matrix with the given rows / columns removed (used when directions are pruned). */
export function restrictMat(m: SparseMat, keep: (d: Dir) => boolean): Map<Dir, Map<Dir, number>> {
  const out = new Map<Dir, Map<Dir, number>>();
  for (const [r, v] of m) {
    if (!keep(r)) continue;
    const line = new Map([...v].filter(([c]) => keep(c)));
    if (line.size) out.set(r, line);
  }
  return out;
}

export function restrictLin(v: LinComb, keep: (d: Dir) => boolean): Map<Dir, number> {
  return new Map([...v].filter(([d]) => keep(d)));
}
