/**
 * The program's variables per position, from the evaluator's trace: what neurons are compared with
 * and linear probes decode. Also where a compiled model holds each one: the first residual-stream
 * read point (0 = blocks.0.hook_resid_pre, …, L = the final resid_post) after every block that
 * writes it, and which of its values have directions there (the compiler gives a categorical s-op
 * directions only for the values something reads, e.g. count's tokens == 'a').
 */
import { isSelector, type Encoding } from '../src/rasp/ast.ts';
import { encodingOf } from '../src/rasp/encoding.ts';
import { isUserError, RaspError } from '../src/rasp/errors.ts';
import { Evaluator } from '../src/rasp/evaluate.ts';
import type { Program } from '../src/rasp/program.ts';
import { sortedUnique, valueKey, type MaybeValue, type Value } from '../src/rasp/values.ts';
import type { ModelData } from '../src/model/types.ts';
import { indices as indicesNode, length as lengthNode } from '../src/rasp/builder.ts';
import { programTokens } from '../src/rasp/counterfactual.ts';

export interface ProgramVariable {
  readonly name: string;
  readonly encoding: Encoding;
  /** [input][position] (input positions, BOS excluded). */
  readonly values: MaybeValue[][];
  /** Every defined value seen, sorted. */
  readonly seen: Value[];
}

/** tokens, indices and every named s-op of the program (with `length`: the built-in length too, which a compiled head may write), evaluated on each input. */
export function programVariables(program: Program, inputs: readonly Value[][], opts: { readonly length?: boolean } = {}): ProgramVariable[] {
  const nodes = new Map<string, Parameters<Evaluator['sop']>[0]>([
    ['tokens', programTokens(program)],
    ['indices', indicesNode],
    ...(opts.length ? ([['length', lengthNode]] as const) : []),
  ]);
  for (const [name, node] of program.named) if (!isSelector(node)) nodes.set(name, node);
  if (!nodes.has(program.output.name ?? '')) nodes.set(program.output.name ?? 'output', program.output);
  const values = new Map<string, MaybeValue[][]>([...nodes.keys()].map((k) => [k, []]));
  for (const input of inputs) {
    const ev = new Evaluator(input);
    for (const [name, node] of nodes) {
      let row: MaybeValue[];
      try {
        row = [...ev.sop(node)];
      } catch (e) {
        if (!(e instanceof RaspError || isUserError(e))) throw e;
        row = input.map(() => null);
      }
      values.get(name)!.push(row);
    }
  }
  return [...nodes].map(([name, node]) => {
    const vals = values.get(name)!;
    return { name, encoding: encodingOf(node), values: vals, seen: sortedUnique(vals.flat().filter((v): v is Value => v !== null)) };
  });
}

/**
 * The first read point at which a compiled model's residual stream holds `name` in directions of
 * its own: 0 for the embeddings, else one past the last layer whose heads or MLPs write it. Null
 * when no residual direction stands for it (the compiler fused it into another block).
 */
export function residualLayerOf(model: ModelData, name: string): number | null {
  const { residual, heads, mlps } = model.labels;
  if (!residual.some((d) => d.sop === name && (d.value !== undefined || d.encoding === 'numerical'))) return null;
  const writers = [...heads.filter((h) => h.writes === name).map((h) => h.layer), ...mlps.filter((m) => m.writes === name).map((m) => m.layer)];
  return writers.length ? Math.max(...writers) + 1 : 0;
}

/** Which of `values` a compiled model's residual stream holds in directions of `name`'s own (all of them for a numerical direction). */
export function heldValues(model: ModelData, name: string, values: readonly Value[]): Value[] {
  const own = model.labels.residual.filter((d) => d.sop === name);
  if (own.some((d) => d.value === undefined && d.encoding === 'numerical')) return [...values];
  const keys = new Set(own.filter((d) => d.value !== undefined).map((d) => valueKey(d.value!)));
  return values.filter((v) => keys.has(valueKey(v)));
}
