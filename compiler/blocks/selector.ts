/**
 * Selectors → attention scores. A selector is a formula of select atoms; each select compares one
 * key s-op with one query s-op, and a table over their value pairs is a bilinear form of their
 * indicators. A conjunction of atoms over different s-op pairs is a sum of such forms (the selected
 * keys are exactly those at the top score level). Or / not are split off when they stay within one
 * pair of s-ops; a part that compares several pairs (a disjunction across pairs, the negation of a
 * conjunction across pairs) is a composite: no sum of per-pair forms has its selected keys at one
 * score level, so products.ts reads it through one s-op per side, over the product of the values
 * that side compares, where any table is again a bilinear form.
 *
 * Scores are S per satisfied group; the BOS key gets S·(G − ½) from the query side's `one` and
 * `bos` (aggregates: a query that selects nothing attends to BOS only) or S·G (selector width: BOS
 * counts as one more selected key). A BOS query reads nothing but `bos`, so it attends to BOS alone.
 */
import type { Predicate } from '../../src/rasp/ast.ts';
import { compareOp } from '../../src/rasp/scalar.ts';
import { valueKey, type MaybeValue } from '../../src/rasp/values.ts';
import type { Graph } from '../graph.ts';
import { addOuter, BOS_DIR, lin, ONE, unit, type Dir, type LinComb } from '../linalg.ts';
import { memoised } from '../memo.ts';
import type { CatEntry } from '../types.ts';

/** Score per satisfied group: e^(−S/2) is the weight left on a key half a level down. */
export const SCORE = 100;

/** Part of a selector over one (keys, queries) pair; `keys`/`queries` are graph indices (-1: none read). */
export interface SelectorGroup {
  readonly keys: number;
  readonly queries: number;
  readonly table: (k: MaybeValue, q: MaybeValue) => boolean;
}

interface Formula {
  /** The (keys|queries) pairs its atoms compare; TRUE/FALSE atoms compare none. */
  readonly pairs: ReadonlySet<string>;
  readonly pair?: readonly [number, number];
  readonly test: (k: MaybeValue, q: MaybeValue) => boolean;
}

function atom(keys: number, queries: number, pred: Predicate): Formula {
  if (pred === 'TRUE' || pred === 'FALSE') return { pairs: new Set(), test: () => pred === 'TRUE' };
  return {
    pairs: new Set([`${keys}|${queries}`]),
    pair: [keys, queries],
    test: (k, q) => {
      if (k === null || q === null) return false;
      try {
        return compareOp(pred, k, q);
      } catch {
        return false; // the evaluator raises here: no selection is required
      }
    },
  };
}

/**
 * A formula's test, each (key, query) pair worked out once: a selector may read one sub-selector
 * many times (`s2 = s1 and s1`), and testing it afresh each time would double the work per level.
 */
function remembered(test: Formula['test']): Formula['test'] {
  const known = new Map<string, boolean>();
  return (k, q) => {
    const key = `${valueKey(k)}|${valueKey(q)}`;
    let t = known.get(key);
    if (t === undefined) known.set(key, (t = test(k, q)));
    return t;
  };
}

/** Each selector's formula, made once per graph (splitting asks again at every level). */
const formulasByGraph = new WeakMap<Graph, Map<number, Formula>>();

function formulaOf(graph: Graph, idx: number): Formula {
  let byNode = formulasByGraph.get(graph);
  if (!byNode) formulasByGraph.set(graph, (byNode = new Map()));
  return memoised(byNode, idx, () => makeFormula(graph, idx));
}

function makeFormula(graph: Graph, idx: number): Formula {
  const g = graph.nodes[idx];
  const n = g.node;
  switch (n.kind) {
    case 'select':
      return atom(g.inputs[0], g.inputs[1], n.predicate);
    case 'selectNot': {
      const f = formulaOf(graph, g.inputs[0]);
      return { ...f, test: remembered((k, q) => !f.test(k, q)) };
    }
    case 'selectAnd':
    case 'selectOr': {
      const a = formulaOf(graph, g.inputs[0]);
      const b = formulaOf(graph, g.inputs[1]);
      const pairs = new Set([...a.pairs, ...b.pairs]);
      const test =
        n.kind === 'selectAnd'
          ? (k: MaybeValue, q: MaybeValue) => a.test(k, q) && b.test(k, q)
          : (k: MaybeValue, q: MaybeValue) => a.test(k, q) || b.test(k, q);
      return { pairs, pair: a.pair ?? b.pair, test: remembered(test) };
    }
    default:
      throw new Error(`not a selector: ${n.kind}`);
  }
}

