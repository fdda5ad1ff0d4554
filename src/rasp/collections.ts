/**
 * RASP's containers while a file is elaborated: lists and dictionaries of any values, their
 * comprehensions' iteration, indexing, `zip` and list concatenation, as the interpreter's
 * Evaluator.py has them (its `_index_into_*`, `_evaluateZip`, `_evaluateDict`, `make_dict_key`):
 *
 *   - A dictionary's keys are constants (Python atoms: strings, numbers, booleans). They are Python's
 *     dict keys: `1`, `1.0` and `True` are one key, which keeps the spelling it was first given and the
 *     value it was last given; iteration follows insertion order. A value may be anything, an s-op,
 *     a selector or another container included.
 *   - Looping over a dictionary (`for`, list and dict comprehensions) gives its keys; over a list, its
 *     items. Several loop names unpack each item, which must then be a list of that many values.
 *   - `list[i]` and `string[i]` with a constant integer (a boolean counts as 0/1, as in Python) are
 *     Python's indexing, negative from the end; an index out of range is an error. With an s-op index
 *     they are element-wise (a map over the index s-op), and the list must hold constants.
 *   - `dict[k]` with a constant is the value at `k` (a missing key is an error); with an s-op, an
 *     element-wise lookup, whose missing keys are errors where they occur.
 *   - `sop[i]` with a constant integer is the value at position i at every position: RASP builds it as
 *     `aggregate(select(indices, i, ==), sop)` (negative i: `length + i`), so where the input is too
 *     short to have position i it is the aggregate's default, 0. An s-op cannot index an s-op.
 *   - `zip(l1, l2, …)` takes lists of one length and gives a list of lists; `l1 + l2` joins lists.
 *   - `c in sop` for a constant c is whether c occurs anywhere in the s-op, at every position: RASP
 *     builds it as `aggregate(full_s, indicator(sop == c)) > 0`.
 */
import { AggregateNode, ConstNode, SelectNode, type ScalarExpr, type SOp } from './ast.ts';
import { indices, length } from './builder.ts';
import { combine, materialise, toSOp } from './elementwise.ts';
import { RaspError, type SourceLoc } from './errors.ts';
import { kindText, type Val } from './scope.ts';
import { formatFloat, formatValue, isFloat, type Value } from './values.ts';

type Dict = Extract<Val, { t: 'dict' }>;
type List = Extract<Val, { t: 'list' }>;

/** The identity of a dictionary key: Python hashes True, 1 and 1.0 alike, and strings apart from numbers. */
export function dictKey(k: Value): string {
  return typeof k === 'string' ? `s:${k}` : `n:${Number(k)}`;
}

function show(v: Value, float?: boolean): string {
  return typeof v === 'string' ? JSON.stringify(v) : isFloat(v, float) ? formatFloat(v as number) : formatValue(v);
}

/** A dictionary from (key, value) pairs in order; a key must be a constant. */
export function makeDict(pairs: readonly { key: Val; val: Val; loc: SourceLoc }[]): Dict {
  const entries = new Map<string, { key: Value; keyFloat?: boolean; val: Val }>();
  for (const p of pairs) {
    if (p.key.t !== 'const') throw new RaspError(`dictionary keys must be constants (strings, numbers, booleans), found ${kindText(p.key)}`, p.loc);
    const id = dictKey(p.key.v);
    const first = entries.get(id) ?? { key: p.key.v, keyFloat: p.key.float };
    entries.set(id, { key: first.key, ...(first.keyFloat && { keyFloat: true }), val: p.val });
  }
  return { t: 'dict', entries };
}

/** What a loop or comprehension over `v` goes through: a list's items, a dictionary's keys. */
export function loopItems(v: Val, loc: SourceLoc): readonly Val[] {
  if (v.t === 'list') return v.items;
  if (v.t === 'dict') return [...v.entries.values()].map((e): Val => ({ t: 'const', v: e.key, ...(e.keyFloat && { float: true }) }));
  throw new RaspError(`can only loop over a list or a dictionary, found ${kindText(v)}`, loc);
}

/** The value each loop name takes for one item: the item itself for one name; else the item unpacked. */
export function unpackLoopItem(item: Val, names: readonly string[], loc: SourceLoc): readonly Val[] {
  if (names.length === 1) return [item];
  const parts = item.t === 'list' || item.t === 'tuple' ? item.items : undefined;
  if (!parts) throw new RaspError(`cannot unpack ${kindText(item)} into ${names.length} names (${names.join(', ')})`, loc);
  if (parts.length !== names.length) throw new RaspError(`cannot unpack ${parts.length} values into ${names.length} names (${names.join(', ')})`, loc);
  return parts;
}

/** The constants a list holds, for `in` and element-wise indexing; `what` names the use in the error. */
export function constantItems(list: List, what: string, loc: SourceLoc): Value[] {
  return list.items.map((i) => {
    if (i.t !== 'const') throw new RaspError(`${what} needs a list of constants, found one holding ${kindText(i)}`, loc);
    return i.v;
  });
}

/** Which of some constants are whole Python floats, or undefined where none is (ScalarExpr's `floats`). */
function floatFlags(items: readonly Val[]): boolean[] | undefined {
  const flags = items.map((i) => i.t === 'const' && i.float === true);
  return flags.some((f) => f) ? flags : undefined;
}

/** `l1 + l2` for two lists. */
export function concatLists(left: List, right: List): List {
  return { t: 'list', items: [...left.items, ...right.items] };
}

