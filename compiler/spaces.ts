/**
 * Pass 2: value sets and encodings per graph node, and the residual basis.
 *
 * Which forms each s-op gets is planned on demand by planner.ts — a categorical one (indicators
 * per value) where a select, a categorical aggregate, an MLP lookup or a categorical output reads
 * it; a numerical one (a single line) where a numerical aggregate or a numerical output does — so a
 * direction exists only if something reads it. This module holds the sets those decisions come
 * from and the registry, filled during emission, that orders and labels the directions.
 */
import { isSOp, type Encoding } from '../src/rasp/ast.ts';
import { inferEncodings } from '../src/rasp/encoding.ts';
import { inferValueSets, type ValueSet } from '../src/rasp/valueSets.ts';
import { compareValues, valueKey, type MaybeValue, type Value } from '../src/rasp/values.ts';
import type { Graph } from './graph.ts';
import { BOS_DIR, ONE, type Dir } from './linalg.ts';
import type { DirInfo } from './types.ts';

export interface Spaces {
  /** Value set of each s-op node, by graph index (undefined for selectors). */
  readonly sets: readonly (ValueSet | undefined)[];
  readonly encodings: readonly (Encoding | undefined)[];
}

export interface SpaceTask {
  readonly vocab: readonly Value[];
  readonly maxLen: number;
}

/**
 * `averaged`: the categorical aggregates of numbers (graph indices) found averaging (copies.ts),
 * held as numerical aggregates: their sets hold the means, and what reads them follows.
 */
export function inferSpaces(graph: Graph, task: SpaceTask, averaged: ReadonlySet<number> = new Set()): Spaces {
  const roots = [graph.nodes[graph.output].node];
  // Every program node merged into one of them, so that a map reading any of its copies sees the means.
  const ids = new Set([...graph.canon].flatMap(([id, i]) => (averaged.has(i) ? [id] : [])));
  const byId = inferValueSets(roots, { vocab: task.vocab, maxLen: task.maxLen, averaged: ids });
  const byEncoding = inferEncodings(roots, ids);
  const sets = graph.nodes.map((g) => {
    if (!isSOp(g.node)) return undefined;
    const s = byId.get(g.node.id)!;
    // Tracr's length is 1..N; an empty input never reaches a model, so neither does length 0.
    return s;
  });
  const encodings = graph.nodes.map((g) => (isSOp(g.node) ? byEncoding.get(g.node.id) : undefined));
  return { sets, encodings };
}

/** Every value an s-op can hold at a position, undefined (null) included when it can be. */
export function domain(set: ValueSet): MaybeValue[] {
  return set.mayBeNull ? [...set.values, null] : [...set.values];
}

/** The values side `i` of a selector group compares: node i's domain, or the one value null where the side reads nothing (-1). */
export function sideDomain(sets: { set(i: number): ValueSet }, i: number): MaybeValue[] {
  return i < 0 ? [null] : domain(sets.set(i));
}

/**
 * A direction's key in the sparse vectors blocks are built from: one function of what it is, and
 * unambiguous whatever an s-op is called (its length comes first; then a value's `valueKey`, a
 * temporary's name or nothing, each marked). The fixed directions keep their names (`one`, `bos`).
 * Plain concatenation: a compile makes a key per direction, and JSON.stringify of an array cost
 * more than the rest of registering it.
 */
function dirKey(role: DirInfo['role'], sop: string, value: Value | undefined, temporary: string | undefined): Dir {
  if (role === 'fixed') return sop;
  const what = value !== undefined ? `v${valueKey(value)}` : temporary !== undefined ? `t${temporary}` : '-';
  return `${role}:${sop.length}:${sop}:${what}`;
}

/** What an aggregate's head writes where it selects nothing (a temporary). */
export const NONE_SELECTED = 'none_selected';

/** How labels name temporary `what` of s-op `sop`. */
export function temporaryName(sop: string, what: string): string {
  return `${sop}:${what}`;
}

/** The residual basis under construction: directions in the order of DESIGN (one, bos, tokens, indices, s-ops, temporaries). */
export class Basis {
  /** Each direction with the order it was first named in (the last tie-break of `ordered`). */
  private readonly infos = new Map<Dir, { readonly info: DirInfo; readonly seq: number }>();
  /**
   * Each direction's key by role and s-op, then by value (or temporary; undefined for a line): blocks
   * ask for the same directions once per entry they write, and a key is made once per direction.
   * Map keys tell 1 from "1" and true as `valueKey` does. Every caller gets the one string, so the
   * sparse maps keyed by it compare keys by identity.
   */
  private readonly keys = new Map<string, Map<string, Map<Value | string | undefined, Dir>>>();
  private seq = 0;

  constructor() {
    this.add('fixed', 0, ONE, 'numerical');
    this.add('fixed', 1, BOS_DIR, 'numerical');
  }

  /** The direction, named now if it is new: every DirInfo has the one shape (absent fields undefined), so reading them stays fast. */
  private add(role: DirInfo['role'], order: number, sop: string, encoding: DirInfo['encoding'], value?: Value, temporary?: string): Dir {
    let bySop = this.keys.get(role);
    if (!bySop) this.keys.set(role, (bySop = new Map()));
    let byValue = bySop.get(sop);
    if (!byValue) bySop.set(sop, (byValue = new Map()));
    const at = value !== undefined ? value : temporary;
    const known = byValue.get(at);
    if (known !== undefined) return known;
    const dir = dirKey(role, sop, value, temporary);
    byValue.set(at, dir);
    if (!this.infos.has(dir)) this.infos.set(dir, { info: { dir, role, order, sop, value, temporary, encoding }, seq: this.seq++ });
    return dir;
  }

  /** The one-hot direction of value `v` of the input `kind` (graph node `order`). */
  input(kind: 'tokens' | 'indices', order: number, v: Value): Dir {
    return this.add(kind, order, kind, 'categorical', v);
  }

  /** The one-hot direction of value `v` of s-op `sop` (graph node `order`). */
  value(order: number, sop: string, v: Value): Dir {
    return this.add('sop', order, sop, 'categorical', v);
  }

  /** The single direction of numerical s-op `sop` (graph node `order`). */
  line(order: number, sop: string): Dir {
    return this.add('sop', order, sop, 'numerical');
  }

  /** A temporary `what` of node `order`'s head: may be non-zero at BOS. */
  temporary(order: number, sop: string, what: string): Dir {
    return this.add('temp', order, sop, 'numerical', undefined, what);
  }

  isTemporary(d: Dir): boolean {
    return this.infos.get(d)?.info.role === 'temp';
  }

  has(d: Dir): boolean {
    return this.infos.has(d);
  }

  info(d: Dir): DirInfo | undefined {
    return this.infos.get(d)?.info;
  }

  /** The directions kept by `keep`, in basis order. */
  ordered(keep: (d: Dir) => boolean = () => true): DirInfo[] {
    const rank = { fixed: 0, tokens: 1, indices: 2, sop: 3, temp: 4 } as const;
    return [...this.infos.values()]
      .filter((e) => keep(e.info.dir))
      .sort(({ info: a, seq: s }, { info: b, seq: t }) => rank[a.role] - rank[b.role] || a.order - b.order || byValue(a, b) || s - t)
      .map((e) => e.info);
  }
}

/** One-hot directions of one s-op in value order; its numerical direction (no value) first. */
function byValue(a: DirInfo, b: DirInfo): number {
  if (a.sop !== b.sop) return 0;
  if (a.value === undefined || b.value === undefined) return (a.value === undefined ? 0 : 1) - (b.value === undefined ? 0 : 1);
  return compareValues(a.value, b.value);
}
