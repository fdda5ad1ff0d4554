/**
 * A compiled categorical aggregate copies the one value its query selects; RASP averages several
 * different numbers (evaluate.ts). Checked once the value sets are known: every categorical
 * aggregate whose s-op can hold two different numbers is run on the task's inputs, shortest first,
 * up to `INPUT_BUDGET` of them, unless the program's structure proves that the keys one query
 * selects always hold one value (`copiesOneValue`), which decides most programs without running any
 * input. One found averaging whose s-op holds numbers alone (never undefined) is returned, to be
 * compiled as a numerical aggregate — a mean head, its set every mean (valueSets.ts) — exactly as
 * RASP averages; any other is refused in one line, with the input that shows it, as the model would
 * get it wrong silently. Finding no such input is no proof: past the budget, verify shows a
 * disagreement as any other.
 */
import type { AggregateNode, Selector } from '../src/rasp/ast.ts';
import { nodeInMessage } from '../src/rasp/describe.ts';
import { RaspError } from '../src/rasp/errors.ts';
import { Evaluator } from '../src/rasp/evaluate.ts';
import { enumerateInputs } from '../src/rasp/inputs.ts';
import { everyApplication } from '../src/rasp/scalar.ts';
import type { ValueSet } from '../src/rasp/valueSets.ts';
import { formatValue, valueKey, type Value } from '../src/rasp/values.ts';
import type { Graph } from './graph.ts';
import type { Spaces } from './spaces.ts';

/** How many inputs the check runs at most. */
export const INPUT_BUDGET = 1000;

/** Most argument combinations `copiesOneValue` evaluates to learn whether a map's value determines its arguments. */
const INVERSE_BUDGET = 10_000;

export interface CopiesCheck {
  /** How many inputs it ran (0 where the structure decided every aggregate). */
  readonly runs: number;
  /** The aggregates (graph indices) found averaging numbers, to compile as numerical aggregates. */
  readonly averaged: readonly number[];
}

/** Refuses or returns the aggregates to compile as means, as above. */
export function checkCopies(graph: Graph, spaces: Spaces, task: { readonly vocab: readonly Value[]; readonly maxLen: number }): CopiesCheck {
  let suspects: { n: AggregateNode; i: number; numbers: boolean }[] = [];
  const proof = new Determination(graph, spaces);
  graph.nodes.forEach((g, i) => {
    const n = g.node;
    if (n.kind !== 'aggregate' || spaces.encodings[i] !== 'categorical') return;
    const inner = spaces.sets[graph.canon.get(n.sop.id)!];
    if (!inner || inner.values.filter((v) => typeof v !== 'string').length <= 1 || !inner.values.some((v) => typeof v === 'number')) return;
    if (!proof.copiesOneValue(n)) suspects.push({ n, i, numbers: !inner.mayBeNull && inner.values.every((v) => typeof v === 'number') });
  });
  let runs = 0;
  const averaged: number[] = [];
  for (const input of enumerateInputs(task.vocab, 1, task.maxLen)) {
    if (runs >= INPUT_BUDGET || suspects.length === 0) break;
    runs++;
    const ev = new Evaluator(input);
    for (const { n, i, numbers } of suspects) {
      let at;
      try {
        at = ev.averagedAt(n);
      } catch (e) {
        if (e instanceof RaspError) continue; // the evaluator refuses this input: nothing to follow
        throw e;
      }
      if (!at) continue;
      if (numbers) {
        averaged.push(i);
        continue;
      }
      const read = at.keys.map((k, j) => `${formatValue(at.values[j])} (key ${k})`).join(', ');
      throw new RaspError(
        `cannot compile ${nodeInMessage(n)} as a categorical aggregate: on input ${input.map(formatValue).join(' ')} query position ${at.query} ` +
          `averages ${read}, as RASP does, and a compiled categorical aggregate copies one value; write numerical(...) around it to compile the mean`,
        n.loc,
      );
    }
    suspects = suspects.filter((s) => !averaged.includes(s.i));
  }
  return { runs, averaged };
}

/** Whether the program's structure proves that the keys aggregate `n` selects at a query hold one value, on every input (`Determination`). */
export function copiesOneValue(graph: Graph, spaces: Spaces, n: AggregateNode): boolean {
  return new Determination(graph, spaces).copiesOneValue(n);
}

/**
 * Which s-ops the keys one query selects provably agree on, on every input: a set S of s-ops that
 * hold the very same value (same `valueKey`) at every selected key, grown from the aggregate's
 * selector to a fixed point by rules that hold within any one input:
 *   - a conjunct select(K, Q, ==) of the selector puts K in S (K's values equal Q's at the query);
 *   - constants and `length` are in S, and a map of s-ops in S is in S;
 *   - a map in S puts each argument its value determines in S (found by evaluating the map on the
 *     product of its arguments' value sets, a superset of what occurs);
 *   - W = selector_width(select(A₁, A₁, ==) and … and select(Y, Y, ≺)), ≺ an order over Y's values,
 *     in S with every Aᵢ in S puts Y in S: among the keys that agree on every Aᵢ, W grows strictly
 *     with Y, so equal W means equal Y.
 * The selected keys hold one value when the aggregated s-op or `indices` (one key) is in S.
 */
