/**
 * The RASP abstract syntax: sequence operations (s-ops) and selectors, as a DAG of nodes.
 *
 * Everything downstream (evaluator, value sets, compiler, probes) reads these nodes. They are
 * immutable once built; `named()` and `withEncoding()` return copies with a fresh id.
 * Element-wise functions are data (`ScalarExpr`) wherever a program was parsed from text, so
 * opening a `.rasp` file never runs code; the TypeScript builder may also pass a JS function.
 */
import type { SourceLoc } from './errors.ts';
import type { TokenCast } from './tokenCasts.ts';
import type { Value } from './values.ts';

export type Encoding = 'categorical' | 'numerical';
export type Comparison = '==' | '!=' | '<' | '<=' | '>' | '>=';
/** A selection predicate: a comparison of key to query, or the constant selectors. */
export type Predicate = Comparison | 'TRUE' | 'FALSE';
export const COMPARISONS: readonly Comparison[] = ['==', '!=', '<', '<=', '>', '>='];
export const PREDICATES: readonly Predicate[] = [...COMPARISONS, 'TRUE', 'FALSE'];

// ---------------------------------------------------------------------------------------------
// Element-wise functions as data
// ---------------------------------------------------------------------------------------------

export type UnaryFn = 'neg' | 'not' | 'round' | 'indicator' | 'abs';
export type BinaryFn = '+' | '-' | '*' | '/' | '%' | '^' | Comparison | 'and' | 'or';

/** A scalar expression over the parameters of a map (parameter i is the i-th input s-op's value). */
export type ScalarExpr =
  | { readonly op: 'param'; readonly index: number }
  /** `float`: a whole number that is a Python float (`2.0`; see `isFloat` in values.ts). */
  | { readonly op: 'const'; readonly value: Value; readonly float?: boolean }
  | { readonly op: 'unary'; readonly fn: UnaryFn; readonly arg: ScalarExpr }
  | { readonly op: 'binary'; readonly fn: BinaryFn; readonly left: ScalarExpr; readonly right: ScalarExpr }
  | { readonly op: 'cond'; readonly test: ScalarExpr; readonly then: ScalarExpr; readonly else: ScalarExpr }
  | { readonly op: 'in'; readonly item: ScalarExpr; readonly list: readonly Value[] }
  /** `floats[i]`: item i is a Python float (absent: none is). */
  | { readonly op: 'index'; readonly list: readonly Value[]; readonly index: ScalarExpr; readonly floats?: readonly boolean[] }
  /**
   * A constant dictionary read at a key (`d[tokens]`): `values[j]` where `keys[j]` equals the key;
   * none is an error. `floats[j]`: value j is a Python float.
   */
  | {
      readonly op: 'lookup';
      readonly keys: readonly Value[];
      readonly values: readonly Value[];
      readonly key: ScalarExpr;
      readonly floats?: readonly boolean[];
    };

/** The function a map applies at each position: an expression (data) or, from the builder only, native code. */
export type ScalarFn =
  | { readonly kind: 'expr'; readonly arity: number; readonly body: ScalarExpr }
  | { readonly kind: 'native'; readonly arity: number; readonly fn: (...args: Value[]) => Value; readonly text: string };

// ---------------------------------------------------------------------------------------------
// Nodes
// ---------------------------------------------------------------------------------------------

let nextId = 1;
/** Fresh node ids; deterministic for a given order of construction. */
export function freshId(): number {
  return nextId++;
}

export interface NodeMeta {
  /** The name the program gave this node (an assignment or `.named()`), if any. */
  readonly name?: string;
  /** An encoding the program stated (`numerical(...)`, `categorical(...)`); else inferred. */
  readonly encoding?: Encoding;
  /** Where in a `.rasp` file this node was written, for error messages. */
  readonly loc?: SourceLoc;
}

abstract class NodeBase {
  readonly id: number = freshId();
  name?: string;
  encoding?: Encoding;
  loc?: SourceLoc;

  /** A copy of this node under a name (tracr's `.named`). */
  named(name: string): this {
    return this.copy({ name });
  }
  /** A copy with a stated encoding (tracr's `numerical` / `categorical` annotations). */
  withEncoding(encoding: Encoding): this {
    return this.copy({ encoding });
  }
  /** A copy that remembers where it was written. */
  at(loc: SourceLoc | undefined): this {
    return loc ? this.copy({ loc }) : this;
  }
  protected copy(meta: NodeMeta): this {
    const c = Object.create(Object.getPrototypeOf(this)) as this;
    Object.assign(c, this, meta);
    (c as { id: number }).id = freshId();
    return c;
  }
  /** The node's name if it has one, else a short description of what it is. */
  get label(): string {
    return this.name ?? `${(this as unknown as { kind: string }).kind}#${this.id}`;
  }
}

