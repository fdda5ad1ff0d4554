/**
 * An executable statement of RASP's semantics for the differential test, written from the
 * interpreter's source (tech-srl/RASP: Evaluator.py, Sugar.py, Support.py, FunctionalSupport.py)
 * and independent of rasplab's evaluator: its own little syntax tree, printer and evaluator.
 *
 * What it states, as the interpreter has it:
 *  - the input built-ins: `tokens` and `tokens_str` are Python's str() of each token, `tokens_int`
 *    its int(), `tokens_float` its float(), `tokens_bool` its bool(), `tokens_asis` the token;
 *  - arithmetic is Python's on each position: `%` takes the divisor's sign, `/` is true division,
 *    `^` is pow, `round` rounds half to even;
 *  - Python's ints and floats are two types (`PyFloat` holds a float, even a whole one): `/`, a
 *    literal with a point, tokens_float and a mean of several values give floats, arithmetic with a
 *    float gives one, `^` of ints gives one for a negative exponent; a float indexes no list (a
 *    TypeError, even `2.0`), and prints with its point;
 *  - `not x`, `x and y`, `x or y` on s-ops are booleans of Python truthiness (Sugar.py's tplnot,
 *    tpland, tplor); between two Python values they are Python's (`0 and 0` is 0);
 *  - `indicator(x)` is 1 where x is truthy, else 0; `x in [..]` is list membership;
 *  - `a if c else b` picks per position by c's truthiness;
 *  - select(keys, queries, op) selects key k for query q when `k op q` (Evaluator.py: `<` is
 *    `lambda q, k: q > k`); and/or/not of selectors are elementwise;
 *  - selector_width counts the keys each query selects;
 *  - aggregate (Support.py's apply_average_select): no key selected gives the default (0 when
 *    none is written), one gives its value as it is, several give their mean (a float) when the
 *    s-op's values at every position are ints, floats or bools, not bools alone (lazy_type_check:
 *    isinstance(True, int) holds, but a sequence of bools alone is bool), else an error;
 *  - loops and comprehensions (Evaluator.py's forLoop, _evaluateListComp, _evaluateDictComp) go
 *    through a list's items or a dict's keys (anything else is an error); one name takes the item,
 *    several unpack it (a list of that many); `range` is Python's, `zip` gives lists; a dict
 *    comprehension's key must be an atom; a `for` loop's names and assignments stay in the scope,
 *    and an s-op it reassigns reads its value before each item (lazily: what is never read never fails).
 *
 * Operators print with the grammar's precedence (RASP.g4), loosest first: `in`; `if … else`;
 * `and`/`or`; comparisons; `+ -`; `%`; `* /`; `^`; prefix `not -`; every level left-associative.
 */

export type InputName = 'tokens' | 'tokens_str' | 'tokens_int' | 'tokens_float' | 'tokens_bool' | 'tokens_asis' | 'indices' | 'length';
export type SelOp = '==' | '!=' | '<' | '>' | '<=' | '>=';
export type BinOp = '+' | '-' | '*' | '/' | '%' | '^' | '==' | '<' | '>' | '<=' | '>=' | 'and' | 'or';

