/**
 * A trace of one evaluation, as the RASP REPL shows it: every named node of the program in the
 * order the program assigned it, then the output if the program gave it no name.
 */
import { isSelector } from './ast.ts';
import { Evaluator } from './evaluate.ts';
import type { Program } from './program.ts';
import type { MaybeValue, Value } from './values.ts';

export interface TraceRow {
  readonly name: string;
  readonly kind: 'sop' | 'selector';
  /** An s-op's value per position, or a selector's matrix [query][key]. */
  readonly values: MaybeValue[] | boolean[][];
}

/** Evaluates every named node (sharing one memo) and the output. */
export function traceProgram(p: Program, input: readonly Value[]): TraceRow[] {
  const ev = new Evaluator(input);
  const rows: TraceRow[] = [];
  let outputSeen = false;
  for (const [name, node] of p.named) {
    if (node.id === p.output.id) outputSeen = true;
    rows.push(row(ev, name, node));
  }
  if (!outputSeen) rows.push(row(ev, p.output.name ?? 'output', p.output));
  return rows;
}

function row(ev: Evaluator, name: string, node: Parameters<Evaluator['value']>[0]): TraceRow {
  if (isSelector(node)) return { name, kind: 'selector', values: ev.selector(node).map((r) => [...r]) };
  return { name, kind: 'sop', values: [...ev.sop(node)] };
}
