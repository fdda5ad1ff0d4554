/**
 * A compiled categorical aggregate copies the one value its query selects; RASP averages several
 * different numbers (evaluate.ts). Checked once the value sets are known, so that `compile` refuses
 * in one line, with the input that shows it, an aggregate the model would get wrong silently:
 * every categorical aggregate whose s-op can hold two different numbers is run on the task's inputs,
 * shortest first, up to `INPUT_BUDGET` of them, unless it plainly reads one value per query (its
 * selector compares indices with ==, or it aggregates the very s-op its select compares with ==).
 * Finding no such input is no proof: past the budget, verify shows a disagreement as any other.
 */
import type { AggregateNode } from '../src/rasp/ast.ts';
import { nodeInMessage } from '../src/rasp/describe.ts';
import { RaspError } from '../src/rasp/errors.ts';
import { Evaluator } from '../src/rasp/evaluate.ts';
import { enumerateInputs } from '../src/rasp/inputs.ts';
import { formatValue, type Value } from '../src/rasp/values.ts';
import type { Graph } from './graph.ts';
import type { Spaces } from './spaces.ts';

/** How many inputs the check runs at most. */
export const INPUT_BUDGET = 1000;

export function checkCopies(graph: Graph, spaces: Spaces, task: { readonly vocab: readonly Value[]; readonly maxLen: number }): void {
  const suspects: AggregateNode[] = [];
  graph.nodes.forEach((g, i) => {
    const n = g.node;
    if (n.kind !== 'aggregate' || spaces.encodings[i] !== 'categorical' || readsOneValue(n)) return;
    const inner = spaces.sets[graph.canon.get(n.sop.id)!];
    if (inner && inner.values.filter((v) => typeof v !== 'string').length > 1 && inner.values.some((v) => typeof v === 'number')) suspects.push(n);
  });
  if (suspects.length === 0) return;
  let runs = 0;
  for (const input of enumerateInputs(task.vocab, 1, task.maxLen)) {
    if (runs++ >= INPUT_BUDGET) return;
    const ev = new Evaluator(input);
    for (const n of suspects) {
      let at;
      try {
        at = ev.averagedAt(n);
      } catch (e) {
        if (e instanceof RaspError) continue; // the evaluator refuses this input: nothing to follow
        throw e;
      }
      if (!at) continue;
      const read = at.keys.map((k, j) => `${formatValue(at.values[j])} (key ${k})`).join(', ');
      throw new RaspError(
        `cannot compile ${nodeInMessage(n)} as a categorical aggregate: on input ${input.map(formatValue).join(' ')} query position ${at.query} ` +
          `averages ${read}, as RASP does, and a compiled categorical aggregate copies one value; write numerical(...) around it to compile the mean`,
        n.loc,
      );
    }
  }
}

/** Whether every query of the aggregate plainly reads at most one value: keys that are indices, or the aggregated s-op itself, compared with ==. */
function readsOneValue(n: AggregateNode): boolean {
  const s = n.selector;
  return s.kind === 'select' && s.predicate === '==' && (s.keys.kind === 'indices' || s.keys.id === n.sop.id);
}