export type RExpr =
  | { readonly k: 'input'; readonly name: InputName }
  | { readonly k: 'var'; readonly name: string }
  /** `float`: written with a point (`2.0`), so a Python float. */
  | { readonly k: 'num'; readonly v: number; readonly float?: boolean }
  | { readonly k: 'str'; readonly v: string }
  | { readonly k: 'bin'; readonly op: BinOp; readonly l: RExpr; readonly r: RExpr }
  | { readonly k: 'neg' | 'not' | 'round' | 'indicator'; readonly x: RExpr }
  | { readonly k: 'in'; readonly x: RExpr; readonly list: readonly (number | string)[] }
  /** A constant list indexed by `x` at each position (`["a", "b"][x]`), or a constant dictionary read at it (`{0: "a"}[x]`). */
  | { readonly k: 'index'; readonly x: RExpr; readonly list: readonly (number | string)[] }
  | { readonly k: 'lookup'; readonly x: RExpr; readonly entries: readonly (readonly [number, number | string])[] }
  | { readonly k: 'cond'; readonly a: RExpr; readonly c: RExpr; readonly b: RExpr }
  | { readonly k: 'width'; readonly s: RSel }
  | { readonly k: 'agg'; readonly s: RSel; readonly x: RExpr; readonly dflt?: number | string }
  /** A loop or comprehension name, bound to a constant (Python's value of the item). */
  | { readonly k: 'lv'; readonly name: string }
  /** A list comprehension indexed (`[body for vars in iter][at]`), or a dict comprehension read (`{key: val for vars in iter}[at]`). */
  | { readonly k: 'comp'; readonly body: RExpr; readonly vars: readonly string[]; readonly iter: RIter; readonly at: RExpr }
  | { readonly k: 'dcomp'; readonly key: RExpr; readonly val: RExpr; readonly vars: readonly string[]; readonly iter: RIter; readonly at: RExpr };

/** What a loop or comprehension goes through: a list, `range(…)`, a dictionary's keys, `zip(…)`, `A if c else B`, or (refused) a number. */
export type RIter =
  | { readonly k: 'list'; readonly items: readonly (number | string)[] }
  | { readonly k: 'range'; readonly args: readonly number[] }
  | { readonly k: 'keys'; readonly entries: readonly (readonly [number | string, number | string])[] }
  | { readonly k: 'zip'; readonly lists: readonly (readonly (number | string)[])[] }
  | { readonly k: 'pick'; readonly a: RIter; readonly c: number; readonly b: RIter }
  | { readonly k: 'atom'; readonly v: number };

/** `name = init; for vars in iter { name = body; }`, the body reading `name` (a var) and the loop names. */
export interface RLoop {
  /** The same as the statement's expr. */
  readonly init: RExpr;
  readonly vars: readonly string[];
  readonly iter: RIter;
  readonly body: RExpr;
}

export type RSel =
  | { readonly k: 'select'; readonly keys: RExpr; readonly queries: RExpr; readonly op: SelOp }
  | { readonly k: 'sand' | 'sor'; readonly l: RSel; readonly r: RSel }
  | { readonly k: 'snot'; readonly x: RSel };

export interface RStatement {
  readonly name: string;
  /** For a loop statement: its initial value. */
  readonly expr: RExpr;
  readonly loop?: RLoop;
}

// ---- printing ------------------------------------------------------------------------------

const LEVEL: Record<BinOp, number> = { and: 2, or: 2, '==': 3, '<': 3, '>': 3, '<=': 3, '>=': 3, '+': 4, '-': 4, '%': 5, '*': 6, '/': 6, '^': 7 };
const ATOM = 9;

function level(e: RExpr): number {
  switch (e.k) {
    case 'in':
      return 0;
    case 'cond':
      return 1;
    case 'bin':
      return LEVEL[e.op];
    case 'neg':
    case 'not':
      return 8;
    default:
      return ATOM;
  }
}

const literal = (v: number | string) => (typeof v === 'number' ? String(v) : `"${v}"`);