/** A part of a selector that compares several pairs of s-ops: selector node `node`, negated or not. */
export interface CompositePart {
  readonly node: number;
  readonly negated: boolean;
}

export function compositeKey(c: CompositePart): string {
  return `${c.node}|${c.negated}`;
}

/** A selector as a conjunction: single-pair groups, and composite parts that products.ts gives groups of their own. */
export interface SelectorSplit {
  readonly groups: readonly SelectorGroup[];
  readonly composites: readonly CompositePart[];
}

/** A selector's split, made once per graph (planning and emission ask for it; so does products.ts). */
const splitsByGraph = new WeakMap<Graph, Map<number, SelectorSplit>>();

export function selectorSplit(graph: Graph, idx: number): SelectorSplit {
  let byNode = splitsByGraph.get(graph);
  if (!byNode) splitsByGraph.set(graph, (byNode = new Map()));
  return memoised(byNode, idx, () => splitSelector(graph, idx));
}

/**
 * The selector as a conjunction of single-pair groups (De Morgan pushes `not` through and/or), a
 * composite part standing for the group products.ts made of it (`graph.products`).
 */
export function selectorGroups(graph: Graph, idx: number): readonly SelectorGroup[] {
  let byNode = groupsByGraph.get(graph);
  if (!byNode) groupsByGraph.set(graph, (byNode = new Map()));
  return memoised(byNode, idx, () => {
    const split = selectorSplit(graph, idx);
    const composites = split.composites.map((c) => {
      const g = graph.products?.get(compositeKey(c));
      if (!g) throw new Error(`composite selector part ${compositeKey(c)} has no product s-ops (products.ts runs before planning)`);
      return g;
    });
    return mergeGroups([...split.groups, ...composites]);
  });
}

/** Planning and emission ask for the same selector's groups: one set per graph, so their tables are shared too. */
const groupsByGraph = new WeakMap<Graph, Map<number, readonly SelectorGroup[]>>();

function splitSelector(graph: Graph, idx: number): SelectorSplit {
  const groups: SelectorGroup[] = [];
  const composites: CompositePart[] = [];
  // A conjunction read twice adds nothing: each sub-selector is split once.
  const visited = new Set<string>();
  const visit = (i: number, negated: boolean): void => {
    const seen = `${i}|${negated}`;
    if (visited.has(seen)) return;
    visited.add(seen);
    const f = formulaOf(graph, i);
    if (f.pairs.size <= 1) {
      const [keys, queries] = f.pair ?? [-1, -1];
      groups.push({ keys, queries, table: negated ? (k, q) => !f.test(k, q) : f.test });
      return;
    }
    const n = graph.nodes[i].node;
    const [l, r] = graph.nodes[i].inputs;
    if (n.kind === 'selectAnd' && !negated) return (visit(l, false), visit(r, false));
    if (n.kind === 'selectOr' && negated) return (visit(l, true), visit(r, true));
    if (n.kind === 'selectNot') return visit(graph.nodes[i].inputs[0], !negated);
    composites.push({ node: i, negated });
  };
  visit(idx, false);
  return { groups, composites };
}

/** Groups over the same pair are one group (their conjunction), so G counts distinct pairs. */
function mergeGroups(groups: readonly SelectorGroup[]): SelectorGroup[] {
  const merged = new Map<string, SelectorGroup>();
  for (const g of groups) {
    const key = `${g.keys}|${g.queries}`;
    const prev = merged.get(key);
    merged.set(key, prev ? { ...g, table: (k, q) => prev.table(k, q) && g.table(k, q) } : g);
  }
  return [...merged.values()];
}

