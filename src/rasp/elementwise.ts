/**
 * Operators on elaboration values: constants fold (Python semantics, via scalar.ts); anything
 * with an s-op operand becomes one element-wise expression over the distinct s-op leaves; a
 * finished expression is materialised into a MapNode.
 */
import { ConstNode, MapNode, type ScalarExpr, type SOp } from './ast.ts';
import { RaspError, type SourceLoc } from './errors.ts';
import { applyScalarFn, type FloatTrack } from './scalar.ts';
import { kindText, type Val } from './scope.ts';

type Elementwise = Extract<Val, { t: 'elementwise' }>;

/**
 * The deepest one element-wise expression may nest its operations. Evaluation, value sets, labels
 * and printing recurse over the expression, and a chain of operators (`a + a + … + a`) nests as
 * deep as it is long; past this, the program is asked to name parts of it.
 */
export const MAX_EXPRESSION_DEPTH = 4096;

/** Runs `f`, giving any RaspError it raises without a location the location `loc`. */
export function at<T>(loc: SourceLoc, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RaspError && !e.loc) throw new RaspError(e.detail, loc);
    throw e;
  }
}

/** A value that may take part in an element-wise operation, as an expression over s-op leaves. */
export function asElementwise(v: Val, what: string, loc: SourceLoc): Elementwise {
  switch (v.t) {
    case 'const':
      return { t: 'elementwise', leaves: [], body: { op: 'const', value: v.v, ...(v.float && { float: true }) }, depth: 0 };
    case 'sop':
      return { t: 'elementwise', leaves: [v.node], body: { op: 'param', index: 0 }, depth: 0 };
    case 'elementwise':
      return v;
    case 'selector':
      throw new RaspError(`a selector cannot be used in ${what}; selectors go to aggregate or selector_width, or combine with and/or/not`, loc);
    case 'list':
      throw new RaspError(`a list cannot be used in ${what}; lists support 'in' and indexing`, loc);
    default:
      throw new RaspError(`${kindText(v)} cannot be used in ${what}`, loc);
  }
}

/**
 * Combines operands into one expression: their leaves merged (each distinct s-op once, in order
 * of first appearance), their bodies re-indexed, then `build` applied. Folds to a constant when no
 * operand is an s-op.
 */
export function combine(operands: readonly Val[], what: string, loc: SourceLoc, build: (bodies: ScalarExpr[]) => ScalarExpr): Val {
  const parts = operands.map((o) => asElementwise(o, what, loc));
  const leaves: SOp[] = [];
  const bodies = parts.map((p) => {
    const remap = p.leaves.map((leaf) => {
      let i = leaves.findIndex((l) => l.id === leaf.id);
      if (i < 0) i = leaves.push(leaf) - 1;
      return i;
    });
    // The usual case (a chain over the same leaves) keeps its numbering: nothing to copy.
    return remap.every((r, i) => r === i) ? p.body : reindex(p.body, remap);
  });
  const body = build(bodies);
  const depth = 1 + Math.max(...parts.map((p) => p.depth));
  if (depth > MAX_EXPRESSION_DEPTH)
    throw new RaspError(
      `expression too long: more than ${MAX_EXPRESSION_DEPTH} nested operations in one element-wise expression (the limit); assign parts of it to names`,
      loc,
    );
  if (leaves.length === 0) {
    const floats: FloatTrack = { args: [], out: false };
    const v = at(loc, () => applyScalarFn({ kind: 'expr', arity: 0, body }, [], floats));
    return { t: 'const', v, ...(floats.out && Number.isInteger(v) && { float: true }) };
  }
  return { t: 'elementwise', leaves, body, depth };
}

function reindex(e: ScalarExpr, remap: readonly number[]): ScalarExpr {
  switch (e.op) {
    case 'param':
      return { op: 'param', index: remap[e.index] };
    case 'const':
      return e;
    case 'unary':
      return { ...e, arg: reindex(e.arg, remap) };
    case 'binary':
      return { ...e, left: reindex(e.left, remap), right: reindex(e.right, remap) };
    case 'cond':
      return { ...e, test: reindex(e.test, remap), then: reindex(e.then, remap), else: reindex(e.else, remap) };
    case 'in':
      return { ...e, item: reindex(e.item, remap) };
    case 'index':
      return { ...e, index: reindex(e.index, remap) };
    case 'lookup':
      return { ...e, key: reindex(e.key, remap) };
  }
}

/** Turns a pending element-wise expression into a MapNode (a bare leaf stays itself); other values pass through. */
export function materialise(v: Val, loc: SourceLoc): Val {
  if (v.t === 'tuple') return { t: 'tuple', items: v.items.map((i) => materialise(i, loc)) };
  if (v.t !== 'elementwise') return v;
  if (v.body.op === 'param' && v.leaves.length === 1) return { t: 'sop', node: v.leaves[0] };
  return { t: 'sop', node: new MapNode({ kind: 'expr', arity: v.leaves.length, body: v.body }, v.leaves).at(loc) };
}

/** The s-op a RASP primitive's argument stands for: an s-op (materialised) or a constant sequence. */
export function toSOp(v: Val, what: string, loc: SourceLoc): SOp {
  const m = materialise(v, loc);
  if (m.t === 'sop') return m.node;
  if (m.t === 'const') return new ConstNode(m.v, m.float === true).at(loc);
  throw new RaspError(`${what} must be an s-op or a constant, found ${kindText(m)}`, loc);
}