export function printExpr(e: RExpr): string {
  const wrap = (c: RExpr, min: number) => (level(c) < min ? `(${printExpr(c)})` : printExpr(c));
  switch (e.k) {
    case 'input':
    case 'var':
    case 'lv':
      return e.name;
    case 'comp':
      return `[${printExpr(e.body)} for ${e.vars.join(', ')} in ${printIter(e.iter)}][${printExpr(e.at)}]`;
    case 'dcomp':
      return `{${printExpr(e.key)}: ${printExpr(e.val)} for ${e.vars.join(', ')} in ${printIter(e.iter)}}[${printExpr(e.at)}]`;
    case 'num':
      return e.float && Number.isInteger(e.v) ? `${e.v}.0` : literal(e.v);
    case 'str':
      return literal(e.v);
    case 'bin': {
      const at = LEVEL[e.op];
      return `${wrap(e.l, at)} ${e.op} ${wrap(e.r, at + 1)}`;
    }
    case 'neg':
      return `-${wrap(e.x, 8)}`;
    case 'not':
      return `not ${wrap(e.x, 8)}`;
    case 'round':
    case 'indicator':
      return `${e.k}(${printExpr(e.x)})`;
    case 'in':
      return `${wrap(e.x, 1)} in [${e.list.map(literal).join(', ')}]`;
    case 'index':
      return `[${e.list.map(literal).join(', ')}][${printExpr(e.x)}]`;
    case 'lookup':
      return `{${e.entries.map(([k, v]) => `${literal(k)}: ${literal(v)}`).join(', ')}}[${printExpr(e.x)}]`;
    case 'cond':
      return `${wrap(e.a, 2)} if ${wrap(e.c, 2)} else ${wrap(e.b, 2)}`;
    case 'width':
      return `selector_width(${printSel(e.s)})`;
    case 'agg':
      return `aggregate(${printSel(e.s)}, ${printExpr(e.x)}${e.dflt === undefined ? '' : `, ${literal(e.dflt)}`})`;
  }
}

function printSel(s: RSel): string {
  switch (s.k) {
    case 'select':
      return `select(${printExpr(s.keys)}, ${printExpr(s.queries)}, ${s.op})`;
    case 'sand':
    case 'sor':
      // and/or are one level, left-associative: a right operand that is itself and/or needs parentheses.
      return `${printSel(s.l)} ${s.k === 'sand' ? 'and' : 'or'} ${s.r.k === 'sand' || s.r.k === 'sor' ? `(${printSel(s.r)})` : printSel(s.r)}`;
    case 'snot':
      return `not ${s.x.k === 'select' || s.x.k === 'snot' ? printSel(s.x) : `(${printSel(s.x)})`}`;
  }
}

/** An iterable as written after `in`; a conditional one unparenthesised at the top (the grammar's iterable is any expression). */
export function printIter(it: RIter, top = true): string {
  const list = (l: readonly (number | string)[]) => `[${l.map(literal).join(', ')}]`;
  switch (it.k) {
    case 'list':
      return list(it.items);
    case 'range':
      return `range(${it.args.join(', ')})`;
    case 'keys':
      return `{${it.entries.map(([k, v]) => `${literal(k)}: ${literal(v)}`).join(', ')}}`;
    case 'zip':
      return `zip(${it.lists.map(list).join(', ')})`;
    case 'pick': {
      const text = `${printIter(it.a, false)} if ${it.c} else ${printIter(it.b, false)}`;
      return top ? text : `(${text})`;
    }
    case 'atom':
      return String(it.v);
  }
}

/** One statement: an assignment, or for a loop its initial assignment and the loop. */
export function printStatement(s: RStatement, indent = ''): string {
  const first = `${indent}${s.name} = ${printExpr(s.expr)};`;
  if (!s.loop) return first;
  return `${first}\n${indent}for ${s.loop.vars.join(', ')} in ${printIter(s.loop.iter)} {\n${indent}\t${s.name} = ${printExpr(s.loop.body)};\n${indent}}`;
}

export function printStatements(statements: readonly RStatement[]): string {
  return statements.map((s) => printStatement(s)).join('\n') + '\n';
}

// ---- evaluation ----------------------------------------------------------------------------

/** A Python float. A JS number in a PyValue is a Python int; `valueOf` lets Number() read either. */
export class PyFloat {
  constructor(readonly x: number) {}
  valueOf(): number {
    return this.x;
  }
}

export type PyValue = number | PyFloat | string | boolean;

/** Python's repr of a value, as the interpreter prints it: `2.0` for a whole float, True/False, strings quoted. */
export function pyRepr(v: PyValue): string {
  if (v instanceof PyFloat) return Number.isInteger(v.x) ? `${v.x}.0` : String(v.x);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return typeof v === 'string' ? `'${v}'` : String(v);
}

