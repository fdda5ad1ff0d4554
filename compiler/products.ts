/**
 * Pass 2½: composite selectors. A selector part that compares several pairs of s-ops
 * (`select(k, k, <) or (select(k, k, ==) and select(indices, indices, <))`, rasplib's
 * `sel or select(indices, 0, ==)`) has no score that is a sum of per-pair bilinear forms with its
 * selected keys at one level: for a fixed query, such a sum's top level is a product of per-s-op
 * sets, and a disjunction is not one. A bilinear score can hold any table between one s-op of the
 * key side and one of the query side, so each side reads one s-op whose values tell apart what that
 * side compares:
 *
 *   - no s-op (or only single-valued ones, constants among them): the side reads `one`;
 *   - one s-op: that s-op, as a single-pair select would;
 *   - several: a categorical map of them (a graph node added here, planned like any map: fused with
 *     the maps it reads, one MLP neuron per combination of their values), whose values are the
 *     classes of value combinations the table cannot tell apart (two keys whose columns agree on
 *     every query are one value), so its one-hot form is as small as the table allows.
 *
 * The map is RASP: a mixed-radix code of its inputs (`(tokens - 1) * 5 + indices`), indexed into
 * the list of classes when classes merge codes (`[0, 1, 1, 2][…]`), so its MLP's label reads back.
 * A program without composite parts passes through unchanged.
 */
import { MapNode, type ScalarExpr, type SOp } from '../src/rasp/ast.ts';
import { nodeWithDefinition } from '../src/rasp/describe.ts';
import { encodingOf } from '../src/rasp/encoding.ts';
import { RaspError } from '../src/rasp/errors.ts';
import { ceilingOf, raiseHint } from '../src/rasp/limits.ts';
import { applyScalarFn } from '../src/rasp/scalar.ts';
import type { ValueSet } from '../src/rasp/valueSets.ts';
import { valueKey, type MaybeValue, type Value } from '../src/rasp/values.ts';
import { compositeKey, compositeTest, selectorSplit, type CompositePart, type SelectorGroup } from './blocks/selector.ts';
import type { Graph, GraphNode } from './graph.ts';
import { domain, type Spaces } from './spaces.ts';

/** One s-op added to read a composite part's side: what the compile reports as the cost of the part. */
export interface SelectorProduct {
  /** Graph index of the added map. */
  readonly node: number;
  /** Its name (the selector's, `.keys`, `.queries` or `.keys_queries`). */
  readonly name: string;
  /** The selector whose part it reads. */
  readonly selector: string;
  readonly side: 'keys' | 'queries' | 'keys and queries';
  /** The s-ops it combines. */
  readonly reads: readonly string[];
  /** How many values (one-hot directions) it has, and how many value combinations it tells apart. */
  readonly values: number;
  readonly combinations: number;
}

export interface WithProducts {
  readonly graph: Graph;
  readonly spaces: Spaces;
  readonly products: readonly SelectorProduct[];
}

export function addSelectorProducts(graph: Graph, spaces: Spaces): WithProducts {
  const parts = new Map<string, { part: CompositePart; selector: number }>();
  for (const g of graph.nodes) {
    if (g.node.kind !== 'aggregate' && g.node.kind !== 'selectorWidth') continue;
    for (const part of selectorSplit(graph, g.inputs[0]).composites) {
      const key = compositeKey(part);
      if (!parts.has(key)) parts.set(key, { part, selector: g.inputs[0] });
    }
  }
  if (parts.size === 0) return { graph, spaces, products: [] };
  return new Products(graph, spaces).run([...parts.values()]);
}

/** Every combination of the values in `domains`, the last varying fastest. */
function tuples(domains: readonly (readonly MaybeValue[])[]): MaybeValue[][] {
  let out: MaybeValue[][] = [[]];
  for (const d of domains) out = out.flatMap((t) => d.map((v) => [...t, v]));
  return out;
}

/** Class index of each item by its signature, numbered in order of first appearance. */
function classes(signatures: readonly string[]): { of: number[]; count: number } {
  const ids = new Map<string, number>();
  const of = signatures.map((s) => {
    let id = ids.get(s);
    if (id === undefined) ids.set(s, (id = ids.size));
    return id;
  });
  return { of, count: ids.size };
}

const param = (index: number): ScalarExpr => ({ op: 'param', index });
const num = (value: number): ScalarExpr => ({ op: 'const', value });
const bin = (fn: '+' | '-' | '*', left: ScalarExpr, right: ScalarExpr): ScalarExpr => ({ op: 'binary', fn, left, right });

