/**
 * The reference evaluator: RASP semantics (Weiss, Goldberg & Yahav 2021; the tech-srl/RASP
 * interpreter) on one input sequence.
 *
 *   tokens, indices (0..n-1), length (n everywhere), constants (the value everywhere).
 *   map: the function at each position (scalar.ts); undefined (null) at a position if any input is.
 *   select(keys, queries, pred): matrix[q][k] = pred(keys[k], queries[q]); TRUE / FALSE select all /
 *     none; a comparison with an undefined operand selects nothing. and/or/not act element-wise.
 *   aggregate, as the interpreter's `Support.py` does it, whatever the encoding: a query that selects
 *     no key reads the default (0 when the program wrote none); one key, its value as it is (a boolean
 *     stays a boolean); several keys, the mean of their values when the aggregated s-op holds numbers
 *     (booleans among numbers count 0/1), else an error naming the aggregate, the query position and
 *     the keys' values (RASP averages no strings, and no s-op of booleans only, even of equal values).
 *     Undefined if any selected value is.
 *   Our extension: an aggregate the program states numerical(...), or of an s-op it states
 *     numerical(...), averages as tracr does: booleans as 0/1, every result a number.
 *   selector_width: how many keys each query selects.
 * Errors carry the node's source location when it has one.
 */
import { aggregateDefault, averagesAsTracr, children, type AggregateNode, type MapNode, type RaspNode, type Selector, type SOp } from './ast.ts';
import type { TokensNode } from './ast.ts';
import { nodeInMessage } from './describe.ts';
import { RaspError } from './errors.ts';
import type { Program } from './program.ts';
import { applyScalarFn, canonicalNumber, compareOp, type FloatTrack } from './scalar.ts';
import { castName, castToken } from './tokenCasts.ts';
import { formatValue, valuesEqual, type MaybeValue, type Value } from './values.ts';

export type SOpValues = MaybeValue[];
/** [query][key]: whether query position q selects key position k. */
export type SelectorMatrix = boolean[][];

/**
 * Evaluates nodes on one input, remembering every node it has computed (by id), so a program's
 * shared sub-expressions and several requested nodes (a trace) are each computed once.
 * Returned arrays are the memo itself: treat them as read-only.
 */
export class Evaluator {
  private readonly memo = new Map<number, SOpValues | SelectorMatrix>();
  /** Node id → which positions hold a Python float (values.ts `isFloat`); absent where none does. */
  private readonly floatMemo = new Map<number, readonly boolean[]>();
  readonly input: readonly Value[];

  /**
   * `overrides`: node id → values that node takes instead of its own (an interchange intervention):
   * everything downstream is computed from them, everything upstream is never asked for.
   */
  constructor(input: readonly Value[], overrides?: ReadonlyMap<number, SOpValues>) {
    this.input = input;
    for (const [id, values] of overrides ?? []) {
      if (values.length !== input.length) throw new RaspError(`an overridden node has ${values.length} values for an input of length ${input.length}`);
      this.memo.set(id, values);
    }
  }

  sop(node: SOp): SOpValues {
    return this.value(node) as SOpValues;
  }

  selector(node: Selector): SelectorMatrix {
    return this.value(node) as SelectorMatrix;
  }

  /** Which positions of an s-op hold a Python float (a whole one included: `4 / 2`), or null where none does. */
  floats(node: SOp): readonly boolean[] | null {
    this.value(node);
    return this.floatMemo.get(node.id) ?? null;
  }

  /** The values of an s-op or the matrix of a selector. */
  value(node: RaspNode): SOpValues | SelectorMatrix {
    const hit = this.memo.get(node.id);
    if (hit) return hit;
    // Post-order walk with an explicit stack: programs can be hundreds of nodes deep.
    const stack: { node: RaspNode; ready: boolean }[] = [{ node, ready: false }];
    while (stack.length) {
      const top = stack.pop()!;
      if (this.memo.has(top.node.id)) continue;
      if (top.ready) {
        this.memo.set(top.node.id, this.compute(top.node));
        continue;
      }
      stack.push({ node: top.node, ready: true });
      for (const c of children(top.node)) if (!this.memo.has(c.id)) stack.push({ node: c, ready: false });
    }
    return this.memo.get(node.id)!;
  }