const isNumber = (v: PyValue): v is number | PyFloat => typeof v === 'number' || v instanceof PyFloat;
/** A number result: a float when either operand of Python's arithmetic is one, else an int. */
const arith = (x: number, ...operands: PyValue[]): number | PyFloat => (operands.some((o) => o instanceof PyFloat) ? new PyFloat(x) : x);

/** What the interpreter refuses: a Python exception. */
export class PyError extends Error {}

const truthy = (v: PyValue) => (typeof v === 'string' ? v !== '' : typeof v === 'boolean' ? v : Number(v) !== 0);
const num = (v: PyValue): number => {
  if (typeof v === 'string') throw new PyError(`unsupported operand: '${v}'`);
  return Number(v);
};
/** Python's ==: True == 1, 1 == 1.0, a string equals only the same string. */
export const pyEq = (a: PyValue, b: PyValue) => (typeof a === 'string' || typeof b === 'string' ? a === b : Number(a) === Number(b));

function pyCompare(op: '<' | '>' | '<=' | '>=', a: PyValue, b: PyValue): boolean {
  if ((typeof a === 'string') !== (typeof b === 'string')) throw new PyError(`'${op}' between a string and a number`);
  const x = typeof a === 'string' ? a : Number(a);
  const y = typeof b === 'string' ? b : Number(b);
  return op === '<' ? x < y : op === '>' ? x > y : op === '<=' ? x <= y : x >= y;
}

/** Python's float modulo: fmod, then moved to the divisor's sign. */
function pyMod(a: number, b: number): number {
  if (b === 0) throw new PyError('modulo by zero');
  let m = a % b;
  if (m !== 0 && b < 0 !== m < 0) m += b;
  return m;
}

/** Python's round(): half to even. */
function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

function binary(op: BinOp, a: PyValue, b: PyValue): PyValue {
  switch (op) {
    case 'and':
      return truthy(a) && truthy(b);
    case 'or':
      return truthy(a) || truthy(b);
    case '==':
      return pyEq(a, b);
    case '<':
    case '>':
    case '<=':
    case '>=':
      return pyCompare(op, a, b);
    case '+':
      if (typeof a === 'string' && typeof b === 'string') return a + b;
      return arith(num(a) + num(b), a, b);
    case '-':
      return arith(num(a) - num(b), a, b);
    case '*':
      return arith(num(a) * num(b), a, b);
    case '/':
      if (num(b) === 0) throw new PyError('division by zero');
      return new PyFloat(num(a) / num(b));
    case '%':
      return arith(pyMod(num(a), num(b)), a, b);
    case '^':
      if (num(a) === 0 && num(b) < 0) throw new PyError('0 to a negative power');
      // int ** int is an int for an exponent >= 0, a float for a negative one.
      return num(b) < 0 ? new PyFloat(Math.pow(num(a), num(b))) : arith(Math.pow(num(a), num(b)), a, b);
  }
}

type Seq = PyValue[];
type Matrix = boolean[][];

/** FunctionalSupport.py's tokens_str, tokens_int, …: Python's str/int/float/bool of each token (the REPL sets tokens = tokens_str). */
function readToken(name: InputName, t: number | string): PyValue {
  if (name === 'tokens' || name === 'tokens_str') return String(t);
  if (name === 'tokens_asis') return t;
  if (name === 'tokens_bool') return typeof t === 'string' ? t !== '' : t !== 0;
  if (typeof t === 'number') return name === 'tokens_int' ? Math.trunc(t) : new PyFloat(t);
  if (name === 'tokens_float') {
    if (!/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(t)) throw new PyError(`could not convert string to float: '${t}'`);
    return new PyFloat(Number(t));
  }
  if (!/^\s*[+-]?\d+\s*$/.test(t)) throw new PyError(`invalid literal for int(): '${t}'`);
  return Number(t);
}