class Determination {
  /** Per map node (graph index): which of its arguments (graph indices) its value determines; memoised. */
  private readonly inverses = new Map<number, number[]>();
  /** The s-ops equal at every position of an input: constants and `length`. */
  private readonly constants: number[];

  constructor(
    private readonly graph: Graph,
    private readonly spaces: Spaces,
  ) {
    this.constants = graph.nodes.flatMap((gn, i) => (gn.node.kind === 'const' || gn.node.kind === 'length' ? [i] : []));
  }

  copiesOneValue(n: AggregateNode): boolean {
    const g = this.graph;
    const at = (id: number) => g.canon.get(id)!;
    const target = at(n.sop.id);
    const agreed = new Set<number>();
    const queue: number[] = [];
    const put = (i: number) => {
      if (agreed.has(i)) return;
      agreed.add(i);
      queue.push(i);
    };
    for (const c of conjuncts(n.selector)) if (c.kind === 'select' && c.predicate === '==' && this.samePlain(at(c.keys.id))) put(at(c.keys.id));
    for (const i of this.constants) put(i);
    // Widths in S whose order rule waits for a class s-op to join S: tried again once the queue runs dry.
    const waiting = new Set<number>();
    for (;;) {
      while (queue.length) {
        const i = queue.pop()!;
        const gn = g.nodes[i];
        if (i === target || gn.node.kind === 'indices') return true;
        if (gn.node.kind === 'map') for (const j of this.determinedArgs(i)) put(j);
        if (gn.node.kind === 'selectorWidth') waiting.add(i);
        for (const c of gn.consumers) if (g.nodes[c].node.kind === 'map' && g.nodes[c].inputs.every((j) => agreed.has(j))) put(c);
      }
      for (const w of waiting) {
        const node = g.nodes[w].node;
        const y = node.kind === 'selectorWidth' ? this.orderedBy(node.selector, agreed) : undefined;
        if (y === undefined) continue;
        waiting.delete(w);
        put(y);
      }
      if (queue.length === 0) return false;
    }
  }

  /** Whether equal values of this s-op under == are the same value: its set does not mix booleans with numbers (True == 1). */
  private samePlain(i: number): boolean {
    const set = this.spaces.sets[i];
    return set !== undefined && !(set.values.some((v) => typeof v === 'boolean') && set.values.some((v) => typeof v === 'number'));
  }

  /** Y when the selector is select(A₁, A₁, ==) and … and select(Y, Y, ≺) with every Aᵢ agreed and ≺ an order over Y's values; else undefined. */
  private orderedBy(sel: Selector, agreed: ReadonlySet<number>): number | undefined {
    const at = (id: number) => this.graph.canon.get(id)!;
    let ordered: number | undefined;
    for (const c of conjuncts(sel)) {
      if (c.kind !== 'select' || at(c.keys.id) !== at(c.queries.id)) return undefined;
      const s = at(c.keys.id);
      if (c.predicate === '==' && agreed.has(s) && this.samePlain(s)) continue;
      if (!['<', '<=', '>', '>='].includes(c.predicate) || ordered !== undefined || !totallyOrdered(this.spaces.sets[s])) return undefined;
      ordered = s;
    }
    return ordered;
  }

  private determinedArgs(i: number): number[] {
    let out = this.inverses.get(i);
    if (!out) this.inverses.set(i, (out = this.computeDeterminedArgs(i)));
    return out;
  }

  private computeDeterminedArgs(i: number): number[] {
    const gn = this.graph.nodes[i];
    const node = gn.node;
    if (node.kind !== 'map') return [];
    const sets = gn.inputs.map((j) => this.spaces.sets[j]);
    if (sets.some((s) => !s || s.mayBeNull) || sets.reduce((p, s) => p * s!.values.length, 1) > INVERSE_BUDGET) return [];
    const domains = sets.map((s) => s!.values);
    // For each result, the key of each argument that gave it, or '' once two different ones did.
    // A combination the evaluator refuses is skipped: no input reaches the aggregate with it.
    const seen = new Map<string, string[]>();
    everyApplication(node.fn, domains, (args, out) => {
      const k = valueKey(out);
      const keys = args.map(valueKey);
      const before = seen.get(k);
      if (!before) seen.set(k, keys);
      else before.forEach((b, j) => b !== keys[j] && (before[j] = ''));
    });
    return gn.inputs.filter((_, j) => [...seen.values()].every((keys) => keys[j] !== ''));
  }
}

/** The selectors a selector is the conjunction of (itself when it is no `and`), each once. */
function conjuncts(sel: Selector): Selector[] {
  // An explicit stack, each node once: a program may nest thousands of `and`s, or share one part many times.
  const out: Selector[] = [];
  const seen = new Set<number>();
  const stack: Selector[] = [sel];
  while (stack.length) {
    const s = stack.pop()!;
    if (seen.has(s.id)) continue;
    seen.add(s.id);
    if (s.kind === 'selectAnd') stack.push(s.right, s.left);
    else out.push(s);
  }
  return out;
}

/** Whether <, <=, >, >= order a value set totally (finite numbers alone, or strings alone, no undefined value). */
function totallyOrdered(set: ValueSet | undefined): boolean {
  if (!set || set.mayBeNull || set.values.length === 0) return false;
  return set.values.every((v) => typeof v === 'number' && Number.isFinite(v)) || set.values.every((v) => typeof v === 'string');
}
