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
 *  - `not x`, `x and y`, `x or y` on s-ops are booleans of Python truthiness (Sugar.py's tplnot,
 *    tpland, tplor); between two Python values they are Python's (`0 and 0` is 0);
 *  - `indicator(x)` is 1 where x is truthy, else 0; `x in [..]` is list membership;
 *  - `a if c else b` picks per position by c's truthiness;
 *  - select(keys, queries, op) selects key k for query q when `k op q` (Evaluator.py: `<` is
 *    `lambda q, k: q > k`); and/or/not of selectors are elementwise;
 *  - selector_width counts the keys each query selects;
 *  - aggregate (Support.py's apply_average_select): no key selected gives the default (0 when
 *    none is written), one gives its value as it is, several give their mean when every value is
 *    an int or a float (Python's bools are not: lazy_type_check calls them bool), else an error.
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
  | { readonly k: 'num'; readonly v: number }
  | { readonly k: 'str'; readonly v: string }
  | { readonly k: 'bin'; readonly op: BinOp; readonly l: RExpr; readonly r: RExpr }
  | { readonly k: 'neg' | 'not' | 'round' | 'indicator'; readonly x: RExpr }
  | { readonly k: 'in'; readonly x: RExpr; readonly list: readonly (number | string)[] }
  /** A constant list indexed by `x` at each position (`["a", "b"][x]`), or a constant dictionary read at it (`{0: "a"}[x]`). */
  | { readonly k: 'index'; readonly x: RExpr; readonly list: readonly (number | string)[] }
  | { readonly k: 'lookup'; readonly x: RExpr; readonly entries: readonly (readonly [number, number | string])[] }
  | { readonly k: 'cond'; readonly a: RExpr; readonly c: RExpr; readonly b: RExpr }
  | { readonly k: 'width'; readonly s: RSel }
  | { readonly k: 'agg'; readonly s: RSel; readonly x: RExpr; readonly dflt?: number | string };

export type RSel =
  | { readonly k: 'select'; readonly keys: RExpr; readonly queries: RExpr; readonly op: SelOp }
  | { readonly k: 'sand' | 'sor'; readonly l: RSel; readonly r: RSel }
  | { readonly k: 'snot'; readonly x: RSel };

export interface RStatement {
  readonly name: string;
  readonly expr: RExpr;
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
      return e.name;
    case 'num':
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

export function printStatements(statements: readonly RStatement[]): string {
  return statements.map((s) => `${s.name} = ${printExpr(s.expr)};`).join('\n') + '\n';
}

// ---- evaluation ----------------------------------------------------------------------------

export type PyValue = number | string | boolean;

/** What the interpreter refuses: a Python exception. */
export class PyError extends Error {}

const truthy = (v: PyValue) => (typeof v === 'string' ? v !== '' : typeof v === 'number' ? v !== 0 : v);
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
      return num(a) + num(b);
    case '-':
      return num(a) - num(b);
    case '*':
      return num(a) * num(b);
    case '/':
      if (num(b) === 0) throw new PyError('division by zero');
      return num(a) / num(b);
    case '%':
      return pyMod(num(a), num(b));
    case '^':
      if (num(a) === 0 && num(b) < 0) throw new PyError('0 to a negative power');
      return Math.pow(num(a), num(b));
  }
}

type Seq = PyValue[];
type Matrix = boolean[][];

/** FunctionalSupport.py's tokens_str, tokens_int, …: Python's str/int/float/bool of each token (the REPL sets tokens = tokens_str). */
function readToken(name: InputName, t: number | string): PyValue {
  if (name === 'tokens' || name === 'tokens_str') return String(t);
  if (name === 'tokens_asis') return t;
  if (name === 'tokens_bool') return typeof t === 'string' ? t !== '' : t !== 0;
  if (typeof t === 'number') return name === 'tokens_int' ? Math.trunc(t) : t;
  if (name === 'tokens_float') {
    if (!/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(t)) throw new PyError(`could not convert string to float: '${t}'`);
    return Number(t);
  }
  if (!/^\s*[+-]?\d+\s*$/.test(t)) throw new PyError(`invalid literal for int(): '${t}'`);
  return Number(t);
}

/**
 * The value of statement `name` on `input` (a Python list of ints or strings). S-ops are lazy, as
 * the interpreter's are: only what `name` reads is computed (a statement it does not read cannot fail it).
 */