type Item = PyValue | PyValue[];

/** Evaluator.py's loops and comprehensions go through a list's items or a dict's keys; anything else is a RASPTypeError. */
export function iterate(it: RIter): Item[] {
  switch (it.k) {
    case 'list':
      return [...it.items];
    case 'range': {
      // Python's range(stop), range(start, stop), range(start, stop, step); a zero step is a ValueError.
      const [a, b, c] = it.args.length === 1 ? [0, it.args[0], 1] : [it.args[0], it.args[1], it.args[2] ?? 1];
      if (c === 0) throw new PyError('range() arg 3 must not be zero');
      const out: number[] = [];
      for (let i = a; c > 0 ? i < b : i > b; i += c) out.push(i);
      return out;
    }
    case 'keys':
      return it.entries.map(([k]) => k);
    case 'zip': {
      // _evaluateZip: lists of one length, each item a list.
      const n = it.lists[0].length;
      if (it.lists.some((l) => l.length !== n)) throw new PyError('attempting to zip lists of different lengths');
      return Array.from({ length: n }, (_, k) => it.lists.map((l) => l[k]));
    }
    case 'pick':
      return iterate(it.c !== 0 ? it.a : it.b);
    case 'atom':
      throw new PyError(`a loop needs to iterate over a list or dict, but got: ${it.v}`);
  }
}

/** _set_iterator_and_vals: one name takes the item; several unpack it, which must be a list of that many values. */
export function bindItem(vars: readonly string[], item: Item): [string, Item][] {
  if (vars.length === 1) return [[vars[0], item]];
  if (!Array.isArray(item)) throw new PyError(`iterating with multiple iterator names, but got single iterator value: ${item}`);
  if (item.length !== vars.length) throw new PyError(`iterating with ${vars.length} names but got ${item.length} values`);
  return vars.map((v, i) => [v, item[i]]);
}

/**
 * The value of statement `name` on `input` (a Python list of ints or strings). S-ops are lazy, as
 * the interpreter's are: only what `name` reads is computed (a statement it does not read cannot fail it).
 */
