/**
 * Pass 1: program → graph. Every node reachable from the output, in topological order, with the
 * nodes that read it. Leaves are canonical (every TokensNode of one cast is one node, every IndicesNode one,
 * every LengthNode one) and structurally identical nodes are merged, so a sub-expression the
 * program spells twice is computed once.
 *
 * A graph depends on its program alone and nothing changes it once made (products.ts adds its
 * s-ops to a copy), so each program's is made once: compiling one program again, at another
 * length or over another vocabulary, starts from the same graph, and finds what blocks/selector.ts
 * keeps per graph (each selector's formula and split, and its tables per value set) made too.
 */
import { children, isSelector, topoSort, type RaspNode } from '../src/rasp/ast.ts';
import { encodingOf } from '../src/rasp/encoding.ts';
import type { Program } from '../src/rasp/program.ts';
import type { SelectorGroup } from './blocks/selector.ts';
import { valueKey } from '../src/rasp/values.ts';
import { memoised } from './memo.ts';

export interface GraphNode {
  /** Position in the topological order (inputs always come first). */
  readonly index: number;
  /** The representative AST node (the first one met among those merged into this node). */
  readonly node: RaspNode;
  /** Graph indices of the nodes this one reads, in `children()` order. */
  readonly inputs: readonly number[];
  /** Graph indices of the nodes that read this one. */
  readonly consumers: number[];
  /** A name unique within the graph: the program's name for the node when it has one. */
  name: string;
}

export interface Graph {
  readonly nodes: readonly GraphNode[];
  /** Graph index of the program's output. */
  readonly output: number;
  /** AST node id → graph index, for every AST node reachable from the output. */
  readonly canon: ReadonlyMap<number, number>;
  /** What each of the program's names means in its scope (its last assignment), where reachable. */
  readonly scope: ReadonlyMap<string, number>;
  /**
   * The group each composite selector part is read through (blocks/selector.ts's compositeKey →
   * a group over the product s-ops products.ts added to `nodes`); absent before that pass.
   */
  readonly products?: ReadonlyMap<string, SelectorGroup>;
}

/** Names compiled models reserve for fixed residual directions. */
const RESERVED = new Set(['one', 'bos']);

const fnIds = new WeakMap<object, number>();
let nextFnId = 1;
function fnKey(n: Extract<RaspNode, { kind: 'map' }>): string {
  if (n.fn.kind === 'expr') return `e${n.fn.arity}:${JSON.stringify(n.fn.body)}`;
  // Native closures can capture anything: only the same function object is the same function.
  let id = fnIds.get(n.fn.fn);
  if (id === undefined) fnIds.set(n.fn.fn, (id = nextFnId++));
  return `f${id}`;
}

/** A key equal for two nodes exactly when they compute the same thing from the same canonical inputs. */
function structuralKey(n: RaspNode, ins: readonly number[]): string {
  const enc = isSelector(n) ? '' : encodingOf(n);
  switch (n.kind) {
    case 'tokens':
      return `tokens|${n.cast}`;
    case 'indices':
    case 'length':
      return n.kind;
    case 'const':
      return `const|${valueKey(n.value)}|${enc}`;
    case 'map':
      return `map|${fnKey(n)}|${ins.join(',')}|${enc}`;
    case 'aggregate':
      return `agg|${ins.join(',')}|${n.defaultValue === null ? 'null' : valueKey(n.defaultValue)}|${enc}`;
    case 'selectorWidth':
      return `sw|${ins.join(',')}`;
    case 'select':
      return `select|${ins.join(',')}|${n.predicate}`;
    case 'selectAnd':
    case 'selectOr':
    case 'selectNot':
      return `${n.kind}|${ins.join(',')}`;
  }
}

const graphs = new WeakMap<Program, Graph>();

export function buildGraph(program: Program): Graph {
  return memoised(graphs, program, () => makeGraph(program));
}

function makeGraph(program: Program): Graph {
  const nodes: GraphNode[] = [];
  const canon = new Map<number, number>();
  const byKey = new Map<string, number>();
  for (const n of topoSort([program.output])) {
    const ins = children(n).map((c) => canon.get(c.id)!);
    const key = structuralKey(n, ins);
    let idx = byKey.get(key);
    if (idx === undefined) {
      idx = nodes.length;
      byKey.set(key, idx);
      nodes.push({ index: idx, node: n, inputs: ins, consumers: [], name: '' });
      for (const i of new Set(ins)) nodes[i].consumers.push(idx);
    }
    canon.set(n.id, idx);
  }
  const output = canon.get(program.output.id)!;
  assignNames(nodes, program, output, canon);
  const scope = new Map([...program.named].flatMap(([name, n]) => (canon.has(n.id) ? [[name, canon.get(n.id)!] as const] : [])));
  return { nodes, output, canon, scope };
}

/**
 * Unique names: the name the program gave (the output may also take the program's name), else
 * `kind_index`. Two different nodes given one name are told apart by a suffix.
 */
function assignNames(nodes: GraphNode[], program: Program, output: number, canon: Map<number, number>): void {
  const wanted = new Map<number, string>();
  for (const [name, n] of program.named) {
    const idx = canon.get(n.id);
    if (idx !== undefined && !wanted.has(idx)) wanted.set(idx, name);
  }
  for (const g of nodes) {
    if (wanted.has(g.index)) continue;
    if (g.node.name) wanted.set(g.index, g.node.name);
    else if (g.node.kind === 'tokens' || g.node.kind === 'indices' || g.node.kind === 'length') wanted.set(g.index, g.node.kind);
  }
  if (!wanted.has(output)) wanted.set(output, program.name);
  const used = new Set<string>(RESERVED);
  // Leaves first so `tokens` and `indices` keep their names whatever the program calls other nodes.
  const order = [...nodes].sort((a, b) => rank(a) - rank(b) || a.index - b.index);
  for (const g of order) {
    // An empty name would label nothing.
    const base = (wanted.get(g.index) ?? `${g.node.kind}_${g.index}`) || 'sop';
    let name = base;
    for (let k = 2; used.has(name); k++) name = `${base}_${k}`;
    used.add(name);
    g.name = name;
  }
}

function rank(g: GraphNode): number {
  return g.node.kind === 'tokens' || g.node.kind === 'indices' ? 0 : 1;
}
