/**
 * RASP's built-in names: the input s-ops and the primitive functions, with their argument checks.
 * A def of the same name shadows a built-in (RASP's own library redefines selector_width).
 */
import { AggregateNode, SelectNode, SelectorWidthNode, TokensNode, type Encoding, type Predicate, type SOp, type UnaryFn } from './ast.ts';
import { indices, length } from './builder.ts';
import { isPythonInt, zipLists } from './collections.ts';
import { combine, materialise, toSOp } from './elementwise.ts';
import { RaspError, type SourceLoc } from './errors.ts';
import { checkCeiling } from './limits.ts';
import { kindText, Scope, type BuiltinName, type Val } from './scope.ts';
import { castName, TOKEN_CASTS } from './tokenCasts.ts';
import { formatFloat, formatValue, isFloat } from './values.ts';

/** The scope every program starts from. */
export function builtinScope(): Scope {
  const s = new Scope();
  const sop = (node: SOp): Val => ({ t: 'sop', node });
  // As in the interpreter, `tokens` is tokens_str (its REPL starts with `tokens = tokens_str;`).
  const str = new TokensNode('str').named('tokens');
  s.set('tokens', sop(str));
  for (const cast of TOKEN_CASTS) s.set(castName(cast), sop(cast === 'str' ? str : new TokensNode(cast).named(castName(cast))));
  s.set('indices', sop(indices));
  s.set('length', sop(length));
  for (const name of Object.keys(ARITY) as BuiltinName[]) s.set(name, { t: 'builtin', name });
  return s;
}

/** Every name the language defines itself: never used for printed program names. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  'tokens',
  'tokens_str',
  'tokens_int',
  'tokens_float',
  'tokens_bool',
  'tokens_asis',
  'indices',
  'length',
  'select',
  'aggregate',
  'selector_width',
  'round',
  'indicator',
  'abs',
  'numerical',
  'categorical',
  'range',
  'len',
  'zip',
]);

/** [fewest, most] arguments of each built-in function. */
const ARITY: Record<BuiltinName, readonly [number, number]> = {
  select: [3, 3],
  aggregate: [2, 3],
  selector_width: [1, 1],
  round: [1, 1],
  indicator: [1, 1],
  abs: [1, 1],
  numerical: [1, 1],
  categorical: [1, 1],
  range: [1, 3],
  len: [1, 1],
  zip: [1, Infinity],
};

export interface Arg {
  readonly val: Val;
  readonly loc: SourceLoc;
}

function arityText([lo, hi]: readonly [number, number]): string {
  const n = lo === hi ? `${lo}` : hi === Infinity ? `at least ${lo}` : hi - lo === 1 ? `${lo} or ${hi}` : `${lo} to ${hi}`;
  return `${n} argument${hi === 1 ? '' : 's'}`;
}

export function callBuiltin(name: BuiltinName, args: readonly Arg[], loc: SourceLoc): Val {
  const arity = ARITY[name];
  if (args.length < arity[0] || args.length > arity[1]) throw new RaspError(`${name} takes ${arityText(arity)}, given ${args.length}`, loc);
  args.forEach((a, i) => {
    if (a.val.t === 'operator' && !(name === 'select' && i === 2))
      throw new RaspError(`a bare comparison operator '${a.val.op}' is only allowed as select's third argument`, a.loc);
  });
  switch (name) {
    case 'select':
      return select(args, loc);
    case 'aggregate':
      return aggregate(args, loc);
    case 'selector_width':
      return { t: 'sop', node: new SelectorWidthNode(selectorArg(args[0], "selector_width's argument")).at(loc) };
    case 'round':
    case 'indicator':
    case 'abs':
      return combine([args[0].val], `${name}(...)`, args[0].loc, ([b]) => ({ op: 'unary', fn: name as UnaryFn, arg: b }));
    case 'numerical':
    case 'categorical':
      return annotate(name, args[0]);
    case 'range':
      return range(args, loc);
    case 'len': {
      const v = args[0].val;
      if (v.t === 'list') return { t: 'const', v: v.items.length };
      if (v.t === 'const' && typeof v.v === 'string') return { t: 'const', v: v.v.length };
      throw new RaspError(`len needs a constant list or string, found ${kindText(v)}`, args[0].loc);
    }
    case 'zip':
      return zipLists(args, loc);
  }
}