export function runReference(
  statements: readonly RStatement[],
  input: readonly (number | string)[],
  name = 'out',
  check = true,
  bound: ReadonlyMap<string, Item> = new Map(),
): Seq {
  const n = input.length;
  const defs = new Map(statements.map((s) => [s.name, s]));
  const env = new Map<string, Seq>();
  /** The loop and comprehension names bound now (comprehensions nest: an inner one shadows, then restores). */
  const frame = new Map<string, Item>(bound);
  const within = <T>(vars: readonly string[], item: Item, f: () => T): T => {
    const saved = vars.map((v) => [v, frame.get(v)] as const);
    for (const [v, x] of bindItem(vars, item)) frame.set(v, x);
    try {
      return f();
    } finally {
      for (const [v, x] of saved)
        if (x === undefined) frame.delete(v);
        else frame.set(v, x);
    }
  };
  /** A loop's name read inside its body: the value before this item (each a memoised thunk, so what no one reads is never computed). */
  const previous = new Map<string, () => Seq>();
  const memo = (f: () => Seq): (() => Seq) => {
    let values: Seq | undefined;
    return () => {
      if (!values) {
        values = f();
        checkSequence(values);
      }
      return values;
    };
  };
  const variable = (v: string): Seq => {
    const inLoop = previous.get(v);
    if (inLoop) return inLoop();
    let values = env.get(v);
    if (!values) {
      const st = defs.get(v)!;
      let value = memo(() => seq(st.expr));
      // A loop assigns its name again on every item: each body reads the value before it.
      if (st.loop)
        for (const item of iterate(st.loop.iter)) {
          const before = value;
          value = memo(() =>
            within(st.loop!.vars, item, () => {
              const saved = previous.get(v);
              previous.set(v, before);
              try {
                return seq(st.loop!.body);
              } finally {
                if (saved) previous.set(v, saved);
                else previous.delete(v);
              }
            }),
          );
        }
      values = value();
      env.set(v, values);
    }
    return values;
  };
  const sel = (s: RSel): Matrix => {
    switch (s.k) {
      case 'select': {
        const keys = seq(s.keys);
        const queries = seq(s.queries);
        const test = (k: PyValue, q: PyValue) => (s.op === '==' ? pyEq(k, q) : s.op === '!=' ? !pyEq(k, q) : pyCompare(s.op, k, q));
        return queries.map((q) => keys.map((k) => test(k, q)));
      }
      case 'sand':
      case 'sor': {
        const l = sel(s.l);
        const r = sel(s.r);
        return l.map((row, q) => row.map((x, k) => (s.k === 'sand' ? x && r[q][k] : x || r[q][k])));
      }
      case 'snot':
        return sel(s.x).map((row) => row.map((x) => !x));
    }
  };
  /** A comprehension's value for each item, each as a sequence. */
  const rounds = (vars: readonly string[], it: RIter, f: () => Seq): Seq[] => iterate(it).map((item) => within(vars, item, f));
  /** Python's list[i] for the constant list `list`: an int (a bool is one) within -len..len-1; a string or a fraction is a TypeError. */
  const pick = (list: readonly PyValue[], v: PyValue): PyValue => {
    if (typeof v === 'string' || v instanceof PyFloat)
      throw new PyError(`list indices must be integers or slices, not ${typeof v === 'string' ? 'str' : 'float'}`);
    const i = Number(v);
    if (i < -list.length || i >= list.length) throw new PyError('list index out of range');
    return list[i < 0 ? list.length + i : i];
  };
  /** Python's dict[k]: keys compare as Python's == (1, 1.0 and True are one key, the last value kept); a missing key is a KeyError. */
  const read = (entries: readonly (readonly [PyValue, PyValue])[], v: PyValue): PyValue => {
    const hit = [...entries].reverse().find(([k]) => pyEq(k, v));
    if (!hit) throw new PyError(`KeyError: ${v}`);
    return hit[1];
  };
  const seq = (e: RExpr): Seq => {
    switch (e.k) {
      case 'lv': {
        const v = frame.get(e.name)!;
        if (Array.isArray(v)) throw new PyError(`a list where a value is needed: ${e.name}`);
        return input.map(() => v);
      }
      case 'comp': {
        const values = rounds(e.vars, e.iter, () => seq(e.body));
        // A constant index picks one item (an s-op or a constant); an s-op index reads a list of constants at each position.
        if (!isSOpExpr(e.at, frame))
          return values[
            Number(
              pick(
                values.map((_, j) => j),
                seq(e.at)[0],
              ),
            )
          ];
        const list = values.map((v) => v[0]);
        return seq(e.at).map((v) => pick(list, v));
      }
      case 'dcomp': {
        const keys = rounds(e.vars, e.iter, () => seq(e.key));
        const vals = rounds(e.vars, e.iter, () => seq(e.val));
        const entries = keys.map((k, j) => [k[0], j] as const);
        if (!isSOpExpr(e.at, frame)) return vals[Number(read(entries, seq(e.at)[0]))];
        return seq(e.at).map((v) => vals[Number(read(entries, v))][0]);
      }
      case 'input':
        if (e.name === 'indices') return input.map((_, i) => i);
        if (e.name === 'length') return input.map(() => n);
        return input.map((t) => readToken(e.name, t));
      case 'var':
        return variable(e.name);
      case 'num':
        return input.map(() => (e.float ? new PyFloat(e.v) : e.v));
      case 'str':
        return input.map(() => e.v);
      case 'bin': {
        const l = seq(e.l);
        const r = seq(e.r);
        // Between two Python values, and/or are Python's: an operand, not a boolean (0 and 0 is 0).
        if (!isSOpExpr(e, frame) && e.op === 'and') return l.map((a, i) => (truthy(a) ? r[i] : a));
        if (!isSOpExpr(e, frame) && e.op === 'or') return l.map((a, i) => (truthy(a) ? a : r[i]));
        return l.map((a, i) => binary(e.op, a, r[i]));
      }
      case 'neg':
        return seq(e.x).map((v) => arith(-num(v), v));
      case 'not':
        return seq(e.x).map((v) => !truthy(v));
      case 'round':
        return seq(e.x).map((v) => pyRound(num(v)));
      case 'indicator':
        return seq(e.x).map((v) => (truthy(v) ? 1 : 0));
      case 'in':
        return seq(e.x).map((v) => e.list.some((w) => pyEq(v, w)));
      case 'index':
        return seq(e.x).map((v) => pick(e.list, v));
      case 'lookup':
        return seq(e.x).map((v) => read(e.entries, v));
      case 'cond': {
        // A constant test picks one branch, evaluating only it (Evaluator.py's _evaluateTernaryExpr).
        if (!isSOpExpr(e.c, frame)) return truthy(seq(e.c)[0]) ? seq(e.a) : seq(e.b);
        const a = seq(e.a);
        const c = seq(e.c);
        const b = seq(e.b);
        return c.map((t, i) => (truthy(t) ? a[i] : b[i]));
      }
      case 'width':
        return sel(e.s).map((row) => row.filter((x) => x).length);
      case 'agg': {
        const m = sel(e.s);
        const vals = seq(e.x);
        return m.map((row) => {
          const picked = vals.filter((_, k) => row[k]);
          if (picked.length === 0) return e.dflt ?? 0;
          if (picked.length === 1) return picked[0];
          // lazy_type_check reads the whole sequence: numbers (bools count as ints, isinstance(True, int)), not bools alone.
          if (!vals.every((v) => isNumber(v) || typeof v === 'boolean') || vals.every((v) => typeof v === 'boolean'))
            throw new PyError(`asked to average multiple values, but they are non-numbers`);
          // Support.py: sum(...) * 1.0 / n, a float even when whole.
          return new PyFloat(picked.reduce((s: number, v) => s + Number(v), 0) / picked.length);
        });
      }
    }
  };
  if (check) {
    for (const st of statements) elaborationCheck(st);
    if (!endsAnSOp(defs.get(name)!)) throw new PyError(`${name} holds a Python value, not an s-op`);
  }
  return variable(name);
}