export function runReference(statements: readonly RStatement[], input: readonly (number | string)[], name = 'out'): Seq {
  const n = input.length;
  const defs = new Map(statements.map((s) => [s.name, s.expr]));
  const env = new Map<string, Seq>();
  const variable = (v: string): Seq => {
    let values = env.get(v);
    if (!values) {
      values = seq(defs.get(v)!);
      checkSequence(values);
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
  const seq = (e: RExpr): Seq => {
    switch (e.k) {
      case 'input':
        if (e.name === 'indices') return input.map((_, i) => i);
        if (e.name === 'length') return input.map(() => n);
        return input.map((t) => readToken(e.name, t));
      case 'var':
        return variable(e.name);
      case 'num':
      case 'str':
        return input.map(() => e.v);
      case 'bin': {
        const l = seq(e.l);
        const r = seq(e.r);
        // Between two Python values, and/or are Python's: an operand, not a boolean (0 and 0 is 0).
        if (!isSOpExpr(e) && e.op === 'and') return l.map((a, i) => (truthy(a) ? r[i] : a));
        if (!isSOpExpr(e) && e.op === 'or') return l.map((a, i) => (truthy(a) ? a : r[i]));
        return l.map((a, i) => binary(e.op, a, r[i]));
      }
      case 'neg':
        return seq(e.x).map((v) => -num(v));
      case 'not':
        return seq(e.x).map((v) => !truthy(v));
      case 'round':
        return seq(e.x).map((v) => pyRound(num(v)));
      case 'indicator':
        return seq(e.x).map((v) => (truthy(v) ? 1 : 0));
      case 'in':
        return seq(e.x).map((v) => e.list.some((w) => pyEq(v, w)));
      case 'index':
        // Python's list[i]: an int (a bool is one) within -len..len-1; a string or a fraction is a TypeError.
        return seq(e.x).map((v) => {
          if (typeof v === 'string' || !Number.isInteger(Number(v)))
            throw new PyError(`list indices must be integers, not ${typeof v === 'string' ? 'str' : 'float'}`);
          const i = Number(v);
          if (i < -e.list.length || i >= e.list.length) throw new PyError('list index out of range');
          return e.list[i < 0 ? e.list.length + i : i];
        });
      case 'lookup':
        // Python's dict[k]: keys compare as Python's == (1, 1.0 and True are one key); a missing key is a KeyError.
        return seq(e.x).map((v) => {
          const hit = e.entries.find(([k]) => pyEq(k, v));
          if (!hit) throw new PyError(`KeyError: ${v}`);
          return hit[1];
        });
      case 'cond': {
        // A constant test picks one branch, evaluating only it (Evaluator.py's _evaluateTernaryExpr).
        if (!isSOpExpr(e.c)) return truthy(seq(e.c)[0]) ? seq(e.a) : seq(e.b);
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
          if (!picked.every((v) => typeof v === 'number')) throw new PyError(`asked to average multiple values, but they are non-numbers`);
          return (picked as number[]).reduce((s, v) => s + v, 0) / picked.length;
        });
      }
    }
  };
  return variable(name);
}

/** Whether an expression is an s-op (reads the input, a statement or a selector) rather than a Python value. */
export function isSOpExpr(e: RExpr): boolean {
  switch (e.k) {
    case 'input':
    case 'var':
    case 'width':
    case 'agg':
      return true;
    case 'num':
    case 'str':
      return false;
    case 'bin':
      return isSOpExpr(e.l) || isSOpExpr(e.r);
    case 'in':
    case 'index':
    case 'lookup':
    case 'neg':
    case 'not':
    case 'round':
    case 'indicator':
      return isSOpExpr(e.x);
    case 'cond':
      if (isSOpExpr(e.c)) return true;
      return isSOpExpr(truthy(runReference([{ name: 'c', expr: e.c }], [0], 'c')[0]) ? e.a : e.b);
  }
}

/** Support.py's Sequence: strings alone or numbers alone (Python's bools are ints: [0, True] is a sequence), else an error. */
function checkSequence(values: Seq): void {
  if (new Set(values.map((v) => typeof v === 'string')).size > 1) throw new PyError(`a sequence of strings and numbers: ${values.join(', ')}`);
}