function select(args: readonly Arg[], loc: SourceLoc): Val {
  const [k, q, op] = args;
  for (const [a, role] of [
    [k, 'keys'],
    [q, 'queries'],
  ] as const)
    if (a.val.t === 'selector') throw new RaspError(`select's ${role} must be an s-op, found a selector (select compares s-op values)`, a.loc);
  const keys = toSOp(k.val, "select's keys", k.loc);
  const queries = toSOp(q.val, "select's queries", q.loc);
  let predicate: Predicate;
  if (op.val.t === 'operator') predicate = op.val.op;
  else if (op.val.t === 'const' && typeof op.val.v === 'boolean') predicate = op.val.v ? 'TRUE' : 'FALSE';
  else throw new RaspError(`select's third argument must be a comparison operator (==, !=, <, <=, >, >=) or True/False, found ${describeVal(op.val)}`, op.loc);
  return { t: 'selector', node: new SelectNode(keys, queries, predicate).at(loc) };
}

function aggregate(args: readonly Arg[], loc: SourceLoc): Val {
  const [s, v, d] = args;
  const selector = selectorArg(s, "aggregate's first argument");
  if (v.val.t === 'selector') throw new RaspError('cannot aggregate a selector: aggregate reads the values of an s-op', v.loc);
  const sop = toSOp(v.val, "aggregate's second argument", v.loc);
  let dflt = null;
  let dfltFloat = false;
  if (d) {
    if (d.val.t !== 'const') throw new RaspError(`aggregate's default must be a constant, found ${kindText(d.val)}`, d.loc);
    dflt = d.val.v;
    dfltFloat = d.val.float === true;
  }
  return { t: 'sop', node: new AggregateNode(selector, sop, dflt, dfltFloat).at(loc) };
}

function selectorArg(a: Arg, what: string) {
  const v = materialise(a.val, a.loc);
  if (v.t !== 'selector') throw new RaspError(`${what} must be a selector, found ${kindText(v)}`, a.loc);
  return v.node;
}

/** numerical(x) / categorical(x): a copy of the s-op stating its encoding, unnamed so an assignment names it afresh. */
function annotate(encoding: Encoding, a: Arg): Val {
  if (a.val.t === 'selector') throw new RaspError(`${encoding}(...) applies to s-ops, not selectors`, a.loc);
  const sop = toSOp(a.val, `${encoding}'s argument`, a.loc);
  if (sop.encoding === encoding) return { t: 'sop', node: sop };
  const copy = sop.withEncoding(encoding);
  copy.name = undefined;
  return { t: 'sop', node: copy };
}

function range(args: readonly Arg[], loc: SourceLoc): Val {
  const nums = args.map((a) => {
    if (a.val.t !== 'const' || !isPythonInt(a.val)) throw new RaspError(`range needs constant integers, found ${describeVal(a.val)}`, a.loc);
    return Number(a.val.v);
  });
  const [start, stop, step] = nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
  if (step === 0) throw new RaspError('range step must not be zero', loc);
  const length = Math.max(0, Math.ceil((stop - start) / step));
  checkCeiling('listItems', length, `range of ${length} items`, loc);
  return { t: 'list', items: Array.from({ length }, (_, i): Val => ({ t: 'const', v: start + i * step })) };
}

function describeVal(v: Val): string {
  return v.t === 'const' ? (isFloat(v.v, v.float) ? formatFloat(v.v as number) : formatValue(v.v)) : kindText(v);
}