/** The expressions an expression reads directly (its selectors' too). */
function parts(e: RExpr): RExpr[] {
  const sel = (s: RSel): RExpr[] => (s.k === 'select' ? [s.keys, s.queries] : s.k === 'snot' ? sel(s.x) : [...sel(s.l), ...sel(s.r)]);
  switch (e.k) {
    case 'input':
    case 'var':
    case 'lv':
    case 'num':
    case 'str':
      return [];
    case 'bin':
      return [e.l, e.r];
    case 'neg':
    case 'not':
    case 'round':
    case 'indicator':
    case 'in':
    case 'index':
    case 'lookup':
      return [e.x];
    case 'cond':
      return [e.a, e.c, e.b];
    case 'width':
      return sel(e.s);
    case 'agg':
      return [...sel(e.s), e.x];
    case 'comp':
      return [e.body, e.at];
    case 'dcomp':
      return [e.key, e.val, e.at];
  }
}

/**
 * What fails a statement while the file runs, before any input: a loop or comprehension over what
 * is not a list or dict, names that cannot unpack an item, a dictionary key that is an s-op, a
 * constant index out of range. The interpreter skips such a statement (a later read of its name
 * fails) and rasplab refuses the file (the README lists it), so the reference refuses the program.
 * Keys of a dict comprehension are loop names or (refused) s-ops; a read of one by a constant is not generated.
 */
