/**
 * Prints a Program as `.rasp` text that parses back to the same graph: one assignment per
 * non-leaf node, children first, the output last (so it is the program's output when read back).
 * Leaves are written in place: the built-ins `tokens`, `indices`, `length`, and constants as
 * literals. Each definition is written by describe.ts's renderer, its children by the names
 * chosen here: maps as infix expressions over their inputs' names, stated encodings as
 * `numerical(...)` / `categorical(...)`.
 */
import { children, topoSort, type RaspNode, type SOp } from './ast.ts';
import { RESERVED_NAMES } from './builtins.ts';
import { constText, PREC, renderNode, tokensText, type Rendered } from './describe.ts';
import { RaspError } from './errors.ts';
import { KEYWORDS } from './lexer.ts';
import type { Program } from './program.ts';
import type { Value } from './values.ts';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A name the printer may write: an identifier that is no keyword and no built-in. */
export function isPrintableName(name: string): boolean {
  return IDENTIFIER.test(name) && !KEYWORDS.has(name) && !RESERVED_NAMES.has(name);
}

/** Nodes written in place rather than assigned: the built-in s-ops and constants with no stated encoding. */
function isInline(n: RaspNode): boolean {
  if (n.kind === 'tokens' || n.kind === 'indices' || n.kind === 'length') return !n.encoding;
  return n.kind === 'const' && !n.encoding;
}

export function printProgram(p: Program): string {
  const output = p.output;
  // Other named nodes are kept when they do not depend on the output, so the output stays last.
  const readsOutput = new Set<number>();
  for (const n of topoSort([...p.named.values(), output])) if (n.id === output.id || children(n).some((c) => readsOutput.has(c.id))) readsOutput.add(n.id);
  const others = [...p.named.values()].filter((n) => !readsOutput.has(n.id));
  const order = topoSort([...others, output]);
  const names = chooseNames(order.filter((n) => !isInline(n)));

  const ref = (n: RaspNode): Rendered => {
    const assigned = names.get(n.id);
    if (assigned) return { text: assigned, prec: PREC.atom };
    if (n.kind === 'const') return { text: constText(n.value, n.float), prec: typeof n.value === 'number' && n.value < 0 ? PREC.prefix : PREC.atom };
    return { text: n.kind === 'tokens' ? tokensText(n, true) : n.kind, prec: PREC.atom };
  };

  const lines: string[] = [...headerLines(p), ''];
  for (const n of order) {
    const name = names.get(n.id);
    if (name === undefined) continue;
    lines.push(`${name} = ${definition(n, ref)};`);
  }
  if (isInline(output)) lines.push(`${outputName(output, names)} = ${inlineOutput(output, ref)};`);
  return `${lines.join('\n')}\n`;
}

function outputName(output: SOp, taken: Map<number, string>): string {
  const used = new Set(taken.values());
  if (output.name && isPrintableName(output.name) && !used.has(output.name)) return output.name;
  let name = 'output';
  for (let i = 1; used.has(name); i++) name = `output${i}`;
  return name;
}

/** An inline output (a built-in or constant) still needs an assignment; a constant must be made an s-op. */
function inlineOutput(output: SOp, ref: (n: RaspNode) => Rendered): string {
  return output.kind === 'const' ? `categorical(${ref(output).text})` : ref(output).text;
}

/** Each assigned node's name: its own when printable and not yet taken, else a fresh `v<N>`. */
function chooseNames(nodes: readonly RaspNode[]): Map<number, string> {
  const wanted = new Set(nodes.map((n) => n.name).filter((x): x is string => !!x && isPrintableName(x)));
  const used = new Set<string>();
  const out = new Map<number, string>();
  let fresh = 1;
  for (const n of nodes) {
    let name = n.name;
    if (!name || !isPrintableName(name) || used.has(name)) {
      do name = `v${fresh++}`;
      while (wanted.has(name) || used.has(name));
    }
    used.add(name);
    out.set(n.id, name);
  }
  return out;
}

function definition(n: RaspNode, ref: (n: RaspNode) => Rendered): string {
  if (n.kind === 'map' && n.fn.kind === 'native') throw new RaspError(`cannot print a map given as a JavaScript function${n.name ? ` ('${n.name}')` : ''}`);
  // A stated encoding of the input: the built-in as program text names it (the input as it is is tokens_asis).
  if (n.kind === 'tokens' && n.encoding) return `${n.encoding}(${tokensText(n, true)})`;
  return renderNode(n, ref).text;
}

function headerLines(p: Program): string[] {
  const lines = [`# ${p.name}`];
  if (p.vocab && vocabRoundTrips(p.vocab)) lines.push(`# vocab: ${p.vocab.map(String).join(' ')}`);
  if (p.maxLen !== undefined) lines.push(`# max-len: ${p.maxLen}`);
  return lines;
}

/** Whether `# vocab:` can state this vocabulary: all numbers, or words that are not all numeric. */
function vocabRoundTrips(vocab: readonly Value[]): boolean {
  if (vocab.length === 0) return false;
  if (vocab.every((v) => typeof v === 'number')) return true;
  if (!vocab.every((v) => typeof v === 'string' && v !== '' && !/[\s#]/.test(v))) return false;
  return !vocab.every((v) => !Number.isNaN(Number(v)));
}