  private got<T extends SOpValues | SelectorMatrix>(n: RaspNode): T {
    return this.memo.get(n.id) as T;
  }

  private compute(n: RaspNode): SOpValues | SelectorMatrix {
    const len = this.input.length;
    switch (n.kind) {
      case 'tokens':
        if (n.cast === 'float') this.floatMemo.set(n.id, new Array<boolean>(len).fill(true));
        return n.cast === 'asis' ? [...this.input] : this.input.map((t, i) => readToken(n, t, i));
      case 'indices':
        return Array.from({ length: len }, (_, i) => i);
      case 'length':
        return new Array<MaybeValue>(len).fill(len);
      case 'const':
        if (n.float) this.floatMemo.set(n.id, new Array<boolean>(len).fill(true));
        return new Array<MaybeValue>(len).fill(n.value);
      case 'map':
        return this.map(n);
      case 'aggregate':
        return this.aggregate(n);
      case 'selectorWidth':
        return this.got<SelectorMatrix>(n.selector).map((row) => row.reduce((c, on) => c + (on ? 1 : 0), 0));
      case 'select': {
        const keys = this.got<SOpValues>(n.keys);
        const queries = this.got<SOpValues>(n.queries);
        const pred = n.predicate;
        if (pred === 'TRUE' || pred === 'FALSE') return queries.map(() => keys.map(() => pred === 'TRUE'));
        return queries.map((q, qi) =>
          keys.map((k, ki) => {
            if (k === null || q === null) return false;
            try {
              return compareOp(pred, k, q);
            } catch (e) {
              throw located(e, n, `key position ${ki}, query position ${qi}`);
            }
          }),
        );
      }
      case 'selectAnd': {
        const a = this.got<SelectorMatrix>(n.left);
        const b = this.got<SelectorMatrix>(n.right);
        return a.map((row, q) => row.map((on, k) => on && b[q][k]));
      }
      case 'selectOr': {
        const a = this.got<SelectorMatrix>(n.left);
        const b = this.got<SelectorMatrix>(n.right);
        return a.map((row, q) => row.map((on, k) => on || b[q][k]));
      }
      case 'selectNot':
        return this.got<SelectorMatrix>(n.inner).map((row) => row.map((on) => !on));
    }
  }

  private map(n: MapNode): SOpValues {
    const cols = n.inputs.map((i) => this.got<SOpValues>(i));
    const colFloats = n.inputs.map((i) => this.floatMemo.get(i.id));
    const out: SOpValues = new Array(this.input.length);
    const args: Value[] = new Array(cols.length);
    const argFloats: boolean[] = new Array(cols.length).fill(false);
    const track: FloatTrack = { args: argFloats, out: false };
    let outFloats: boolean[] | undefined;
    for (let p = 0; p < out.length; p++) {
      let undef = false;
      for (let j = 0; j < cols.length; j++) {
        const v = cols[j][p];
        if (v === null) undef = true;
        else args[j] = v;
        argFloats[j] = colFloats[j]?.[p] ?? false;
      }
      if (undef) {
        out[p] = null;
        continue;
      }
      try {
        out[p] = applyScalarFn(n.fn, args, track);
      } catch (e) {
        throw located(e, n, `position ${p}`);
      }
      if (track.out) (outFloats ??= new Array<boolean>(out.length).fill(false))[p] = true;
    }
    if (outFloats) this.floatMemo.set(n.id, outFloats);
    return out;
  }