function elaborationCheck(st: RStatement): void {
  type Bound = ReadonlyMap<string, Item>;
  const withItem = (bound: Bound, vars: readonly string[], item: Item): Bound => new Map([...bound, ...bindItem(vars, item)]);
  const constant = (e: RExpr, bound: Bound) => runReference([{ name: 'c', expr: e }], [0], 'c', false, bound)[0];
  // The file runs each loop and comprehension body once per item, with its names bound.
  const walk = (e: RExpr, bound: Bound): void => {
    if (e.k === 'comp' || e.k === 'dcomp') {
      const items = iterate(e.iter);
      const rounds = items.map((item) => withItem(bound, e.vars, item));
      if (e.k === 'dcomp' && rounds.some((r) => isSOpExpr(e.key, r))) throw new PyError('a dictionary key must be an atom, got an s-op');
      if (e.k === 'comp' && !isSOpExpr(e.at, bound)) {
        const i = Number(constant(e.at, bound));
        if (i < -items.length || i >= items.length) throw new PyError('list index out of range');
      }
      walk(e.at, bound);
      for (const r of rounds) (e.k === 'comp' ? [e.body] : [e.key, e.val]).forEach((x) => walk(x, r));
      return;
    }
    // A constant test evaluates only the branch it takes (_evaluateTernaryExpr).
    if (e.k === 'cond' && !isSOpExpr(e.c, bound)) {
      walk(e.c, bound);
      return walk(truthy(constant(e.c, bound)) ? e.a : e.b, bound);
    }
    parts(e).forEach((x) => walk(x, bound));
  };
  walk(st.expr, new Map());
  if (st.loop) for (const item of iterate(st.loop.iter)) walk(st.loop.body, withItem(new Map(), st.loop.vars, item));
}

/** Whether a statement's name holds an s-op once the file has run: its expression's, or its loop's last item's body. */
function endsAnSOp(st: RStatement): boolean {
  let sop = isSOpExpr(st.expr);
  // Each item's body may read the name, holding what the item before left in it.
  if (st.loop) for (const item of iterate(st.loop.iter)) sop = isSOpExpr(st.loop.body, new Map(bindItem(st.loop.vars, item)), new Map([[st.name, sop]]));
  return sop;
}

/** Whether an expression is an s-op (reads the input, a statement or a selector) rather than a Python value. */
export function isSOpExpr(e: RExpr, bound: ReadonlyMap<string, Item> = new Map(), kinds: ReadonlyMap<string, boolean> = new Map()): boolean {
  switch (e.k) {
    case 'var':
      return kinds.get(e.name) ?? true;
    case 'input':
    case 'width':
    case 'agg':
      return true;
    case 'num':
    case 'str':
    case 'lv':
      return false;
    case 'comp':
      return isSOpExpr(e.at, bound, kinds) || isSOpExpr(e.body, bound, kinds);
    case 'dcomp':
      return isSOpExpr(e.at, bound, kinds) || isSOpExpr(e.val, bound, kinds);
    case 'bin':
      return isSOpExpr(e.l, bound, kinds) || isSOpExpr(e.r, bound, kinds);
    case 'in':
    case 'index':
    case 'lookup':
    case 'neg':
    case 'not':
    case 'round':
    case 'indicator':
      return isSOpExpr(e.x, bound, kinds);
    case 'cond':
      if (isSOpExpr(e.c, bound, kinds)) return true;
      try {
        return isSOpExpr(truthy(runReference([{ name: 'c', expr: e.c }], [0], 'c', false, bound)[0]) ? e.a : e.b, bound, kinds);
      } catch (err) {
        // A constant test that fails fails its statement as the file runs (elaborationCheck refuses it).
        if (err instanceof PyError) return isSOpExpr(e.a, bound, kinds) || isSOpExpr(e.b, bound, kinds);
        throw err;
      }
  }
}

/** Support.py's Sequence: strings alone or numbers alone (Python's bools are ints: [0, True] is a sequence), else an error. */
function checkSequence(values: Seq): void {
  if (new Set(values.map((v) => typeof v === 'string')).size > 1) throw new PyError(`a sequence of strings and numbers: ${values.join(', ')}`);
}
