/**
 * What names stand for while a `.rasp` file is elaborated, and the scopes that hold them.
 *
 * An element-wise expression over s-ops (`length - indices - 1`) is kept as an unmaterialised
 * `elementwise` value while it is only being combined with more operators, so a chain of
 * operators becomes one map; it becomes a MapNode when assigned, returned or passed to a RASP
 * primitive (see `materialise` in elaborate.ts).
 */
import { closest, distance } from 'fastest-levenshtein';
import type { Comparison, ScalarExpr, Selector, SOp } from './ast.ts';
import type { Stmt } from './syntax.ts';
import type { Value } from './values.ts';

export type DefStmt = Extract<Stmt, { kind: 'def' }>;

export type BuiltinName = 'select' | 'aggregate' | 'selector_width' | 'round' | 'indicator' | 'abs' | 'numerical' | 'categorical' | 'range' | 'len' | 'zip';

export type Val =
  /** `float`: a whole number that is a Python float (`2.0`, `4 / 2`; `isFloat` in values.ts). */
  | { readonly t: 'const'; readonly v: Value; readonly float?: boolean }
  /** A list; its items may be any values, s-ops and selectors included (RASP's are Python lists). */
  | { readonly t: 'list'; readonly items: readonly Val[] }
  /** A dictionary from constants to any values, in insertion order (collections.ts has its key rules). */
  | { readonly t: 'dict'; readonly entries: ReadonlyMap<string, { readonly key: Value; readonly keyFloat?: boolean; readonly val: Val }> }
  | { readonly t: 'sop'; readonly node: SOp }
  /**
   * Parameter i of `body` is the value of `leaves[i]`; leaves are distinct, in order of first
   * appearance. `depth`: how deeply `body`'s operations nest (a leaf or a constant is 0).
   */
  | { readonly t: 'elementwise'; readonly leaves: readonly SOp[]; readonly body: ScalarExpr; readonly depth: number }
  | { readonly t: 'selector'; readonly node: Selector }
  | { readonly t: 'def'; readonly def: DefStmt; readonly scope: Scope }
  | { readonly t: 'builtin'; readonly name: BuiltinName }
  | { readonly t: 'tuple'; readonly items: readonly Val[] }
  | { readonly t: 'operator'; readonly op: Comparison };

/** A description of a value's kind for error messages ("an s-op", "a selector"). */
export function kindText(v: Val): string {
  switch (v.t) {
    case 'const':
      return typeof v.v === 'string' ? 'a string' : typeof v.v === 'boolean' ? 'a boolean' : 'a number';
    case 'list':
      return 'a list';
    case 'dict':
      return 'a dictionary';
    case 'sop':
    case 'elementwise':
      return 'an s-op';
    case 'selector':
      return 'a selector';
    case 'def':
    case 'builtin':
      return 'a function';
    case 'tuple':
      return `a tuple of ${v.items.length} values`;
    case 'operator':
      return `the operator ${v.op}`;
  }
}

/** Names bound in one scope; lookups fall back to the enclosing scope (defs close over where they were written). */
export class Scope {
  private readonly vars = new Map<string, Val>();
  constructor(readonly parent?: Scope) {}

  get(name: string): Val | undefined {
    return this.vars.get(name) ?? this.parent?.get(name);
  }
  set(name: string, v: Val): void {
    this.vars.set(name, v);
  }
  /** The names bound in this scope itself, with their values, in the order they were first bound. */
  entries(): IterableIterator<[string, Val]> {
    return this.vars.entries();
  }
  /** Every name visible from here (for "did you mean" suggestions). */
  visibleNames(): string[] {
    return [...new Set([...this.vars.keys(), ...(this.parent?.visibleNames() ?? [])])];
  }
}

/** The closest visible name to a misspelt one, when it is close enough to be a likely typo. */
export function suggestName(name: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(name, candidates as string[]);
  return distance(name, best) <= Math.max(1, Math.floor(name.length / 2)) ? best : undefined;
}