/** The input, read as `cast` says (tokenCasts.ts); the builder's `tokens` is the input as it is. */
export class TokensNode extends NodeBase {
  readonly kind = 'tokens' as const;
  constructor(readonly cast: TokenCast = 'asis') {
    super();
  }
}
export class IndicesNode extends NodeBase {
  readonly kind = 'indices' as const;
}
/** The input length at every position (RASP's built-in `length`). */
export class LengthNode extends NodeBase {
  readonly kind = 'length' as const;
}
/** A sequence holding one value at every position (a constant used where an s-op is expected). */
export class ConstNode extends NodeBase {
  readonly kind = 'const' as const;
  /** `float`: the value is a whole Python float (`2.0`), as `isFloat` in values.ts has it. */
  constructor(
    readonly value: Value,
    readonly float = false,
  ) {
    super();
  }
}
/** Element-wise map of one or more s-ops (RASP's `map` and `zipmap`; tracr's Map and SequenceMap). */
export class MapNode extends NodeBase {
  readonly kind = 'map' as const;
  constructor(
    readonly fn: ScalarFn,
    readonly inputs: readonly SOp[],
  ) {
    super();
    if (fn.arity !== inputs.length) throw new Error(`map of arity ${fn.arity} given ${inputs.length} inputs`);
  }
}
/**
 * aggregate(selector, sop, default): each query position reads the selected key positions' values.
 * `defaultValue` is null when the program wrote none; a query that selects nothing then reads 0, as
 * in the RASP interpreter (`if None is default: default = 0`): see `aggregateDefault`.
 */
export class AggregateNode extends NodeBase {
  readonly kind = 'aggregate' as const;
  constructor(
    readonly selector: Selector,
    readonly sop: SOp,
    readonly defaultValue: Value | null = null,
    /** The default is a whole Python float (`default=0.0`). */
    readonly defaultFloat = false,
  ) {
    super();
  }
}

/** The default an aggregate gives where it selects nothing when the program wrote none. */
export const IMPLICIT_DEFAULT: Value = 0;
/** What an aggregate gives at a query position that selects no key. */
export function aggregateDefault(n: AggregateNode): Value {
  return n.defaultValue ?? IMPLICIT_DEFAULT;
}
/**
 * Whether an aggregate averages as tracr does — booleans as 0/1, every result a number — rather than
 * as RASP does: the program stated it, or the s-op it reads, numerical(...) (an extension; RASP has
 * no numerical(...)).
 */
export function averagesAsTracr(n: AggregateNode): boolean {
  return n.encoding === 'numerical' || n.sop.encoding === 'numerical';
}
/** selector_width(selector): how many key positions each query position selects. */
export class SelectorWidthNode extends NodeBase {
  readonly kind = 'selectorWidth' as const;
  constructor(readonly selector: Selector) {
    super();
  }
}

/** select(keys, queries, predicate): query position q selects key position k iff predicate(keys[k], queries[q]). */
export class SelectNode extends NodeBase {
  readonly kind = 'select' as const;
  constructor(
    readonly keys: SOp,
    readonly queries: SOp,
    readonly predicate: Predicate,
  ) {
    super();
  }
}
export class SelectorAndNode extends NodeBase {
  readonly kind = 'selectAnd' as const;
  constructor(
    readonly left: Selector,
    readonly right: Selector,
  ) {
    super();
  }
}
export class SelectorOrNode extends NodeBase {
  readonly kind = 'selectOr' as const;
  constructor(
    readonly left: Selector,
    readonly right: Selector,
  ) {
    super();
  }
}
export class SelectorNotNode extends NodeBase {
  readonly kind = 'selectNot' as const;
  constructor(readonly inner: Selector) {
    super();
  }
}

export type SOp = TokensNode | IndicesNode | LengthNode | ConstNode | MapNode | AggregateNode | SelectorWidthNode;
export type Selector = SelectNode | SelectorAndNode | SelectorOrNode | SelectorNotNode;
export type RaspNode = SOp | Selector;

const SELECTOR_KINDS = new Set(['select', 'selectAnd', 'selectOr', 'selectNot']);
export function isSelector(n: RaspNode): n is Selector {
  return SELECTOR_KINDS.has(n.kind);
}
export function isSOp(n: RaspNode): n is SOp {
  return !SELECTOR_KINDS.has(n.kind);
}

/** The nodes a node reads directly. */
export function children(n: RaspNode): RaspNode[] {
  switch (n.kind) {
    case 'tokens':
    case 'indices':
    case 'length':
    case 'const':
      return [];
    case 'map':
      return [...n.inputs];
    case 'aggregate':
      return [n.selector, n.sop];
    case 'selectorWidth':
      return [n.selector];
    case 'select':
      return [n.keys, n.queries];
    case 'selectAnd':
    case 'selectOr':
      return [n.left, n.right];
    case 'selectNot':
      return [n.inner];
  }
}

/**
 * Every node reachable from `roots`, children before parents (a topological order), each once.
 * Nodes `known` says are done already are left out, and so is what is reachable only through them.
 */
export function topoSort(roots: readonly RaspNode[], known: (n: RaspNode) => boolean = () => false): RaspNode[] {
  const out: RaspNode[] = [];
  const seen = new Set<number>();
  // Iterative DFS: programs from fast-check or long files can be deep.
  const stack: { node: RaspNode; expanded: boolean }[] = roots.map((node) => ({ node, expanded: false })).reverse();
  while (stack.length) {
    const top = stack.pop()!;
    if (seen.has(top.node.id) || known(top.node)) continue;
    if (top.expanded) {
      seen.add(top.node.id);
      out.push(top.node);
      continue;
    }
    stack.push({ node: top.node, expanded: true });
    for (const c of children(top.node).reverse()) if (!seen.has(c.id)) stack.push({ node: c, expanded: false });
  }
  return out;
}
