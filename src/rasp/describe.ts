/**
 * One-line RASP text for nodes and element-wise functions, as labels for compiled components,
 * traces and error messages. A node's children are referred to by name when they have one, else
 * described inline; maps read as the expression itself with their inputs substituted
 * (`length - indices - 1`). The text uses the `.rasp` syntax, with the fewest parentheses that
 * parse back to the same tree (the printer relies on this).
 */
import type { RaspNode, ScalarExpr, ScalarFn, TokensNode } from './ast.ts';
import { castName } from './tokenCasts.ts';
import type { Value } from './values.ts';

/**
 * Binding strength of each syntactic level, loosest first, as the parser reads them (parser.ts,
 * after RASP's grammar): `in`, `x if c else y`, `and`/`or`, comparisons, `+ -`, `%`, `* /`, `^`,
 * prefix `not - +`, and calls / names / literals.
 */
export const PREC = {
  in: 1,
  cond: 2,
  logic: 3,
  compare: 4,
  add: 5,
  mod: 6,
  mul: 7,
  pow: 8,
  prefix: 9,
  atom: 10,
} as const;

/** Rendered text together with the level it binds at, so a parent knows when to parenthesise. */
export interface Rendered {
  readonly text: string;
  readonly prec: number;
}

const BINARY_PREC: Record<string, number> = {
  or: PREC.logic,
  and: PREC.logic,
  '==': PREC.compare,
  '!=': PREC.compare,
  '<': PREC.compare,
  '<=': PREC.compare,
  '>': PREC.compare,
  '>=': PREC.compare,
  '+': PREC.add,
  '-': PREC.add,
  '*': PREC.mul,
  '/': PREC.mul,
  '%': PREC.mod,
  '^': PREC.pow,
};

/** Text of `r` where the context needs at least binding strength `min`. */
export function atLeast(r: Rendered, min: number): string {
  return r.prec >= min ? r.text : `(${r.text})`;
}

/** A constant as a `.rasp` literal: strings double-quoted, booleans True/False, numbers exact. */
export function literalText(v: Value): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return numberText(v);
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;
}

/** A constant as a literal that keeps a whole Python float one (`2.0`, where literalText writes `2`). */
export function constText(v: Value, float: boolean | undefined): string {
  return float && typeof v === 'number' && Number.isInteger(v) ? `${numberText(v)}.0` : literalText(v);
}

function numberText(x: number): string {
  // String() round-trips doubles exactly; the lexer reads its exponent form too.
  return String(x === 0 ? 0 : x);
}

function literal(v: Value, float?: boolean): Rendered {
  return { text: constText(v, float), prec: typeof v === 'number' && v < 0 ? PREC.prefix : PREC.atom };
}

export function listText(list: readonly Value[], floats?: readonly boolean[]): string {
  return `[${list.map((v, i) => constText(v, floats?.[i])).join(', ')}]`;
}

/** Renders an expression whose parameter i is the (atomic) text `args[i]`. */
export function renderExpr(e: ScalarExpr, args: readonly Rendered[]): Rendered {
  switch (e.op) {
    case 'param':
      return args[e.index] ?? { text: `p${e.index}`, prec: PREC.atom };
    case 'const':
      return literal(e.value, e.float);
    case 'unary': {
      const inner = renderExpr(e.arg, args);
      if (e.fn === 'neg') return { text: `-${atLeast(inner, PREC.prefix)}`, prec: PREC.prefix };
      if (e.fn === 'not') return { text: `not ${atLeast(inner, PREC.prefix)}`, prec: PREC.prefix };
      return { text: `${e.fn}(${inner.text})`, prec: PREC.atom };
    }
    case 'binary': {
      const p = BINARY_PREC[e.fn];
      const l = renderExpr(e.left, args);
      const r = renderExpr(e.right, args);
      // Left-associative, `^` included (RASP's grammar); comparisons never chain unparenthesised.
      const lMin = p === PREC.compare ? p + 1 : p;
      return { text: `${atLeast(l, lMin)} ${e.fn} ${atLeast(r, p + 1)}`, prec: p };
    }
    case 'cond': {
      const t = renderExpr(e.then, args);
      const c = renderExpr(e.test, args);
      const f = renderExpr(e.else, args);
      return { text: `${atLeast(t, PREC.logic)} if ${c.text} else ${atLeast(f, PREC.logic)}`, prec: PREC.cond };
    }
    case 'in': {
      const item = renderExpr(e.item, args);
      return { text: `${atLeast(item, PREC.cond)} in ${listText(e.list)}`, prec: PREC.in };
    }
    case 'index': {
      const i = renderExpr(e.index, args);
      return { text: `${listText(e.list, e.floats)}[${i.text}]`, prec: PREC.atom };
    }
    case 'lookup': {
      const k = renderExpr(e.key, args);
      const entries = e.keys.map((key, j) => `${literalText(key)}: ${constText(e.values[j], e.floats?.[j])}`);
      return { text: `{${entries.join(', ')}}[${k.text}]`, prec: PREC.atom };
    }
  }
}

