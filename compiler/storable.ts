/**
 * What a model file can hold, checked as soon as the value sets are known, so that `compile`
 * refuses, naming the construct, a program whose model no command could read back:
 *   - an output with no value on any input (`indices / 0` divides by zero everywhere): a model
 *     with no output classes is not a model, and no input would have an answer to check;
 *   - a string value too long for the header: every value an s-op can hold is written into the
 *     labels (one residual direction each, and the expressions that produce it), and a reader
 *     refuses a safetensors header over 100 MB.
 */
import { RaspError } from '../src/rasp/errors.ts';
import type { RaspNode } from '../src/rasp/ast.ts';
import { nodeWithDefinition } from '../src/rasp/describe.ts';
import { formatValue, type Value } from '../src/rasp/values.ts';
import type { Graph } from './graph.ts';
import type { Spaces } from './spaces.ts';

/** Longest string value a compiled model holds, in characters (a value is copied several times into a header capped at 100 MB). */
export const MAX_STORED_STRING = 1_000_000;

/** How a message names a node without quoting a huge constant. */
function shortName(node: RaspNode): string {
  const text = nodeWithDefinition(node);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function checkStorable(graph: Graph, spaces: Spaces, task: { readonly vocab: readonly Value[]; readonly maxLen: number }): void {
  graph.nodes.forEach((g, i) => {
    const set = spaces.sets[i];
    const long = set?.values.find((v) => typeof v === 'string' && v.length > MAX_STORED_STRING) as string | undefined;
    if (long !== undefined)
      throw new RaspError(
        `cannot compile ${shortName(g.node)}: it can hold a string of ${long.length.toLocaleString('en-US')} characters ` +
          `(at most ${MAX_STORED_STRING.toLocaleString('en-US')}: a model file stores every value in its header, which readers cap at 100 MB)`,
        g.node.loc,
      );
  });
  const out = graph.nodes[graph.output];
  if (spaces.sets[graph.output]?.values.length === 0)
    throw new RaspError(
      `cannot compile ${shortName(out.node)} as the output: it has no value on any input of lengths 1–${task.maxLen} over ` +
        `{${task.vocab.map(formatValue).join(', ')}} (every input fails, e.g. a division by zero), so the model would have nothing to answer`,
      out.node.loc,
    );
}
