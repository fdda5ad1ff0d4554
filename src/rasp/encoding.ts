/**
 * Which s-ops are categorical and which numerical, decided from the program's syntax alone, so
 * every module (value sets, compiler, training) agrees. The encoding is how a compiled model holds
 * an s-op; what the evaluator computes does not depend on it (an aggregate averages numbers as RASP
 * does whatever its encoding), except where the program states numerical(...) (ast.ts `averagesAsTracr`).
 *
 * Rules, first match wins:
 *   1. An encoding the program states (`numerical(...)`, `categorical(...)`) wins.
 *   2. tokens, indices, length, constants and selector_width are categorical.
 *   3. A map whose value is always a string (a string constant, a conditional whose branches
 *      all are: `"F" if balance < 0 else "T"`, a list or string of strings indexed, `"0123"[d]`, or a
 *      dictionary of strings read) is categorical; else a map is numerical iff any of its inputs is
 *      numerical.
 *   4. An aggregate is numerical iff its s-op is numerical, or its s-op is indicator-like: a map
 *      whose function is boolean-valued or `indicator(...)` (see scalar.ts `isIndicatorExpr`), or a
 *      constant 0, 1, True or False — unless that s-op was explicitly stated categorical.
 *      This is how RASP's own library reads `aggregate(select_all, indicator(tokens == x))`: the
 *      fraction of positions holding x, a mean rather than a copy.
 *   Any other aggregate is categorical: it copies the one value its query selects.
 * Selectors have no encoding and get no entry.
 *
 * The compiler may hold a categorical aggregate of numbers as numerical where it finds one averaging
 * (compiler/copies.ts): `inferEncodings` takes those aggregates, and the encodings downstream follow
 * the rules above from them.
 */
import { topoSort, type Encoding, type RaspNode, type ScalarExpr, type SOp } from './ast.ts';
import { isIndicatorExpr } from './scalar.ts';

const cache = new WeakMap<RaspNode, Encoding>();

/**
 * The encoding of every s-op reachable from `roots`, by node id; the aggregates in `averaged` (node
 * ids) numerical whatever their syntax, and what reads them by the rules above.
 */
export function inferEncodings(roots: readonly RaspNode[], averaged: ReadonlySet<number> = new Set()): Map<number, Encoding> {
  const out = new Map<number, Encoding>();
  for (const n of topoSort(roots)) {
    if (n.kind === 'select' || n.kind === 'selectAnd' || n.kind === 'selectOr' || n.kind === 'selectNot') continue;
    if (averaged.size === 0) out.set(n.id, encodingOf(n));
    else out.set(n.id, n.kind === 'aggregate' && averaged.has(n.id) ? 'numerical' : directEncoding(n, (s) => out.get(s.id)!));
  }
  return out;
}

/** The encoding of one s-op (cached; nodes are immutable, so an answer never goes stale). */
export function encodingOf(node: SOp): Encoding {
  const hit = cache.get(node);
  if (hit) return hit;
  // Children first, without recursion: long chains of maps are common in generated programs.
  // Only the nodes not cached yet: asked node by node along a long chain, this stays linear.
  for (const n of topoSort([node], (k) => cache.has(k))) {
    if (n.kind === 'select' || n.kind === 'selectAnd' || n.kind === 'selectOr' || n.kind === 'selectNot') continue;
    cache.set(
      n,
      directEncoding(n, (s) => cache.get(s) ?? encodingOf(s)),
    );
  }
  return cache.get(node)!;
}

/** One node's encoding, its inputs' encodings given by `enc`. */
function directEncoding(n: SOp, enc: (s: SOp) => Encoding): Encoding {
  if (n.encoding) return n.encoding;
  switch (n.kind) {
    case 'tokens':
    case 'indices':
    case 'length':
    case 'const':
    case 'selectorWidth':
      return 'categorical';
    case 'map':
      if (n.fn.kind === 'expr' && givesStrings(n.fn.body, n.inputs)) return 'categorical';
      return n.inputs.some((i) => enc(i) === 'numerical') ? 'numerical' : 'categorical';
    case 'aggregate':
      return enc(n.sop) === 'numerical' || isIndicatorLike(n.sop) ? 'numerical' : 'categorical';
  }
}

/** An s-op whose values are 0/1 by construction (and that the program did not call categorical). */
export function isIndicatorLike(s: SOp): boolean {
  if (s.encoding === 'categorical') return false;
  if (s.kind === 'map') return isIndicatorExpr(s.fn);
  if (s.kind === 'const') return s.value === 0 || s.value === 1 || s.value === true || s.value === false;
  return false;
}

/**
 * Whether an expression's value is always a string: no numerical line could carry it. A parameter
 * is, when its s-op holds strings by construction (holdsStrings).
 */
function givesStrings(e: ScalarExpr, inputs: readonly SOp[]): boolean {
  if (e.op === 'const') return typeof e.value === 'string';
  if (e.op === 'param') return holdsStrings(inputs[e.index]);
  if (e.op === 'cond') return givesStrings(e.then, inputs) && givesStrings(e.else, inputs);
  if (e.op === 'index') return e.list.length > 0 && e.list.every((v) => typeof v === 'string');
  if (e.op === 'lookup') return e.values.length > 0 && e.values.every((v) => typeof v === 'string');
  return false;
}

/**
 * An s-op whose every value is a string by construction: `tokens` (RASP's `str` of each token), a
 * map that always gives strings, or a categorical aggregate copying one of those. So
 * `"§" if n > 0 else tokens` is categorical whatever encodes `n`, as the interpreter's
 * `sort_by_most_freq` needs.
 */
function holdsStrings(s: SOp | undefined): boolean {
  if (s === undefined || s.encoding === 'numerical') return false;
  if (s.kind === 'tokens') return s.cast === 'str';
  if (s.kind === 'map') return s.fn.kind === 'expr' && givesStrings(s.fn.body, s.inputs);
  if (s.kind === 'aggregate') return encodingOf(s) === 'categorical' && holdsStrings(s.sop);
  return false;
}