  private aggregate(n: AggregateNode): SOpValues {
    const sel = this.got<SelectorMatrix>(n.selector);
    const vals = this.got<SOpValues>(n.sop);
    const tracr = averagesAsTracr(n);
    const valFloats = this.floatMemo.get(n.sop.id);
    // As Support.py: the default as written, one key's value as it is, a mean of several a float.
    const floats = sel.map((row) => {
      const count = row.reduce((c, on) => c + (on ? 1 : 0), 0);
      return count === 0 ? n.defaultFloat : count > 1 || (valFloats?.[row.indexOf(true)] ?? false);
    });
    if (floats.some((f) => f)) this.floatMemo.set(n.id, floats);
    let numbers: boolean | undefined;
    return sel.map((row, q) => {
      const picked: number[] = [];
      row.forEach((on, k) => on && picked.push(k));
      if (picked.length === 0) return aggregateDefault(n);
      if (tracr) return this.mean(n, q, picked, vals);
      if (picked.length === 1) return vals[picked[0]];
      numbers ??= holdsNumbers(vals);
      if (!numbers) {
        const shown = picked.map((k) => `${formatValue(vals[k])} (key ${k})`).join(', ');
        throw located(
          new RaspError(
            `aggregate ${nodeInMessage(n)}: query position ${q} selects several values ${shown}; ` +
              `only numbers are averaged, so it needs one value per query — select a single position`,
          ),
          n,
        );
      }
      return this.mean(n, q, picked, vals);
    });
  }

  /**
   * The first query position at which aggregate `n` averages several different numbers on this
   * input, with the keys it reads, or null where every query reads one value (a compiled categorical
   * aggregate copies one value, so it follows the evaluator exactly where this is null).
   */
  averagedAt(n: AggregateNode): { query: number; keys: number[]; values: MaybeValue[] } | null {
    const sel = this.selector(n.selector);
    const vals = this.sop(n.sop);
    for (let q = 0; q < sel.length; q++) {
      const keys: number[] = [];
      sel[q].forEach((on, k) => on && keys.push(k));
      if (keys.length > 1 && keys.some((k) => !valuesEqual(vals[k], vals[keys[0]])) && holdsNumbers(vals))
        return { query: q, keys, values: keys.map((k) => vals[k]) };
    }
    return null;
  }

  private mean(n: AggregateNode, q: number, keys: number[], vals: SOpValues): MaybeValue {
    let sum = 0;
    for (const k of keys) {
      const v = vals[k];
      if (v === null) return null;
      if (typeof v === 'string')
        throw located(
          new RaspError(`numerical aggregate ${nodeInMessage(n)} at query position ${q} averages the non-numeric value '${v}' (key position ${k})`),
          n,
        );
      sum += Number(v);
    }
    return canonicalNumber(sum / keys.length);
  }
}

/** Whether an s-op's values on one input can be averaged as RASP does: numbers, with booleans among them at most (Python's ints). */
function holdsNumbers(vals: SOpValues): boolean {
  let number = false;
  for (const v of vals) {
    if (typeof v === 'string') return false;
    if (typeof v === 'number') number = true;
  }
  return number;
}

/** Attaches the node's location (and, for errors from a function, which node and where) to an error. */
function located(e: unknown, n: RaspNode, where?: string): unknown {
  if (!(e instanceof RaspError)) return e;
  if (e.loc && where === undefined) return e;
  const detail = where !== undefined ? `${e.detail} (in ${nodeInMessage(n)}, ${where})` : e.detail;
  return new RaspError(detail, e.loc ?? n.loc);
}

/** The values of an s-op on one input. */
export function evaluate(node: SOp, input: readonly Value[]): MaybeValue[] {
  return [...new Evaluator(input).sop(node)];
}

/** The matrix of a selector on one input, [query][key]. */
export function evaluateSelector(sel: Selector, input: readonly Value[]): boolean[][] {
  return new Evaluator(input).selector(sel).map((row) => [...row]);
}

/** The program's output on one input. */
export function evaluateProgram(p: Program, input: readonly Value[]): MaybeValue[] {
  return evaluate(p.output, input);
}

/** Input token `t` at position `i` as `n`'s built-in reads it; refused as the interpreter's Python constructor refuses it. */
function readToken(n: TokensNode, t: MaybeValue, i: number): Value {
  if (t === null) throw new RaspError(`${castName(n.cast)}: no token at position ${i}`, n.loc);
  const r = castToken(n.cast, t);
  if ('error' in r) throw new RaspError(`${castName(n.cast)} at position ${i}: ${r.error}`, n.loc);
  return r.value;
}