/**
 * What a composite part compares: the key s-ops and the query s-ops its atoms read (graph indices,
 * ascending), and whether it selects, given a value of each (`k[i]` of `keys[i]`, `q[j]` of `queries[j]`).
 */
export interface CompositeTest {
  readonly keys: readonly number[];
  readonly queries: readonly number[];
  readonly test: (k: readonly MaybeValue[], q: readonly MaybeValue[]) => boolean;
}

export function compositeTest(graph: Graph, part: CompositePart): CompositeTest {
  const keySet = new Set<number>();
  const querySet = new Set<number>();
  const collect = (i: number): void => {
    const g = graph.nodes[i];
    if (g.node.kind === 'select') {
      if (g.node.predicate === 'TRUE' || g.node.predicate === 'FALSE') return;
      keySet.add(g.inputs[0]);
      querySet.add(g.inputs[1]);
    } else g.inputs.forEach(collect);
  };
  collect(part.node);
  const keys = [...keySet].sort((a, b) => a - b);
  const queries = [...querySet].sort((a, b) => a - b);
  type Test = CompositeTest['test'];
  const build = (i: number): Test => {
    const g = graph.nodes[i];
    const n = g.node;
    switch (n.kind) {
      case 'select': {
        const f = atom(g.inputs[0], g.inputs[1], n.predicate);
        if (!f.pair) return () => f.test(null, null);
        const ki = keys.indexOf(g.inputs[0]);
        const qi = queries.indexOf(g.inputs[1]);
        return (k, q) => f.test(k[ki], q[qi]);
      }
      case 'selectNot': {
        const a = build(g.inputs[0]);
        return (k, q) => !a(k, q);
      }
      case 'selectAnd':
      case 'selectOr': {
        const a = build(g.inputs[0]);
        const b = build(g.inputs[1]);
        return n.kind === 'selectAnd' ? (k, q) => a(k, q) && b(k, q) : (k, q) => a(k, q) || b(k, q);
      }
      default:
        throw new Error(`not a selector: ${n.kind}`);
    }
  };
  const t = build(part.node);
  return { keys, queries, test: part.negated ? (k, q) => !t(k, q) : t };
}

export interface GroupSides {
  readonly keyDomain: readonly MaybeValue[];
  readonly queryDomain: readonly MaybeValue[];
  /** Indicators of the key / query s-op's values (asked for only when the table depends on that side). */
  readonly keyRepr: () => readonly CatEntry[];
  readonly queryRepr: () => readonly CatEntry[];
}

/**
 * Each value's indicator, the first entry's where two share a value. A lookup, not a scan: the
 * query × key loop asks it once per pair, over value sets that grow with the maximum length.
 */
function indicators(entries: readonly CatEntry[]): (v: MaybeValue) => LinComb | undefined {
  const byKey = new Map<string, LinComb>();
  for (const e of entries) {
    const k = valueKey(e.value);
    if (!byKey.has(k)) byKey.set(k, e.ind);
  }
  return (v) => byKey.get(valueKey(v));
}

/**
 * A group's table over (query, key) values: planning asks for it to learn which sides it reads,
 * emission to write the scores, and over two value sets of n² values each it is n⁴ evaluations,
 * so it is kept with the group for the domains it was made over.
 */
const tables = new WeakMap<SelectorGroup, { keys: readonly MaybeValue[]; queries: readonly MaybeValue[]; T: boolean[][] }>();

function sameValues(a: readonly MaybeValue[], b: readonly MaybeValue[]): boolean {
  return a === b || (a.length === b.length && a.every((v, i) => v === b[i]));
}

function tableOf(g: SelectorGroup, keyDomain: readonly MaybeValue[], queryDomain: readonly MaybeValue[]): boolean[][] {
  const hit = tables.get(g);
  if (hit && sameValues(hit.keys, keyDomain) && sameValues(hit.queries, queryDomain)) return hit.T;
  const T = queryDomain.map((q) => keyDomain.map((k) => g.table(k, q)));
  tables.set(g, { keys: keyDomain, queries: queryDomain, T });
  return T;
}

