/**
 * The reference evaluator: RASP semantics (Weiss, Goldberg & Yahav 2021; the tech-srl/RASP
 * interpreter) on one input sequence.
 *
 *   tokens, indices (0..n-1), length (n everywhere), constants (the value everywhere).
 *   map: the function at each position (scalar.ts); undefined (null) at a position if any input is.
 *   select(keys, queries, pred): matrix[q][k] = pred(keys[k], queries[q]); TRUE / FALSE select all /
 *     none; a comparison with an undefined operand selects nothing. and/or/not act element-wise.
 *   aggregate, categorical: each query reads the value its selected keys hold — one key, or several
 *     that all hold the same value; the default when none is selected (0 when the program wrote
 *     none, as the interpreter's `Support.py` does); several different values are an error naming
 *     the aggregate, the query position and the values.
 *   aggregate, numerical: the mean of the selected values (booleans as 0/1), the default when none;
 *     undefined if any selected value is. Which aggregates are numerical: encoding.ts.
 *   selector_width: how many keys each query selects.
 * Errors carry the node's source location when it has one.
 */
import { aggregateDefault, children, type AggregateNode, type MapNode, type RaspNode, type Selector, type SOp } from './ast.ts';
import { nodeInMessage } from './describe.ts';
import { encodingOf } from './encoding.ts';
import { RaspError } from './errors.ts';
import type { Program } from './program.ts';
import { applyScalarFn, canonicalNumber, compareOp } from './scalar.ts';
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
        return [...this.input];
      case 'indices':
        return Array.from({ length: len }, (_, i) => i);
      case 'length':
        return new Array<MaybeValue>(len).fill(len);
      case 'const':
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
    const out: SOpValues = new Array(this.input.length);
    const args: Value[] = new Array(cols.length);
    for (let p = 0; p < out.length; p++) {
      let undef = false;
      for (let j = 0; j < cols.length; j++) {
        const v = cols[j][p];
        if (v === null) undef = true;
        else args[j] = v;
      }
      if (undef) {
        out[p] = null;
        continue;
      }
      try {
        out[p] = applyScalarFn(n.fn, args);
      } catch (e) {
        throw located(e, n, `position ${p}`);
      }
    }
    return out;
  }

  private aggregate(n: AggregateNode): SOpValues {
    const sel = this.got<SelectorMatrix>(n.selector);
    const vals = this.got<SOpValues>(n.sop);
    const numerical = encodingOf(n) === 'numerical';
    return sel.map((row, q) => {
      const picked: number[] = [];
      row.forEach((on, k) => on && picked.push(k));
      if (picked.length === 0) return aggregateDefault(n);
      return numerical ? this.mean(n, q, picked, vals) : this.single(n, q, picked, vals);
    });
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

  private single(n: AggregateNode, q: number, keys: number[], vals: SOpValues): MaybeValue {
    const first = vals[keys[0]];
    for (const k of keys) {
      if (!valuesEqual(vals[k], first)) {
        const shown = keys.map((kk) => `${formatValue(vals[kk])} (key ${kk})`).join(', ');
        throw located(
          new RaspError(
            `categorical aggregate ${nodeInMessage(n)}: query position ${q} selects different values ${shown}; ` +
              `it needs one value per query — select a single position, or make it numerical(...) to average`,
          ),
          n,
        );
      }
    }
    return first;
  }
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