/** Text of an element-wise function with its parameters named `argNames` (native functions: their own text). */
export function exprText(fn: ScalarFn, argNames: readonly string[]): string {
  if (fn.kind === 'native') return fn.text;
  return renderExpr(
    fn.body,
    argNames.map((text) => ({ text, prec: PREC.atom })),
  ).text;
}

const BUILTIN_LEAF_TEXT = { tokens: 'tokens', indices: 'indices', length: 'length' } as const;

/**
 * The built-in that reads the input as `n` does: `tokens` for tokens_str (what `tokens` means in a
 * file); the input as it is (the builder's tokens) is `tokens_asis` in program text and `tokens` in messages.
 */
export function tokensText(n: TokensNode, programText: boolean): string {
  if (n.cast === 'str' || (n.cast === 'asis' && !programText)) return 'tokens';
  return castName(n.cast);
}

/** How a node's text writes each of its children: by a name, or as the child's own text. */
export type ChildText = (child: RaspNode) => Rendered;

/** RASP text of what `n` computes, its stated encoding included, each child written as `child` says. */
export function renderNode(n: RaspNode, child: ChildText): Rendered {
  const r = renderBare(n, child);
  if (n.encoding && n.kind !== 'select') return { text: `${n.encoding}(${r.text})`, prec: PREC.atom };
  return r;
}

function renderBare(n: RaspNode, child: ChildText): Rendered {
  switch (n.kind) {
    case 'tokens':
      return { text: tokensText(n, false), prec: PREC.atom };
    case 'indices':
    case 'length':
      return { text: BUILTIN_LEAF_TEXT[n.kind], prec: PREC.atom };
    case 'const':
      return literal(n.value, n.float);
    case 'map': {
      const args = n.inputs.map(child);
      // A native function's own text may span lines; a description is one line.
      if (n.fn.kind === 'native') {
        return { text: `map(${n.fn.text.replace(/\s+/g, ' ')}, ${args.map((a) => a.text).join(', ')})`, prec: PREC.atom };
      }
      return renderExpr(n.fn.body, args);
    }
    case 'aggregate': {
      const parts = [child(n.selector).text, child(n.sop).text];
      if (n.defaultValue !== null) parts.push(constText(n.defaultValue, n.defaultFloat));
      return { text: `aggregate(${parts.join(', ')})`, prec: PREC.atom };
    }
    case 'selectorWidth':
      return { text: `selector_width(${child(n.selector).text})`, prec: PREC.atom };
    case 'select': {
      const op = n.predicate === 'TRUE' ? 'True' : n.predicate === 'FALSE' ? 'False' : n.predicate;
      return { text: `select(${child(n.keys).text}, ${child(n.queries).text}, ${op})`, prec: PREC.atom };
    }
    case 'selectAnd':
    case 'selectOr': {
      const p = PREC.logic;
      const word = n.kind === 'selectAnd' ? 'and' : 'or';
      return { text: `${atLeast(child(n.left), p)} ${word} ${atLeast(child(n.right), p + 1)}`, prec: p };
    }
    case 'selectNot':
      return { text: `not ${atLeast(child(n.inner), PREC.prefix)}`, prec: PREC.prefix };
  }
}

export interface DescribeOptions {
  /**
   * Named nodes to write out instead of naming: a compiled label's s-ops that the residual stream
   * does not hold, so the label names only what the model carries.
   */
  readonly spellOut?: (node: RaspNode) => boolean;
}

/**
 * Past this length a named node's spelled-out text gives way to its name: a chain of maps that each
 * read the one before twice (`x * x`) would spell out to text twice as long at every link.
 */
export const MAX_SPELLED_OUT = 1000;

/** Children by name where they have one (and are not to be spelled out), else as their own text. */
function byName(opts: DescribeOptions): ChildText {
  const texts = new Map<number, Rendered>();
  const child: ChildText = (n) => {
    let r = texts.get(n.id);
    if (r) return r;
    const named: Rendered | undefined = n.name ? { text: n.name, prec: PREC.atom } : undefined;
    r = named && !opts.spellOut?.(n) ? named : renderNode(n, child);
    if (named && r.text.length > MAX_SPELLED_OUT) r = named;
    texts.set(n.id, r);
    return r;
  };
  return child;
}

/** One-line RASP text of what `node` computes, its children by name where they have one. */
export function describe(node: RaspNode, opts: DescribeOptions = {}): string {
  return renderNode(node, byName(opts)).text;
}

/** How a parent would write `node`: its name when it has one, else its description. */
export function describeReference(node: RaspNode, opts: DescribeOptions = {}): string {
  return byName(opts)(node).text;
}

/** How a message names a node: its name in quotes, else its RASP text (`'opp'`, `length - indices - 1`). */
export function nodeInMessage(node: RaspNode): string {
  return node.name ? `'${node.name}'` : describe(node);
}

/** A node's name and definition, for messages about how it is built: `'opp' = length - indices - 1`. */
export function nodeWithDefinition(node: RaspNode): string {
  return node.name ? `'${node.name}' = ${describe(node)}` : describe(node);
}