function sidesRead(T: readonly (readonly boolean[])[]): { keys: boolean; queries: boolean } {
  const keyFree = T.every((row) => row.every((t) => t === row[0]));
  const queryFree = (T[0] ?? []).every((_, j) => T.every((row) => row[j] === T[0][j]));
  return { keys: !keyFree, queries: !queryFree };
}

/**
 * Which sides' indicators a group's scores read: a table that does not depend on the key (or the
 * query) side reads `one` there instead, so those directions are not read for nothing.
 */
export function groupReads(g: SelectorGroup, keyDomain: readonly MaybeValue[], queryDomain: readonly MaybeValue[]): { keys: boolean; queries: boolean } {
  return sidesRead(tableOf(g, keyDomain, queryDomain));
}

/** Adds S·table(k, q) as a bilinear form to `qk`, over the sides groupReads says it reads. */
export function addGroupScores(qk: Map<Dir, Map<Dir, number>>, g: SelectorGroup, sides: GroupSides, S = SCORE): void {
  const ks = sides.keyDomain;
  const qs = sides.queryDomain;
  const T = tableOf(g, ks, qs);
  const reads = sidesRead(T);
  const keyFree = !reads.keys;
  const queryFree = !reads.queries;
  const one = unit(ONE);
  if (keyFree && queryFree) {
    if (T.length && T[0].length && T[0][0]) addOuter(qk, one, one, S);
    return;
  }
  if (keyFree) {
    const indicator = indicators(sides.queryRepr());
    qs.forEach((q, i) => T[i][0] && addOuter(qk, indicator(q) ?? lin(), one, S));
    return;
  }
  if (queryFree) {
    const indicator = indicators(sides.keyRepr());
    ks.forEach((k, j) => T[0][j] && addOuter(qk, one, indicator(k) ?? lin(), S));
    return;
  }
  const queryIndicator = indicators(sides.queryRepr());
  const keyIndicator = indicators(sides.keyRepr());
  const ik = ks.map(keyIndicator);
  const keys = S > 0 && ik.every((v) => !v || positive(v)) ? ik.map((v) => v && { dirs: [...v.keys()], coefs: [...v.values()] }) : undefined;
  qs.forEach((q, i) => {
    const iq = queryIndicator(q);
    if (!iq) return;
    if (keys && iq.size === 1 && positive(iq)) return addQueryRow(qk, iq, T[i], keys, S);
    ks.forEach((_, j) => {
      if (T[i][j] && ik[j]) addOuter(qk, iq, ik[j], S);
    });
  });
}

function positive(v: LinComb): boolean {
  for (const c of v.values()) if (!(c > 0)) return false;
  return true;
}

/**
 * What `addOuter(qk, iq, ik[j], S)` for each selected key j adds, for a query indicator of one
 * direction and key indicators of positive coefficients (one-hot ones): no sum then cancels, so no
 * row is ever emptied and put back at the end, and the row can be fetched once rather than per pair
 * (a score over two large value sets has value-set² pairs). Same entries, in the same order.
 */
function addQueryRow(
  qk: Map<Dir, Map<Dir, number>>,
  iq: LinComb,
  selected: readonly boolean[],
  keys: readonly ({ dirs: Dir[]; coefs: number[] } | undefined)[],
  S: number,
): void {
  const [[r, a]] = iq;
  let line = qk.get(r);
  for (let j = 0; j < keys.length; j++) {
    const k = keys[j];
    if (!selected[j] || !k) continue;
    for (let t = 0; t < k.dirs.length; t++) {
      const x = a * k.coefs[t] * S;
      if (x === 0) continue; // as addTo skips it (an underflow)
      if (!line) qk.set(r, (line = new Map()));
      const c = k.dirs[t];
      line.set(c, (line.get(c) ?? 0) + x);
    }
  }
}

/** The BOS key's score: `level`·S for every query (read from one + bos). */
export function addBosScore(qk: Map<Dir, Map<Dir, number>>, level: number, S = SCORE): void {
  addOuter(
    qk,
    lin([
      [ONE, 1],
      [BOS_DIR, 1],
    ]),
    unit(BOS_DIR),
    S * level,
  );
}