/** A code 0 ≤ c < radix telling apart an s-op's values: the value itself (shifted) for a dense integer range, else Σ j·indicator(x == v_j). */
function valueCode(values: readonly Value[], index: number): { expr: ScalarExpr; radix: number } {
  const x = param(index);
  if (values.every((v) => typeof v === 'number' && Number.isInteger(v))) {
    const lo = Math.min(...(values as number[]));
    const span = Math.max(...(values as number[])) - lo + 1;
    if (span <= 2 * values.length) return { expr: lo === 0 ? x : lo > 0 ? bin('-', x, num(lo)) : bin('+', x, num(-lo)), radix: span };
  }
  let expr: ScalarExpr | undefined;
  values.forEach((v, j) => {
    if (j === 0) return;
    const ind: ScalarExpr = { op: 'unary', fn: 'indicator', arg: { op: 'binary', fn: '==', left: x, right: { op: 'const', value: v } } };
    const term = j === 1 ? ind : bin('*', num(j), ind);
    expr = expr ? bin('+', expr, term) : term;
  });
  return { expr: expr ?? num(0), radix: values.length };
}

class Products {
  private readonly nodes: GraphNode[];
  private readonly sets: (ValueSet | undefined)[];
  private readonly encodings: Spaces['encodings'][number][];
  private readonly canon: Map<number, number>;
  private readonly groups = new Map<string, SelectorGroup>();
  private readonly products: SelectorProduct[] = [];
  /** Added maps by what they compute, so two sides (or parts) that need the same one share it. */
  private readonly byBody = new Map<string, number>();
  private readonly used: Set<string>;

  constructor(
    private readonly graph: Graph,
    spaces: Spaces,
  ) {
    this.nodes = graph.nodes.map((g) => ({ ...g, consumers: [...g.consumers] }));
    this.sets = [...spaces.sets];
    this.encodings = [...spaces.encodings];
    this.canon = new Map(graph.canon);
    this.used = new Set(graph.nodes.map((g) => g.name));
  }

  run(parts: readonly { part: CompositePart; selector: number }[]): WithProducts {
    for (const { part, selector } of parts) this.groups.set(compositeKey(part), this.group(part, selector));
    return {
      graph: { ...this.graph, nodes: this.nodes, canon: this.canon, products: this.groups },
      spaces: { sets: this.sets, encodings: this.encodings },
      products: this.products,
    };
  }

  private group(part: CompositePart, selector: number): SelectorGroup {
    const t = compositeTest(this.graph, part);
    const sel = this.graph.nodes[part.node].node;
    const dom = (i: number) => {
      const set = this.sets[i]!;
      if (set.mayBeNull) throw new RaspError(`cannot compile ${nodeWithDefinition(sel)}: it compares an s-op that can be undefined`, sel.loc);
      return domain(set);
    };
    const keyDomains = t.keys.map(dom);
    const queryDomains = t.queries.map(dom);
    const size = (ds: readonly (readonly MaybeValue[])[]) => ds.reduce((p, d) => p * d.length, 1);
    const limit = ceilingOf('valueSet');
    for (const ds of [keyDomains, queryDomains])
      if (size(ds) > limit)
        throw new RaspError(
          `cannot compile ${nodeWithDefinition(sel)}: its ${size(ds)} combinations of compared values exceed the limit of ${limit}; ` +
            `use a smaller vocabulary or maximum length, or ${raiseHint('valueSet')}`,
          sel.loc,
        );
    if (size(keyDomains) * size(queryDomains) > 100 * limit)
      throw new RaspError(
        `cannot compile ${nodeWithDefinition(sel)}: its table of ${size(keyDomains)} × ${size(queryDomains)} combinations of compared values ` +
          `exceeds the limit of ${100 * limit}; use a smaller vocabulary or maximum length, or ${raiseHint('valueSet')}`,
        sel.loc,
      );
    const ks = tuples(keyDomains);
    const qs = tuples(queryDomains);
    const T = qs.map((q) => ks.map((k) => t.test(k, q)));
    const keyClasses = classes(ks.map((_, j) => T.map((row) => (row[j] ? '1' : '0')).join('')));
    const queryClasses = classes(T.map((row) => row.map((b) => (b ? '1' : '0')).join('')));
    const name = this.nodes[selector].name;
    const keySide = this.side(t.keys, keyDomains, ks, keyClasses, name, 'keys');
    const querySide = this.side(t.queries, queryDomains, qs, queryClasses, name, 'queries');
    // The table over the two sides' values, through each value's first combination.
    const firstIndex = (values: readonly MaybeValue[]) => {
      const at = new Map<string, number>();
      values.forEach((v, i) => !at.has(valueKey(v)) && at.set(valueKey(v), i));
      return at;
    };
    const kAt = firstIndex(keySide.values);
    const qAt = firstIndex(querySide.values);
    return {
      keys: keySide.node,
      queries: querySide.node,
      table: (k, q) => {
        const j = kAt.get(valueKey(k));
        const i = qAt.get(valueKey(q));
        return i !== undefined && j !== undefined && T[i][j];
      },
    };
  }