/** zip(l1, l2, …): lists of one length, item by item, as a list of lists. */
export function zipLists(args: readonly { val: Val; loc: SourceLoc }[], loc: SourceLoc): Val {
  if (args.length === 0) throw new RaspError('zip needs at least one list', loc);
  const lists = args.map((a, i) => {
    if (a.val.t !== 'list') throw new RaspError(`zip's argument ${i + 1} must be a list, found ${kindText(a.val)}`, a.loc);
    return a.val.items;
  });
  const n = lists[0].length;
  lists.forEach((l, i) => {
    if (l.length !== n) throw new RaspError(`zip's lists must have one length: the first has ${n} items, list ${i + 1} has ${l.length}`, args[i].loc);
  });
  return { t: 'list', items: Array.from({ length: n }, (_, k): Val => ({ t: 'list', items: lists.map((l) => l[k]) })) };
}

/** Python's int (a bool is one), as indexing and range need it: a float is refused even when whole. */
export const isPythonInt = (c: Extract<Val, { t: 'const' }>): boolean => typeof c.v === 'boolean' || (typeof c.v === 'number' && !isFloat(c.v, c.float));

/** `target[index]`: a list, string, dictionary or s-op indexed by a constant or an s-op. */
export function indexValue(target: Val, index: Val, loc: SourceLoc): Val {
  const t = materialise(target, loc);
  const i = materialise(index, loc);
  const byConst = i.t === 'const';
  const bySOp = i.t === 'sop';
  if (t.t === 'list' || (t.t === 'const' && typeof t.v === 'string')) {
    const items: readonly Val[] = t.t === 'list' ? t.items : [...(t.v as string)].map((c): Val => ({ t: 'const', v: c }));
    const what = t.t === 'list' ? 'list' : 'string';
    if (byConst) {
      if (!isPythonInt(i)) throw new RaspError(`an index into a ${what} must be an integer or an s-op, found ${show(i.v, i.float)}`, loc);
      const n = Number(i.v);
      if (n >= items.length || -n > items.length) throw new RaspError(`index ${n} out of range for a ${what} of length ${items.length}`, loc);
      return items[n < 0 ? n + items.length : n];
    }
    if (bySOp) {
      const list = constantItems({ t: 'list', items }, `indexing by an s-op`, loc);
      const floats = floatFlags(items);
      return combine([i], 'an index', loc, ([x]): ScalarExpr => ({ op: 'index', list, index: x, ...(floats && { floats }) }));
    }
    throw new RaspError(`an index into a ${what} must be an integer or an s-op, found ${kindText(i)}`, loc);
  }
  if (t.t === 'dict') {
    if (byConst) {
      const e = t.entries.get(dictKey(i.v));
      if (!e) throw new RaspError(`key ${show(i.v)} is not in the dictionary`, loc);
      return e.val;
    }
    if (bySOp) {
      const entries = [...t.entries.values()];
      const values = entries.map((e) => {
        if (e.val.t !== 'const') throw new RaspError(`indexing by an s-op needs a dictionary of constants, found one holding ${kindText(e.val)}`, loc);
        return e.val.v;
      });
      const keys = entries.map((e) => e.key);
      const floats = floatFlags(entries.map((e) => e.val));
      return combine([i], 'a dictionary key', loc, ([x]): ScalarExpr => ({ op: 'lookup', keys, values, key: x, ...(floats && { floats }) }));
    }
    throw new RaspError(`a dictionary key must be a constant or an s-op, found ${kindText(i)}`, loc);
  }
  if (t.t === 'sop') {
    if (!byConst || !isPythonInt(i))
      throw new RaspError(`an index into an s-op must be a constant integer, found ${i.t === 'const' ? show(i.v, i.float) : kindText(i)}`, loc);
    return { t: 'sop', node: positionOf(t.node, Number(i.v), loc) };
  }
  throw new RaspError(`only lists, strings, dictionaries and s-ops can be indexed, found ${kindText(t)}`, loc);
}

/** `c in sop`: whether the constant occurs at any position, as RASP builds it. */
export function occursIn(c: Value, sop: SOp, loc: SourceLoc): Val {
  const hits = toSOp(
    combine([{ t: 'sop', node: sop }], "'in'", loc, ([s]) => ({
      op: 'unary',
      fn: 'indicator',
      arg: { op: 'binary', fn: '==', left: s, right: { op: 'const', value: c } },
    })),
    "'in'",
    loc,
  );
  const share = new AggregateNode(new SelectNode(indices, indices, 'TRUE').at(loc), hits).at(loc);
  return combine([{ t: 'sop', node: share }], "'in'", loc, ([s]) => ({ op: 'binary', fn: '>', left: s, right: { op: 'const', value: 0 } }));
}

/** `sop[i]`: position i's value (negative: from the end) at every position, RASP's aggregate of a select. */
function positionOf(sop: SOp, i: number, loc: SourceLoc): SOp {
  const where =
    i >= 0
      ? new ConstNode(i).at(loc)
      : toSOp(
          combine(
            [
              { t: 'sop', node: length },
              { t: 'const', v: i },
            ],
            'an index',
            loc,
            ([l, c]) => ({ op: 'binary', fn: '+', left: l, right: c }),
          ),
          'an index',
          loc,
        );
  return new AggregateNode(new SelectNode(indices, where, '==').at(loc), sop).at(loc);
}