  /**
   * The s-op one side reads (-1: none) and its value at each combination of `parts`' values.
   * Single-valued s-ops carry nothing; one varying s-op is read as it is; several, through a map.
   */
  private side(
    parts: readonly number[],
    domains: readonly (readonly MaybeValue[])[],
    combos: readonly MaybeValue[][],
    cls: { of: number[]; count: number },
    selector: string,
    side: 'keys' | 'queries',
  ): { node: number; values: MaybeValue[] } {
    const varying = parts.flatMap((p, i) => (domains[i].length > 1 ? [i] : []));
    if (varying.length === 0) return { node: -1, values: combos.map(() => null) };
    if (varying.length === 1) return { node: parts[varying[0]], values: combos.map((c) => c[varying[0]]) };
    const codes = varying.map((i, j) => valueCode(domains[i] as Value[], j));
    let code = codes[0].expr;
    for (let j = 1; j < codes.length; j++) code = bin('+', bin('*', code, num(codes[j].radix)), codes[j].expr);
    const fn = { kind: 'expr' as const, arity: varying.length, body: code };
    const codeOf = combos.map((c) =>
      Number(
        applyScalarFn(
          fn,
          varying.map((i) => c[i] as Value),
        ),
      ),
    );
    // Codes tell apart every combination; classes merge those the table cannot tell apart.
    const classOfCode = new Map<number, number>();
    codeOf.forEach((c, k) => classOfCode.set(c, cls.of[k]));
    if (codeOf.some((c, k) => classOfCode.get(c) !== cls.of[k])) {
      const sel = this.nodes.find((g) => g.name === selector)!.node;
      throw new RaspError(
        `cannot compile ${nodeWithDefinition(sel)}: the values it compares cannot be told apart by a code (True and 1 in one s-op?)`,
        sel.loc,
      );
    }
    let body = code;
    let values: MaybeValue[] = codeOf;
    if (cls.count < classOfCode.size) {
      const list = Array.from({ length: Math.max(...codeOf) + 1 }, (_, c) => classOfCode.get(c) ?? 0);
      body = { op: 'index', list, index: code };
      values = cls.of;
    }
    return {
      node: this.addMap(
        varying.map((i) => parts[i]),
        body,
        values,
        selector,
        side,
      ),
      values,
    };
  }

  private addMap(inputs: readonly number[], body: ScalarExpr, values: readonly MaybeValue[], selector: string, side: 'keys' | 'queries'): number {
    const key = `${inputs.join(',')}|${JSON.stringify(body)}`;
    const known = this.byBody.get(key);
    if (known !== undefined) {
      const p = this.products.findIndex((x) => x.node === known);
      const prev = this.products[p];
      if (prev.side !== side && prev.side !== 'keys and queries') {
        const name = this.rename(known, `${selector}.keys_queries`);
        this.products[p] = { ...prev, name, side: 'keys and queries' };
      }
      return known;
    }
    let map: SOp = new MapNode(
      { kind: 'expr', arity: inputs.length, body },
      inputs.map((i) => this.nodes[i].node as SOp),
    );
    if (encodingOf(map) === 'numerical') map = map.withEncoding('categorical');
    const index = this.nodes.length;
    const name = this.unique(`${selector}.${side}`);
    this.nodes.push({ index, node: map, inputs, consumers: [], name });
    for (const i of new Set(inputs)) this.nodes[i].consumers.push(index);
    this.canon.set(map.id, index);
    const distinct = [...new Map(values.map((v) => [valueKey(v), v])).values()] as number[];
    this.sets.push({ values: distinct.sort((a, b) => a - b), mayBeNull: false });
    this.encodings.push('categorical');
    this.byBody.set(key, index);
    this.products.push({
      node: index,
      name,
      selector,
      side,
      reads: inputs.map((i) => this.nodes[i].name),
      values: distinct.length,
      combinations: values.length,
    });
    return index;
  }

  private unique(base: string): string {
    let name = base;
    for (let k = 2; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  private rename(index: number, base: string): string {
    this.used.delete(this.nodes[index].name);
    const name = this.unique(base);
    this.nodes[index] = { ...this.nodes[index], name };
    return name;
  }
}
